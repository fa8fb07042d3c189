"""The `poll` job: fetch new posts from every polling platform and thread them
in Slack. A cursor advances only after Slack accepted every post of the batch;
a lease row makes sure only one replica polls an account at a time."""
from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta


from adapters.base import AdapterError, Capability, RateLimit, RateLimited
from bot import store
from bot.deps import Deps, backoff
from bot.ingest import ingest_post, publish_unposted
from bot.slack_out import SLACK_ERRORS

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PollResult:
    posted: int
    skipped_accounts: int
    errors: tuple[str, ...]


def next_poll_time(now: datetime, interval: timedelta, limit: RateLimit | None) -> datetime:
    """Spread the requests left in the rate-limit window over what is left of it,
    never faster than POLL_INTERVAL and never before the window reopens."""
    if limit is None:
        return now + interval
    if limit.remaining <= 0:
        return max(limit.reset_at, now + timedelta(seconds=1))
    spread = (limit.reset_at - now) / limit.remaining
    return now + max(interval, spread)


def poll(deps: Deps, now: datetime) -> PollResult:
    owner = uuid.uuid4().hex
    errors: list[str] = []
    posted = 0
    try:
        posted += publish_unposted(deps, now)
    except SLACK_ERRORS as exc:
        errors.append(f"slack: {exc}")
        log.warning("Slack refused a post; it stays queued: %s", exc)
        return PollResult(posted, 0, tuple(errors))
    skipped = 0
    for adapter in deps.adapters.values():
        if Capability.POLL not in adapter.capabilities:
            continue
        try:
            key = adapter.account_key
        except AdapterError as exc:
            errors.append(f"{adapter.platform}: {exc}")
            log.warning("%s: cannot identify the account yet: %s", adapter.label, exc)
            continue
        count, error = _poll_account(deps, adapter, key, owner, now)
        if count is None:
            skipped += 1
            continue
        posted += count
        if error:
            errors.append(f"{adapter.platform}: {error}")
    return PollResult(posted, skipped, tuple(errors))


def _poll_account(deps: Deps, adapter, key: str, owner: str, now: datetime):
    lease = now + max(deps.settings.delivery_lease, timedelta(seconds=60))
    with deps.sessions() as session:
        store.ensure_cursor(session, key)
        cursor = store.claim_cursor(session, key, owner, now, lease)
        session.commit()
        if cursor is None:
            return None, None  # not due yet, or another replica is on it
        start_time = None
        if cursor.cursor is None and deps.settings.backfill is not None:
            start_time = now - deps.settings.backfill
        posted, error = 0, None
        try:
            result = adapter.fetch_since(cursor.cursor, start_time)
        except RateLimited as exc:
            error = str(exc)
            cursor.next_poll_at = exc.retry_at
        except AdapterError as exc:
            error = str(exc)
            cursor.failures += 1
            cursor.next_poll_at = now + backoff(cursor.failures)
        else:
            try:
                for post in result.posts:
                    posted += ingest_post(deps, post, now)
            except SLACK_ERRORS as exc:
                error = f"Slack refused a post: {exc}"
                cursor.failures += 1
                cursor.next_poll_at = now + backoff(cursor.failures)
            else:
                cursor.cursor = result.cursor or cursor.cursor
                cursor.failures = 0
                cursor.next_poll_at = next_poll_time(now, deps.settings.poll_interval, result.rate_limit)
        if error:
            log.warning("%s poll: %s (next try %s)", adapter.label, error, cursor.next_poll_at)
        cursor.last_error = error
        cursor.lease_until = None
        cursor.lease_owner = None
        cursor.updated_at = now
        session.merge(cursor)
        session.commit()
        return posted, error
