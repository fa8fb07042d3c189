"""The brand's Threads account (Meta's Threads API): customers' replies under its
posts and posts that @-mention it, by Threads webhooks on `/webhooks/meta` and by
polling as the fallback; a staff thread reply becomes a Threads reply.

- In: webhooks (`replies`, `mentions`; signed X-Hub-Signature-256 with
  THREADS_APP_SECRET, else META_APP_SECRET), and two polled feeds: the replies
  under the brand's recent posts (`GET /{user-id}/threads`, then each one's
  `GET /{media-id}/conversation`, newest first, read back to the cursor) and
  `GET /{user-id}/mentions?since=`. A reply seen both ways is one post (its
  media id is its key).
- Out: a reply is a container (`POST /{user-id}/threads`, media_type=TEXT, text,
  reply_to_id) then its publication (`POST /{user-id}/threads_publish`,
  creation_id). Only the publication is public: a container lost to a crash
  before it is published is never seen and expires; a publication whose answer
  was lost is looked for (find_sent: the brand's reply with our text among the
  replies to the customer's post) before anything is sent again.
- Threads offers apps no like: a staff ❤️ stays among colleagues (no Liker).
  A customer's top-level reply under a brand post can be hidden
  (`POST /{reply-id}/manage_reply hide=true`, see hide_reply).
- The long-lived token (60 days) is refreshed by the worker's tokens job
  (`GET /refresh_access_token?grant_type=th_refresh_token`), as Instagram's."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

from adapters._graph import GraphClient, GraphError, MetaWebhook, newest_first_result, since_cursor
from adapters._graph_sent import LOOKUP_PAGES, comparable, not_before, too_old
from adapters._meta_shapes import as_text, guarded
from adapters._threads_wire import (EARLIEST_SINCE, LABEL, MAX_TEXT, MEDIA_FIELDS, NOT_CUSTOMER_FIELDS,
                                    ThreadsSettings, addressed_to, delivery_change, media_post, own, threads_length)
from adapters.base import (ActionKind, AdapterError, AmbiguousSend, Feed, FetchResult, InboundPost,
                           OutboundAction, PermanentSendError, PostRef, SentMessage, empty_reply_problem)

log = logging.getLogger(__name__)
RECENT_POSTS = 10       # the brand's newest posts whose replies each poll reads
PAGE = 50


class ThreadsAdapter(MetaWebhook):
    platform = "threads"
    label = LABEL
    private_label = "Threads"   # Threads has no private channel an app may use
    reply_limits = (MAX_TEXT, MAX_TEXT)
    token_renewable = True

    def __init__(self, settings: ThreadsSettings, timeout: float = 10.0):
        self._settings = settings
        self._verify_token, self._webhook_secret = settings.verify_token, settings.app_secret
        self.clock = lambda: datetime.now(timezone.utc)
        # Threads takes no appsecret_proof; the token travels in the Authorization header.
        self.graph = GraphClient(settings.api_url, settings.token, None, timeout, clock=lambda: self.clock(),
                                 label=LABEL)
        self.graph.token_hint = "create a new long-lived Threads token and set THREADS_TOKEN"
        self._username: str | None = None

    @property
    def account_key(self) -> str:
        return f"threads:{self._settings.user_id}"

    def account_id(self) -> str:
        return self._settings.user_id

    def account_name(self) -> str:
        return f"@{self._username}" if self._username else f"account {self._settings.user_id}"

    def _own_username(self) -> str:
        """The brand's username, looked up once: a webhook names a reply's
        author only by username, and the brand's own replies must not open a
        thread. A failed look-up raises: the delivery is retried, not misread."""
        if self._username is None:
            found = as_text(self.graph.get(self._settings.user_id, fields="id,username").get("username"))
            if not found:
                raise AdapterError("Threads did not say the account's username")
            self._username = found
        return self._username

    # -- tokens (60 days; refreshed by the worker once a day, see bot/inbound/tokens.py) ------
    def use_token(self, token: str) -> None:
        self.graph.token = token

    def refresh_token(self) -> tuple[str, datetime] | None:
        root = self._settings.api_url.rsplit("/v", 1)[0]  # refresh_access_token is not versioned
        client = GraphClient(root, self.graph.token, None, label=LABEL)
        client.token_hint = self.graph.token_hint
        # The documented call takes the token as a query parameter.
        body = client.get("refresh_access_token", grant_type="th_refresh_token", access_token=self.graph.token)
        return body["access_token"], self.clock() + timedelta(seconds=int(body.get("expires_in", 0)))

    # -- inbound: webhooks ----------------------------------------------------------------------
    def parse_webhook(self, payload: dict) -> list[InboundPost]:
        if "values" not in payload or "object" in payload:
            log.debug("Threads webhook: a delivery that is not Threads' (no `values`); ignored here")
            return []
        field, value, sent_at = delivery_change(payload)
        if field in NOT_CUSTOMER_FIELDS:
            log.info("Threads webhook: %s (%s %s); nothing for a customer thread", NOT_CUSTOMER_FIELDS[field],
                     field, value.get("id"))
            return []
        if field not in ("replies", "mentions"):
            log.info("Threads webhook: a %r change is not a customer post; ignored", field)
            return []
        if not addressed_to(field, value, payload.get("target_id"), self._settings.user_id):
            log.info("Threads webhook: a %s for another account (target %s); ignored", field,
                     payload.get("target_id"))
            return []
        if own(value, self._own_username()):
            log.debug("Threads webhook: the account's own post %s; ignored", value.get("id"))
            return []
        post = guarded(f"Threads {field} webhook", media_post, value, self._settings.user_id, sent_at)
        return [post] if post else []

    # -- inbound: polling -------------------------------------------------------------------------
    def feeds(self) -> list[Feed]:
        try:
            self._own_username()   # once: the feeds are named by it in every pass's line
        except (AdapterError, PermanentSendError) as exc:
            log.debug("Threads: the account's username is not known yet (%s)", exc)
        return [Feed(self.account_key, f"Threads {self.account_name()} replies", self.fetch_replies),
                Feed(f"{self.account_key}:mentions", f"Threads {self.account_name()} mentions", self.fetch_mentions)]

    def _customer(self, media: dict, since: int, found: list, newest: list) -> bool:
        """Keep one listed media object if it is a customer's and new; False
        once the listing (newest first) reached what an earlier poll read."""
        post = guarded("Threads media", media_post, media, self._settings.user_id)
        if post is None:
            return True
        stamp = int(post.created_at.timestamp()) if post.created_at else 0
        if stamp and stamp < since:
            return False
        newest[0] = max(newest[0], stamp)
        if not own(media, self._username):
            found.append(post)
        return True

    def fetch_replies(self, cursor: str | None, start_time: datetime | None) -> FetchResult:
        since, found, newest = since_cursor(cursor, start_time), [], [since_cursor(cursor, start_time)]
        self._own_username()
        posts = self.graph.get(f"{self._settings.user_id}/threads", fields="id,timestamp", limit=RECENT_POSTS)
        for item in posts.get("data") or []:
            for media in self.graph.pages(f"{item['id']}/conversation", limit_pages=LOOKUP_PAGES,
                                          fields=MEDIA_FIELDS, reverse="true", limit=PAGE):
                if not self._customer(media, since, found, newest):
                    break
        return newest_first_result(found, newest[0], cursor)

    def fetch_mentions(self, cursor: str | None, start_time: datetime | None) -> FetchResult:
        since, found, newest = since_cursor(cursor, start_time), [], [since_cursor(cursor, start_time)]
        self._own_username()
        window = {"since": since} if since >= EARLIEST_SINCE else {}
        for media in self.graph.pages(f"{self._settings.user_id}/mentions", limit_pages=LOOKUP_PAGES,
                                      fields=MEDIA_FIELDS, limit=PAGE, **window):
            self._customer(media, since, found, newest)  # listed in no documented order: every page is read
        return newest_first_result(found, newest[0], cursor)

    # -- outbound ---------------------------------------------------------------------------------
    def target_for(self, kind: ActionKind, post: PostRef) -> str:
        return post.external_id   # reply_to_id: the customer's latest post

    def measure(self, text: str, kind: ActionKind = ActionKind.REPLY) -> tuple[int, int]:
        """Threads' own count (an emoji weighs its UTF-8 bytes), shared by check_reply and the composer."""
        return threads_length(text), MAX_TEXT

    def check_reply(self, text: str, kind: ActionKind = ActionKind.REPLY, about: PostRef | None = None) -> str | None:
        if empty := empty_reply_problem(text):
            return empty
        length, longest = self.measure(text, kind)
        if length > longest:
            return (f"The reply is {length:,} characters as Threads counts them (an emoji counts as its UTF-8 bytes: "
                    f"👍 is 4); Threads takes at most {longest:,}. Shorten it.")
        return None

    def send_reply(self, action: OutboundAction) -> SentMessage:
        problem = self.check_reply(action.text, action.kind)
        if problem:
            raise PermanentSendError(problem)
        try:
            container = self.graph.post(f"{self._settings.user_id}/threads",
                                        {"media_type": "TEXT", "text": action.text, "reply_to_id": action.target})
        except AmbiguousSend as exc:
            # A container is private until published: one that may exist is simply never published.
            raise AdapterError(f"{exc} (creating the reply; nothing was published)") from None
        try:
            answer = self.graph.post(f"{self._settings.user_id}/threads_publish", {"creation_id": container["id"]})
        except GraphError:
            # Threads asks for a wait before publishing (a container may still be processing): a refusal of
            # a container still IN_PROGRESS is retried with a new one, this one never published.
            if self._container_status(container["id"]) == "IN_PROGRESS":
                raise AdapterError("Threads was still preparing the reply; it is made again shortly") from None
            raise
        return SentMessage(answer["id"], None)

    def _container_status(self, container_id: str) -> str | None:
        try:
            return as_text(self.graph.get(container_id, fields="id,status").get("status")) or None
        except (AdapterError, PermanentSendError):
            return None

    def find_sent(self, action: OutboundAction) -> SentMessage | None:
        """The brand's reply with this text directly under the customer's post
        (reply_to_id), written no earlier than staff wrote it."""
        since, wanted = not_before(action), comparable(action.text)
        username = self._own_username()
        for reply in self.graph.pages(f"{action.target}/replies", limit_pages=LOOKUP_PAGES, reverse="true",
                                      fields="id,text,username,timestamp,is_reply_owned_by_me", limit=PAGE):
            if too_old(reply, "timestamp", since):
                return None   # newest first: the rest were written before our reply
            if own(reply, username) and comparable(reply.get("text")) == wanted:
                return SentMessage(reply["id"], None)
        return None

    def hide_problem(self, post: PostRef) -> str | None:
        return None   # only Threads knows whether it is a top-level reply: a deeper one is refused, and said

    def hide(self, action: OutboundAction) -> SentMessage:
        self.hide_reply(action.target, True)
        return SentMessage(action.target, None)

    def unhide(self, action: OutboundAction) -> SentMessage:
        self.hide_reply(action.target, False)
        return SentMessage(action.target, None)

    def hide_reply(self, reply_id: str, hide: bool = True) -> None:
        """Hide (or show again) a customer's top-level reply under a brand post
        on Threads; Threads hides its nested replies with it and lets apps hide
        nothing else (a mention elsewhere, a deeper reply: refused)."""
        self.graph.post(f"{reply_id}/manage_reply", {"hide": hide})
