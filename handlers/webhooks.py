"""`/webhooks/<platform>`: a platform pushes customer posts to `web`.

GET answers the platform's subscription check (X's CRC). POST is verified
over the raw body before anything else (constant time, 401 when missing or
wrong), parsed (400 when malformed), and its posts recorded under their
unique keys and committed before the answer — a retried delivery, or a post
polling already saw, changes nothing. The Slack post follows right after the
answer, in this process, on a small executor: no worker needs to run.
"""
from __future__ import annotations

import json
import logging
from concurrent.futures import Executor

from flask import Flask, jsonify, request

from adapters.base import AdapterError, WebhookSource
from bot import store
from bot.deps import Deps
from bot.ingest import publish_unposted, record_posts
from bot.slack_out import SLACK_ERRORS

log = logging.getLogger(__name__)
MAX_BODY = 1024 * 1024


def _error(status: int, message: str):
    return jsonify({"ok": False, "error": message}), status


def publish_recorded(deps: Deps, message_ids: list[int]) -> None:
    """After the answer: post what the webhook recorded. A Slack failure
    leaves the rows unposted; the worker's next poll pass retries them."""
    try:
        publish_unposted(deps, deps.clock(), only_ids=message_ids)
    except SLACK_ERRORS as exc:
        log.warning("webhook posts recorded but not yet in Slack (%s); the next pass retries", exc)
    except Exception:  # noqa: BLE001 - a background thread must log, not vanish
        log.exception("webhook posts recorded but publishing them failed; the next pass retries")


RESULTS = {401: "unsigned", 413: "too_large", 415: "unsupported_type", 400: "malformed", 503: "unavailable"}


def receive(deps: Deps, name: str, adapters: list[WebhookSource], executor: Executor):
    """Answer the delivery, and count it by result for /metrics."""
    answer = _receive(deps, adapters, executor)
    status = answer[1] if isinstance(answer, tuple) else 200
    result = RESULTS.get(status, "other") if status != 200 else (
        "accepted" if answer.get_json().get("new") else "nothing_new")
    try:
        with deps.sessions() as session:
            store.count_webhook(session, name, result)
            session.commit()
    except Exception as exc:  # noqa: BLE001 - a count must never change the answer
        log.debug("webhook result not counted: %s", exc)
    return answer


def _receive(deps: Deps, adapters: list[WebhookSource], executor: Executor):
    """adapters: every platform behind this route (Meta's one route serves the
    Page and Instagram, each with its own secret): the delivery is theirs whose
    signature matches; each takes the entries of its own object."""
    if request.content_length is not None and request.content_length > MAX_BODY:
        return _error(413, "body over 1 MB")
    body = request.get_data(cache=True)
    signed = [a for a in adapters if a.verify_webhook(request.headers, body)]
    label = " / ".join(a.label for a in adapters)
    if not signed:
        log.warning("%s webhook: missing or wrong signature; ignored", label)
        return _error(401, "missing or wrong signature")
    if request.mimetype != "application/json":
        return _error(415, f"unsupported content type {request.mimetype or '(none)'}")
    try:
        payload = json.loads(body)
        if not isinstance(payload, dict):
            raise ValueError("not an object")
        posts = [post for adapter in signed for post in adapter.parse_webhook(payload)]
    except (ValueError, UnicodeDecodeError, KeyError, TypeError, AttributeError, IndexError, RecursionError):
        return _error(400, "malformed JSON or an event this endpoint does not understand")
    except AdapterError as exc:  # not the sender's fault: it retries, and polling is the safety net
        log.warning("%s webhook: cannot identify the brand account yet (%s); answered 503", label, exc)
        return _error(503, "cannot identify the brand account yet; retry later")
    now = deps.clock()
    ids = record_posts(deps, posts, now)
    with deps.sessions() as session:
        for adapter in signed:
            store.note_webhook_delivery(session, adapter.account_key, now)
        session.commit()
    if ids:
        executor.submit(publish_recorded, deps, ids)
        log.info("%s webhook: %d new post%s", label, len(ids), "" if len(ids) == 1 else "s")
    else:  # our own messages echoed back, a retried delivery, or events with no customer post
        log.debug("%s webhook: nothing new (%d customer post(s) already recorded)", label, len(posts))
    return jsonify({"ok": True, "new": len(ids)})


def register(flask: Flask, deps: Deps, executor: Executor) -> None:
    sources: dict[str, list[WebhookSource]] = {}
    for adapter in deps.adapters.values():
        if isinstance(adapter, WebhookSource):
            sources.setdefault(adapter.webhook_name, []).append(adapter)

    @flask.get("/webhooks/<name>")
    def webhook_handshake(name: str):
        if name not in sources:
            return _error(404, f"no platform '{name}' is on here")
        for adapter in sources[name]:
            status, answer = adapter.handshake(request.args)
            if status == 200:
                break
        return (jsonify(answer), status) if isinstance(answer, dict) else (answer, status)

    @flask.post("/webhooks/<name>")
    def webhook_events(name: str):
        if name not in sources:
            return _error(404, f"no platform '{name}' is on here")
        return receive(deps, name, sources[name], executor)
