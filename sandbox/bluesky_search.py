"""The Bluesky emulator's post search, app.bsky.feed.searchPosts as the
AppView answers it (lexicon app/bsky/feed/searchPosts.json of
bluesky-social/atproto): q (words and "quoted phrases", case-insensitive),
sort=latest|top, since/until compared with sortAt (the earlier of createdAt
and indexedAt), limit 1–100 (default 25), an opaque cursor; the answer is
{posts: [postView], cursor?, hitsTotal?}. A q it cannot take is the lexicon's
400 BadQueryString."""
from __future__ import annotations

import re

from adapters._bluesky_wire import when


def _sort_at(state, stored: dict, when) -> str:
    times = [t for t in (when(stored["record"].get("createdAt")), when(stored["indexedAt"])) if t]
    return min(times).isoformat() if times else ""


def _matches(q: str):
    parts = re.findall(r'"([^"]+)"|(\S+)', q)
    patterns = [re.compile(rf"(?<!\w){re.escape(phrase or word)}(?!\w)", re.IGNORECASE) for phrase, word in parts]
    return lambda text: all(p.search(text) for p in patterns)


def register_search_routes(xrpc, state, _arg, post_view) -> None:
    state.searches = []  # q of every search asked

    @xrpc("app.bsky.feed.searchPosts")
    def search_posts():
        q = (_arg("q") or "").strip()
        if not q:
            return 400, "BadQueryString", "q is required"
        raw = _arg("limit", "25")
        if not str(raw).isdigit() or not 1 <= int(raw) <= 100:
            return 400, "InvalidRequest", "limit must be an integer from 1 to 100"
        state.searches.append(q)
        match = _matches(q)
        with state.lock:
            posts = [r for r in state.records.values() if "/app.bsky.feed.post/" in r["uri"]
                     and match(r["record"].get("text", ""))]
        since, until = when(_arg("since")), when(_arg("until"))
        keyed = [(when(_sort_at(state, p, when)), p) for p in posts]
        keyed = [(at, p) for at, p in keyed if (not since or at >= since) and (not until or at < until)]
        keyed.sort(key=lambda pair: pair[0], reverse=True)  # latest first (top: the same here, nothing ranks)
        offset = int(_arg("cursor")) if (_arg("cursor") or "").isdigit() else 0
        page = keyed[offset:offset + int(raw)]
        answer = {"posts": [post_view(state, p) for _at, p in page], "hitsTotal": len(keyed)}
        if offset + int(raw) < len(keyed):
            answer["cursor"] = str(offset + int(raw))
        return answer
