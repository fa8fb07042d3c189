"""Threads (Meta's Threads API, graph.threads.net) on the wire: its settings, and
its media objects and webhook deliveries read into customer posts.

Threads webhooks are not Graph's `{"object", "entry": [...]}` batches: each POST
carries one change, `{"app_id", "topic", "target_id", "time", "values": {"field",
"value"}}` (developers.facebook.com/docs/threads/webhooks). `replies` (topic
`moderate`) carries the reply with `root_post.owner_id` — the brand; `mentions`
(topic `interaction`) names the mentioned account in `target_id`. Neither gives
the author's id, only `username`, so a Threads customer is keyed by username —
the same key a poll of `/conversation` or `/mentions` gives, so a post seen both
ways is one post."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from adapters._graph import graph_time
from adapters._meta_shapes import as_text, text_id, web_url
from adapters.base import Attachment, InboundPost
from bot.env import EnvReader

LABEL = "Threads"
DEFAULT_API_URL = "https://graph.threads.net/v1.0"
MAX_TEXT = 500          # characters of a post or reply (Threads' documented limit)
# Fields asked of every media object read as a customer post.
MEDIA_FIELDS = ("id,text,username,permalink,timestamp,media_type,media_url,gif_url,shortcode,root_post,"
                "replied_to,is_reply,is_reply_owned_by_me,hide_status")
EARLIEST_SINCE = 1688540400  # /mentions refuses a `since` before Threads' launch (documented limit)
# Fields whose deliveries carry no customer's words, and why (one log line each).
NOT_CUSTOMER_FIELDS = {
    "publish": "the brand's own post was published",
    "delete": "a post was deleted by the brand itself",
}
MEDIA_KINDS = {"IMAGE": "image", "VIDEO": "video", "AUDIO": "audio", "CAROUSEL_ALBUM": "image"}


# Emoji glue counted with the emoji it joins: zero-width joiner, variation selectors.
EMOJI_PARTS = {"\u200d", "\ufe0e", "\ufe0f"}


def threads_length(text: str) -> int:
    """A text's length as Threads counts it against 500: one per character, but
    "emojis are counted as the number of UTF-8 bytes" (Threads Posts,
    Limitations). Emoji here: symbols (Unicode category So), characters beyond
    the Basic Multilingual Plane and the joiners between them — a rare astral
    letter is over-counted, so a reply is refused a little early, never by Threads."""
    return sum(len(c.encode("utf-8")) if c in EMOJI_PARTS or ord(c) > 0xFFFF or unicodedata.category(c) == "So"
               else 1 for c in text)


@dataclass(frozen=True)
class ThreadsSettings:
    api_url: str
    user_id: str
    token: str
    app_secret: str | None      # signs webhooks: THREADS_APP_SECRET, else META_APP_SECRET
    verify_token: str | None    # META_VERIFY_TOKEN: the subscription check shares Meta's route


def read_settings(reader: EnvReader) -> ThreadsSettings | None:
    user = reader.text("THREADS_USER_ID")
    if user and not user.isdigit():
        reader.check("THREADS_USER_ID", f"{user!r} is not a numeric Threads user id")
    token = reader.text("THREADS_TOKEN")
    url = reader.url("THREADS_API_URL", DEFAULT_API_URL) or ""
    if not user or not token:
        return None
    return ThreadsSettings(url.rstrip("/"), user, token,
                           reader.text("THREADS_APP_SECRET") or reader.text("META_APP_SECRET"),
                           reader.text("META_VERIFY_TOKEN"))


def thread_key(media: dict, author: str) -> str:
    """One conversation per customer per brand post (or mention): the root post
    of the reply tree and who wrote it. A customer's later replies anywhere in
    that tree join it."""
    root = media.get("root_post") if isinstance(media.get("root_post"), dict) else {}
    return f"{text_id(root.get('id')) or text_id(media.get('id'))}:{author}"


def attachments_of(media: dict) -> tuple[Attachment, ...]:
    found = []
    kind = MEDIA_KINDS.get(as_text(media.get("media_type")))
    if kind and web_url(media.get("media_url")):
        found.append(Attachment(kind, media["media_url"]))
    if web_url(media.get("gif_url")):
        found.append(Attachment("image", media["gif_url"], "GIF"))
    return tuple(found)


def media_post(media: dict, account: str, sent_at=None) -> InboundPost:
    """A customer's reply or mention as a post. Threads names authors only by
    username (public accounts): without one the post is still shown, its author
    unknown and its thread its own."""
    media_id = text_id(media.get("id"))
    if not media_id:
        raise ValueError("a Threads media object without an id")
    username = as_text(media.get("username"))
    author = f"@{username}" if username else f"unknown:{media_id}"
    return InboundPost(
        platform="threads", external_id=media_id, thread_id=thread_key(media, author), author_id=author,
        author_handle=author if username else "Someone on Threads (Threads did not say who)", author_name=None,
        text=as_text(media.get("text")), created_at=graph_time(media.get("timestamp") or sent_at),
        url=web_url(media.get("permalink")), platform_label=LABEL, account=account,
        attachments=attachments_of(media))


def own(media: dict, username: str | None) -> bool:
    """The brand's own post or reply: Threads says so on replies it lists
    (`is_reply_owned_by_me`); a webhook only names the username."""
    return media.get("is_reply_owned_by_me") is True or bool(username and media.get("username") == username)


def delivery_change(payload: dict) -> tuple[str | None, dict, object]:
    """(field, value, time) of one Threads webhook delivery."""
    values = payload.get("values") if isinstance(payload.get("values"), dict) else {}
    value = values.get("value") if isinstance(values.get("value"), dict) else {}
    field = values.get("field") if isinstance(values.get("field"), str) else None
    return field, value, payload.get("time")


def addressed_to(field: str, value: dict, target_id, user_id: str) -> bool:
    """Whether a delivery is about this brand account: a reply under a post it
    owns (`root_post.owner_id`), a mention of it (`target_id`). A delivery that
    names neither is taken (one install user per app is the usual set-up)."""
    root = value.get("root_post") if isinstance(value.get("root_post"), dict) else {}
    owner, target = text_id(root.get("owner_id")), text_id(target_id)
    if field == "replies":
        return owner == user_id or target == user_id or (owner is None and target is None)
    return target is None or target == user_id
