"""A Facebook Page: comments on its posts (public) and Messenger (private), through the Graph API
(adapters/_graph.py), by webhook (`/webhooks/meta`, `object: page`) and by polling as the fallback.

A comment thread is keyed by its top-level comment (a reply to it by someone else shows in the same Slack thread as
a bystander); a Messenger conversation by the customer's page-scoped id (PSID). Staff replies: a comment reply
(`POST /{comment-id}/comments`), a private reply to a comment (`recipient.comment_id`, once per comment within 7
days) or a Messenger message (Send API: `RESPONSE` within 24 h of the customer's last message, `HUMAN_AGENT` to 7
days when MESSENGER_HUMAN_AGENT=on, else a clear refusal when the reply is written). The Page's own comments and
Messenger echoes never open a thread. A visitor's post on the Page (`feed`, item post/status/photo/video/share;
also polled from `/{page-id}/visitor_posts`) is a conversation of its own (`post:<post id>`), answered by a comment
on it or a private reply (`recipient.post_id`); a mention of the Page (`mention`) likewise, on the mentioning post
or comment. Messenger postbacks, edits and unsends show; names are looked up by find_name after the webhook
answered. A staff ❤️ likes a comment or post, and is a ❤️ reaction on a Messenger message."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from adapters._graph import (RESPONSE_WINDOW, GraphClient, MetaWebhook, graph_time, messaging_window,
                             messenger_window_problem, newest_first_result, reaction_target, send_heart,
                             since_cursor)
from adapters._meta_shapes import (CustomerEvent, as_text, each_object, feed_media, guarded, list_of,
                                   meta_attachments, read_messaging, text_id)
from adapters._graph_sent import conversation_with, not_before, own_comment_reply, own_message, recipient_of
from adapters.base import (ActionKind, AdapterError, DuplicatePost, Feed, FetchResult, Heart, InboundPost,
                           OutboundAction, PermanentSendError, PostRef, SentMessage, empty_reply_problem)
from bot.env import EnvReader

log = logging.getLogger(__name__)
LABEL, PRIVATE_LABEL = "Facebook", "Messenger"
MAX_COMMENT, MAX_MESSAGE = 8000, 2000
RECENT_POSTS = 10  # polling looks at the comments of the Page's newest posts
UNKNOWN_AUTHOR = "Someone (Facebook did not say who)"
# Feed items a visitor posts on the Page: each is a conversation of its own.
VISITOR_ITEMS = ("post", "status", "photo", "video", "share")
# Verbs that change a customer's earlier post (Meta sends both "edit" and "edited");
# hide / unhide / block / mute are the Page's own moderation.
CHANGES = {"edited": "edited", "edit": "edited", "remove": "removed"}


@dataclass(frozen=True)
class FacebookSettings:
    api_url: str
    page_id: str
    page_token: str
    app_secret: str | None
    verify_token: str | None
    human_agent: bool


def read_settings(reader: EnvReader) -> FacebookSettings | None:
    api_url = reader.url("GRAPH_API_URL", "https://graph.facebook.com/v26.0") or "https://graph.facebook.com/v26.0"
    page_id, token = reader.text("META_PAGE_ID"), reader.text("META_PAGE_TOKEN")
    if page_id and not page_id.isdigit():
        reader.check("META_PAGE_ID", f"{page_id!r} is not a numeric Page id")
    human_agent = (reader.text("MESSENGER_HUMAN_AGENT", "off") or "off").lower()
    if human_agent not in ("on", "off"):
        reader.check("MESSENGER_HUMAN_AGENT", f"{human_agent!r} is not on or off")
    if not (page_id and token):
        return None
    return FacebookSettings(api_url.rstrip("/"), page_id, token, reader.text("META_APP_SECRET"),
                            reader.text("META_VERIFY_TOKEN"), human_agent == "on")


class FacebookAdapter(MetaWebhook):
    platform = "facebook"
    label = LABEL
    private_label = PRIVATE_LABEL
    reply_limits = (MAX_COMMENT, MAX_MESSAGE)

    def __init__(self, settings: FacebookSettings, timeout: float = 10.0):
        self._settings = settings
        self._verify_token, self._webhook_secret = settings.verify_token, settings.app_secret
        # Messaging windows are counted on the process's clock (the wiring hands
        # in the jobs' clock, so a test's clock rules here too).
        self.clock = lambda: datetime.now(timezone.utc)
        self.graph = GraphClient(settings.api_url, settings.page_token, settings.app_secret, timeout,
                                 clock=lambda: self.clock(), label="Facebook")
        self._names: dict[str, str] = {}

    @property
    def account_key(self) -> str:
        return f"facebook:{self._settings.page_id}"

    def account_id(self) -> str:
        return self._settings.page_id

    def account_name(self) -> str:
        return f"Page {self._settings.page_id}"

    # -- inbound: posts from Graph objects ------------------------------------------
    def _author(self, value: dict) -> tuple[str | None, str | None]:
        """Who wrote a feed item: `from` {id, name}, or the older
        `sender_id` / `sender_name` shape (ids may be JSON numbers)."""
        author = value.get("from") if isinstance(value.get("from"), dict) else {}
        author_id = text_id(author.get("id")) or text_id(value.get("sender_id"))
        name = as_text(author.get("name")) or as_text(value.get("sender_name"))
        return author_id, name or None

    def _comment_post(self, comment: dict, post_id: str, parent_id: str | None, change: str | None = None,
                      external_id: str | None = None) -> InboundPost | None:
        comment_id = text_id(comment.get("id"))
        author_id, name = self._author(comment)
        if not comment_id:
            log.info("Facebook: a comment without an id; ignored")
            return None
        if author_id == self._settings.page_id:
            log.debug("Facebook: the Page's own comment %s; ignored", comment_id)
            return None
        top = parent_id if parent_id and parent_id != post_id else comment_id
        return InboundPost(
            platform=self.platform, external_id=external_id or comment_id, thread_id=f"comment:{top}",
            # No author given: one stand-in per thread, so strangers never merge into one conversation.
            author_id=author_id or f"unknown:{top}", author_handle=name or author_id or UNKNOWN_AUTHOR,
            author_name=None, text=as_text(comment.get("message")),
            created_at=graph_time(comment.get("created_time")), url=f"https://www.facebook.com/{comment_id}",
            platform_label=LABEL, account=self._settings.page_id, change=change,
            attachments=feed_media(comment))

    def _message_post(self, event: CustomerEvent, known_name: str | None = None) -> InboundPost:
        psid = event.sender
        name = known_name or self._names.get(psid)
        return InboundPost(
            platform=self.platform, external_id=event.external_id, thread_id=f"messenger:{psid}", author_id=psid,
            author_handle=name or f"Messenger user {psid[-4:]}", author_name=None, text=event.text,
            created_at=graph_time(event.when),
            url=f"https://business.facebook.com/latest/inbox/all?selected_item_id={psid}",
            platform_label=PRIVATE_LABEL, account=self._settings.page_id, private=True,
            attachments=event.attachments, change=event.change, name_pending=name is None)

    def find_name(self, author_id: str) -> tuple[str, str | None] | None:
        """A Messenger sender's name (called by the core after the webhook was answered)."""
        if author_id not in self._names:
            try:
                name = as_text(self.graph.get(author_id, fields="name").get("name"))
            except (AdapterError, PermanentSendError) as exc:
                log.info("Facebook: no name for Messenger user …%s (%s)", author_id[-4:], exc)
                return None
            if not name:
                return None
            self._names[author_id] = name
        return self._names[author_id], None

    # -- inbound: webhooks (handshake and signature: MetaWebhook) ----------------------------
    def parse_webhook(self, payload: dict) -> list[InboundPost]:
        """Each entry, change and messaging event is read on its own: one that
        cannot be understood is logged and skipped, never the whole batch."""
        if payload.get("object") != "page":
            log.debug("Facebook webhook: a delivery for object %r is not a Page's; ignored here",
                      payload.get("object"))
            return []
        posts: list[InboundPost | None] = []
        for entry in each_object(payload.get("entry"), "Facebook webhook entry"):
            if text_id(entry.get("id")) != self._settings.page_id:
                log.debug("Facebook webhook: an entry for Page %s, not ours; ignored", entry.get("id"))
                continue
            for change in each_object(entry.get("changes"), "Facebook feed change"):
                posts.append(guarded("Facebook feed change", self._change, change))
            for event in list_of(entry.get("messaging")) + list_of(entry.get("standby")):
                posts.append(guarded("Messenger event", self._messaging, event))
        return [p for p in posts if p]

    def _messaging(self, event) -> InboundPost | None:
        found = read_messaging(event, self._settings.page_id, "Messenger")
        return self._message_post(found) if found else None

    def _change(self, change: dict) -> InboundPost | None:
        value = change.get("value") if isinstance(change.get("value"), dict) else {}
        field = change.get("field")
        if field == "mention":
            return self._mention(value)
        if field != "feed":
            log.info("Facebook webhook: a %r change is not a customer post; ignored", field)
            return None
        item, verb = value.get("item"), value.get("verb", "add")
        if item == "comment":
            return self._comment_change(value)
        if item in VISITOR_ITEMS:
            return self._visitor_post(value)
        log.info("Facebook webhook: feed %s %s is not a customer post (%s); ignored", item, verb,
                 "a reaction" if item in ("like", "reaction") else "nothing to answer")
        return None

    def _comment_change(self, value: dict) -> InboundPost | None:
        verb = value.get("verb", "add")
        comment = {**value, "id": value.get("comment_id")}
        post_id, parent_id = text_id(value.get("post_id")) or "", text_id(value.get("parent_id"))
        if verb == "add":
            return self._comment_post(comment, post_id, parent_id)
        change = CHANGES.get(verb)
        if change is None:
            log.info("Facebook webhook: comment %s by the Page's moderators (%s); ignored", verb, value.get("comment_id"))
            return None
        # Each change is its own event: keyed by the comment and when it happened.
        return self._comment_post(comment, post_id, parent_id, change,
                                  external_id=f"{text_id(comment['id'])}#{change}@{text_id(value.get('created_time')) or ''}")

    def _visitor_post(self, value: dict) -> InboundPost | None:
        """A visitor's post on the Page (post, status, photo, video, share):
        its own conversation, answered by a comment on it. The Page's own posts
        open nothing."""
        post_id = text_id(value.get("post_id"))
        author_id, name = self._author(value)
        verb = value.get("verb", "add")
        change = None if verb == "add" else CHANGES.get(verb)
        if not post_id or author_id == self._settings.page_id or (verb != "add" and change is None):
            log.info("Facebook webhook: %s %s %s — %s; ignored", value.get("item"), verb, post_id,
                     "the Page's own post" if post_id and author_id == self._settings.page_id
                     else "no post id" if not post_id else "a moderation change")
            return None
        key = post_id if change is None else f"{post_id}#{change}@{text_id(value.get('created_time')) or ''}"
        return InboundPost(
            platform=self.platform, external_id=key, thread_id=f"post:{post_id}",
            author_id=author_id or f"unknown:{post_id}", author_handle=name or author_id or UNKNOWN_AUTHOR,
            author_name=None, text=as_text(value.get("message")), created_at=graph_time(value.get("created_time")),
            url=f"https://www.facebook.com/{post_id}", platform_label=LABEL, account=self._settings.page_id,
            change=change, attachments=feed_media(value))

    def _mention(self, value: dict) -> InboundPost | None:
        """The Page @-mentioned in someone's post or comment: shown, answered
        by a comment on that post or comment (POST /{id}/comments)."""
        if value.get("verb", "add") != "add":
            log.info("Facebook webhook: mention %s; ignored (only new mentions are customer posts)", value.get("verb"))
            return None
        if value.get("item") == "comment" and value.get("comment_id") is not None:
            return self._comment_post({**value, "id": value.get("comment_id")}, text_id(value.get("post_id")) or "",
                                      None)
        return self._visitor_post({**value, "verb": "add"})

    # -- inbound: polling (the fallback when webhooks are not set up) ---------------------
    def feeds(self) -> list[Feed]:
        return [Feed(self.account_key, f"Facebook {self.account_name()}", self.fetch_comments),
                Feed(f"{self.account_key}:messenger", f"Messenger {self.account_name()}", self.fetch_messages),
                Feed(f"{self.account_key}:visitor_posts", f"Facebook {self.account_name()} visitor posts",
                     self.fetch_visitor_posts)]

    def fetch_visitor_posts(self, cursor: str | None, start_time: datetime | None) -> FetchResult:
        """Visitors' posts on the Page (GET /{page-id}/visitor_posts), newest first."""
        since = since_cursor(cursor, start_time)
        found, newest = [], since
        for post in self.graph.pages(f"{self._settings.page_id}/visitor_posts", limit_pages=2,
                                     fields="id,message,from,created_time", limit=25):
            when = graph_time(post.get("created_time"))
            stamp = int(when.timestamp()) if when else 0
            if stamp < since:
                break
            newest = max(newest, stamp)
            found.append(guarded("Facebook visitor post", self._visitor_post,
                                 {**post, "post_id": post.get("id"), "verb": "add"}))
        return newest_first_result(found, newest, cursor)

    def fetch_comments(self, cursor: str | None, start_time: datetime | None) -> FetchResult:
        """Comments (replies included: filter=stream) on the Page's newest posts,
        newer than the cursor (a created_time, epoch seconds)."""
        since = since_cursor(cursor, start_time)
        found, newest = [], since
        posts = self.graph.get(f"{self._settings.page_id}/feed", fields="id,created_time", limit=RECENT_POSTS)
        for post in posts.get("data", []):
            for comment in self.graph.pages(f"{post['id']}/comments", filter="stream", order="chronological",
                                            fields="id,message,from,created_time,parent", limit=100):
                when = graph_time(comment.get("created_time"))
                stamp = int(when.timestamp()) if when else 0
                if stamp < since:
                    continue  # same second as the cursor is read again; the unique key drops repeats
                newest = max(newest, stamp)
                parent = comment.get("parent") if isinstance(comment.get("parent"), dict) else {}
                found.append(guarded("Facebook comment", self._comment_post, comment, post["id"],
                                     text_id(parent.get("id"))))
        return newest_first_result(found, newest, cursor)

    def fetch_messages(self, cursor: str | None, start_time: datetime | None) -> FetchResult:
        since = since_cursor(cursor, start_time)
        found, newest = [], since
        threads = self.graph.get(f"{self._settings.page_id}/conversations", platform="messenger",
                                 fields="id,updated_time,participants", limit=25)
        for thread in threads.get("data", []):
            updated = graph_time(thread.get("updated_time"))
            if updated and int(updated.timestamp()) < since:
                continue
            people = (thread.get("participants") or {}).get("data", [])
            for person in people:
                if person.get("id") != self._settings.page_id and person.get("name"):
                    self._names[person["id"]] = person["name"]
            messages = self.graph.get(f"{thread['id']}/messages", fields="id,message,from,created_time,attachments",
                                      limit=25)
            for message in messages.get("data", []):
                when = graph_time(message.get("created_time"))
                stamp = int(when.timestamp()) if when else 0
                if stamp < since:
                    break  # newest first
                newest = max(newest, stamp)
                sender = text_id((message.get("from") or {}).get("id"))
                mid = text_id(message.get("id"))
                if not sender or not mid or sender == self._settings.page_id:
                    continue  # the Page's own messages
                event = CustomerEvent(sender, mid, as_text(message.get("message")), message.get("created_time"),
                                      meta_attachments(message.get("attachments"), "Messenger message"))
                found.append(guarded("Messenger message", self._message_post, event))
        return newest_first_result(found, newest, cursor)

    # -- outbound ---------------------------------------------------------------------
    def reply_window(self, private: bool) -> timedelta | None:
        return messaging_window(self._settings.human_agent) if private else None

    def target_for(self, kind: ActionKind, post: PostRef) -> str:
        if kind in (ActionKind.LIKE, ActionKind.UNLIKE):  # an edit's key ("#edited@…"): its post is liked
            return reaction_target(post.author_id, post.external_id) if post.private else post.external_id.split("#")[0]
        if kind is ActionKind.PRIVATE:
            # In Messenger: the customer; on a comment or a visitor's post on the
            # Page (its id starts with the Page's): a private reply to it.
            if post.private:
                return f"psid:{post.author_id}"
            on_page = post.external_id.startswith(f"{self._settings.page_id}_")
            return f"{'post' if on_page else 'comment'}:{post.external_id}"
        return post.external_id  # a comment on a post, or a reply under a comment: POST /{id}/comments

    def check_reply(self, text: str, kind: ActionKind = ActionKind.REPLY, about: PostRef | None = None) -> str | None:
        if empty := empty_reply_problem(text):
            return empty
        length, limit = self.measure(text, kind)
        if length > limit:
            return f"The reply is {length:,} characters; Facebook takes at most {limit:,} here. Shorten it."
        if kind is ActionKind.PRIVATE and about is not None and about.created_at is not None:
            return messenger_window_problem(about.private, about.created_at, self.clock(),
                                            self._settings.human_agent)
        return None

    def send_reply(self, action: OutboundAction) -> SentMessage:
        self._refuse(action, messenger=False)
        answer = self.graph.post(f"{action.target}/comments", {"message": action.text})
        return SentMessage(answer["id"], f"https://www.facebook.com/{answer['id']}")

    def send_private(self, action: OutboundAction) -> SentMessage:
        kind, _, target = action.target.partition(":")
        self._refuse(action, messenger=kind == "psid")
        body: dict = {"message": {"text": action.text}}
        if kind in ("comment", "post"):  # a private reply to a comment, or to a visitor's post
            body["recipient"] = {f"{kind}_id": target}
        else:
            body["recipient"] = {"id": target}
            late = action.about_at is not None and self.clock() - action.about_at > RESPONSE_WINDOW
            body.update({"messaging_type": "MESSAGE_TAG", "tag": "HUMAN_AGENT"} if late
                        else {"messaging_type": "RESPONSE"})
        try:
            answer = self.graph.post(f"{self._settings.page_id}/messages", body)
        except PermanentSendError as exc:
            code = getattr(exc, "code", None)
            if code in (10900, 10903) or (code == 10 and kind in ("comment", "post")):
                # 10900: the comment already has its one private reply — after an
                # ambiguous attempt, perhaps ours (DuplicatePost: looked for again).
                error = DuplicatePost if code == 10900 else PermanentSendError
                raise error("Facebook allows one private reply per comment, within 7 days; this "
                            "comment already has one or is too old. Continue in Messenger once the "
                            "customer answers.") from None
            if code == 10:
                raise PermanentSendError("Messenger refused it: the messaging window is closed (the customer "
                                         "last wrote more than 24 hours ago). Wait for them to write again.") from None
            raise
        # A private reply opens (or continues) the customer's Messenger conversation:
        # their answer there belongs in this thread.
        opens = f"messenger:{answer['recipient_id']}" if kind != "psid" and answer.get("recipient_id") else None
        return SentMessage(answer["message_id"], None, opens_thread=opens)

    def find_sent(self, action: OutboundAction) -> SentMessage | None:
        """After an ambiguous send: the Page's comment reply under the target
        comment, or its message in the customer's Messenger conversation — for
        a private reply, the conversation the comment names as its
        `private_reply_conversation` (there is at most one per comment)."""
        since = not_before(action)
        if action.kind is ActionKind.REPLY:
            found = own_comment_reply(self.graph, action.target, self._settings.page_id, action.text, since)
            return SentMessage(found, f"https://www.facebook.com/{found}") if found else None
        kind, _, target = action.target.partition(":")
        if kind == "comment":
            node = self.graph.get(target, fields="private_reply_conversation")
            conversation = (node.get("private_reply_conversation") or {}).get("id")
        else:
            conversation = conversation_with(self.graph, self._settings.page_id, target, "messenger")
        found = conversation and own_message(self.graph, conversation, self._settings.page_id, action.text, since)
        if not found:
            return None
        psid = recipient_of(found) if kind == "comment" else None
        return SentMessage(found["id"], None, opens_thread=f"messenger:{psid}" if psid else None)

    def heart(self, post: PostRef) -> Heart:
        return Heart(f"React on {PRIVATE_LABEL}" if post.private else f"Like on {LABEL}")

    def like(self, action: OutboundAction) -> SentMessage:  # Messenger takes any emoji as the reaction
        return send_heart(self.graph, f"{self._settings.page_id}/messages", action.target, "❤️")

    def unlike(self, action: OutboundAction) -> SentMessage:
        return send_heart(self.graph, f"{self._settings.page_id}/messages", action.target, None)

    def _refuse(self, action: OutboundAction, messenger: bool) -> None:
        about = PostRef("", "", messenger, action.about_at) if action.about_at else None
        problem = self.check_reply(action.text, action.kind, about)
        if problem:
            raise PermanentSendError(problem)
