"""Bluesky through the atproto SDK: mentions, replies and quotes of the brand in by
polling notifications, DMs in and out through the chat service, replies as posts
with reply.root/parent and facets, likes. An app password is all it needs.

The SDK's Client logs in once (com.atproto.server.createSession) and refreshes
its access token by the token's own expiry; a server that says `ExpiredToken`
anyway gets one refresh (or a new login) and the call once more. Chat calls go
to the PDS with the `atproto-proxy: did:web:api.bsky.chat#bsky_chat` header
(BLUESKY_CHAT_URL, when set, is asked instead). _Request keeps each answer's
`ratelimit-*` headers, which the SDK's models drop."""
from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta, timezone

import httpx
from atproto import Client
from atproto_client import exceptions as sdk
from atproto_client.models.utils import get_model_as_dict
from atproto_client.request import Request

from adapters import _bluesky_wire as wire
from adapters._bluesky_search import BlueskySearching
from adapters._bluesky_session import KeptSession, _error_of
from adapters._bluesky_wire import DEFAULT_PDS, BlueskySettings, read_settings  # noqa: F401 (read here by tests and docs)
from adapters.base import (ActionKind, AdapterError, AmbiguousSend, CredentialsRejected, Feed, FetchResult, Heart,
                           OutboundAction, PermanentSendError, PostRef, RateLimited, SentMessage,
                           empty_reply_problem)

log = logging.getLogger(__name__)

MAX_PAGES = 8               # notifications a pass reads at most: 8 pages of 100
FEED_PAGES = 4              # the brand's own posts looked through after an ambiguous send
CLOCK_SKEW = timedelta(minutes=5)


class _Request(Request):
    """The SDK's transport with a timeout, keeping the last answer's headers."""

    def __init__(self, timeout: float = 10.0) -> None:
        super().__init__(timeout=timeout)
        self.last_headers: dict = {}

    def _send_request(self, method, url, **kwargs):
        try:
            response = super()._send_request(method, url, **kwargs)
        except sdk.RequestErrorBase as exc:
            self.last_headers = dict(exc.response.headers) if exc.response else {}
            raise
        self.last_headers = {k.lower(): v for k, v in response.headers.items()}
        return response


class BlueskyAdapter(KeptSession, BlueskySearching):
    platform = "bluesky"
    label = wire.LABEL
    private_label = wire.PRIVATE_LABEL

    def __init__(self, settings: BlueskySettings, timeout: float = 10.0):
        self._settings = settings
        self._timeout = timeout
        self.client = Client(base_url=settings.pds_url, request=_Request(timeout))
        self._chat: Client | None = None
        self._did: str | None = None
        self.clock = lambda: datetime.now(timezone.utc)  # the desk's clock once wired (service/wiring.py)
        self._seen_marked: str | None = None
        # web's lazy listeners send from several threads: one login, not one each
        # (createSession allows 30 per 5 minutes).
        self._login_lock = threading.Lock()
        self._keep_session()

    # -- who we are ---------------------------------------------------------------
    @property
    def account_key(self) -> str:
        return f"bluesky:{self.account_id()}"

    def account_id(self) -> str:
        self._logged_in()
        return self._did

    def _logged_in(self) -> None:
        if self._did is None:
            with self._login_lock:
                if self._did is None:
                    self._login()

    def account_name(self) -> str:
        return "@" + self._settings.handle

    def _login(self) -> None:
        try:
            profile = self._resumed() or self.client.login(self._settings.handle, self._settings.app_password)
        except sdk.UnauthorizedError as exc:
            status, error, message = _error_of(exc)
            raise CredentialsRejected(
                f"Bluesky rejected the app password ({status} {error}: {message}): check BLUESKY_HANDLE and "
                "BLUESKY_APP_PASSWORD (an app password made under Settings → Privacy and security → App "
                "passwords, with access to direct messages)") from None
        except sdk.AtProtocolError as exc:
            raise self._mapped(exc, writes=False) from None
        self._did = profile.did
        chat = self.client.with_bsky_chat_proxy()  # after login: it shares the session's auth header
        if self._settings.chat_url:
            chat.update_base_url(self._settings.chat_url)
        self._chat = chat

    def _renew(self) -> None:
        """The server says the access token expired: refresh it, or log in again."""
        with self._login_lock:
            try:
                self.client._refresh_and_set_session()  # the SDK's own refresh, as its auto-refresh calls it
            except (sdk.AtProtocolError, httpx.HTTPError):
                self._login()

    def _call(self, func, *args, writes: bool = False, sending: bool = False, **kwargs):
        """One SDK call, its failures mapped into the adapter error family. For a
        write, a 5xx or a lost answer is AmbiguousSend: Bluesky may have stored it.
        A read on the way to a send (sending) takes a 4xx as the send's refusal."""
        self._logged_in()
        for attempt in (1, 2):
            try:
                return func(*args, **kwargs)
            except sdk.BadRequestError as exc:
                if _error_of(exc)[1] == "ExpiredToken" and attempt == 1:
                    self._renew()  # refused before anything was stored: safe to ask again
                    continue
                raise self._mapped(exc, writes, sending) from None
            except sdk.AtProtocolError as exc:
                raise self._mapped(exc, writes, sending) from None

    def _mapped(self, exc: Exception, writes: bool, sending: bool = False) -> Exception:
        if isinstance(exc, sdk.InvokeTimeoutError):
            return AmbiguousSend("Bluesky did not answer in time") if writes else AdapterError("Bluesky timed out")
        if not isinstance(exc, sdk.RequestErrorBase) or exc.response is None:
            cause = exc.__cause__
            never_sent = isinstance(cause, httpx.ConnectError)
            if writes and not never_sent:
                return AmbiguousSend(f"Bluesky did not answer ({type(cause or exc).__name__})")
            return AdapterError(f"Bluesky unreachable: {type(cause or exc).__name__}")
        status, error, message = _error_of(exc)
        if status == 429:
            limit = wire.rate_limit(exc.response.headers)
            retry_at = limit.reset_at if limit else datetime.now(timezone.utc) + timedelta(minutes=5)
            return RateLimited(retry_at, f"Bluesky answered 429 {error or 'RateLimitExceeded'}")
        if status is not None and status >= 500:
            kind = AmbiguousSend if writes else AdapterError
            return kind(f"Bluesky server error {status} {error}".rstrip())
        if status == 401 or error in ("AuthenticationRequired", "InvalidToken", "ExpiredToken"):
            return CredentialsRejected(f"Bluesky refused the session ({status} {error}): check BLUESKY_HANDLE and "
                                       "BLUESKY_APP_PASSWORD")
        if not (writes or sending):
            return AdapterError(f"Bluesky refused the request ({status} {error}: {message})")
        return PermanentSendError(f"Bluesky refused it ({status} {error}: {message}).")

    def _read(self, func, *args, **kwargs) -> dict:
        return get_model_as_dict(self._call(func, *args, **kwargs))

    # -- inbound: polling ----------------------------------------------------------
    def feeds(self) -> list[Feed]:
        name = f"Bluesky {self.account_name()}"
        return [Feed(self.account_key, name, self.fetch_since),
                Feed(f"{self.account_key}:dm", f"{name} DMs", self.fetch_dms)]

    def fetch_since(self, cursor: str | None, start_time: datetime | None) -> FetchResult:
        """Mentions, replies and quotes newer than the cursor (the indexedAt of
        the newest notification a pass handed over). listNotifications pages
        newest first and has no since: read down to the cursor. Notifications
        of the cursor's own instant are read again; the desk's unique keys make
        that harmless, while stopping before them could lose one."""
        me = self.account_id()
        self._mark_seen(cursor)
        posts, newest, page_cursor = [], None, None
        stop_at = wire.when(cursor) if cursor else start_time
        for _page in range(MAX_PAGES):
            params = {"limit": 100, **({"cursor": page_cursor} if page_cursor else {})}
            body = self._read(self.client.app.bsky.notification.list_notifications, params)
            items = [i for i in body.get("notifications") or [] if isinstance(i, dict)]
            newest = newest or next((i.get("indexedAt") for i in items if i.get("indexedAt")), None)
            reached = False
            for item in items:
                seen = wire.when(item.get("indexedAt"))
                if stop_at and seen and seen < stop_at:
                    reached = True
                    break
                try:
                    post = wire.post_from_notification(item, me)
                except ValueError as exc:
                    log.warning("Bluesky notification %s skipped: %s", str(item.get("uri"))[:120], exc)
                    continue
                if post:
                    posts.append(post)
            page_cursor = body.get("cursor")
            if reached or not page_cursor:
                break
        limit = wire.rate_limit(self.client.request.last_headers)
        return FetchResult(posts=list(reversed(posts)), cursor=newest or cursor, rate_limit=limit)

    def _mark_seen(self, cursor: str | None) -> None:
        """The cursor passed in is what the desk already showed in Slack: say so
        to Bluesky (updateSeen), so the brand's app does not list them as new."""
        if not cursor or cursor == self._seen_marked:
            return
        try:
            self._call(self.client.app.bsky.notification.update_seen, {"seen_at": cursor})
            self._seen_marked = cursor
        except (AdapterError, PermanentSendError) as exc:
            log.info("Bluesky: notifications not marked as seen (%s); the next pass tries again", exc)

    def fetch_dms(self, cursor: str | None, start_time: datetime | None) -> FetchResult:
        """Customer messages from the chat log after the cursor (a log rev)."""
        me = self.account_id()
        posts, log_cursor = [], cursor
        for _page in range(MAX_PAGES):
            params = {"cursor": log_cursor} if log_cursor else {}
            body = self._read(self._chat.chat.bsky.convo.get_log, params)
            entries = [e for e in body.get("logs") or [] if isinstance(e, dict)]
            for entry in entries:
                profiles = {p.get("did"): p for p in entry.get("relatedProfiles") or [] if isinstance(p, dict)}
                try:
                    post = wire.post_from_log(entry, me, profiles)
                except ValueError as exc:
                    log.warning("Bluesky DM skipped: %s", exc)
                    continue
                if post and not (start_time and post.created_at and post.created_at < start_time):
                    posts.append(post)
            next_cursor = body.get("cursor")
            if not entries or not next_cursor or next_cursor == log_cursor:
                log_cursor = next_cursor or log_cursor
                break
            log_cursor = next_cursor
        limit = wire.rate_limit(self._chat.request.last_headers)
        return FetchResult(posts=posts, cursor=log_cursor, rate_limit=limit)

    # -- outbound --------------------------------------------------------------------
    def measure(self, text: str, kind: ActionKind = ActionKind.REPLY) -> tuple[int, int]:
        limit = wire.MAX_DM_GRAPHEMES if kind is ActionKind.PRIVATE else wire.MAX_POST_GRAPHEMES
        return wire.graphemes(text), limit

    def check_reply(self, text: str, kind: ActionKind = ActionKind.REPLY, about: PostRef | None = None) -> str | None:
        if empty := empty_reply_problem(text):
            return empty
        length, limit = self.measure(text, kind)
        longest = wire.MAX_DM_BYTES if kind is ActionKind.PRIVATE else wire.MAX_POST_BYTES
        if length > limit or len(text.encode("utf-8")) > longest:
            what = "a Bluesky DM" if kind is ActionKind.PRIVATE else "a Bluesky post"
            return (f"The reply is {length:,} characters as Bluesky counts them; {what} takes at most {limit:,} "
                    f"(and {longest:,} bytes). Shorten it and post it again in this thread.")
        return None

    def target_for(self, kind: ActionKind, post: PostRef) -> str:
        # A DM goes to the customer (their DID); a reply or a like is about their post (its at:// uri).
        return post.author_id if kind is ActionKind.PRIVATE else post.external_id

    def _refuse_unsendable(self, action: OutboundAction) -> None:
        if problem := self.check_reply(action.text, action.kind):
            raise PermanentSendError(problem)

    def _post_view(self, uri: str) -> dict:
        body = self._read(self.client.app.bsky.feed.get_posts, {"uris": [uri]}, sending=True)
        found = next((p for p in body.get("posts") or [] if p.get("uri") == uri), None)
        if found is None:
            raise PermanentSendError("The customer's post is no longer on Bluesky (deleted, or its author left), "
                                     "so there is nothing to reply to. Answer privately if it matters.")
        return found

    def _resolve(self, handle: str) -> str | None:
        try:
            return self._read(self.client.com.atproto.identity.resolve_handle, {"handle": handle}).get("did")
        except (AdapterError, PermanentSendError):
            return None  # an unknown handle stays plain text, as Bluesky's own apps leave it

    def send_reply(self, action: OutboundAction) -> SentMessage:
        """A reply post: parent = the customer's post, root = its thread's root."""
        self._refuse_unsendable(action)
        parent = self._post_view(action.target)
        parent_ref = {"uri": parent["uri"], "cid": parent["cid"]}
        root = ((parent.get("record") or {}).get("reply") or {}).get("root") or parent_ref
        record = {"$type": "app.bsky.feed.post", "text": action.text,
                  "createdAt": datetime.now(timezone.utc).isoformat().replace("+00:00", "Z"),
                  "reply": {"root": {"uri": root["uri"], "cid": root["cid"]}, "parent": parent_ref}}
        facets = wire.facets_for(action.text, self._resolve)
        if facets:
            record["facets"] = facets
        created = self._read(self.client.com.atproto.repo.create_record,
                             {"repo": self.account_id(), "collection": "app.bsky.feed.post", "record": record},
                             writes=True)
        return SentMessage(created["uri"], wire.post_url(created["uri"], self._settings.handle))

    def send_private(self, action: OutboundAction) -> SentMessage:
        """chat.bsky.convo.getConvoForMembers, then sendMessage."""
        self._refuse_unsendable(action)
        convo_id = self._convo_with(action.target)
        message = {"text": action.text}
        if facets := wire.facets_for(action.text, self._resolve):
            message["facets"] = facets
        sent = self._read(self._chat.chat.bsky.convo.send_message, {"convo_id": convo_id, "message": message},
                          writes=True)
        return SentMessage(sent["id"], f"https://bsky.app/messages/{convo_id}",
                           opens_thread=wire.dm_thread_id(convo_id))

    def _convo_with(self, did: str) -> str:
        try:
            body = self._read(self._chat.chat.bsky.convo.get_convo_for_members, {"members": [did]}, sending=True)
        except PermanentSendError as exc:
            # getConvoForMembers' documented refusals of a DM the customer does not take.
            if any(name in str(exc) for name in ("MessagesDisabled", "NotFollowedBySender", "Blocked")):
                raise PermanentSendError(f"Bluesky refused the private message: the customer does not accept "
                                         f"DMs from {self.account_name()} ({exc}). Answer publicly in this "
                                         "thread.") from None
            raise
        return body["convo"]["id"]

    def heart(self, post: PostRef) -> Heart:
        if post.private:
            return Heart(None, "a Bluesky DM has no like (its chat reactions are not sent from here)")
        return Heart(f"Like on {self.label}")

    def like(self, action: OutboundAction) -> SentMessage:
        post = self._post_view(action.target)
        if like := (post.get("viewer") or {}).get("like"):
            return SentMessage(like, None)  # already liked: a second like record would be a duplicate
        record = {"$type": "app.bsky.feed.like", "subject": {"uri": post["uri"], "cid": post["cid"]},
                  "createdAt": datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")}
        created = self._read(self.client.com.atproto.repo.create_record,
                             {"repo": self.account_id(), "collection": "app.bsky.feed.like", "record": record},
                             writes=True)
        return SentMessage(created["uri"], None)

    def unlike(self, action: OutboundAction) -> SentMessage:
        post = self._post_view(action.target)
        like = (post.get("viewer") or {}).get("like")
        if like:
            rkey = like.rsplit("/", 1)[-1]
            self._call(self.client.com.atproto.repo.delete_record,
                       {"repo": self.account_id(), "collection": "app.bsky.feed.like", "rkey": rkey}, writes=True)
        return SentMessage(action.target, None)

    def find_sent(self, action: OutboundAction) -> SentMessage | None:
        """After an ambiguous send: is our reply, DM or like on Bluesky? A reply
        is looked for among the brand's own recent posts (getAuthorFeed), by its
        parent and text; a DM among the conversation's messages."""
        if action.kind in (ActionKind.LIKE, ActionKind.UNLIKE):
            like = (self._post_view(action.target).get("viewer") or {}).get("like")
            return SentMessage(like, None) if like and action.kind is ActionKind.LIKE else None
        if action.kind is ActionKind.PRIVATE:
            convo_id = self._convo_with(action.target)
            body = self._read(self._chat.chat.bsky.convo.get_messages, {"convo_id": convo_id, "limit": 100})
            for message in body.get("messages") or []:
                if (message.get("sender") or {}).get("did") == self.account_id() and message.get("text") == action.text:
                    return SentMessage(message["id"], f"https://bsky.app/messages/{convo_id}",
                                       opens_thread=wire.dm_thread_id(convo_id))
            return None
        since = action.queued_at - CLOCK_SKEW if action.queued_at else None
        params = {"actor": self.account_id(), "filter": "posts_with_replies", "limit": 100}
        for _page in range(FEED_PAGES):
            body = self._read(self.client.app.bsky.feed.get_author_feed, params)
            newer = False  # a pinned post may head the feed: a whole page older than the reply ends the look
            for item in body.get("feed") or []:
                post = item.get("post") or {}
                record = post.get("record") or {}
                parent = ((record.get("reply") or {}).get("parent") or {}).get("uri")
                if parent == action.target and record.get("text") == action.text:
                    return SentMessage(post["uri"], wire.post_url(post["uri"], self._settings.handle))
                created = wire.when(record.get("createdAt"))
                newer = newer or not (since and created and created < since)
            if not newer or not body.get("cursor"):
                break
            params["cursor"] = body["cursor"]
        return None
