"""A client that sends its headers and then the body a byte at a time must not
hold one of `web`'s threads for long: gunicorn's gthread worker reads the body
in the thread that runs the request, and gunicorn has no body timeout.

BodyDeadline reads the whole body (at most MAX_BODY) up front, with the
socket's read side shut down when its deadline runs out — however the client
drips its bytes — and answers 408. Only SLOW_BODY_SLOTS requests of a process
may wait BODY_DEADLINE for their body; past that, a body must arrive within
QUICK_BODY_S (Slack's and the platforms' arrive with their headers). So
however many clients drip, they hold at most SLOW_BODY_SLOTS of gunicorn's
threads for long, and the rest cycle through in a tenth of a second each:
gunicorn queues requests for its threads first come first served, and a
/healthz or a Slack event behind 200 slow clients waits for all of them.
Slow *headers* are the job of what stands in front of `web` (a load balancer
or nginx, which buffer requests); README says so."""
from __future__ import annotations

import io
import json
import logging
import socket
import threading
import time
from typing import Callable

log = logging.getLogger(__name__)
BODY_DEADLINE_S = 5.0  # Slack and the platforms send their whole (small) body at once
SLOW_BODY_SLOTS = 8  # of gunicorn's 64 threads (service.server.THREADS)
QUICK_BODY_S = 0.1


class BodyDeadline:
    def __init__(self, app, max_body: int, deadline_s: float = BODY_DEADLINE_S, slots: int = SLOW_BODY_SLOTS):
        self.app, self.max_body, self.deadline_s = app, max_body, deadline_s
        self.slots, self.slot_count = threading.BoundedSemaphore(slots), slots

    def __call__(self, environ, start_response):
        sock = environ.get("gunicorn.socket")
        length = environ.get("CONTENT_LENGTH") or ""
        if sock is None or environ.get("REQUEST_METHOD") != "POST" or (length.isdigit() and int(length) > self.max_body):
            return self.app(environ, start_response)  # the app answers 413 without reading
        slot = self.slots.acquire(blocking=False)
        try:
            body = _read_body(environ["wsgi.input"], sock, self.max_body, self.deadline_s if slot else QUICK_BODY_S)
        finally:
            if slot:
                self.slots.release()  # before the app runs: the slot is for waiting on the client only
        if body is None:
            log.warning("%s %s: body not received within %s; answered 408", environ.get("REQUEST_METHOD"),
                        environ.get("PATH_INFO"), f"{self.deadline_s:.0f} s" if slot else
                        f"{QUICK_BODY_S:.1f} s ({self.slot_count} slow bodies were already being waited for)")
            start_response("408 Request Timeout", [("Content-Type", "application/json"), ("Connection", "close")])
            return [json.dumps({"ok": False, "error": "request body not received in time"}).encode()]
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        return self.app(environ, start_response)


class _Deadlines:
    """One watcher thread for the deadlines of every body being read. A
    threading.Timer per request would start a thread per request, and
    Thread.start() waits until the OS has run the new thread: on a loaded
    machine that wait lands on every Slack ack."""

    def __init__(self):
        self._cond = threading.Condition()
        self._due: dict[object, tuple[float, Callable[[], None]]] = {}
        self._wake_at = float("inf")  # when the watcher looks next
        self._thread: threading.Thread | None = None  # started by the first request (after gunicorn's fork)

    def add(self, delay_s: float, callback: Callable[[], None]) -> object:
        token, when = object(), time.monotonic() + delay_s
        with self._cond:
            self._due[token] = (when, callback)
            if self._thread is None:
                self._thread = threading.Thread(target=self._watch, daemon=True, name="body-deadlines")
                self._thread.start()
            elif when < self._wake_at:
                self._cond.notify()  # only a deadline earlier than its next look wakes the watcher
        return token

    def cancel(self, token: object) -> None:
        with self._cond:
            self._due.pop(token, None)

    def _watch(self) -> None:
        while True:
            with self._cond:
                now = time.monotonic()
                expired = [token for token, (when, _) in self._due.items() if when <= now]
                callbacks = [self._due.pop(token)[1] for token in expired]
                if not callbacks:
                    # Idle, it still looks every BODY_DEADLINE_S, so the next
                    # request's deadline (that far ahead) needs no wake-up.
                    self._wake_at = min([when for when, _ in self._due.values()] + [now + BODY_DEADLINE_S])
                    self._cond.wait(self._wake_at - now)
                    continue
            for callback in callbacks:
                callback()


_deadlines = _Deadlines()


def _read_body(stream, sock, max_body: int, deadline_s: float) -> bytes | None:
    """The body (at most max_body + 1 bytes), or None when it did not arrive
    within deadline_s."""
    expired = threading.Event()

    def cut_off() -> None:
        expired.set()
        try:
            sock.shutdown(socket.SHUT_RD)  # the blocked read returns; the answer can still be written
        except OSError:
            pass

    deadline = _deadlines.add(deadline_s, cut_off)
    try:
        body = stream.read(max_body + 1)
    except Exception:  # noqa: BLE001 - gunicorn's NoMoreData, a reset, a closed socket
        return None
    finally:
        _deadlines.cancel(deadline)
    return None if expired.is_set() else body
