"""Slack message events between their ack and their records.

The ack of a staff reply is one INSERT (bot.inbound.inbox.keep_slack_event);
everything it means is recorded here, right after, in this process: one
event at a time, in the order Slack sent them — a reply and its edit, or two
replies in one thread, must be recorded in that order — and each one's
private answers and send handed on to the executor, so the next event's
record never waits on Slack or on a platform.

A process that stops in between leaves the envelope kept, its lease running
out: the next recovery pass (a `web` starting, `web` now and then, the
worker's poll pass, `socialdesk poll`) records it. Its body is cleared in the
transaction that records it, so two passes never both record one event.
"""
from __future__ import annotations

import json
import logging
import threading
from collections import deque
from concurrent.futures import Executor
from datetime import datetime
from typing import Callable

from bot.deps import Deps
from bot.inbound.inbox import slack_event_done, stale_slack_events

log = logging.getLogger(__name__)
# process(deps, event_id, body, context, final) -> whether it was recorded now (False: done already)
Process = Callable[..., bool]
# after(deps, event_id, body, context): what is owed once it is recorded
After = Callable[[Deps, str, dict, dict], None]


class SlackRecorder:
    def __init__(self, deps: Deps, executor: Executor, process: Process, after: After):
        self.deps, self.executor, self.process, self.after = deps, executor, process, after
        self.waiting: deque = deque()
        self.recording = threading.Lock()
        self.last_recovery: list[datetime] = []

    def add(self, event_id: str, body: dict, bot_user_id: str | None) -> None:
        self.waiting.append((event_id, body, bot_user_id))
        self.executor.submit(self.record_waiting)

    def record_waiting(self) -> None:
        """A job finding another at work leaves at once: that one looks at
        the queue again after letting go, so nothing is stranded."""
        while self.waiting and self.recording.acquire(blocking=False):
            try:
                while self.waiting:
                    event_id, body, bot_user_id = self.waiting.popleft()
                    context = {"bot_user_id": bot_user_id}
                    if record_one(self.deps, self.process, event_id, body, context):
                        self.executor.submit(owed, self.deps, self.after, event_id, body, context)
            finally:
                self.recording.release()
        self.recover_now_and_then()

    def recover_now_and_then(self) -> None:
        """At most once per DELIVERY_LEASE per process (a web starting, then
        after events): what a stopped process acked and never recorded."""
        now = self.deps.clock()
        if self.last_recovery and now - self.last_recovery[0] < self.deps.settings.delivery_lease:
            return
        self.last_recovery[:] = [now]
        recover(self.deps, now, self.process, self.after)


def record_one(deps: Deps, process: Process, event_id: str, body: dict, context: dict, final: bool = False) -> bool:
    try:
        return process(deps, event_id, body, context, final=final)
    except Exception:  # noqa: BLE001 - a background thread must log, not vanish; the envelope stays kept
        log.exception("Slack event %s kept but not recorded yet; the next recovery pass retries it", event_id)
        return False


def owed(deps: Deps, after: After, event_id: str, body: dict, context: dict) -> None:
    try:
        after(deps, event_id, body, context)
    except Exception:  # noqa: BLE001 - recorded already: the worker's passes send and settle what is left
        log.exception("Slack event %s recorded; what it owed after (answers, the send) failed; the worker's "
                      "passes pick up the send", event_id)


def recover(deps: Deps, now: datetime, process: Process, after: After) -> int:
    """Record, oldest first, every kept event whose lease ran out (its process
    stopped): how many were recorded now."""
    done = 0
    for event_id, raw in stale_slack_events(deps, now):
        try:
            body = json.loads(raw)
        except ValueError as exc:  # Bolt parsed it before the ack: not expected, but never retried forever
            body = None
            log.error("Slack event %s: its kept envelope is not JSON (%s); dropped", event_id, exc)
            with deps.sessions() as session:
                slack_event_done(session, event_id)
                session.commit()
        context: dict = {}
        if body is not None and record_one(deps, process, event_id, body, context, final=True):
            owed(deps, after, event_id, body, context)
            done += 1
    return done
