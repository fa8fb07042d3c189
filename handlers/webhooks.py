"""`/webhooks/<platform>`: a platform pushes customer posts to `web`.

GET answers the platform's subscription check (X's CRC). POST is verified
over the raw body before anything else (constant time, 401 when missing or
wrong) and parsed (400 when malformed); the verified body is committed as one
row (bot/inbound/inbox.py) and the platform answered at once, whatever the batch
size. Right after the answer, in this process, on a small executor: the
posts are recorded under their unique keys (a retried delivery, or a post
polling already saw, changes nothing), the authors' names looked up where the
delivery had only ids, and the Slack posts made — no worker needs to run.
"""
from __future__ import annotations

import json
import logging
import threading
from collections import deque
from concurrent.futures import Executor

from flask import Flask, jsonify, request

from adapters.base import AdapterError, WebhookSource
from bot.inbound import inbox
from bot.store import queries as store
from bot.deps import Deps
from bot.inbound.ingest import publish_unposted
from bot.slack.slack_out import SLACK_ERRORS

log = logging.getLogger(__name__)
MAX_BODY = 1024 * 1024


def _error(status: int, message: str):
    return jsonify({"ok": False, "error": message}), status


class Recorder:
    """After the answers: records accepted deliveries one at a time, in the
    order they were accepted, and posts each one's new posts to Slack in that
    same order — a customer's message and their edit of it are two
    deliveries, and must reach the thread in order (and a thread's first post
    must be its root). Recording never waits for Slack: the two queues are
    worked by one executor job each at a time, and a job finding its queue
    worked already leaves at once."""

    def __init__(self, deps: Deps, executor: Executor):
        self.deps, self.executor = deps, executor
        self.to_record: deque = deque()
        self.to_publish: deque = deque()
        self.recording, self.publishing = threading.Lock(), threading.Lock()

    def add(self, inbox_id: int, route: str, adapters: list[WebhookSource], body: dict) -> None:
        self.to_record.append((inbox_id, route, adapters, body))
        self.executor.submit(self.record_waiting)

    def record_waiting(self) -> None:
        while self.to_record and self.recording.acquire(blocking=False):
            try:
                while self.to_record:
                    self._record(*self.to_record.popleft())
            finally:
                self.recording.release()

    def _record(self, inbox_id: int, route: str, adapters: list[WebhookSource], body: dict) -> None:
        claimed: dict = {}  # the new posts, claimed for this process's publisher as they are recorded
        try:
            ids = inbox.record(self.deps, inbox_id, route, adapters, body, self.deps.clock(), claimed=claimed)
        except Exception:  # noqa: BLE001 - a background thread must log, not vanish
            log.exception("%s webhook: delivery %s kept but not recorded yet; the next pass retries",
                          route, inbox_id)
            return
        if ids:
            self.to_publish.append((ids, claimed))
            self.executor.submit(self.publish_waiting)

    def publish_waiting(self) -> None:
        """Everything recorded so far in one pass, in order (a burst's root
        repaints are then done once, after its last post). A job finding
        another at work returns at once: that one looks at the queue again
        after letting go, so nothing is stranded — and no executor thread
        waits on a lock for the minutes a surge at Slack's limit takes
        (with two threads, the recording behind it stalled)."""
        while self.to_publish and self.publishing.acquire(blocking=False):
            try:
                while self.to_publish:
                    ids, claimed = [], {}
                    while self.to_publish:
                        more, their_claims = self.to_publish.popleft()
                        ids.extend(more)
                        claimed.update(their_claims)
                    publish_recorded(self.deps, ids, claimed)
            finally:
                self.publishing.release()


def publish_recorded(deps: Deps, message_ids: list[int], claimed: dict | None = None) -> None:
    """Post what the webhook recorded (claimed: those claimed as they were
    recorded, {id: lease}). A Slack failure leaves the rows unposted; the
    worker's next poll pass retries them."""
    if not message_ids:
        return
    try:
        publish_unposted(deps, deps.clock(), only_ids=message_ids, claimed=claimed)
    except SLACK_ERRORS as exc:
        log.warning("webhook posts recorded but not yet in Slack (%s); the next pass retries", exc)
    except Exception:  # noqa: BLE001 - a background thread must log, not vanish
        log.exception("webhook posts recorded but publishing them failed; the next pass retries")


RESULTS = {401: "unsigned", 413: "too_large", 415: "unsupported_type", 400: "malformed", 503: "unavailable"}


def receive(deps: Deps, name: str, adapters: list[WebhookSource], recorder: Recorder):
    """Answer the delivery, and count a refused one by result for /metrics
    (an accepted one is counted once its posts are recorded)."""
    answer = _receive(deps, name, adapters, recorder)
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


def _receive(deps: Deps, name: str, adapters: list[WebhookSource], recorder: Recorder):
    """adapters: every platform behind this route (Meta's one route serves the
    Page and Instagram, each with its own secret): the delivery is theirs whose
    signature matches. Nothing here waits on a platform or on the number of
    entries: the body is kept as it came and read after the answer."""
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
    except (ValueError, UnicodeDecodeError, RecursionError):
        return _error(400, "malformed JSON: a JSON object is expected")
    now = deps.clock()
    with deps.sessions() as session:
        inbox_id = inbox.accept(session, name, [a.platform for a in signed], body, now,
                                deps.settings.delivery_lease)
        for key in filter(None, map(_account_key, signed)):
            store.note_webhook_delivery(session, key, now)
        session.commit()
    recorder.add(inbox_id, name, signed, payload)
    return jsonify({"ok": True})


def _account_key(adapter: WebhookSource) -> str | None:
    """X's key needs its user id, looked up once from the network: not worth
    holding an answer for (its polling just stays at the usual pace)."""
    try:
        return adapter.account_key
    except AdapterError:
        return None


def recover_now_and_then(deps: Deps, last: list) -> None:
    """Deliveries (and Slack message events) a stopped process accepted but
    never recorded, and posts recorded but not yet in Slack (Slack refused,
    or the process stopped):
    done when web starts and after a delivery, at most once per
    DELIVERY_LEASE (the worker's poll pass does it too), so no worker is
    needed for them either."""
    now = deps.clock()
    if last and now - last[0] < deps.settings.delivery_lease:
        return
    last[:] = [now]
    try:
        from handlers.slack_events import recover_slack_events
        recover_slack_events(deps, now)  # Slack message events acked by a stopped process
        publish_unposted(deps, now, only_ids=inbox.recover(deps, now))
        # Only what waited a lease: newer posts are this process's recorder's to post.
        publish_unposted(deps, now, recorded_before=now - deps.settings.delivery_lease)
    except SLACK_ERRORS as exc:
        log.warning("webhook posts recorded but not yet in Slack (%s); the next pass retries", exc)
    except Exception:  # noqa: BLE001 - a background thread must log, not vanish
        log.exception("webhook deliveries left by a stopped process not recorded yet; the next pass retries")


def register(flask: Flask, deps: Deps, executor: Executor) -> None:
    sources: dict[str, list[WebhookSource]] = {}
    last_recovery: list = []
    recorder = Recorder(deps, executor)
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
        answer = receive(deps, name, sources[name], recorder)
        executor.submit(recover_now_and_then, deps, last_recovery)
        return answer
