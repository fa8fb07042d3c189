"""X (Twitter) through tweepy's v2 Client: mentions in, replies out.

tweepy hard-codes https://api.twitter.com, sets no timeout and drops response
headers; _XSession (a requests.Session on client.session) rewrites the host to
X_API_URL and adds a timeout, and return_type=requests.Response keeps the
x-rate-limit-* headers. tweepy never sleeps here (wait_on_rate_limit=False).
"""
from __future__ import annotations

import html
import logging
import re
from datetime import datetime, timedelta, timezone
from typing import Any

import requests
import tweepy
import urllib3
from twitter_text import parse_tweet

from adapters.base import (AdapterError, AmbiguousSend, Capability, CredentialsRejected, DuplicatePost, FetchResult, InboundPost,
                           OutboundReply, PermanentSendError, RateLimit, RateLimited, SentMessage,
                           empty_reply_problem)
from bot.config import XSettings

log = logging.getLogger(__name__)

TWEEPY_HOST = "https://api.twitter.com"
MAX_WEIGHTED_LENGTH = 280
MAX_PAGES = 8  # the mentions timeline reaches back 800 posts at 100 a page
# note_tweet: a post longer than 280 characters arrives cut in `text`; its
# whole text is only in note_tweet.text, and only when asked for.
TWEET_FIELDS = ["author_id", "conversation_id", "created_at", "in_reply_to_user_id",
                "referenced_tweets", "note_tweet"]
USER_FIELDS = ["username", "name"]


class _XSession(requests.Session):
    def __init__(self, base_url: str, timeout: float):
        super().__init__()
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def request(self, method, url, *args, **kwargs):  # noqa: D401 - requests API
        if url.startswith(TWEEPY_HOST):
            url = self.base_url + url[len(TWEEPY_HOST):]
        kwargs.setdefault("timeout", self.timeout)
        return super().request(method, url, *args, **kwargs)


def _rate_limit(response: requests.Response | None) -> RateLimit | None:
    if response is None:
        return None
    remaining = response.headers.get("x-rate-limit-remaining")
    reset = response.headers.get("x-rate-limit-reset")
    if remaining is None or reset is None or not remaining.isdigit() or not reset.isdigit():
        return None
    return RateLimit(int(remaining), datetime.fromtimestamp(int(reset), timezone.utc))


def _error_detail(exc: tweepy.HTTPException) -> str:
    try:
        body = exc.response.json()
    except ValueError:
        return f"HTTP {exc.response.status_code}"
    detail = body.get("detail") or body.get("title")
    if not detail and body.get("errors"):
        detail = "; ".join(e.get("message") or e.get("detail", "") for e in body["errors"])
    return detail or f"HTTP {exc.response.status_code}"


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(timezone.utc)


def decode_platform_entities(text: str) -> str:
    """X sends &amp; &lt; &gt; in post text: decoded here, once, so the core
    gets the customer's raw text and Slack never shows &amp;amp;."""
    return html.unescape(text)


_URL = re.compile(r"https?://\S+")
_LEADING_MENTIONS = re.compile(r"^(?:@\w+\s+)+")


def _comparable(text: str) -> str:
    """X puts the @mentions of the people replied to in front of a reply,
    rewrites links to t.co and entity-encodes; compare what is left."""
    text = _LEADING_MENTIONS.sub("", decode_platform_entities(text).lstrip())
    return " ".join(_URL.sub("", text).split())


def _never_reached_x(exc: requests.RequestException) -> bool:
    """True when the request cannot have arrived: no connection was made."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    reason = getattr(exc.args[0] if exc.args else None, "reason", None)
    return isinstance(exc, requests.ConnectionError) and isinstance(reason, urllib3.exceptions.NewConnectionError)


class XAdapter:
    platform = "x"
    label = "X"
    capabilities = frozenset({Capability.PUBLIC_REPLY, Capability.POLL, Capability.FIND_SENT})

    def __init__(self, settings: XSettings, timeout: float = 10.0):
        self._settings = settings
        self._user_id = settings.user_id
        self._username: str | None = None
        self.client = tweepy.Client(
            bearer_token=settings.bearer_token,
            consumer_key=settings.api_key, consumer_secret=settings.api_secret,
            access_token=settings.access_token, access_token_secret=settings.access_token_secret,
            return_type=requests.Response, wait_on_rate_limit=False)
        self.client.session = _XSession(settings.api_url, timeout)

    @property
    def account_key(self) -> str:
        return f"x:{self.user_id()}"

    def account_name(self) -> str:
        """How people know the brand account: @username (one GET /2/users/me,
        then cached); the numeric id if X cannot be asked."""
        if self._username is None:
            try:
                data = self._call(self.client.get_me, user_auth=True).json()["data"]
            except (AdapterError, PermanentSendError):
                return self._user_id or "account"
            self._user_id, self._username = data["id"], "@" + data["username"]
        return self._username

    def user_id(self) -> str:
        if self._user_id is None:
            data = self._call(self.client.get_me, user_auth=True).json()["data"]
            self._user_id, self._username = data["id"], "@" + data["username"]
        return self._user_id

    def _call(self, func, *args, writes: bool = False, **kwargs) -> requests.Response:
        """Run one tweepy call and map its failures into the adapter error family.
        For a write, a 5xx or a lost answer is AmbiguousSend: X may have stored it."""
        try:
            return func(*args, **kwargs)
        except tweepy.TooManyRequests as exc:
            limit = _rate_limit(exc.response)
            retry_at = limit.reset_at if limit else datetime.now(timezone.utc) + timedelta(minutes=15)
            raise RateLimited(retry_at, "X answered 429 Too Many Requests") from None
        except tweepy.TwitterServerError as exc:
            error = AmbiguousSend if writes else AdapterError
            raise error(f"X server error {exc.response.status_code}") from None
        except tweepy.Unauthorized:
            raise CredentialsRejected("X rejected the credentials (401 Unauthorized): check X_API_KEY, "
                                      "X_API_SECRET, X_ACCESS_TOKEN and X_ACCESS_TOKEN_SECRET") from None
        except tweepy.HTTPException as exc:
            detail = _error_detail(exc)
            if "duplicate content" in detail:
                raise DuplicatePost("X refused it as a duplicate: the brand account already posted exactly "
                                    "this text. Reword it and post it again in this thread.") from None
            raise PermanentSendError(f"X refused it: {detail}") from None
        except requests.RequestException as exc:
            if writes and not _never_reached_x(exc):
                raise AmbiguousSend(f"X did not answer ({type(exc).__name__})") from None
            raise AdapterError(f"X unreachable: {type(exc).__name__}") from None

    # -- inbound ---------------------------------------------------------------
    def fetch_since(self, cursor: str | None, start_time: datetime | None) -> FetchResult:
        params: dict[str, Any] = dict(max_results=100, tweet_fields=TWEET_FIELDS,
                                      expansions=["author_id"], user_fields=USER_FIELDS,
                                      user_auth=not self._settings.bearer_token)
        if cursor:
            params["since_id"] = cursor
        elif start_time:
            params["start_time"] = start_time.replace(microsecond=0)
        posts: list[InboundPost] = []
        newest: str | None = None
        response = None
        try:
            me = self.user_id()
            for _page in range(MAX_PAGES):
                response = self._call(self.client.get_users_mentions, me, **params)
                body = response.json()
                newest = newest or body.get("meta", {}).get("newest_id")
                posts.extend(self._posts_from(body, me))
                token = body.get("meta", {}).get("next_token")
                if not token:
                    break
                params["pagination_token"] = token
        except CredentialsRejected:
            raise
        except PermanentSendError as exc:  # another 4xx on reading is an outage for polling
            raise AdapterError(str(exc)) from None
        posts.sort(key=lambda p: int(p.external_id))
        return FetchResult(posts=posts, cursor=newest, rate_limit=_rate_limit(response))

    def _posts_from(self, body: dict, me: str) -> list[InboundPost]:
        users = {u["id"]: u for u in body.get("includes", {}).get("users", [])}
        posts = []
        for tweet in body.get("data", []):
            if tweet.get("author_id") == me:
                continue  # our own posts that mention us are not customer posts
            author = users.get(tweet.get("author_id"), {})
            handle = author.get("username") or tweet.get("author_id", "unknown")
            posts.append(InboundPost(
                platform=self.platform, external_id=tweet["id"],
                thread_id=tweet.get("conversation_id") or tweet["id"],
                author_id=tweet.get("author_id", ""), author_handle="@" + handle,
                author_name=author.get("name"),
                text=decode_platform_entities((tweet.get("note_tweet") or {}).get("text") or tweet["text"]),
                created_at=_parse_time(tweet.get("created_at")),
                url=f"https://x.com/{handle}/status/{tweet['id']}", platform_label=self.label))
        return posts

    # -- outbound --------------------------------------------------------------
    def check_reply(self, text: str) -> str | None:
        """Checks that need no network, run when staff write the reply and again
        before the send: nothing to read, or longer than X takes."""
        empty = empty_reply_problem(text)
        if empty:
            return empty
        length = parse_tweet(text).weightedLength
        if length > MAX_WEIGHTED_LENGTH:
            return (f"The reply is {length} characters by X's count; the limit is "
                    f"{MAX_WEIGHTED_LENGTH}. Shorten it and post it again in this thread.")
        return None

    def send_reply(self, reply: OutboundReply) -> SentMessage:
        problem = self.check_reply(reply.text)
        if problem:
            raise PermanentSendError(problem)
        response = self._call(self.client.create_tweet, text=reply.text, writes=True,
                              in_reply_to_tweet_id=reply.in_reply_to, user_auth=True)
        tweet_id = response.json()["data"]["id"]
        return SentMessage(tweet_id, f"https://x.com/i/web/status/{tweet_id}")

    def find_sent(self, reply: OutboundReply) -> SentMessage | None:
        """After a crash mid-send: did our reply reach X? Look at our own recent posts."""
        response = self._call(self.client.get_users_tweets, self.user_id(), max_results=100,
                              tweet_fields=["referenced_tweets", "created_at"], user_auth=True)
        wanted = _comparable(reply.text)
        for tweet in response.json().get("data", []):
            replied_to = {r["id"] for r in tweet.get("referenced_tweets", []) if r["type"] == "replied_to"}
            if reply.in_reply_to in replied_to and _comparable(tweet["text"]) == wanted:
                return SentMessage(tweet["id"], f"https://x.com/i/web/status/{tweet['id']}")
        return None
