"""Signed webhook deliveries between the platform's answer and their posts'
records (table webhook_inbox).

A platform waits for our answer and retries or disables a slow endpoint; Meta
batches up to 1,000 entries in one POST, and recording a post (its unique key,
its conversation, the SLA clock) takes a few milliseconds each. So `web`
stores the verified body as one row, answers, and records the posts right
after, in the same process. A process that dies in between leaves the row:
the next poll pass (worker or `socialdesk poll`) or the next `web` to start
records them. Recording twice changes nothing — every post sits under its
unique key — so a lease only keeps two replicas from doing the same work.
"""
from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from adapters.base import WebhookSource
from bot.store import queries as store
from bot.deps import Deps, backoff
from bot.inbound.record import record_posts
from bot.store.models import SlackEvent, WebhookInbox

log = logging.getLogger(__name__)


def accept(session: Session, route: str, sources: list[str], body: bytes, now: datetime,
           lease: timedelta) -> int:
    """Keep a verified delivery (sources: the platforms whose signature
    matched), claimed by this process for `lease`. The caller commits, then
    answers the platform."""
    row = WebhookInbox(route=route, sources=",".join(sources), body=body, received_at=now,
                       lease_until=now + lease, attempts=1)
    session.add(row)
    session.flush()
    return row.id


def read_posts(adapters, payload: dict) -> list:
    """The customer posts in a delivery, by each adapter whose signature
    matched (Meta's one route serves the Page and Instagram: each takes the
    entries of its own object)."""
    return [post for adapter in adapters for post in adapter.parse_webhook(payload)]


def record(deps: Deps, inbox_id: int, route: str, adapters, body: bytes | dict, now: datetime,
           attempts: int = 1, claimed: dict | None = None) -> list[int] | None:
    """Read a kept delivery, record its posts, drop its row and count it for
    /metrics: the ids of the messages still to publish. None when it could not
    be read now (an account not yet identified, a look-up that failed): the
    row is retried with backoff, and given up — in one ERROR line — only
    after GIVE_UP attempts (polling remains the safety net). claimed: the new
    posts are claimed for the caller's publisher as they are recorded (record_posts)."""
    try:
        payload = json.loads(body) if isinstance(body, bytes) else body  # web hands in what it parsed already
        posts = read_posts(adapters, payload if isinstance(payload, dict) else {})
    except Exception as exc:  # noqa: BLE001 - the answer went out long ago: retry, or say why not
        _failed(deps, inbox_id, route, now, attempts, exc)
        return None

    def done(session: Session, ids: list[int]) -> None:
        # In the transaction that records the posts: the row goes with them, never before, one commit fewer.
        session.execute(delete(WebhookInbox).where(WebhookInbox.id == inbox_id))
        store.count_webhook(session, route, "accepted" if ids else "nothing_new")
    ids = record_posts(deps, posts, now, claimed, before_commit=done)
    label = " / ".join(a.label for a in adapters)
    if ids:
        log.info("%s webhook: %d new post%s", label, len(ids), "" if len(ids) == 1 else "s")
    else:  # our own messages echoed back, a retried delivery, or events with no customer post
        log.debug("%s webhook: nothing new (%d customer post(s) already recorded)", label, len(posts))
    return ids


def recover(deps: Deps, now: datetime, limit: int = 50) -> list[int]:
    """Deliveries whose process died before recording them, or that could
    not be read the first time: recorded now. The ids still to publish."""
    found: list[int] = []
    with deps.sessions() as session:
        stale = list(session.scalars(select(WebhookInbox.id).where(WebhookInbox.lease_until < now)
                                     .order_by(WebhookInbox.id).limit(limit)))
    for inbox_id in stale:
        with deps.sessions() as session:
            row = session.get(WebhookInbox, inbox_id)
            if row is None or not _claim(session, row, now, deps.lease_until(now, timedelta(seconds=60))):
                continue  # another process took it
            session.commit()
            adapters = [deps.adapters[p] for p in row.sources.split(",")
                        if isinstance(deps.adapters.get(p), WebhookSource)]
            route, body, attempts, received = row.route, row.body, row.attempts, row.received_at
        log.info("%s webhook: a delivery accepted %s ago is recorded now", route, _ago(now - received))
        found.extend(record(deps, inbox_id, route, adapters, body, now, attempts) or [])
    return found


def _claim(session: Session, row: WebhookInbox, now: datetime, lease_until: datetime) -> bool:
    return session.execute(
        update(WebhookInbox).where(WebhookInbox.id == row.id, WebhookInbox.lease_until < now)
        .values(lease_until=lease_until, attempts=WebhookInbox.attempts + 1)
        .execution_options(synchronize_session=False)).rowcount == 1


GIVE_UP = 20  # attempts, backoff from 1 s to 5 min between them: about an hour and a half


def _failed(deps: Deps, inbox_id: int, route: str, now: datetime, attempts: int, exc: Exception) -> None:
    reason = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"
    with deps.sessions() as session:
        if attempts >= GIVE_UP:
            log.error("%s webhook: delivery %s given up after %d attempts (%s); polling is the safety net",
                      route, inbox_id, attempts, reason)
            session.execute(delete(WebhookInbox).where(WebhookInbox.id == inbox_id))
            store.count_webhook(session, route, "given_up")
        else:
            wait = backoff(attempts)
            log.warning("%s webhook: delivery %s kept, not readable yet (%s); retrying in %s", route, inbox_id,
                        reason, wait)
            session.execute(update(WebhookInbox).where(WebhookInbox.id == inbox_id)
                            .values(lease_until=now + wait, last_error=reason[:500])
                            .execution_options(synchronize_session=False))
        session.commit()


def _ago(span: timedelta) -> str:
    seconds = int(span.total_seconds())
    return f"{seconds} s" if seconds < 120 else f"{seconds // 60} min"


# -- Slack message events: kept by event_id before the ack, recorded after it ---------

def keep_slack_event(engine: Engine, event_id: str, raw: str, now: datetime, lease: timedelta) -> bool:
    """The ack path's one write: the envelope, leased to this process. False
    for a Slack retry of an event already kept (or recorded): one Core
    statement, no ORM, ON CONFLICT DO NOTHING on both databases."""
    insert = postgresql_insert if engine.dialect.name == "postgresql" else sqlite_insert
    with engine.begin() as connection:
        return connection.execute(insert(SlackEvent).values(
            event_id=event_id, received_at=now, body=raw, lease_until=now + lease, attempts=1)
            .on_conflict_do_nothing().returning(SlackEvent.event_id)).first() is not None


def slack_event_done(session: Session, event_id: str) -> bool:
    """Clear a kept envelope, in the transaction that records what it says:
    False when another process (or an earlier pass) recorded it already. On
    PostgreSQL the row's lock makes a second recorder wait and then find it
    cleared; on SQLite the write lock does the same."""
    return session.execute(update(SlackEvent).where(SlackEvent.event_id == event_id, SlackEvent.body.is_not(None))
                           .values(body=None, lease_until=None)
                           .execution_options(synchronize_session=False)).rowcount == 1


def stale_slack_events(deps: Deps, now: datetime, limit: int = 50) -> list[tuple[str, str]]:
    """(event_id, envelope) of message events a stopped process acked and
    never recorded, oldest first, each claimed for a lease by this process."""
    with deps.sessions() as session:
        ids = list(session.scalars(select(SlackEvent.event_id).where(SlackEvent.body.is_not(None),
                                                                      SlackEvent.lease_until < now)
                                   .order_by(SlackEvent.received_at, SlackEvent.event_id).limit(limit)))
        session.commit()
    claimed = []
    for event_id in ids:
        if _given_up(deps, event_id):
            continue
        with deps.sessions() as session:
            took = session.execute(
                update(SlackEvent).where(SlackEvent.event_id == event_id, SlackEvent.body.is_not(None),
                                         SlackEvent.lease_until < now)
                .values(lease_until=deps.lease_until(now, timedelta(seconds=60)),
                        attempts=SlackEvent.attempts + 1)
                .returning(SlackEvent.body, SlackEvent.received_at)).first()
            session.commit()
        if took is not None:
            log.info("Slack event %s acked %s ago by a process that stopped is recorded now", event_id,
                     _ago(now - took.received_at))
            claimed.append((event_id, took.body))
    return claimed


def _given_up(deps: Deps, event_id: str) -> bool:
    """An envelope whose recording failed GIVE_UP times (each logged with its
    traceback) is let go of, in one ERROR line naming the message — rather
    than retried forever."""
    with deps.sessions() as session:
        row = session.execute(select(SlackEvent.attempts, SlackEvent.body)
                              .where(SlackEvent.event_id == event_id)).first()
        if row is None or row.attempts < GIVE_UP:
            return False
        where = ""
        try:
            event = json.loads(row.body).get("event") or {}
            where = f" ({event.get('channel')} {(event.get('message') or event).get('ts')})"
        except (ValueError, AttributeError, TypeError):
            pass
        log.error("Slack event %s%s given up after %d attempts to record it; see the errors logged before",
                  event_id, where, row.attempts)
        slack_event_done(session, event_id)
        session.commit()
    return True
