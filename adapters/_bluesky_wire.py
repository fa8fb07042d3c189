"""Bluesky's wire shapes as plain data: posts and chat messages read from the
XRPC answers (app.bsky.notification.listNotifications, chat.bsky.convo.getLog),
the 300-grapheme count, and rich-text facets (UTF-8 byte offsets) for the links
and @handles a staff reply names."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timezone

import regex

from adapters.base import InboundPost, RateLimit
from bot.env import EnvReader

DEFAULT_PDS = "https://bsky.social"


@dataclass(frozen=True)
class BlueskySettings:
    handle: str
    app_password: str
    pds_url: str
    chat_url: str | None


def read_settings(reader: EnvReader) -> BlueskySettings | None:
    pds_url = reader.url("BLUESKY_PDS_URL", DEFAULT_PDS) or DEFAULT_PDS
    chat_url = reader.url("BLUESKY_CHAT_URL", DEFAULT_PDS) if reader.text("BLUESKY_CHAT_URL") else None
    handle, password = reader.text("BLUESKY_HANDLE"), reader.text("BLUESKY_APP_PASSWORD")
    if not (handle and password):
        return None
    return BlueskySettings(handle.removeprefix("@"), password, pds_url.rstrip("/"),
                           chat_url.rstrip("/") if chat_url else None)


log = logging.getLogger(__name__)

LABEL = "Bluesky"
PRIVATE_LABEL = "Bluesky DM"
REASONS = ("mention", "reply", "quote")  # what a customer wrote to or about the brand
MAX_POST_GRAPHEMES = 300    # app.bsky.feed.post text: maxGraphemes 300, maxLength 3000 (UTF-8 bytes)
MAX_POST_BYTES = 3000
MAX_DM_GRAPHEMES = 1000     # chat.bsky.convo.defs#messageInput text: maxGraphemes 1000, maxLength 10000
MAX_DM_BYTES = 10000

# The patterns of Bluesky's own guide to rich text (docs.bsky.app, "Links,
# mentions, and rich text"): a handle after a non-word character, and http(s)
# URLs without trailing punctuation; offsets are UTF-8 bytes. Two changes: a
# match may start the text (the guide's needs a character before it), and a
# top-level domain may be up to 63 letters (the guide's 6 misses .support).
MENTION = regex.compile(rb"(?:^|[$|\W])(@([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+"
                        rb"[a-zA-Z]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)")
URL = regex.compile(rb"(?:^|[$|\W])(https?:\/\/(www\.)?[-a-zA-Z0-9@:%._\+~#=]{1,256}\.[a-zA-Z0-9()]{1,63}\b"
                    rb"([-a-zA-Z0-9()@:%_\+.~#?&//=]*[-a-zA-Z0-9@%_\+~#//=])?)")


def graphemes(text: str) -> int:
    """User-perceived characters (extended grapheme clusters, UAX #29), as
    Bluesky counts a post's length: 👍🏽 or é written as e + accent is one."""
    return len(regex.findall(r"\X", text))


def facets_for(text: str, resolve) -> list[dict]:
    """app.bsky.richtext.facet list for the links and @handles in text;
    resolve(handle) gives a DID or None (an unknown handle stays plain text)."""
    data, found = text.encode("utf-8"), []
    for match in URL.finditer(data):
        found.append({"index": {"byteStart": match.start(1), "byteEnd": match.end(1)},
                      "features": [{"$type": "app.bsky.richtext.facet#link", "uri": match.group(1).decode()}]})
    for match in MENTION.finditer(data):
        did = resolve(match.group(1)[1:].decode())
        if did:
            found.append({"index": {"byteStart": match.start(1), "byteEnd": match.end(1)},
                          "features": [{"$type": "app.bsky.richtext.facet#mention", "did": did}]})
    return sorted(found, key=lambda f: f["index"]["byteStart"])


def when(value) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.astimezone(timezone.utc) if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def post_url(uri: str, handle: str | None = None) -> str | None:
    """https://bsky.app/profile/<handle or did>/post/<rkey> for an at:// post uri."""
    parts = uri.removeprefix("at://").split("/")
    if len(parts) != 3 or parts[1] != "app.bsky.feed.post":
        return None
    return f"https://bsky.app/profile/{handle or parts[0]}/post/{parts[2]}"


def rate_limit(headers: dict) -> RateLimit | None:
    """From the `ratelimit-remaining` and `ratelimit-reset` (epoch seconds) headers."""
    try:
        return RateLimit(int(headers["ratelimit-remaining"]),
                         datetime.fromtimestamp(int(headers["ratelimit-reset"]), timezone.utc))
    except (KeyError, ValueError, OverflowError):
        return None


def dm_thread_id(convo_id: str) -> str:
    return f"dm:{convo_id}"


def thread_of(uri, record: dict, me: str) -> str | None:
    """The conversation a post belongs to: its thread's root — except under the
    brand's own post, where every customer replying to an announcement would
    share one conversation: there it is the customer's own reply (or the post it
    answers, deeper down; the same customer's open conversation takes it in)."""
    reply = record.get("reply") or {}
    root = (reply.get("root") or {}).get("uri")
    if not root:
        return uri
    if not root.startswith(f"at://{me}/"):
        return root
    parent = (reply.get("parent") or {}).get("uri")
    return uri if parent == root else parent or uri


def post_from_notification(item: dict, me: str) -> InboundPost | None:
    """A customer's post from one notification, or None for what a desk does not
    answer (likes, follows, reposts; the brand's own posts): logged at DEBUG."""
    reason, author = item.get("reason"), item.get("author") or {}
    if reason not in REASONS:
        log.debug("Bluesky notification %s ignored: a %s is not a customer post", item.get("uri"), reason)
        return None
    if author.get("did") == me:
        log.debug("Bluesky notification %s ignored: the brand's own post", item.get("uri"))
        return None
    record = item.get("record") or {}
    handle = author.get("handle")
    return InboundPost(
        platform="bluesky", external_id=item.get("uri"), thread_id=thread_of(item.get("uri"), record, me),
        author_id=author.get("did"),
        author_handle="@" + handle if handle else author.get("did"), author_name=author.get("displayName"),
        text=record.get("text") or "", created_at=when(record.get("createdAt")) or when(item.get("indexedAt")),
        url=post_url(item.get("uri") or "", handle), platform_label=LABEL, account=me)


def post_from_log(entry: dict, me: str, profiles: dict) -> InboundPost | None:
    """A customer's DM from one chat log entry (logCreateMessage), or None."""
    if entry.get("$type") != "chat.bsky.convo.defs#logCreateMessage":
        return None
    message = entry.get("message") or {}
    if message.get("$type", "chat.bsky.convo.defs#messageView") != "chat.bsky.convo.defs#messageView":
        return None  # a deleted message's view carries no text
    sender = (message.get("sender") or {}).get("did")
    if sender == me:
        return None  # our own DM, echoed in the log
    profile = profiles.get(sender) or {}
    handle = profile.get("handle")
    return InboundPost(
        platform="bluesky", external_id=message.get("id"), thread_id=dm_thread_id(entry.get("convoId") or ""),
        author_id=sender, author_handle="@" + handle if handle else sender, author_name=profile.get("displayName"),
        text=message.get("text") or "", created_at=when(message.get("sentAt")),
        url=f"https://bsky.app/messages/{entry.get('convoId')}", platform_label=PRIVATE_LABEL, account=me,
        private=True)
