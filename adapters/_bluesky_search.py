"""Listening on Bluesky: app.bsky.feed.searchPosts (q, sort=latest, since,
cursor) for posts that name the brand (LISTEN_TERMS) without tagging it —
one search per term, each with its own cursor. Bluesky's search has no
operator to leave anything out, so what comes in by notifications is left out
here: the brand's own posts, posts that mention it (a mention facet, or its
@handle in the text), replies in the brand's threads and quotes of its posts.
Reads are free; a public reply to a match is allowed."""
from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timedelta, timezone
from typing import Sequence

from adapters import _bluesky_wire as wire
from adapters.base import AdapterError, FetchResult, InboundPost
from adapters.listening import Search

log = logging.getLogger(__name__)

SEARCH_PAGES = 4            # a pass reads at most 400 posts per term
# The cursor is the newest match's sortAt and when the last look-back ran
# ("<newest> <looked back>"). A pass asks only for what is newer than the newest
# (`since` is inclusive, so 1 ms past it): with nothing new it reads nothing —
# it used to look back INDEX_LAG every pass and read its newest match again
# each time (2 → 9 reads in 30 s for one match). Bluesky's index can take a post
# in a little after its sortAt, though, so once per INDEX_LAG a pass looks back
# to INDEX_LAG before the last look-back: a post indexed since then has a sortAt
# after that. Posts seen again are the same rows (the desk's unique keys).
INDEX_LAG = timedelta(minutes=5)
JUST_AFTER = timedelta(milliseconds=1)


def digest(term: str) -> str:
    return hashlib.sha256(term.lower().encode()).hexdigest()[:12]


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


class BlueskySearching:
    """BlueskyAdapter's Searcher side (adapters.listening.Searcher)."""

    daily_read_cap = None  # searching Bluesky costs nothing

    def searches(self, terms: Sequence[str]) -> list[Search]:
        return [Search(f"{self.account_key}:listen:{digest(term)}", f"Bluesky search for {term}",
                       lambda cursor, start, most, term=term: self.search_since(term, cursor, start, most))
                for term in terms]

    def match_reply_refused(self) -> None:
        return None  # Bluesky takes a reply to any post whose author allows replies

    def search_since(self, term: str, cursor: str | None, start_time: datetime | None,
                     most: int | None = None) -> FetchResult:
        me = self.account_id()
        newest_at, looked_back = _read_cursor(cursor)
        now, since = self.clock(), start_time
        look_back = newest_at is not None and (looked_back is None or now - looked_back >= INDEX_LAG)
        if newest_at is not None:
            since = newest_at + JUST_AFTER
            if look_back:
                since = min(since, (looked_back or newest_at) - INDEX_LAG)
        params = {"q": term, "sort": "latest", "limit": 100}
        if since:
            params["since"] = _iso(since)
        posts, newest, reads = [], newest_at, 0
        for page in range(SEARCH_PAGES):
            try:
                body = self._read(self.client.app.bsky.feed.search_posts, params)
            except AdapterError as exc:
                if not page:
                    raise
                log.warning("Bluesky search %r: page %s failed (%s); the cursor stays", term, page + 1, exc)
                return FetchResult(posts=list(reversed(posts)), cursor=None, rate_limit=None, reads=reads)
            views = [v for v in body.get("posts") or [] if isinstance(v, dict)]
            reads += len(views)
            for view in views:
                when = _sort_at(view)
                if when and (newest is None or when > newest):
                    newest = when
                try:
                    post = match_from_view(view, me, self._settings.handle)
                except ValueError as exc:
                    log.warning("Bluesky search: post %s skipped: %s", str(view.get("uri"))[:120], exc)
                    continue
                if post:
                    posts.append(post)
            if not body.get("cursor") or not views or (most is not None and reads >= most):
                break
            params["cursor"] = body["cursor"]
        limit = wire.rate_limit(self.client.request.last_headers)
        # A first pass (from start_time) reads all there is, a look-back as good as any.
        looked_now = look_back or newest_at is None
        moved = newest != newest_at or looked_now
        kept = _cursor(newest, now if looked_now else looked_back) if moved and newest else None
        return FetchResult(posts=list(reversed(posts)), cursor=kept, rate_limit=limit, reads=reads)


def _read_cursor(cursor: str | None) -> tuple[datetime | None, datetime | None]:
    """(the newest match's sortAt, when the last look-back ran); a cursor from before the look-back was
    kept apart is only the first, and looks back on its next pass."""
    newest, _, looked_back = (cursor or "").partition(" ")
    return wire.when(newest), wire.when(looked_back)


def _cursor(newest: datetime, looked_back: datetime | None) -> str:
    return _iso(newest) + (f" {_iso(looked_back)}" if looked_back else "")


def _sort_at(view: dict) -> datetime | None:
    """Bluesky's sortAt: the earlier of the record's createdAt and indexedAt."""
    times = [t for t in (wire.when((view.get("record") or {}).get("createdAt")), wire.when(view.get("indexedAt"))) if t]
    return min(times) if times else None


def match_from_view(view: dict, me: str, handle: str) -> InboundPost | None:
    """A listening match from one postView, or None (DEBUG line) for a post
    that comes in by notifications or is the brand's own."""
    uri, author, record = view.get("uri"), view.get("author") or {}, view.get("record") or {}
    why = _comes_in_otherwise(author, record, me, handle)
    if why:
        log.debug("Bluesky search: post %s left out: %s", uri, why)
        return None
    author_handle = author.get("handle")
    return InboundPost(
        platform="bluesky", external_id=uri, thread_id=wire.thread_of(uri, record, me), author_id=author.get("did"),
        author_handle="@" + author_handle if author_handle else author.get("did"),
        author_name=author.get("displayName"), text=record.get("text") or "",
        created_at=wire.when(record.get("createdAt")) or wire.when(view.get("indexedAt")),
        url=wire.post_url(uri or "", author_handle), platform_label=wire.LABEL, account=me, listened=True)


def _comes_in_otherwise(author: dict, record: dict, me: str, handle: str) -> str | None:
    if author.get("did") == me:
        return "the brand's own post"
    mentioned = {f.get("did") for facet in record.get("facets") or [] if isinstance(facet, dict)
                 for f in facet.get("features") or [] if isinstance(f, dict)}
    if me in mentioned or f"@{handle}".lower() in str(record.get("text", "")).lower():
        return "it mentions the brand (notifications bring it)"
    reply = record.get("reply") or {}
    if any(str((reply.get(k) or {}).get("uri", "")).startswith(f"at://{me}/") for k in ("root", "parent")):
        return "it replies in the brand's thread (notifications bring it)"
    embed = record.get("embed") or {}
    quoted = (embed.get("record") or {}).get("uri") or ((embed.get("record") or {}).get("record") or {}).get("uri")
    if str(quoted or "").startswith(f"at://{me}/"):
        return "it quotes the brand's post (notifications bring it)"
    return None
