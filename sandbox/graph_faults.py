"""The Graph emulator's failing writes, for the tests of sends that may have
landed: a write refused with Graph's transient 500 before anything is kept,
or stored and then answered 500 or its connection dropped
(GraphState.fail_next_write), and `on_write`, called once a write is stored
and before its answer leaves (a test kills the sending process there)."""
from __future__ import annotations

import socket

from flask import Flask, g, jsonify, request


def transient_error():
    """Graph's answer when it failed on its side: HTTP 500, code 2,
    is_transient (tests/fixtures/facebook/graph_transient_error.json), with
    the type and fbtrace_id Graph's error bodies carry."""
    response = jsonify({"error": {"message": "An unexpected error has occurred. Please retry your request later.",
                                  "type": "OAuthException", "is_transient": True, "code": 2,
                                  "fbtrace_id": "AbCdEfGhIjK"}})
    response.status_code = 500
    return response


def _is_write() -> bool:
    """A comment reply, an Instagram reply or a Send API call (a like is not one)."""
    return request.method == "POST" and request.path.rstrip("/").rsplit("/", 1)[-1] in ("comments", "replies",
                                                                                         "messages")


def register_write_faults(app: Flask, state) -> None:
    """Registered after the token check: a refused token is refused as before."""

    @app.before_request
    def write_fault():
        if not _is_write():
            return None
        with state.lock:
            fault = state.write_faults.pop(0) if state.write_faults else None
        if fault is None:
            return None
        stored, how = fault
        if not stored:
            return transient_error()
        g.lose_answer = how
        return None

    @app.after_request
    def after_write(response):
        stored = _is_write() and response.status_code < 400
        if stored and state.on_write:
            state.on_write(request.get_json(silent=True) or {})
        how = g.pop("lose_answer", None)
        if how is None or not stored:
            return response
        if how == "drop":  # stored, then the connection closes before any answer
            request.environ["werkzeug.socket"].shutdown(socket.SHUT_RDWR)
            return response
        return transient_error()
