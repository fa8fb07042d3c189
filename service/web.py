"""The HTTP surface of `socialdesk web` (a Flask app served by gunicorn).

Bolt parses the body before it checks the signature, so malformed bodies would
surface as 500s; slack_guard() answers 401/400/413/415 first.
"""
from __future__ import annotations

import json
import logging
from concurrent.futures import Executor, ThreadPoolExecutor
from urllib.parse import parse_qs

from flask import Flask, Request, jsonify, request
from slack_bolt import App
from slack_bolt.adapter.flask import SlackRequestHandler
from slack_sdk.signature import SignatureVerifier
from werkzeug.exceptions import HTTPException

from bot.db import database_problem
from handlers import webhooks
from service import metrics
from bot.deps import Deps

log = logging.getLogger(__name__)
MAX_BODY = webhooks.MAX_BODY  # 1 MB, for Slack and the platforms alike


def _error(status: int, message: str):
    return jsonify({"ok": False, "error": message}), status


def slack_guard(req: Request, verifier: SignatureVerifier):
    """A (response, status) for a request Bolt must not see, or None."""
    if req.content_length is not None and req.content_length > MAX_BODY:
        return _error(413, "body over 1 MB")
    body = req.get_data(cache=True)  # werkzeug enforces MAX_CONTENT_LENGTH → 413
    timestamp = req.headers.get("X-Slack-Request-Timestamp", "")
    if not timestamp.isdigit() or not verifier.is_valid(
            body=body, timestamp=timestamp, signature=req.headers.get("X-Slack-Signature", "")):
        return _error(401, "missing, forged or stale Slack signature")
    mimetype = req.mimetype
    try:
        if mimetype == "application/json":
            if not isinstance(json.loads(body), dict):
                return _error(400, "JSON body must be an object")
        elif mimetype == "application/x-www-form-urlencoded":
            form = parse_qs(body.decode("utf-8"), strict_parsing=bool(body))
            if "payload" in form and not isinstance(json.loads(form["payload"][0]), dict):
                return _error(400, "payload must be a JSON object")
        else:
            return _error(415, f"unsupported content type {mimetype or '(none)'}")
    except (ValueError, UnicodeDecodeError):
        return _error(400, "malformed body")
    return None


def create_web_app(deps: Deps, bolt: App, executor: Executor | None = None) -> Flask:
    """executor: where webhook posts are published after the answer (tests
    pass one they can drain)."""
    flask = Flask("socialdesk")
    flask.config["MAX_CONTENT_LENGTH"] = MAX_BODY
    handler = SlackRequestHandler(bolt)
    verifier = SignatureVerifier(deps.settings.slack_signing_secret or "")
    engine = deps.sessions.kw["bind"]

    @flask.post("/slack/events")
    def slack_events():
        problem = slack_guard(request, verifier)
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

    return flask
