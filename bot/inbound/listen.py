"""The `listen` job: for every platform that can search (adapters.listening.Searcher),
LISTEN_TERMS are searched since each search's cursor, and every match — a post
that names the brand without tagging it — becomes a 👂 conversation in
LISTEN_CHANNEL (bot.inbound.ingest). A search is a feed with its own cursor, so
the poll job's machinery carries it: a lease per search, the cursor advanced
only after Slack took every match, rate-limit windows, backoff.

Where every read is billed (X's pay-per-use plan) a search has a daily cap:
the reads are counted per platform and UTC day in the database (every process
sees them; /metrics shows them), a search asks for no more than the day has
left, and once the cap is reached the search stops until the next UTC day,
with one log line saying so."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from adapters.base import AdapterError, CredentialsRejected, Feed, FetchResult, PermanentSendError, RateLimited
from adapters.listening import Search, Searcher
from bot.deps import Deps
from bot.inbound.poll import AccountPoll, poll_feed
from bot.store import queries as store
from bot.store.listen_reads import add_reads, reads_on, utc_day

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ListenResult:
    searches: tuple[AccountPoll, ...] = ()

    @property
    def posted(self) -> int:
        return sum(s.posted for s in self.searches)

    @property
    def credentials_rejected(self) -> bool:
        return any(s.credentials_rejected for s in self.searches)

    def describe(self) -> str:
        return "; ".join(s.describe() for s in self.searches) or "no platform that can search is on"


def next_utc_day(now: datetime) -> datetime:
    today = now.astimezone(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    return today + timedelta(days=1)


def listen(deps: Deps, now: datetime, paced: bool = True) -> ListenResult:
    """One listening pass (nothing when LISTEN_TERMS is unset)."""
    terms = deps.settings.listen_terms
    if not terms:
        return ListenResult()
    owner = store.lease_owner()
    outcomes = []
    for adapter in deps.adapters.values():
        if not isinstance(adapter, Searcher):
            continue
        try:
            searches = adapter.searches(terms)
        except CredentialsRejected as exc:
            outcomes.append(AccountPoll(f"{adapter.label} search", error=str(exc), credentials_rejected=True))
            continue
        except (AdapterError, PermanentSendError) as exc:  # the account not known yet: the next pass asks again
            outcomes.append(AccountPoll(f"{adapter.label} search", error=f"cannot identify the account yet ({exc})"))
            continue
        for search in searches:
            if deps.stopping():
                break
            outcomes.append(poll_feed(deps, _counted(deps, adapter.platform, search, now), owner, now, paced))
    return ListenResult(tuple(outcomes))


def _counted(deps: Deps, platform: str, search: Search, now: datetime) -> Feed:
    """The search as a feed: asks for what the day's cap leaves, and counts
    what the platform says it read the moment it answers (before anything is
    posted: a crash later cannot make a billed read go uncounted)."""
    def fetch(cursor: str | None, start_time: datetime | None) -> FetchResult:
        day = utc_day(now)
        most = None
        if search.daily_reads is not None:
            with deps.sessions() as session:
                most = search.daily_reads - reads_on(session, platform, day)
            if most < search.smallest_read:
                reopens = next_utc_day(now)
                # The window closed below makes this the day's only line about it.
                log.warning("%s: the day's read cap (%s posts) is reached; listening there stops until "
                            "%s UTC", search.name, search.daily_reads, f"{reopens:%Y-%m-%d %H:%M}")
                raise RateLimited(reopens, f"the day's read cap of {search.daily_reads} posts is reached")
        result = search.fetch(cursor, start_time, most)
        with deps.sessions() as session:
            add_reads(session, platform, day, result.reads)
            session.commit()
        return result
    return Feed(search.key, search.name, fetch)
