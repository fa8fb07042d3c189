"""A client that sends its headers and then the body a byte at a time must not
hold one of `web`'s threads for long: gunicorn's gthread worker reads the body
in the thread that runs the request, and gunicorn has no body timeout.

BodyDeadline reads the whole body (at most MAX_BODY) up front, with the
socket's read side shut down when BODY_DEADLINE runs out — however the client
drips its bytes — and answers 408. Slow *headers* are the job of what stands
in front of `web` (a load balancer or nginx, which buffer requests); README
says so."""
from __future__ import annotations

import io
import json
import logging
import socket
import threading

log = logging.getLogger(__name__)
BODY_DEADLINE_S = 5.0  # Slack and the platforms send their whole (small) body at once


class BodyDeadline:
    def __init__(self, app, max_body: int, deadline_s: float = BODY_DEADLINE_S):
        self.app, self.max_body, self.deadline_s = app, max_body, deadline_s

    def __call__(self, environ, start_response):
        sock = environ.get("gunicorn.socket")
        length = environ.get("CONTENT_LENGTH") or ""
        if sock is None or environ.get("REQUEST_METHOD") != "POST" or (length.isdigit() and int(length) > self.max_body):
            return self.app(environ, start_response)  # the app answers 413 without reading
        expired = threading.Event()

        def cut_off() -> None:
            expired.set()
            try:
                sock.shutdown(socket.SHUT_RD)  # the blocked read returns; the answer can still be written
            except OSError:
                pass

        timer = threading.Timer(self.deadline_s, cut_off)
        timer.daemon = True
        timer.start()
        try:
            body = environ["wsgi.input"].read(self.max_body + 1)
        except Exception as exc:  # noqa: BLE001 - gunicorn's NoMoreData, a reset, a closed socket
            body, expired_reason = b"", exc
        else:
            expired_reason = None
        finally:
            timer.cancel()
        if expired.is_set() or expired_reason is not None:
            log.warning("%s %s: body not received within %.0f s; answered 408", environ.get("REQUEST_METHOD"),
                        environ.get("PATH_INFO"), self.deadline_s)
            start_response("408 Request Timeout", [("Content-Type", "application/json"), ("Connection", "close")])
            return [json.dumps({"ok": False, "error": "request body not received in time"}).encode()]
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        return self.app(environ, start_response)
