"""`/webhooks/<platform>`: a platform pushes customer posts to `web`.

GET answers the platform's subscription check (X's CRC). POST is verified
over the raw body before anything else (constant time, 401 when missing or
wrong) and parsed (400 when malformed); the verified body is committed as one
row (bot/inbox.py) and the platform answered at once, whatever the batch
size. Right after the answer, in this process, on a small executor: the
posts are recorded under their unique keys (a retried delivery, or a post
polling already saw, changes nothing), the authors' names looked up where the
delivery had only ids, and the Slack posts made — no worker needs to run.
"""
from __future__ import annotations

import json
import logging
from concurrent.futures import Executor

from flask import Flask, jsonify, request

from adapters.base import AdapterError, WebhookSource
from bot import inbox, store
from bot.deps import Deps
from bot.ingest import publish_unposted
from bot.slack_out import SLACK_ERRORS

log = logging.getLogger(__name__)
MAX_BODY = 1024 * 1024


def _error(status: int, message: str):
    return jsonify({"ok": False, "error": message}), status


def record_and_publish(deps: Deps, inbox_id: int, route: str, posts, label: str) -> None:
    """After the answer: record the delivery's posts, then post them. A failure
    leaves the delivery (or the recorded rows) for the next pass to retry."""
    try:
        ids = inbox.record_delivery(deps, inbox_id, route, posts, deps.clock())
    except Exception:  # noqa: BLE001 - a background thread must log, not vanish
        log.exception("%s webhook: delivery kept but not recorded yet; the next pass retries", label)
        return
    if ids:
        log.info("%s webhook: %d new post%s", label, len(ids), "" if len(ids) == 1 else "s")
    else:  # our own messages echoed back, a retried delivery, or events with no customer post
        log.debug("%s webhook: nothing new (%d customer post(s) already recorded)", label, len(posts))
    publish_recorded(deps, ids)


def publish_recorded(deps: Deps, message_ids: list[int]) -> None:
    """Post what the webhook recorded. A Slack failure leaves the rows
    unposted; the worker's next poll pass retries them."""
    if not message_ids:
        return
    try:
        publish_unposted(deps, deps.clock(), only_ids=message_ids)
    except SLACK_ERRORS as exc:
        log.warning("webhook posts recorded but not yet in Slack (%s); the next pass retries", exc)
    except Exception:  # noqa: BLE001 - a background thread must log, not vanish
        log.exception("webhook posts recorded but publishing them failed; the next pass retries")


RESULTS = {401: "unsigned", 413: "too_large", 415: "unsupported_type", 400: "malformed", 503: "unavailable"}


def receive(deps: Deps, name: str, adapters: list[WebhookSource], executor: Executor):
    """Answer the delivery, and count a refused one by result for /metrics
    (an accepted one is counted once its posts are recorded)."""
    answer = _receive(deps, name, adapters, executor)
    status = answer[1] if isinstance(answer, tuple) else 200
    if status == 200:
        return answer
    result = RESULTS.get(status, "other")
    try:
        with deps.sessions() as session:
            store.count_webhook(session, name, result)
            session.commit()
    except Exception as exc:  # noqa: BLE001 - a count must never change the answer
        log.debug("webhook result not counted: %s", exc)
    return answer


def _receive(deps: Deps, name: str, adapters: list[WebhookSource], executor: Executor):
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
    except (ValueError, UnicodeDecodeError, KeyError, TypeError, AttributeError, IndexError, RecursionError,
            OverflowError):
        return _error(400, "malformed JSON or an event this endpoint does not understand")
    except AdapterError as exc:  # not the sender's fault: it retries, and polling is the safety net
        log.warning("%s webhook: cannot identify the brand account yet (%s); answered 503", label, exc)
        return _error(503, "cannot identify the brand account yet; retry later")
    now = deps.clock()
    with deps.sessions() as session:
        inbox_id = inbox.accept(session, name, [a.account_key for a in signed], body, now,
                                deps.settings.delivery_lease)
        for adapter in signed:
            store.note_webhook_delivery(session, adapter.account_key, now)
        session.commit()
    executor.submit(record_and_publish, deps, inbox_id, name, posts, label)
    return jsonify({"ok": True, "received": len(posts)})


def recover_now_and_then(deps: Deps, last: list) -> None:
    """Deliveries a dead process accepted but never recorded: looked for when
    web starts and after a delivery, at most once per DELIVERY_LEASE (the
    worker's poll pass looks too), so no worker is needed for them either."""
    now = deps.clock()
    if last and now - last[0] < deps.settings.delivery_lease:
        return
    last[:] = [now]
    try:
        publish_recorded(deps, inbox.recover(deps, now))
    except Exception:  # noqa: BLE001 - a background thread must log, not vanish
        log.exception("webhook deliveries left by a stopped process not recorded yet; the next pass retries")


def register(flask: Flask, deps: Deps, executor: Executor) -> None:
    sources: dict[str, list[WebhookSource]] = {}
    last_recovery: list = []
    if any(isinstance(a, WebhookSource) for a in deps.adapters.values()):
        executor.submit(recover_now_and_then, deps, last_recovery)
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
        if isinstance(answer, dict):
            return jsonify(answer), status
        # Meta echoes hub.challenge back as the whole body, as text/plain.
        return answer, status, {"Content-Type": "text/plain; charset=utf-8"}

    @flask.post("/webhooks/<name>")
    def webhook_events(name: str):
        if name not in sources:
            return _error(404, f"no platform '{name}' is on here")
        answer = receive(deps, name, sources[name], executor)
        executor.submit(recover_now_and_then, deps, last_recovery)
        return answer
