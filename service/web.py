"""The HTTP surface of `socialdesk web` (a Flask app served by gunicorn).

Bolt parses the body before it checks the signature, so malformed bodies would
surface as 500s; slack_guard() answers 401/400/413/415 first (service/slack_shape.py).
"""
from __future__ import annotations

import logging
from concurrent.futures import Executor, ThreadPoolExecutor

from flask import Flask, Request, jsonify, request
from slack_bolt import App
from slack_bolt.adapter.flask import SlackRequestHandler
from werkzeug.exceptions import HTTPException

from bot.store.db import database_problem, database_unavailable
from handlers import webhooks
from service import metrics
from service.bolt_app import MALFORMED
from service.slack_shape import body_problem, signature_ok
from service.slow_clients import BodyDeadline
from bot.deps import Deps

log = logging.getLogger(__name__)
MAX_BODY = webhooks.MAX_BODY  # 1 MB, for Slack and the platforms alike


def _error(status: int, message: str):
    return jsonify({"ok": False, "error": message}), status


def slack_guard(req: Request, secret: str):
    """A (response, status) for a request Bolt must not see, or None."""
    if req.content_length is not None and req.content_length > MAX_BODY:
        return _error(413, "body over 1 MB")
    body = req.get_data(cache=True)  # werkzeug enforces MAX_CONTENT_LENGTH → 413
    if not signature_ok(secret, req.headers, body):
        return _error(401, "missing, forged or stale Slack signature")
    problem = body_problem(req.mimetype, body)
    return _error(*problem) if problem else None


def create_web_app(deps: Deps, bolt: App, executor: Executor | None = None) -> Flask:
    """executor: where webhook posts are published after the answer (tests
    pass one they can drain)."""
    flask = Flask("socialdesk")
    flask.config["MAX_CONTENT_LENGTH"] = MAX_BODY
    handler = SlackRequestHandler(bolt)
    secret = deps.settings.slack_signing_secret or ""
    engine = deps.sessions.kw["bind"]

    @flask.post("/slack/events")
    def slack_events():
        problem = slack_guard(request, secret)
        if problem is not None:
            return problem
        return handler.handle(request)

    webhooks.register(flask, deps, executor or ThreadPoolExecutor(max_workers=2, thread_name_prefix="webhook"))
    metrics.register(flask, deps)

    @flask.get("/healthz")
    def healthz():
        problem = database_problem(engine)
        if problem is None:
            return jsonify({"ok": True})
        return jsonify({"ok": False, "error": problem}), 503

    @flask.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        return _error(exc.code or 500, exc.description or exc.name)

    @flask.errorhandler(Exception)
    def unexpected(exc: Exception):
        """What no check above caught: never a traceback in the answer. A field
        the sender left out or mistyped is their 400; an absent database is a 503
        the sender retries; anything else is our bug, logged in full."""
        if database_unavailable(exc):
            log.error("database unavailable on %s; answered 503: %s", request.path, str(exc).splitlines()[0])
            return _error(503, "database unavailable; retry later")
        if isinstance(exc, MALFORMED):
            log.warning("malformed request on %s (%s: %s); answered 400", request.path, type(exc).__name__, exc)
            return _error(400, "malformed request")
        log.exception("unexpected error on %s", request.path)
        return _error(500, "internal error; it is in the socialdesk log")

    flask.wsgi_app = BodyDeadline(flask.wsgi_app, MAX_BODY)
    return flask
