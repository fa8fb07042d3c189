"""The `poll` job: fetch new posts from every polling platform and thread them
in Slack. A cursor advances only after Slack accepted every post of the batch;
a lease row makes sure only one replica polls an account at a time.

Two kinds of "not now": a closed rate-limit window or a failure backoff holds
every caller; the spreading of requests over the window (next_poll_at after a
success) paces only the worker — `socialdesk poll` run by a person or cron
(paced=False) polls at once.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update

from adapters.base import AdapterError, CredentialsRejected, Feed, Poller, RateLimit, RateLimited
from bot.inbound import inbox, reviews
from bot.store import queries as store
from bot.deps import Deps, backoff
from bot.inbound.ingest import ingest_post, publish_unposted
from bot.inbound.record import SLACK_OR_DATABASE_AWAY, skipped
from bot.store.models import PollCursor
from bot.slack.slack_out import SLACK_ERRORS
from bot.inbound.tokens import use_stored_tokens

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AccountPoll:
    name: str                       # "X @acme_support"
    posted: int = 0
    threads: int = 0
    skipped: str | None = None      # why it was not asked now
    error: str | None = None
    credentials_rejected: bool = False

    def describe(self) -> str:
        if self.skipped:
            return f"{self.name}: {self.skipped}"
        if self.error:
            return f"{self.name}: {self.error}"
        if not self.posted:
            return f"{self.name}: nothing new"
        posts = "1 new post" if self.posted == 1 else f"{self.posted} new posts"
        threads = "1 thread" if self.threads == 1 else f"{self.threads} threads"
        return f"{self.name}: {posts} in {threads}"


@dataclass(frozen=True)
class PollResult:
    posted: int
    accounts: tuple[AccountPoll, ...] = ()
    slack_error: str | None = None
    retried: int = 0                # earlier posts that reached Slack only now

    @property
    def errors(self) -> tuple[str, ...]:
        found = [f"slack: {self.slack_error}"] if self.slack_error else []
        return tuple(found + [a.error for a in self.accounts if a.error])

    @property
    def credentials_rejected(self) -> bool:
        return any(a.credentials_rejected for a in self.accounts)

    def describe(self) -> str:
        parts = [a.describe() for a in self.accounts] or ["no platform is on (set X's four credentials)"]
        if self.retried:
            parts.append(f"{self.retried} held-back post{'s' if self.retried > 1 else ''} now in Slack")
        if self.slack_error:
            parts.append(f"Slack refused a post ({self.slack_error}); it stays queued and is retried")
        return "; ".join(parts)


def next_poll_time(now: datetime, interval: timedelta, limit: RateLimit | None) -> datetime:
    """Spread the requests left in the rate-limit window over what is left of it,
    never faster than POLL_INTERVAL and never before the window reopens."""
    if limit is None:
        return now + interval
    if limit.remaining <= 0:
        return max(limit.reset_at, now + timedelta(seconds=1))
    spread = (limit.reset_at - now) / limit.remaining
    return now + max(interval, spread)


def _at(moment: datetime) -> str:
    return f"{moment:%H:%M:%S} UTC"


def poll(deps: Deps, now: datetime, paced: bool = True) -> PollResult:
    owner = store.lease_owner()
    use_stored_tokens(deps)
    try:
        inbox.recover(deps, now)  # webhook deliveries a stopped web accepted but never recorded
        retried = publish_unposted(deps, now)
    except SLACK_ERRORS as exc:
        log.warning("Slack refused a post; it stays queued: %s", exc)
        return PollResult(0, slack_error=str(exc))
    accounts = []
    for adapter in deps.adapters.values():
        if not isinstance(adapter, Poller):
            continue
        try:
            feeds = adapter.feeds()
        except CredentialsRejected as exc:
            # The worker's only word on it; a one-shot pass (paced=False) says it in its summary line.
            log.log(logging.ERROR if paced else logging.DEBUG, "%s: %s", adapter.label, exc)
            accounts.append(AccountPoll(adapter.label, error=str(exc), credentials_rejected=True))
            continue
        except AdapterError as exc:
            log.warning("%s: cannot identify the account yet: %s", adapter.label, exc)
            accounts.append(AccountPoll(adapter.label, error=f"cannot identify the account yet ({exc})"))
            continue
        accounts.extend(poll_feed(deps, feed, owner, now, paced) for feed in feeds)
    return PollResult(retried + sum(a.posted for a in accounts), tuple(accounts), retried=retried)


# While signed webhook events keep arriving for an account, the worker polls
# its feeds this rarely: a safety net for events lost on the way, not the path.
WEBHOOK_SAFETY_NET = timedelta(minutes=15)
# "Keep arriving" means one came within this many poll intervals (at most the
# safety net). The schedule itself stays at POLL_INTERVAL and the question is
# asked again at each tick, so when webhooks stop — a subscription that broke
# silently, the sandbox's *webhooks* unticked — polling is back at
# POLL_INTERVAL within this window, not a safety net (or an hour) later.
WEBHOOK_QUIET_INTERVALS = 5


def webhooks_arriving(webhook_at: datetime | None, now: datetime, poll_interval: timedelta) -> bool:
    return webhook_at is not None and now - webhook_at < min(WEBHOOK_QUIET_INTERVALS * poll_interval,
                                                             WEBHOOK_SAFETY_NET)


def safety_net_wait(cursor: PollCursor | None, now: datetime, poll_interval: timedelta) -> datetime | None:
    """When the worker's next look at a feed whose webhooks keep arriving is
    due (None: poll it as usual). The last pass is the cursor's updated_at."""
    if cursor is None or cursor.updated_at is None or not webhooks_arriving(cursor.webhook_at, now, poll_interval):
        return None
    due = cursor.updated_at + WEBHOOK_SAFETY_NET
    return due if due > now else None


def poll_feed(deps: Deps, feed: Feed, owner: str, now: datetime, paced: bool) -> AccountPoll:
    key, name = feed.key, feed.name
    lease = deps.lease_until(now, timedelta(seconds=60))
    window_key = f"{key}:read"
    with deps.sessions() as session:
        store.ensure_cursor(session, key)
        closed_until = store.window_closed_until(session, window_key, now)
        if closed_until:
            return AccountPoll(name, skipped=f"rate-limit window closed until {_at(closed_until)}")
        if paced:  # a person's `socialdesk poll` asks now whatever the webhooks do
            net = safety_net_wait(session.get(PollCursor, key, populate_existing=True), now,
                                  deps.settings.poll_interval)
            if net is not None:
                session.commit()
                return AccountPoll(name, skipped=f"webhooks are arriving; safety-net poll at {_at(net)}")
        cursor = store.claim_cursor(session, key, owner, now, lease, paced)
        session.commit()
        if cursor is None:
            return AccountPoll(name, skipped=_why_not_now(session, key, now, paced))
        session.expunge(cursor)  # written back by _release only, and only while the lease is ours
        start_time = None
        if cursor.cursor is None and deps.settings.backfill is not None:
            start_time = now - deps.settings.backfill
        outcome = _fetch_and_post(deps, feed, cursor, start_time, now, window_key, session)
        if outcome.error:
            log.warning("%s poll: %s (next try %s)", name, outcome.error, cursor.next_poll_at)
        elif outcome.posted:
            log.info("%s", outcome.describe())
        if not _release(session, cursor, owner, outcome.error, now):
            log.warning("%s poll: this pass outlived its lease and another process took the account over; "
                        "its cursor is left to that process (what was posted stays posted, once)", name)
        session.commit()
        return outcome


def _release(session, cursor: PollCursor, owner: str, error: str | None, now: datetime) -> bool:
    """Write this pass's position back and give the lease up — only if the
    lease is still ours: a pass that ran past its lease and was taken over
    must neither free the new owner's lease nor write over its position."""
    result = session.execute(
        update(PollCursor)
        .where(PollCursor.key == cursor.key, PollCursor.lease_owner == owner)
        .values(cursor=cursor.cursor, failures=cursor.failures, next_poll_at=cursor.next_poll_at, last_error=error,
                lease_until=None, lease_owner=None, updated_at=now)
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


def _fetch_and_post(deps, feed: Feed, cursor, start_time, now, window_key, session) -> AccountPoll:
    name = feed.name
    try:
        result = feed.fetch(cursor.cursor, start_time)
    except RateLimited as exc:
        cursor.next_poll_at = exc.retry_at
        store.close_window(session, window_key, exc.retry_at)
        return AccountPoll(name, skipped=f"rate-limit window closed until {_at(exc.retry_at)}")
    except CredentialsRejected as exc:
        cursor.failures += 1
        cursor.next_poll_at = now + backoff(cursor.failures)
        return AccountPoll(name, error=str(exc), credentials_rejected=True)
    except AdapterError as exc:
        cursor.failures += 1
        cursor.next_poll_at = now + backoff(cursor.failures)
        return AccountPoll(name, error=f"{exc}; retrying after {_at(cursor.next_poll_at)}")
    except Exception as exc:  # noqa: BLE001 - a page the adapter could not read stops this feed, not the pass
        cursor.failures += 1
        cursor.next_poll_at = now + backoff(cursor.failures)
        log.exception("%s: the page could not be read", name)
        return AccountPoll(name, error=f"the page could not be read ({type(exc).__name__}); "
                                       f"retrying after {_at(cursor.next_poll_at)}")
    posted, threads = 0, set()
    try:
        for post in [*result.posts, *_listing_news(deps, result, now)]:
            try:
                conversation = ingest_post(deps, post, now)
            except SLACK_OR_DATABASE_AWAY:
                raise
            except Exception as exc:  # noqa: BLE001 - one bad post never stops the page or the cursor
                skipped(post.platform, post.external_id, exc)
                continue
            if conversation is not None:
                posted += 1
                threads.add(conversation)
    except SLACK_ERRORS as exc:
        cursor.failures += 1
        cursor.next_poll_at = now + backoff(cursor.failures)
        return AccountPoll(name, posted, len(threads),
                           error=f"Slack refused a post ({exc}); the rest is retried after {_at(cursor.next_poll_at)}")
    cursor.cursor = result.cursor or cursor.cursor
    cursor.failures = 0
    cursor.next_poll_at = next_poll_time(now, deps.settings.poll_interval, result.rate_limit)
    if result.rate_limit and result.rate_limit.remaining <= 0:
        store.close_window(session, window_key, result.rate_limit.reset_at)
    return AccountPoll(name, posted, len(threads))


def _listing_news(deps: Deps, result, now: datetime) -> list:
    """A platform that never says a post was deleted (Google reviews): its complete list does (bot.inbound.reviews)."""
    if result.listing is None:
        return []
    with deps.sessions() as session:
        return reviews.listing_news(session, result.listing, now)


def _why_not_now(session, key: str, now: datetime, paced: bool) -> str:
    cursor = session.get(PollCursor, key, populate_existing=True)
    if cursor.lease_until and cursor.lease_until >= now:
        return "another process is polling it right now"
    if cursor.failures:
        return f"backing off after a failure until {_at(cursor.next_poll_at)}"
    return f"next poll at {_at(cursor.next_poll_at)} (spread over the rate-limit window)"
