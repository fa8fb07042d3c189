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

    timer = threading.Timer(deadline_s, cut_off)
    timer.daemon = True
    timer.start()
    try:
        body = stream.read(max_body + 1)
    except Exception:  # noqa: BLE001 - gunicorn's NoMoreData, a reset, a closed socket
        return None
    finally:
        timer.cancel()
    return None if expired.is_set() else body
