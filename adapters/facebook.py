"""A Facebook Page: comments on its posts (public) and Messenger (private),
through the Graph API (adapters/_graph.py), by webhook (`/webhooks/meta`,
`object: page`) and by polling as the fallback.

A comment thread is keyed by its top-level comment (a reply to it by someone
else shows in the same Slack thread as a bystander); a Messenger conversation
by the customer's page-scoped id (PSID). Staff replies: a comment reply
(`POST /{comment-id}/comments`), a private reply to a comment
(`recipient.comment_id`, once per comment within 7 days) or a Messenger
message (Send API: `RESPONSE` within 24 h of the customer's last message,
`HUMAN_AGENT` to 7 days when MESSENGER_HUMAN_AGENT=on, else a clear refusal
when the reply is written). The Page's own comments and Messenger echoes
never open a thread."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from adapters._graph import (HUMAN_AGENT_WINDOW, PRIVATE_REPLY_WINDOW, RESPONSE_WINDOW, GraphClient, MetaWebhook,
                             graph_time, messaging_window, meta_attachments, newest_first_result, since_cursor)
from adapters.base import (ActionKind, AdapterError, Feed, FetchResult, InboundPost, OutboundAction,
                           PermanentSendError, PostRef, SentMessage, empty_reply_problem)
from adapters._graph_sent import (LOOKUP_PAGES, comparable, conversation_with, not_before, own_message,
                                  recipient_of, too_old)
from adapters.base import DuplicatePost
from bot.config import EnvReader

log = logging.getLogger(__name__)
LABEL, PRIVATE_LABEL = "Facebook", "Messenger"
MAX_COMMENT = 8000
MAX_MESSAGE = 2000
RECENT_POSTS = 10  # polling looks at the comments of the Page's newest posts


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
    def _comment_post(self, comment: dict, post_id: str, parent_id: str | None, change: str | None = None,
                      external_id: str | None = None) -> InboundPost | None:
        author = comment.get("from") or {}
        if not comment.get("id") or author.get("id") in (None, self._settings.page_id):
            return None  # the Page's own comments (our replies) are not customer posts
        top = parent_id if parent_id and parent_id != post_id else comment["id"]
        return InboundPost(
            platform=self.platform, external_id=external_id or comment["id"], thread_id=f"comment:{top}",
            author_id=author["id"], author_handle=author.get("name") or author["id"], author_name=None,
            text=comment.get("message", ""), created_at=graph_time(comment.get("created_time")),
            url=f"https://www.facebook.com/{comment['id']}", platform_label=LABEL,
            account=self._settings.page_id, change=change)

    def _message_post(self, psid: str, mid: str, text: str, attachments, when) -> InboundPost | None:
        if not mid or psid == self._settings.page_id:
            return None
        return InboundPost(
            platform=self.platform, external_id=mid, thread_id=f"messenger:{psid}", author_id=psid,
            author_handle=self._name_of(psid), author_name=None, text=text, created_at=graph_time(when),
            url=f"https://business.facebook.com/latest/inbox/all?selected_item_id={psid}",
            platform_label=PRIVATE_LABEL, account=self._settings.page_id, private=True,
            attachments=meta_attachments(attachments))

    def _name_of(self, psid: str) -> str:
        if psid not in self._names:
            try:
                self._names[psid] = self.graph.get(psid, fields="name").get("name") or psid
            except (AdapterError, PermanentSendError):
                return f"Messenger user {psid[-4:]}"
        return self._names[psid]

    # -- inbound: webhooks (handshake and signature: MetaWebhook) ----------------------------
    def parse_webhook(self, payload: dict) -> list[InboundPost]:
        if payload.get("object") != "page":
            return []
        posts: list[InboundPost | None] = []
        for entry in payload.get("entry") or []:
            if str(entry.get("id")) != self._settings.page_id:
                continue
            for change in entry.get("changes") or []:
                value = change.get("value") or {}
                if change.get("field") == "feed" and value.get("item") == "comment":
                    posts.append(self._comment_change(value))
            for event in entry.get("messaging") or []:
                message = event.get("message") or {}
                if message.get("is_echo"):
                    continue  # our own send, echoed back
                posts.append(self._message_post((event.get("sender") or {}).get("id", ""), message.get("mid", ""),
                                                message.get("text", ""), message.get("attachments"),
                                                event.get("timestamp")))
        return [p for p in posts if p]

    def _comment_change(self, value: dict) -> InboundPost | None:
        verb = value.get("verb", "add")
        comment = {"id": value.get("comment_id"), "from": value.get("from"), "message": value.get("message", ""),
                   "created_time": value.get("created_time")}
        if verb == "add":
            return self._comment_post(comment, value.get("post_id", ""), value.get("parent_id"))
        change = "edited" if verb == "edited" else "removed"
        # Each change is its own event: keyed by the comment and when it happened.
        return self._comment_post(comment, value.get("post_id", ""), value.get("parent_id"), change,
                                  external_id=f"{comment['id']}#{change}@{value.get('created_time', '')}")

    # -- inbound: polling (the fallback when webhooks are not set up) ---------------------
    def feeds(self) -> list[Feed]:
        return [Feed(self.account_key, f"Facebook {self.account_name()}", self.fetch_comments),
                Feed(f"{self.account_key}:messenger", f"Messenger {self.account_name()}", self.fetch_messages)]

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
                found.append(self._comment_post(comment, post["id"], (comment.get("parent") or {}).get("id")))
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
                sender = (message.get("from") or {}).get("id", "")
                found.append(self._message_post(sender, message.get("id", ""), message.get("message", ""),
                                                (message.get("attachments") or {}).get("data")
                                                if isinstance(message.get("attachments"), dict)
                                                else message.get("attachments"), message.get("created_time")))
        return newest_first_result(found, newest, cursor)

    # -- outbound ---------------------------------------------------------------------
    def reply_window(self, private: bool) -> timedelta | None:
        return messaging_window(self._settings.human_agent) if private else None

    def target_for(self, kind: ActionKind, post: PostRef) -> str:
        if kind is ActionKind.PRIVATE:
            # In Messenger: the customer; on a comment: a private reply to that comment.
            return f"psid:{post.author_id}" if post.private else f"comment:{post.external_id}"
        return post.external_id

    def check_reply(self, text: str, kind: ActionKind = ActionKind.REPLY, about: PostRef | None = None) -> str | None:
        empty = empty_reply_problem(text)
        if empty:
            return empty
        limit = MAX_MESSAGE if kind is ActionKind.PRIVATE else MAX_COMMENT
        if len(text) > limit:
            return f"The reply is {len(text):,} characters; Facebook takes at most {limit:,} here. Shorten it."
        if kind is ActionKind.PRIVATE and about is not None and about.created_at is not None:
            return self._window_problem(about.private, about.created_at, self.clock())
        return None

    def _window_problem(self, messenger: bool, customer_wrote: datetime, now: datetime) -> str | None:
        waited = now - customer_wrote
        if not messenger:
            if waited > PRIVATE_REPLY_WINDOW:
                return ("Facebook allows a private reply to a comment only within 7 days of it; this comment is "
                        "older. Answer in public, or wait for the customer to message the Page.")
            return None
        if waited <= RESPONSE_WINDOW:
            return None
        if waited <= HUMAN_AGENT_WINDOW and self._settings.human_agent:
            return None
        if waited <= HUMAN_AGENT_WINDOW:
            return ("Messenger's 24-hour window closed (the customer last wrote "
                    f"{customer_wrote:%Y-%m-%d %H:%M} UTC). With Meta's Human Agent permission approved, set "
                    "MESSENGER_HUMAN_AGENT=on to answer up to 7 days; otherwise wait for the customer to write again.")
        return ("Messenger's 7-day window closed (the customer last wrote "
                f"{customer_wrote:%Y-%m-%d %H:%M} UTC): the Page cannot message them until they write again.")

    def send_reply(self, action: OutboundAction) -> SentMessage:
        self._refuse(action, messenger=False)
        answer = self.graph.post(f"{action.target}/comments", {"message": action.text})
        return SentMessage(answer["id"], f"https://www.facebook.com/{answer['id']}")

    def send_private(self, action: OutboundAction) -> SentMessage:
        kind, _, target = action.target.partition(":")
        self._refuse(action, messenger=kind == "psid")
        body: dict = {"message": {"text": action.text}}
        if kind == "comment":
            body["recipient"] = {"comment_id": target}
        else:
            body["recipient"] = {"id": target}
            late = action.about_at is not None and self.clock() - action.about_at > RESPONSE_WINDOW
            body.update({"messaging_type": "MESSAGE_TAG", "tag": "HUMAN_AGENT"} if late
                        else {"messaging_type": "RESPONSE"})
        try:
            answer = self.graph.post(f"{self._settings.page_id}/messages", body)
        except PermanentSendError as exc:
            code = getattr(exc, "code", None)
            if code in (10900, 10903) or (code == 10 and kind == "comment"):
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
        opens = f"messenger:{answer['recipient_id']}" if kind == "comment" and answer.get("recipient_id") else None
        return SentMessage(answer["message_id"], None, opens_thread=opens)

    def find_sent(self, action: OutboundAction) -> SentMessage | None:
        """After an ambiguous send: the Page's comment reply under the target
        comment, or its message in the customer's Messenger conversation — for
        a private reply, the conversation the comment names as its
        `private_reply_conversation` (there is at most one per comment)."""
        since = not_before(action)
        if action.kind is ActionKind.REPLY:
            return self._find_comment_reply(action, since)
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

    def _find_comment_reply(self, action: OutboundAction, since: datetime | None) -> SentMessage | None:
        wanted = comparable(action.text)
        for comment in self.graph.pages(f"{action.target}/comments", limit_pages=LOOKUP_PAGES,
                                        order="reverse_chronological", fields="id,from,message,created_time",
                                        limit=100):
            if too_old(comment, "created_time", since):
                return None  # newest first: the rest were written before our reply
            if (comment.get("from") or {}).get("id") == self._settings.page_id and \
                    comparable(comment.get("message")) == wanted:
                return SentMessage(comment["id"], f"https://www.facebook.com/{comment['id']}")
        return None

    def like(self, action: OutboundAction) -> SentMessage:
        self.graph.post(f"{action.target}/likes")
        return SentMessage(action.target, None)

    def unlike(self, action: OutboundAction) -> SentMessage:
        self.graph.delete(f"{action.target}/likes")
        return SentMessage(action.target, None)

    def _refuse(self, action: OutboundAction, messenger: bool) -> None:
        about = PostRef("", "", messenger, action.about_at) if action.about_at else None
        problem = self.check_reply(action.text, action.kind, about)
        if problem:
            raise PermanentSendError(problem)
