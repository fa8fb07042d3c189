"""Listening on X: GET /2/tweets/search/recent for posts that name the brand
(LISTEN_TERMS) without tagging it. The query leaves out the brand's own posts,
posts that @mention it (the mentions timeline brings those) and reposts;
quotes of the brand's posts (the quotes feed brings those) are left out here.

Every post a search returns is billed on X's pay-per-use plan, so a search
reads at most what the desk's daily cap leaves (LISTEN_X_MAX_READS), and never
asks for fewer than X's smallest page (max_results 10)."""
from __future__ import annotations

import hashlib
import logging
from dataclasses import replace
from datetime import datetime
from typing import Any, Sequence

from adapters import _x_pages as pages
from adapters.base import AdapterError, FetchResult
from adapters.listening import Search

log = logging.getLogger(__name__)

SMALLEST_PAGE = 10          # recent search's max_results runs from 10 to 100
SEARCH_PAGES = 3            # a pass reads at most 300 posts (and never past the day's cap)
QUERY_LIMIT = 512           # characters of a query on the self-serve tiers
DEFAULT_MAX_READS = 200
# X's 2026 rule: an app's public reply only where the customer @mentioned or quoted the brand.
MATCH_REPLY_RULE = "X accepts an app's public reply only to a post that @mentions or quotes {account}"


def search_query(terms: Sequence[str], username: str) -> str:
    """`("Acme" OR "Acme Cloud") -from:acme -@acme -is:retweet`."""
    names = " OR ".join(f'"{term}"' for term in terms)
    return f"({names}) -from:{username} -@{username} -is:retweet"


def digest(terms: Sequence[str]) -> str:
    """A short, stable name for a set of terms (the cursor key): new terms, new cursor."""
    return hashlib.sha256("\n".join(sorted(t.lower() for t in terms)).encode()).hexdigest()[:12]


class XSearching:
    """XAdapter's Searcher side (adapters.listening.Searcher)."""

    @property
    def daily_read_cap(self) -> int:
        return self._settings.listen_max_reads

    def searches(self, terms: Sequence[str]) -> list[Search]:
        if self._username is None:
            self._load_me()  # the brand's @username excludes its posts: never search without it (AdapterError)
        username = self._username.lstrip("@")
        query = search_query(terms, username)
        if len(query) > QUERY_LIMIT:
            log.error("X search: LISTEN_TERMS make a query of %s characters; X takes at most %s. "
                      "Shorten the terms: X is not searched", len(query), QUERY_LIMIT)
            return []
        return [Search(f"{self.account_key}:listen:{digest(terms)}", f"X search for {', '.join(terms)}",
                       lambda cursor, start, most: self.search_since(query, cursor, start, most),
                       daily_reads=self.daily_read_cap, smallest_read=SMALLEST_PAGE)]

    def match_reply_refused(self) -> str:
        return MATCH_REPLY_RULE.format(account=self.account_name())

    def search_since(self, query: str, cursor: str | None, start_time: datetime | None,
                     most: int | None) -> FetchResult:
        """Matches newer than the cursor (a post id), newest page first, at
        most `most` posts read. A page that fails after others were read keeps
        the cursor where it was (the next pass reads them again; the desk's
        unique keys show each once) and reports the reads already billed."""
        me = self.account_id()
        params: dict[str, Any] = dict(query=query, tweet_fields=self.tweet_fields, user_fields=["username", "name"],
                                      expansions=["author_id", "referenced_tweets.id.author_id"],
                                      user_auth=not self._settings.bearer_token)
        if cursor:
            params["since_id"] = cursor
        elif start_time:
            params["start_time"] = start_time.replace(microsecond=0)
        posts, newest, response, reads = [], None, None, 0
        for page in range(SEARCH_PAGES):
            left = None if most is None else most - reads
            if left is not None and left < SMALLEST_PAGE:
                # INFO: the listen job's one WARNING line says the cap is reached.
                log.info("X search: the day's read cap stopped this pass after %s posts; older matches "
                         "of this pass are not read (LISTEN_X_MAX_READS)", reads)
                break
            params["max_results"] = 100 if left is None else min(100, left)
            try:
                response = self._read(self.client.search_recent_tweets, **params)
            except AdapterError as exc:
                if not page:
                    raise
                log.warning("X search: page %s failed (%s); the cursor stays, the next pass reads again", page + 1, exc)
                return FetchResult(posts=pages.oldest_first(posts), cursor=None, rate_limit=None, reads=reads)
            body = pages.page_of(response)
            reads += len(pages.items(body))
            newest = newest or pages.newest(body)
            posts.extend(pages.posts_on_page(_unanswered_elsewhere(body, me, self.account_name()), me,
                                             "listening match"))
            token = pages.next_token(body)
            if not token:
                break
            params["next_token"] = token
        matches = [replace(post, listened=True) for post in pages.oldest_first(posts)]
        return FetchResult(posts=matches, cursor=newest, rate_limit=pages.rate_limit(response), reads=reads)


def _unanswered_elsewhere(body: dict, me: str, account_name: str) -> dict:
    """The page without what comes in by the normal path, each left out with
    a DEBUG line: the brand's own posts, posts naming @brand (the query leaves
    them out; a search index can lag), and quotes of the brand's posts."""
    own_posts = {t.get("id") for t in (body.get("includes") or {}).get("tweets") or []
                 if isinstance(t, dict) and t.get("author_id") == me}
    handle = account_name.lower()
    kept = []
    for tweet in pages.items(body):
        if not isinstance(tweet, dict):
            kept.append(tweet)  # readable() logs and skips it
            continue
        quoted = {r.get("id") for r in tweet.get("referenced_tweets") or [] if isinstance(r, dict)
                  and r.get("type") == "quoted"}
        if tweet.get("author_id") == me:
            why = "the brand's own post"
        elif handle.startswith("@") and handle in str(tweet.get("text", "")).lower():
            why = f"it names {account_name} (the mentions timeline brings it)"
        elif quoted & own_posts:
            why = "it quotes the brand's post (the quotes feed brings it)"
        else:
            kept.append(tweet)
            continue
        log.debug("X search: post %s left out: %s", tweet.get("id"), why)
    return {**body, "data": kept}
