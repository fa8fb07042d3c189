"""An Instagram professional account: comments on its media (public) and Instagram DMs (private), by webhook
(`/webhooks/meta`, `object: instagram`) and — for comments — by polling as the fallback.

Two set-ups: Page-linked (the Page token through GRAPH_API_URL, webhooks signed with META_APP_SECRET) and Instagram
Login (INSTAGRAM_TOKEN through INSTAGRAM_API_URL, webhooks signed with INSTAGRAM_APP_SECRET; its 60-day token is
refreshed by the worker, see bot/inbound/tokens.py). Instagram replies only to top-level comments: a reply to a reply
goes under its top-level comment, and the thread is told so. Comments by the account itself (`self_ig_scoped_id`, or
the account's own id) and DM echoes never open a thread. A staff ❤️ on a DM is a `love` reaction on it."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from adapters._graph import (PRIVATE_REPLY_WINDOW, RESPONSE_WINDOW, GraphClient, MetaWebhook, graph_time,
                             messaging_window, newest_first_result, reaction_target, send_heart, since_cursor, GraphError)
from adapters._graph_sent import (DM_DETAILED, LOOKUP_PAGES, comparable, conversation_with, not_before, own_message,
                                  too_old)
from adapters._meta_shapes import as_text, each_object, guarded, list_of, read_messaging, text_id, web_url
from adapters.base import (READ_ONLY, ActionKind, AdapterError, Attachment, CredentialsRejected, DuplicatePost, Feed,
                           FetchResult, Heart, InboundPost, OutboundAction, PermanentSendError, PostRef,
                           SentMessage, UnconfirmedSend, empty_reply_problem)
from bot.env import EnvReader

log = logging.getLogger(__name__)
LABEL, PRIVATE_LABEL = "Instagram", "Instagram DM"
UNKNOWN_AUTHOR = "Someone on Instagram (Meta did not say who)"
MENTION = "mention"  # external ids of mentions: mention:<media id>:<comment id or empty>
# Messaging fields that may also arrive in `changes` form.
MESSAGING_FIELDS = ("messages", "messaging_postbacks", "message_edit", "standby")
MAX_TEXT = 2200
RECENT_MEDIA = 10
NO_COMMENT_LIKES = ("socialdesk does not like Instagram comments or mentions (Meta's likes edge for them needs the "
                    "instagram_manage_engagement permission, which this set-up does not ask for)")


@dataclass(frozen=True)
class InstagramSettings:
    api_url: str
    account_id: str
    token: str
    instagram_login: bool       # INSTAGRAM_TOKEN (Instagram Login) rather than the Page token
    app_secret: str | None      # signs webhooks (and appsecret_proof on Page-linked Graph calls)
    verify_token: str | None
    human_agent: bool


def read_settings(reader: EnvReader) -> InstagramSettings | None:
    account = reader.text("INSTAGRAM_ACCOUNT_ID")
    if account and not account.isdigit():
        reader.check("INSTAGRAM_ACCOUNT_ID", f"{account!r} is not a numeric Instagram account id")
    ig_token = reader.text("INSTAGRAM_TOKEN")
    ig_url = reader.url("INSTAGRAM_API_URL", "https://graph.instagram.com/v26.0") or ""
    graph_url = reader.url("GRAPH_API_URL", "https://graph.facebook.com/v26.0") or ""
    page_token = reader.text("META_PAGE_TOKEN")
    human_agent = (reader.text("MESSENGER_HUMAN_AGENT", "off") or "off").lower() == "on"
    if not account or not (ig_token or page_token):
        return None
    if ig_token:
        return InstagramSettings(ig_url.rstrip("/"), account, ig_token, True, reader.text("INSTAGRAM_APP_SECRET"),
                                 reader.text("META_VERIFY_TOKEN"), human_agent)
    return InstagramSettings(graph_url.rstrip("/"), account, page_token, False, reader.text("META_APP_SECRET"),
                             reader.text("META_VERIFY_TOKEN"), human_agent)


class InstagramAdapter(MetaWebhook):
    platform = "instagram"
    label = LABEL
    private_label = PRIVATE_LABEL
    reply_limits = (MAX_TEXT, MAX_TEXT)

    def __init__(self, settings: InstagramSettings, timeout: float = 10.0):
        self._settings = settings
        self._verify_token, self._webhook_secret = settings.verify_token, settings.app_secret
        self.clock = lambda: datetime.now(timezone.utc)
        # appsecret_proof belongs to Facebook Login tokens; Instagram Login tokens go without.
        self.graph = GraphClient(settings.api_url, settings.token,
                                 None if settings.instagram_login else settings.app_secret, timeout,
                                 clock=lambda: self.clock(), label="Instagram")
        self._names: dict[str, tuple[str, str | None]] = {}  # IGSID → (@username, name), once looked up

    @property
    def account_key(self) -> str:
        return f"instagram:{self._settings.account_id}"

    def account_id(self) -> str:
        return self._settings.account_id

    def account_name(self) -> str:
        return f"account {self._settings.account_id}"

    # -- tokens (Instagram Login: 60 days, refreshed by the worker) -----------------------
    @property
    def token_renewable(self) -> bool:
        return self._settings.instagram_login

    def use_token(self, token: str) -> None:
        self.graph.token = token

    def refresh_token(self) -> tuple[str, datetime] | None:
        """A fresh 60-day token for an Instagram Login token, or None (a Page token needs none)."""
        if not self._settings.instagram_login:
            return None
        root = self._settings.api_url.rsplit("/v", 1)[0]  # refresh_access_token is not versioned
        # The one call whose token must be a query parameter (Instagram's refresh endpoint).
        body = GraphClient(root, self.graph.token, None, label="Instagram").get(
            "refresh_access_token", grant_type="ig_refresh_token", access_token=self.graph.token)
        return body["access_token"], self.clock() + timedelta(seconds=int(body.get("expires_in", 0)))

    # -- inbound ---------------------------------------------------------------------------
    def _own(self, author: dict) -> bool:
        return bool(author.get("self_ig_scoped_id")) or text_id(author.get("id")) == self._settings.account_id

    def _comment_post(self, comment: dict, parent_id: str | None) -> InboundPost | None:
        """A comment; the minimal webhook shape (no `from`) is shown too, its author unknown."""
        author = comment.get("from") if isinstance(comment.get("from"), dict) else {}
        comment_id, author_id = text_id(comment.get("id")), text_id(author.get("id"))
        if not comment_id:
            log.info("Instagram: a comment without an id; ignored")
            return None
        if self._own(author) or comment.get("self_ig_scoped_id"):
            log.debug("Instagram: the account's own comment %s; ignored", comment_id)
            return None
        top = text_id(parent_id) or comment_id
        username = as_text(author.get("username"))
        handle = "@" + username if username else (f"Instagram user {author_id[-4:]}" if author_id else UNKNOWN_AUTHOR)
        return InboundPost(
            platform=self.platform, external_id=comment_id, thread_id=f"comment:{top}",
            author_id=author_id or f"unknown:{top}", author_handle=handle, author_name=None,
            text=as_text(comment.get("text")), created_at=graph_time(comment.get("timestamp")), url=None,
            platform_label=LABEL, account=self._settings.account_id)

    def _message_post(self, event) -> InboundPost | None:
        found = read_messaging(event, self._settings.account_id, "Instagram DM")
        if found is None:
            return None
        known = self._names.get(found.sender)
        return InboundPost(
            platform=self.platform, external_id=found.external_id, thread_id=f"dm:{found.sender}",
            author_id=found.sender, author_handle=known[0] if known else f"Instagram user {found.sender[-4:]}",
            author_name=known[1] if known else None,
            text=found.text, created_at=graph_time(found.when), url=None, platform_label=PRIVATE_LABEL,
            account=self._settings.account_id, private=True, attachments=found.attachments, change=found.change,
            name_pending=known is None)

    def find_name(self, author_id: str) -> tuple[str, str | None] | None:
        """An Instagram DM sender's @username and name (asked after the webhook was answered)."""
        try:
            person = self.graph.get(author_id, fields="username,name")
        except (AdapterError, PermanentSendError) as exc:
            log.info("Instagram: no username for user …%s (%s)", author_id[-4:], exc)
            return None
        username = as_text(person.get("username"))
        if not username:
            return None
        self._names[author_id] = ("@" + username, as_text(person.get("name")) or None)
        return self._names[author_id]

    def parse_webhook(self, payload: dict) -> list[InboundPost]:
        """Each entry, change and event is read on its own: one not understood is skipped, never the batch."""
        if payload.get("object") != "instagram":
            log.debug("Instagram webhook: a delivery for object %r is not Instagram's; ignored here",
                      payload.get("object"))
            return []
        posts: list[InboundPost | None] = []
        for entry in each_object(payload.get("entry"), "Instagram webhook entry"):
            if text_id(entry.get("id")) != self._settings.account_id:
                log.debug("Instagram webhook: an entry for account %s, not ours; ignored", entry.get("id"))
                continue
            for change in each_object(entry.get("changes"), "Instagram change"):
                posts.append(guarded("Instagram change", self._change, change, entry.get("time")))
            # Messages arrive under `standby` while another app holds the conversation (handover).
            for event in list_of(entry.get("messaging")) + list_of(entry.get("standby")):
                posts.append(guarded("Instagram DM event", self._message_post, event))
        return [p for p in posts if p]

    def _change(self, change: dict, sent_at) -> InboundPost | None:
        value = change.get("value") if isinstance(change.get("value"), dict) else {}
        field = change.get("field")
        if field in ("comments", "live_comments"):
            comment = {**value, "timestamp": value.get("timestamp") or sent_at}
            return self._comment_post(comment, value.get("parent_id"))
        if field == "mentions":
            return self._mention(value, sent_at)
        if field in MESSAGING_FIELDS:  # the messaging events in `changes` form (the dashboard's test button)
            return self._message_post(value)
        log.info("Instagram webhook: a %r change is not a customer post; ignored", field)
        return None

    def _mention(self, value: dict, sent_at) -> InboundPost | None:
        """The account @-mentioned in someone's comment or caption. Meta sends
        only ids, so the words are fetched (GET /{ig-user-id}?fields=
        mentioned_comment / mentioned_media); the answer is a comment there
        (POST /{ig-user-id}/mentions). Where Instagram gives nothing (comments
        turned off on that media), the thread is read-only."""
        media_id, comment_id = text_id(value.get("media_id")), text_id(value.get("comment_id"))
        if not media_id:
            log.info("Instagram webhook: a mention without a media id; ignored")
            return None
        found, problem = self._mentioned(media_id, comment_id)
        author = found.get("from") if isinstance(found.get("from"), dict) else {}
        author_id = text_id(author.get("id"))
        username = as_text(found.get("username")) or as_text(author.get("username"))
        where = "a comment" if comment_id else "a caption"
        text = as_text(found.get("text")) or as_text(found.get("caption"))
        attachments: tuple[Attachment, ...] = ()
        text = text or f"(@-mentioned the account in {where}; Instagram did not give its words{': ' if problem else ''}" \
                       f"{problem or ''})"
        if problem is not None:
            attachments = (Attachment(READ_ONLY, None, f"Instagram does not let the desk answer this mention "
                                                       f"({problem}); answer it in the Instagram app"),)
        key = f"{MENTION if problem is None else READ_ONLY}:{media_id}:{comment_id or ''}"
        return InboundPost(
            platform=self.platform, external_id=key, thread_id=f"mention:{media_id}:{comment_id or ''}",
            author_id=author_id or (f"@{username}" if username else f"unknown:{media_id}"),
            author_handle=f"@{username}" if username else UNKNOWN_AUTHOR, author_name=None, text=text,
            created_at=graph_time(found.get("timestamp") or sent_at), url=web_url(found.get("permalink")),
            platform_label=LABEL, account=self._settings.account_id, attachments=attachments)

    def _mentioned(self, media_id: str, comment_id: str | None) -> tuple[dict, str | None]:
        """What the mention says, or why it cannot be had. Never raises: Meta waits for the webhook's answer."""
        if comment_id:
            fields = f"mentioned_comment.comment_id({comment_id}){{id,text,timestamp,username,from}}"
        else:
            fields = f"mentioned_media.media_id({media_id}){{id,caption,timestamp,username,permalink}}"
        try:
            body = self.graph.get(self._settings.account_id, fields=fields)
        except (AdapterError, CredentialsRejected) as exc:  # ours or an outage: shown without its words, answerable
            log.warning("Instagram: the mention on %s could not be fetched (%s)", media_id, exc)
            return {}, None
        except PermanentSendError as exc:  # Instagram refuses it (comments off, media gone): nobody can answer
            return {}, str(exc)
        found = body.get("mentioned_comment" if comment_id else "mentioned_media")
        return (found, None) if isinstance(found, dict) else ({}, None)

    def feeds(self) -> list[Feed]:
        # Instagram DMs arrive only by webhook; comments are polled as the fallback.
        return [Feed(self.account_key, f"Instagram {self.account_name()}", self.fetch_comments)]

    def fetch_comments(self, cursor: str | None, start_time: datetime | None) -> FetchResult:
        since = since_cursor(cursor, start_time)
        found, newest = [], since
        media = self.graph.get(f"{self._settings.account_id}/media", fields="id,timestamp", limit=RECENT_MEDIA)
        for item in media.get("data", []):
            for comment in self.graph.pages(f"{item['id']}/comments", fields="id,text,from,timestamp", limit=50):
                replies = self.graph.pages(f"{comment['id']}/replies", fields="id,text,from,timestamp,parent_id",
                                           limit=50)
                for each, parent in [(comment, None)] + [(r, comment["id"]) for r in replies]:
                    when = graph_time(each.get("timestamp"))
                    stamp = int(when.timestamp()) if when else 0
                    if stamp >= since:
                        newest = max(newest, stamp)
                        found.append(guarded("Instagram comment", self._comment_post, each, parent))
        return newest_first_result(found, newest, cursor)

    # -- outbound ----------------------------------------------------------------------------
    def reply_window(self, private: bool) -> timedelta | None:
        return messaging_window(self._settings.human_agent) if private else None

    def target_for(self, kind: ActionKind, post: PostRef) -> str:
        if kind in (ActionKind.LIKE, ActionKind.UNLIKE) and post.private:
            return reaction_target(post.author_id, post.external_id)
        if kind is ActionKind.PRIVATE:  # a mention has none: private_problem refuses it before a target is needed
            return f"igsid:{post.author_id}" if post.private else f"comment:{post.external_id}"
        return post.external_id  # a comment id, or mention:<media>:<comment> (POST /{ig-user-id}/mentions)

    def private_problem(self, post: PostRef) -> str | None:
        # Meta's Private Replies reach comments on the account's own media only (anything else: "(#100) Invalid
        # parameter: comment_id"); an @-mention sits on someone else's media.
        if post.private or not post.external_id.startswith((f"{MENTION}:", f"{READ_ONLY}:")):
            return None
        return ("Instagram sends private replies only to comments on the account's own posts, and this @-mention is "
                "on someone else's: answer it publicly in the thread, or ask them to message the account.")

    def check_reply(self, text: str, kind: ActionKind = ActionKind.REPLY, about: PostRef | None = None) -> str | None:
        if empty := empty_reply_problem(text):
            return empty
        if kind is ActionKind.PRIVATE and about is not None and (problem := self.private_problem(about)):
            return problem
        if about is not None and about.external_id.startswith(f"{READ_ONLY}:"):
            return "Instagram does not let the desk answer this post (the root says why); answer it in the Instagram app."
        if self.measure(text, kind)[0] > MAX_TEXT:
            return f"The reply is {len(text):,} characters; Instagram takes at most {MAX_TEXT:,}. Shorten it."
        if kind is ActionKind.PRIVATE and about is not None and about.created_at is not None:
            waited = self.clock() - about.created_at
            if not about.private and waited > PRIVATE_REPLY_WINDOW:
                return ("Instagram allows a private reply to a comment only within 7 days of it; this comment is "
                        "older. Answer in public instead.")
            if about.private and waited > messaging_window(self._settings.human_agent):
                return ("Instagram's messaging window closed (the customer last wrote "
                        f"{about.created_at:%Y-%m-%d %H:%M} UTC): the account cannot message them until they "
                        "write again.")
        return None

    def send_reply(self, action: OutboundAction) -> SentMessage:
        self._refuse(action)
        if action.target.startswith(f"{MENTION}:"):  # where the account was @-mentioned
            _, media_id, comment_id = action.target.split(":", 2)
            answer = self.graph.post(f"{self._settings.account_id}/mentions",
                                     {"media_id": media_id, "message": action.text,
                                      **({"comment_id": comment_id} if comment_id else {})})
            return SentMessage(answer["id"], None)
        parent = self.graph.get(action.target, fields="id,parent_id").get("parent_id")
        target = parent or action.target
        answer = self.graph.post(f"{target}/replies", {"message": action.text})
        note = ("Instagram answers only top-level comments, so the reply went under the customer's first "
                "comment of that thread.") if parent else None
        return SentMessage(answer["id"], None, note)

    def send_private(self, action: OutboundAction) -> SentMessage:
        kind, _, target = action.target.partition(":")
        self._refuse(action)
        recipient = {"comment_id": target} if kind == "comment" else {"id": target}
        body: dict = {"recipient": recipient, "message": {"text": action.text}}
        if kind != "comment" and action.about_at and self.clock() - action.about_at > RESPONSE_WINDOW:
            body.update({"messaging_type": "MESSAGE_TAG", "tag": "HUMAN_AGENT"})
        try:
            answer = self.graph.post(self._messages_edge(), body)
        except PermanentSendError as exc:
            code = getattr(exc, "code", None)
            if code in (10, 10900, 10903):
                # 10900: the comment already has its one private reply — after an
                # ambiguous attempt, perhaps ours (DuplicatePost: looked for again).
                error = DuplicatePost if code == 10900 else PermanentSendError
                raise error("Instagram refused the private message: a comment takes one private "
                            "reply within 7 days, and a DM only inside the messaging window.") from None
            raise
        opens = f"dm:{answer['recipient_id']}" if kind == "comment" and answer.get("recipient_id") else None
        return SentMessage(answer["message_id"], None, opens_thread=opens)

    def find_sent(self, action: OutboundAction) -> SentMessage | None:
        """After an ambiguous send: the account's reply under the customer's
        top-level comment, or its message in their Instagram DM conversation
        (a private reply's: the conversation with the comment's author)."""
        since = not_before(action)
        if action.kind is ActionKind.REPLY:
            parent = self.graph.get(action.target, fields="id,parent_id").get("parent_id")
            found = self._find_comment_reply(parent or action.target, action.text, since)
            note = ("Instagram answers only top-level comments, so the reply went under the customer's first "
                    "comment of that thread.") if parent and found else None
            return SentMessage(found, None, note) if found else None
        kind, _, igsid = action.target.partition(":")
        if kind == "comment":
            igsid = self._comment_author(igsid)
        # me: the account (Instagram Login) or the Page it is linked to (Page token).
        conversation = conversation_with(self.graph, "me", igsid, "instagram")
        found = conversation and own_message(self.graph, conversation, self._settings.account_id, action.text,
                                             since, limit=DM_DETAILED, pages=1)
        if not found:
            return None
        return SentMessage(found["id"], None, opens_thread=f"dm:{igsid}" if kind == "comment" else None)

    def _find_comment_reply(self, top: str, text: str, since: datetime | None) -> str | None:
        wanted = comparable(text)
        # Replies come in no documented order: every page is read, bounded.
        for reply in self.graph.pages(f"{top}/replies", limit_pages=LOOKUP_PAGES,
                                      fields="id,text,timestamp,from,user", limit=50):
            ours = self._wrote(reply) and comparable(reply.get("text")) == wanted
            if ours and not too_old(reply, "timestamp", since):
                return reply["id"]
        return None

    def _wrote(self, comment: dict) -> bool:
        """The account's own comment: `user` (only on the app user's own comments) or `from` naming the account."""
        user, author = comment.get("user"), comment.get("from") or {}
        user_id = user.get("id") if isinstance(user, dict) else user
        return self._settings.account_id in (user_id, author.get("id")) or bool(author.get("self_ig_scoped_id"))

    def _comment_author(self, comment_id: str) -> str:
        """The IGSID a private reply to this comment went to: its author (`from.id`), whose DMs then hold it."""
        try:
            author = (self.graph.get(comment_id, fields="id,from").get("from") or {}).get("id")
        except GraphError:
            author = None
        if not author:
            raise UnconfirmedSend(
                "Instagram no longer shows that comment or who wrote it (deleted or hidden?), so socialdesk cannot "
                "look for the private reply in the customer's DMs. It was not sent again, so the customer cannot get "
                "it twice: look at the account's Instagram DMs with this customer and send it again here if it is "
                "not there.")
        return author

    def _messages_edge(self) -> str:
        return f"{self._settings.account_id}/messages" if self._settings.instagram_login else "me/messages"

    def heart(self, post: PostRef) -> Heart:
        return Heart(f"React on {PRIVATE_LABEL}") if post.private else Heart(None, NO_COMMENT_LIKES)

    def like(self, action: OutboundAction) -> SentMessage:  # Instagram's only reaction a business may send: love
        return send_heart(self.graph, self._messages_edge(), action.target, "love")

    def unlike(self, action: OutboundAction) -> SentMessage:
        return send_heart(self.graph, self._messages_edge(), action.target, None)

    def _refuse(self, action: OutboundAction) -> None:
        messenger = action.target.startswith("igsid:")
        about = PostRef("", "", messenger, action.about_at) if action.about_at else None
        problem = self.check_reply(action.text, action.kind, about)
        if problem:
            raise PermanentSendError(problem)
