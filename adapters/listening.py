"""The listening seam (LISTEN_TERMS): a platform that can search for posts
naming the brand is a Searcher — the core asks isinstance(adapter, Searcher),
never which platform it is — and each of its searches keeps its own cursor,
like a poll Feed (adapters.base)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Protocol, Sequence, runtime_checkable

from adapters.base import FetchResult


@dataclass(frozen=True)
class Search:
    """One listening search of an account (LISTEN_TERMS): its own cursor, like
    a Feed. fetch(cursor, start_time, most) reads at most `most` posts (None:
    no cap). daily_reads: the most posts a UTC day may read — set where every
    read is billed — or None when reads are free."""
    key: str                # poll cursor key: the account key, "listen" and a digest of the terms
    name: str               # "X search for “Acme”"
    fetch: Callable[[str | None, datetime | None, int | None], FetchResult]
    daily_reads: int | None = None
    smallest_read: int = 1  # the fewest posts one request may ask for (X: 10)


@runtime_checkable
class Searcher(Protocol):
    daily_read_cap: int | None  # posts a UTC day may read where reads are billed (None: free)

    def searches(self, terms: Sequence[str]) -> Sequence[Search]:
        """Searches for posts naming the terms that neither come from the brand
        nor tag it (those come in by the normal path)."""

    def match_reply_refused(self) -> str | None:
        """Why a public reply to a listening match cannot go out here (X's
        2026 rule), or None: the platform takes it."""


def match_reply_refused(adapter) -> str | None:
    return adapter.match_reply_refused() if isinstance(adapter, Searcher) else None
