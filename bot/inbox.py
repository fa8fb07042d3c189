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
from sqlalchemy.orm import Session

from adapters.base import WebhookSource
from bot import store
from bot.deps import Deps, backoff
from bot.ingest import record_posts
from bot.models import WebhookInbox

log = logging.getLogger(__name__)


def accept(session: Session, route: str, sources: list[str], body: bytes, now: datetime,
           lease: timedelta) -> int:
    """Keep a verified delivery, claimed by this process for `lease`. The
    caller commits, then answers the platform."""
    row = WebhookInbox(route=route, sources=",".join(sources), body=body, received_at=now,
                       lease_until=now + lease, attempts=1)
    session.add(row)
    session.flush()
    return row.id


def record_delivery(deps: Deps, inbox_id: int, route: str, posts, now: datetime) -> list[int]:
    """Record a delivery's posts, then drop its row; count it for /metrics.
    The ids of the messages still to publish."""
    ids = record_posts(deps, posts, now)
    with deps.sessions() as session:
        session.execute(delete(WebhookInbox).where(WebhookInbox.id == inbox_id))
        store.count_webhook(session, route, "accepted" if ids else "nothing_new")
        session.commit()
    return ids


def recover(deps: Deps, now: datetime, limit: int = 50) -> list[int]:
    """Deliveries whose process died before recording them: parsed and
    recorded now. The ids of the messages still to publish."""
    found: list[int] = []
    with deps.sessions() as session:
        stale = list(session.scalars(select(WebhookInbox.id).where(WebhookInbox.lease_until < now)
                                     .order_by(WebhookInbox.id).limit(limit)))
    if not stale:
        return found
    sources = _sources(deps)
    for inbox_id in stale:
        with deps.sessions() as session:
            row = session.get(WebhookInbox, inbox_id)
            if row is None or not _claim(session, row, now, deps.settings.delivery_lease):
                continue  # another process took it
            session.commit()
            adapters = [sources[key] for key in row.sources.split(",") if key in sources]
            route, body, attempts = row.route, row.body, row.attempts
        try:
            if not adapters:
                raise LookupError(f"no platform on here signed it ({row.sources})")
            payload = json.loads(body)
            posts = [post for adapter in adapters for post in adapter.parse_webhook(payload)]
        except Exception as exc:  # noqa: BLE001 - it parsed when it came in; a retry may help (a name look-up)
            _failed(deps, inbox_id, now, attempts, exc)
            continue
        log.info("%s webhook: a delivery accepted %s ago is recorded now (%d post%s)", route,
                 _ago(now - row.received_at), len(posts), "" if len(posts) == 1 else "s")
        found.extend(record_delivery(deps, inbox_id, route, posts, now))
    return found


def _sources(deps: Deps) -> dict:
    """The webhook adapters by account_key. Asked only when a delivery waits:
    a key may need the network (X looks its user id up once), and an account
    that cannot answer now only holds its own deliveries."""
    found = {}
    for adapter in deps.adapters.values():
        if isinstance(adapter, WebhookSource):
            try:
                found[adapter.account_key] = adapter
            except Exception as exc:  # noqa: BLE001 - the others' deliveries go on
                log.warning("%s: cannot identify the account to record its webhook deliveries (%s)",
                            adapter.label, exc)
    return found


def _claim(session: Session, row: WebhookInbox, now: datetime, lease: timedelta) -> bool:
    return session.execute(
        update(WebhookInbox).where(WebhookInbox.id == row.id, WebhookInbox.lease_until < now)
        .values(lease_until=now + max(lease, timedelta(seconds=60)), attempts=WebhookInbox.attempts + 1)
        .execution_options(synchronize_session=False)).rowcount == 1


def _failed(deps: Deps, inbox_id: int, now: datetime, attempts: int, exc: Exception) -> None:
    wait = backoff(attempts)
    log.warning("webhook delivery %s could not be read again (%s); retrying in %s", inbox_id, exc, wait)
    with deps.sessions() as session:
        session.execute(update(WebhookInbox).where(WebhookInbox.id == inbox_id)
                        .values(lease_until=now + wait, last_error=str(exc)[:500])
                        .execution_options(synchronize_session=False))
        session.commit()


def _ago(span: timedelta) -> str:
    seconds = int(span.total_seconds())
    return f"{seconds} s" if seconds < 120 else f"{seconds // 60} min"
