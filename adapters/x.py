"""X (Twitter) through tweepy's v2 Client: mentions and DMs in (polling and webhooks), public replies, DMs and
likes (of posts; X has none for DMs) out.

tweepy hard-codes https://api.twitter.com, sets no timeout and drops response headers; _XSession (a
requests.Session on client.session) rewrites the host to X_API_URL and adds a timeout, and
return_type=requests.Response keeps the x-rate-limit-* headers. tweepy never sleeps here (wait_on_rate_limit=False)."""
from __future__ import annotations

import hmac
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Mapping

import requests
import tweepy

from adapters import _x_pages as pages
from adapters import _x_wire as wire
from adapters._x_search import DEFAULT_MAX_READS, XSearching
from adapters.base import (ActionKind, AdapterError, AmbiguousSend, CredentialsRejected, DuplicatePost, Feed,
                           FetchResult, Heart, InboundPost, OutboundAction, PermanentSendError, PostRef,
                           RateLimited, SentMessage, empty_reply_problem)
from bot.env import EnvReader

log = logging.getLogger(__name__)
decode_platform_entities = wire.decode_platform_entities

TWEEPY_HOST = "https://api.twitter.com"
MAX_WEIGHTED_LENGTH = 280
MAX_DM_LENGTH = 10_000
MAX_PAGES = 8  # a timeline reaches back 800 items at 100 a page
QUOTED_POSTS = 5  # the brand's latest posts whose quotes are polled (X's smallest timeline page)
CLOCK_SKEW = timedelta(minutes=5)  # X's clock against ours, when looking back by time
# note_tweet: a post longer than 280 characters arrives cut in `text`; its
# whole text is only in note_tweet.text, and only when asked for.
TWEET_FIELDS = ["author_id", "conversation_id", "created_at", "in_reply_to_user_id",
                "referenced_tweets", "note_tweet"]
USER_FIELDS = ["username", "name"]
DM_FIELDS = ["id", "text", "event_type", "dm_conversation_id", "created_at", "sender_id"]
# Since February 2026 X takes a self-serve app's reply only where the customer
# @mentioned or quoted the brand; it answers 403 otherwise.
REPLY_RULE = ("X refused the public reply (403): X accepts an app's reply only when the customer @mentioned "
              "or quoted {account} in the post being answered. Use *Reply privately* (a DM), or answer on X "
              "itself.")
DM_REFUSED = ("X refused the private message (403): {customer} does not accept direct messages from "
              "{account} (their settings allow DMs only from accounts they follow, or they blocked it). "
              "Answer publicly in this thread, or ask them to send {account} a DM first.")


@dataclass(frozen=True)
class XSettings:
    api_url: str
    api_key: str
    api_secret: str
    access_token: str
    access_token_secret: str
    bearer_token: str | None
    user_id: str | None
    listen_max_reads: int = DEFAULT_MAX_READS  # LISTEN_X_MAX_READS: posts listening reads per UTC day


def read_settings(reader: EnvReader) -> XSettings | None:
    api_url = reader.url("X_API_URL", "https://api.twitter.com") or "https://api.twitter.com"
    names = ("X_API_KEY", "X_API_SECRET", "X_ACCESS_TOKEN", "X_ACCESS_TOKEN_SECRET")
    values = [reader.text(n) for n in names]
    user_id = reader.text("X_USER_ID")
    if user_id and not user_id.isdigit():
        reader.check("X_USER_ID", f"{user_id!r} is not a numeric X user id")
    if not all(values):
        return None  # replies need user context: without all four, X is off
    return XSettings(api_url.rstrip("/"), *values, bearer_token=reader.text("X_BEARER_TOKEN"), user_id=user_id,
                     listen_max_reads=reader.integer("LISTEN_X_MAX_READS", DEFAULT_MAX_READS, 0, 10_000_000))


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


_URL = re.compile(r"https?://\S+")
_LEADING_MENTIONS = re.compile(r"^(?:@\w+\s+)+")


def _comparable(text: str) -> str:
    """X puts the @mentions of the people replied to in front of a reply,
    rewrites links to t.co and entity-encodes; compare what is left."""
    text = _LEADING_MENTIONS.sub("", decode_platform_entities(text).lstrip())
    return " ".join(_URL.sub("", text).split())


class XAdapter(XSearching):
    platform = "x"
    label = wire.LABEL
    private_label = wire.PRIVATE_LABEL
    webhook_name = "x"
    tweet_fields = TWEET_FIELDS  # every read of posts asks for the same fields (listening too)

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

    # -- who we are ---------------------------------------------------------------
    @property
    def account_key(self) -> str:
        return f"x:{self.account_id()}"

    def account_id(self) -> str:
        if self._user_id is None:
            self._load_me()
        return self._user_id

    user_id = account_id

    def account_name(self) -> str:
        """How people know the brand account: @username (one GET /2/users/me,
        then cached); the numeric id if X cannot be asked."""
        if self._username is None:
            try:
                self._load_me()
            except (AdapterError, PermanentSendError):
                return self._user_id or "account"
        return self._username

    def find_name(self, author_id: str) -> tuple[str, str | None] | None:
        """GET /2/users/:id — the customer's @username and name, for a post whose
        delivery named only their id (an X Activity API event with empty
        `includes`). Called after the webhook was answered; None when X cannot
        tell (the stand-in handle stays)."""
        if not pages.snowflake(author_id):
            return None
        try:
            body = pages.page_of(self._read(self.client.get_user, id=author_id, user_fields=USER_FIELDS,
                                       user_auth=not self._settings.bearer_token))
        except (AdapterError, PermanentSendError) as exc:
            log.warning("X user %s: name not looked up (%s)", author_id, exc)
            return None
        user = body.get("data") if isinstance(body.get("data"), dict) else {}
        username = user.get("username")
        if not isinstance(username, str) or not username:
            log.info("X user %s: X knows no such user (%s)", author_id, pages.first_problem(body))
            return None
        name = user.get("name")
        return "@" + username, name if isinstance(name, str) else None

    def _load_me(self) -> None:
        data = self._call(self.client.get_me, user_auth=True).json()["data"]
        # X_USER_ID, when set, stays the account: asking for the name never changes whose feeds are read.
        self._user_id, self._username = self._user_id or data["id"], "@" + data["username"]

    def _call(self, func, *args, writes: bool = False, forbidden: str | None = None, **kwargs) -> requests.Response:
        """Run one tweepy call and map its failures into the adapter error family.
        For a write, a 5xx or a lost answer is AmbiguousSend: X may have stored it."""
        try:
            return func(*args, **kwargs)
        except tweepy.TooManyRequests as exc:
            limit = pages.rate_limit(exc.response)
            retry_at = limit.reset_at if limit else datetime.now(timezone.utc) + timedelta(minutes=15)
            raise RateLimited(retry_at, "X answered 429 Too Many Requests") from None
        except tweepy.TwitterServerError as exc:
            error = AmbiguousSend if writes else AdapterError
            raise error(f"X server error {exc.response.status_code}") from None
        except tweepy.Unauthorized:
            raise CredentialsRejected("X rejected the credentials (401 Unauthorized): check X_API_KEY, "
                                      "X_API_SECRET, X_ACCESS_TOKEN and X_ACCESS_TOKEN_SECRET") from None
        except tweepy.HTTPException as exc:
            detail = pages.error_detail(exc)
            if "duplicate content" in detail:
                raise DuplicatePost("X refused it as a duplicate: the brand account already posted exactly "
                                    "this text. Reword it and post it again in this thread.") from None
            if forbidden and exc.response.status_code == 403 and "deleted" not in detail:
                raise PermanentSendError(forbidden) from None
            raise PermanentSendError(f"X refused it: {detail}") from None
        except requests.RequestException as exc:
            if writes and not pages.never_reached_x(exc):
                raise AmbiguousSend(f"X did not answer ({type(exc).__name__})") from None
            raise AdapterError(f"X unreachable: {type(exc).__name__}") from None

    def _read(self, func, *args, **kwargs) -> requests.Response:
        try:
            return self._call(func, *args, **kwargs)
        except CredentialsRejected:
            raise
        except PermanentSendError as exc:  # another 4xx on reading is an outage for polling
            raise AdapterError(str(exc)) from None

    # -- inbound: polling -----------------------------------------------------------
    def feeds(self) -> list[Feed]:
        name = self.account_name()
        return [Feed(self.account_key, f"X {name}", self.fetch_since),
                Feed(f"{self.account_key}:dm", f"X {name} DMs", self.fetch_dms),
                Feed(f"{self.account_key}:quotes", f"X {name} quotes", self.fetch_quotes)]

    def fetch_since(self, cursor: str | None, start_time: datetime | None) -> FetchResult:
        """Mentions newer than the cursor (a post id)."""
        params: dict[str, Any] = dict(max_results=100, tweet_fields=TWEET_FIELDS,
                                      expansions=["author_id"], user_fields=USER_FIELDS,
                                      user_auth=not self._settings.bearer_token)
        if cursor:
            params["since_id"] = cursor
        elif start_time:
            params["start_time"] = start_time.replace(microsecond=0)
        posts, newest, response = [], None, None
        me = self.account_id()
        for _page in range(MAX_PAGES):
            response = self._read(self.client.get_users_mentions, me, **params)
            body = pages.page_of(response)
            newest = newest or pages.newest(body)
            posts.extend(pages.posts_on_page(body, me))
            token = pages.next_token(body)
            if not token:
                break
            params["pagination_token"] = token
        return FetchResult(posts=pages.oldest_first(posts), cursor=newest, rate_limit=pages.rate_limit(response))

    def fetch_dms(self, cursor: str | None, start_time: datetime | None) -> FetchResult:
        """DM events newer than the cursor (an event id). /2/dm_events has no
        since_id: it pages newest first, so stop at the cursor (or the backfill)."""
        # X bills every DM event returned (each once per UTC day) and this endpoint
        # cannot start after the cursor: once caught up, ask for a small page.
        params: dict[str, Any] = dict(max_results=20 if cursor else 100, dm_event_fields=DM_FIELDS,
                                      event_types="MessageCreate",
                                      expansions=["sender_id"], user_fields=USER_FIELDS, user_auth=True)
        posts, newest, response = [], None, None
        me = self.account_id()
        for _page in range(MAX_PAGES):
            response = self._read(self.client.get_direct_message_events, **params)
            body = pages.page_of(response)
            users = pages.included_users(body)
            events = [e for e in pages.items(body) if isinstance(e, dict) and pages.snowflake(e.get("id"))]
            for unplaced in [e for e in pages.items(body) if not any(e is kept for kept in events)]:
                wire.skipped("DM", None, ValueError(f"an event without an X id: {str(unplaced)[:80]}"))
            newest = newest or (events[0]["id"] if events else None)
            reached_end = False
            for event in events:  # newest first
                if cursor and pages.snowflake(cursor) and int(event["id"]) <= int(cursor):
                    reached_end = True
                    break
                post = pages.dm_on_page(event, users, me)
                if post and start_time and post.created_at and post.created_at < start_time:
                    reached_end = True
                    break
                if post:
                    posts.append(post)
            token = pages.next_token(body)
            if reached_end or not token:
                break
            params["pagination_token"] = token
        return FetchResult(posts=pages.oldest_first(posts), cursor=newest or cursor, rate_limit=pages.rate_limit(response))

    def fetch_quotes(self, cursor: str | None, start_time: datetime | None) -> FetchResult:
        """Quotes of the brand's latest posts newer than the cursor (a post id):
        a quote that names no @handle is not in the mentions timeline, yet X's
        2026 rule lets the brand answer it. GET /2/tweets/:id/quote_tweets has
        no since_id, so each page is cut at the cursor here."""
        me, user_auth = self.account_id(), not self._settings.bearer_token
        response = self._read(self.client.get_users_tweets, me, max_results=QUOTED_POSTS,
                              exclude=["retweets", "replies"], user_auth=user_auth)
        own = [t["id"] for t in pages.items(pages.page_of(response)) if isinstance(t, dict) and pages.snowflake(t.get("id"))]
        posts, newest = [], cursor
        for post_id in own:
            response = self._read(self.client.get_quote_tweets, post_id, max_results=100, tweet_fields=TWEET_FIELDS,
                                  expansions=["author_id"], user_fields=USER_FIELDS, user_auth=user_auth)
            body = pages.page_of(response)
            for post in pages.posts_on_page(body, me, "quote"):
                new = not pages.snowflake(cursor) or (post.external_id.isdigit() and int(post.external_id) > int(cursor))
                if new and not (start_time and post.created_at and post.created_at < start_time):
                    posts.append(post)
            page_newest = pages.newest(body)
            if page_newest and (not pages.snowflake(newest) or int(page_newest) > int(newest)):
                newest = page_newest
        return FetchResult(posts=pages.oldest_first(posts), cursor=newest, rate_limit=pages.rate_limit(response))

    # -- inbound: webhooks (V2 Webhooks API: X Activity API, Account Activity API) ---
    def handshake(self, query: Mapping[str, str]) -> tuple[int, dict | str]:
        token = query.get("crc_token", "")
        if not token:
            return 400, {"ok": False, "error": "crc_token is missing"}
        return 200, {"response_token": wire.webhook_signature(self._settings.api_secret, token.encode())}

    def verify_webhook(self, headers: Mapping[str, str], body: bytes) -> bool:
        given = headers.get("x-twitter-webhooks-signature", "")
        expected = wire.webhook_signature(self._settings.api_secret, body)
        return bool(given) and hmac.compare_digest(given.encode(), expected.encode())

    def parse_webhook(self, payload: dict) -> list[InboundPost]:
        return wire.posts_from_webhook(payload, self.account_id())

    # -- outbound --------------------------------------------------------------
    def measure(self, text: str, kind: ActionKind = ActionKind.REPLY) -> tuple[int, int]:
        # A post by X's weighted count (twitter-text: a URL is 23, CJK and emoji 2); a DM in characters.
        from twitter_text import parse_tweet  # here: its patterns take ~0.5 s to compile, which poll/web never need
        private = kind is ActionKind.PRIVATE
        return (len(text), MAX_DM_LENGTH) if private else (parse_tweet(text).weightedLength, MAX_WEIGHTED_LENGTH)

    def check_reply(self, text: str, kind: ActionKind = ActionKind.REPLY, about: PostRef | None = None) -> str | None:
        """Checks that need no network, run when staff write the reply and again
        before the send: nothing to read, or longer than X takes."""
        if empty := empty_reply_problem(text):
            return empty
        if kind is ActionKind.REPLY and about is not None and about.listened:  # a 👂 match: X's 2026 rule
            return f"{self.match_reply_refused()}. Use *Reply privately* (a DM), or ❤️ their post."
        if kind is ActionKind.PRIVATE and about is not None and not pages.snowflake(about.author_id):
            return ("X did not say who wrote this post, so there is no one to send a private message to. "
                    "Answer publicly in this thread.")
        length, limit = self.measure(text, kind)
        if length > limit:
            said = (f"The message is {length:,} characters; an X DM takes at most" if kind is ActionKind.PRIVATE
                    else f"The reply is {length:,} characters by X's count; the limit is")
            return f"{said} {limit:,}. Shorten it and post it again in this thread."
        return None

    def target_for(self, kind: ActionKind, post: PostRef) -> str:
        # A DM goes to the customer; a reply or a like is about their post.
        return post.author_id if kind is ActionKind.PRIVATE else post.external_id

    def send_reply(self, action: OutboundAction) -> SentMessage:
        self._refuse_unsendable(action)
        response = self._call(self.client.create_tweet, text=action.text, writes=True,
                              in_reply_to_tweet_id=action.target, user_auth=True,
                              forbidden=REPLY_RULE.format(account=self.account_name()))
        tweet_id = response.json()["data"]["id"]
        return SentMessage(tweet_id, f"https://x.com/i/web/status/{tweet_id}", opens_thread=tweet_id)  # answers to it

    def send_private(self, action: OutboundAction) -> SentMessage:
        """POST /2/dm_conversations/with/{participant_id}/messages."""
        self._refuse_unsendable(action)
        response = self._call(self.client.create_direct_message, participant_id=action.target, text=action.text,
                              writes=True, user_auth=True,
                              forbidden=DM_REFUSED.format(customer="the customer", account=self.account_name()))
        data = response.json()["data"]
        return SentMessage(data["dm_event_id"], f"https://x.com/messages/{data['dm_conversation_id']}",
                           opens_thread=wire.dm_thread_id(data["dm_conversation_id"]))

    def heart(self, post: PostRef) -> Heart:
        if post.private:  # X API v2's DM endpoints send, list and delete messages; none likes or reacts to one
            return Heart(None, "X's API has no like or reaction for a DM")
        return Heart(f"Like on {self.label}")

    def like(self, action: OutboundAction) -> SentMessage:
        self._call(self.client.request, "POST", f"/2/users/{self.account_id()}/likes",
                   json={"tweet_id": action.target}, user_auth=True, writes=True)
        return SentMessage(action.target, None)

    def unlike(self, action: OutboundAction) -> SentMessage:
        self._call(self.client.request, "DELETE", f"/2/users/{self.account_id()}/likes/{action.target}",
                   user_auth=True, writes=True)
        return SentMessage(action.target, None)

    def _refuse_unsendable(self, action: OutboundAction) -> None:
        problem = self.check_reply(action.text, action.kind)
        if problem:
            raise PermanentSendError(problem)

    def find_sent(self, action: OutboundAction) -> SentMessage | None:
        """After an ambiguous send: is our message on X? Our recent posts (a
        reply) or our DMs with the customer (a private message)."""
        wanted = _comparable(action.text)
        if action.kind is ActionKind.PRIVATE:
            response = self._call(self.client.get_direct_message_events, participant_id=action.target,
                                  dm_event_fields=DM_FIELDS, max_results=100, user_auth=True)
            for event in response.json().get("data", []):
                if event.get("sender_id") == self.account_id() and _comparable(event.get("text", "")) == wanted:
                    return SentMessage(event["id"], f"https://x.com/messages/{event.get('dm_conversation_id', '')}")
            return None
        # Our posts since the reply was queued, newest first, page by page: on a
        # busy desk more than a page of replies may have gone out since.
        params = {"max_results": 100, "tweet_fields": ["referenced_tweets", "created_at"], "user_auth": True}
        if action.queued_at is not None:
            params["start_time"] = (action.queued_at - CLOCK_SKEW).replace(microsecond=0)
        for _page in range(MAX_PAGES):
            body = self._call(self.client.get_users_tweets, self.account_id(), **params).json()
            for tweet in body.get("data", []):
                replied_to = {r["id"] for r in tweet.get("referenced_tweets", []) if r["type"] == "replied_to"}
                if action.target in replied_to and _comparable(tweet["text"]) == wanted:
                    return SentMessage(tweet["id"], f"https://x.com/i/web/status/{tweet['id']}", opens_thread=tweet["id"])
            if not (token := body.get("meta", {}).get("next_token")):
                break
            params["pagination_token"] = token
        return None
