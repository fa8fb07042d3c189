"""X's wire formats → InboundPost: v2 posts and DM events (polling and the X
Activity API), v1.1 tweets and message_create events (the older Account
Activity API, and the X Activity API's legacy `dm.*` payloads), and the V2
Webhooks signature (CRC and events alike).

Text is decoded from X's HTML entities here, once, so the core gets the
customer's raw text and Slack never shows &amp;amp;.

One bad item never costs the others: each post of a page and each event of a
delivery is read on its own; what cannot be built is logged in one line
(platform, id, why) and skipped, and what is deliberately not shown is logged
with the reason — never dropped silently."""
from __future__ import annotations

import base64
import hashlib
import hmac
import html
import logging
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

from adapters.base import InboundPost

log = logging.getLogger(__name__)
LABEL, PRIVATE_LABEL = "X", "X DM"
# A platform time outside these bounds is not a time X gave a post (X began in
# 2006); it is dropped and the post gets its ingestion time instead, so a
# "9999-…" can never overflow the SLA arithmetic downstream.
EARLIEST, LATEST = datetime(2006, 3, 21, tzinfo=timezone.utc), datetime(2100, 1, 1, tzinfo=timezone.utc)
# Why each kind of event that carries nothing a customer asked is not shown:
# the log line says it (tests/fixtures/x/*.json `why` says the same).
ECHO = "the brand account's own post or message (an echo of what it sent)"
OTHER_ACCOUNT = "an event for another account than the brand's"
REPOST = "a repost of the brand's post: no words from the customer to answer"
DELETE = "a deletion notice: nothing to answer (an earlier post stays in its thread)"
ACTIVITY = "account activity (likes, follows, blocks, mutes, profile changes): nothing a customer wrote"
RECEIPT = "a typing indicator or read receipt: nothing a customer wrote"
ENCRYPTED = "an encrypted XChat message: its text cannot be read through the API (the customer sees no answer here)"
NOT_CUSTOMER = "not about the brand's conversations (news, Spaces, broadcasts, app revocations)"
NO_MESSAGE = "a DM event that is not a message (a join or leave)"
IGNORED_EVENTS = {
    "post.create": ECHO, "dm.sent": ECHO, "chat.sent": ECHO, "post.repost.create": REPOST,
    "post.delete": DELETE, "chat.received": ENCRYPTED, "chat.conversation_join": ENCRYPTED,
    "dm.read": RECEIPT, "dm.indicate_typing": RECEIPT}
IGNORED_PREFIXES = {"like.": ACTIVITY, "follow.": ACTIVITY, "profile.": ACTIVITY, "mute.": ACTIVITY,
                    "block.": ACTIVITY, "news.": NOT_CUSTOMER, "spaces.": NOT_CUSTOMER,
                    "broadcast.": NOT_CUSTOMER, "oauth.": NOT_CUSTOMER}
CUSTOMER_POSTS = ("post.mention.create", "post.reply.create", "post.quote.create")
LEGACY_IGNORED = {
    "favorite_events": ACTIVITY, "follow_events": ACTIVITY, "block_events": ACTIVITY, "mute_events": ACTIVITY,
    "user_event": NOT_CUSTOMER, "tweet_delete_events": DELETE,
    "direct_message_indicate_typing_events": RECEIPT, "direct_message_mark_read_events": RECEIPT}
UNREADABLE = (ValueError, TypeError, KeyError, AttributeError, IndexError)


def decode_platform_entities(text: str) -> str:
    return html.unescape(text)


def webhook_signature(secret: str, message: bytes) -> str:
    """sha256=<base64 HMAC-SHA256>: the CRC answer and every event's header."""
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return "sha256=" + base64.b64encode(digest).decode()


def ignored(what: str, reason: str) -> None:
    # Likes, follows and receipts arrive by the thousand on a busy account: DEBUG.
    level = logging.DEBUG if reason in (ACTIVITY, RECEIPT) else logging.INFO
    log.log(level, "X webhook: %s ignored: %s", what, reason)


def skipped(what: str, item_id, exc: Exception) -> None:
    shown = str(item_id)[:40] if isinstance(item_id, (str, int)) and item_id != "" else "(no id)"
    log.warning("X %s %s skipped: it cannot be read (%s: %s)", what, shown, type(exc).__name__, exc)


def _plausible(moment: datetime) -> datetime | None:
    moment = moment.astimezone(timezone.utc)
    return moment if EARLIEST <= moment < LATEST else None


def _iso_time(value) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return _plausible(datetime.fromisoformat(value.replace("Z", "+00:00")))
    except (ValueError, OverflowError):
        return None


def _epoch_ms(value) -> datetime | None:
    if isinstance(value, bool) or not str(value or "").isdigit():
        return None
    try:
        return _plausible(datetime.fromtimestamp(int(value) / 1000, timezone.utc))
    except (ValueError, OverflowError, OSError):
        return None


def _v1_time(value) -> datetime | None:
    try:
        return _plausible(parsedate_to_datetime(value)) if isinstance(value, str) and value else None
    except (TypeError, ValueError, OverflowError, IndexError):
        return None


def _text(value) -> str:
    return decode_platform_entities(value) if isinstance(value, str) else ""


def _id(value) -> str:
    """An id as X sends it: a string; a JSON number (v1.1 `id`) as its digits."""
    if isinstance(value, bool) or value is None:
        return ""
    return str(value) if isinstance(value, (str, int)) else ""


def dm_thread_id(dm_conversation_id: str) -> str:
    # DM conversations and post conversations are different namespaces.
    return f"dm:{dm_conversation_id}"


def one_to_one_conversation(a: str, b: str) -> str:
    """X names a one-to-one DM conversation by its two user ids, lower first."""
    low, high = sorted((a, b), key=lambda v: int(v) if v.isdigit() else 0)
    return f"{low}-{high}"


def users_by_id(users) -> dict:
    """Users however X nests them: a v2 `includes.users` list, a legacy
    `users` map keyed by id, each entry flat or wrapped in {"data": {…}} (the
    X Activity API wraps them); v1.1 `screen_name` read as `username`."""
    entries = users.items() if isinstance(users, dict) else enumerate(users) if isinstance(users, list) else []
    found = {}
    for key, entry in entries:
        user = entry.get("data") if isinstance(entry, dict) and isinstance(entry.get("data"), dict) else entry
        if not isinstance(user, dict):
            continue
        # A legacy map is keyed by the id the events name; a list names it inside.
        user_id = key if isinstance(key, str) and key else _id(user.get("id_str") or user.get("id"))
        if not user_id:
            continue
        username = user.get("username") or user.get("screen_name")
        found[user_id] = {
            "username": username if isinstance(username, str) else None,
            "name": user.get("name") if isinstance(user.get("name"), str) else None}
    return found


def _author(author_id: str, users: dict, post_id: str) -> tuple[str, str, str | None, bool]:
    """(author id, handle as shown, display name, name still to look up).
    No author at all (X left the field out): shown as "author unknown" under
    an id of its own, so two such posts never share a conversation."""
    if not author_id:
        return f"unknown:{post_id}", "author unknown", None, False
    user = users.get(author_id) or {}
    if user.get("username"):
        return author_id, "@" + user["username"], user.get("name"), False
    return author_id, "@" + author_id, user.get("name"), True  # a stand-in until X is asked (find_name)


def _thread_of(tweet: dict, post_id: str, account: str) -> str:
    """The conversation a post belongs to: its X conversation (the thread's
    root) — except where it answers the brand. Under the brand's own post (an
    announcement) every customer replying would share one conversation, and
    a staff reply there could answer only the first: a direct reply to the
    brand's root is its own conversation. A reply to one of the brand's
    replies belongs where that reply was sent from (deliver keys each sent
    reply to its conversation; the customer's open conversation otherwise)."""
    root = _id(tweet.get("conversation_id")) or post_id
    if _id(tweet.get("in_reply_to_user_id")) != account:
        return root
    referenced = tweet.get("referenced_tweets")
    parent = next((_id(r.get("id")) for r in referenced if isinstance(r, dict) and r.get("type") == "replied_to"),
                  None) if isinstance(referenced, list) else None
    if not parent:
        return root
    return post_id if parent == root else parent


def post_from_v2(tweet: dict, users: dict, account: str) -> InboundPost | None:
    """A v2 post object (mentions, quotes, X Activity API); None for our own."""
    post_id, author_id = _id(tweet.get("id")), _id(tweet.get("author_id"))
    if not post_id:
        raise ValueError("the post has no id")
    if author_id == account:
        return None
    author_id, handle, name, pending = _author(author_id, users, post_id)
    note = tweet.get("note_tweet")
    text = note.get("text") if isinstance(note, dict) and isinstance(note.get("text"), str) else tweet.get("text")
    where = handle.lstrip("@") if not pending and author_id[0].isdigit() else "i/web"
    return InboundPost(
        platform="x", external_id=post_id, thread_id=_thread_of(tweet, post_id, account),
        author_id=author_id, author_handle=handle, author_name=name,
        text=_text(text), created_at=_iso_time(tweet.get("created_at")),
        url=f"https://x.com/{where}/status/{post_id}", platform_label=LABEL, account=account,
        name_pending=pending)


def dm_from_v2(event: dict, users: dict, account: str) -> InboundPost | None:
    """A v2 DM event (GET /2/dm_events, X Activity API flat dm.*); None for our
    own messages and for joins/leaves."""
    event_id, sender = _id(event.get("id")), _id(event.get("sender_id"))
    if event.get("event_type", "MessageCreate") != "MessageCreate" or sender == account:
        return None
    if not event_id:
        raise ValueError("the DM event has no id")
    conversation = _id(event.get("dm_conversation_id")) or (
        one_to_one_conversation(sender, account) if sender else event_id)
    sender, handle, name, pending = _author(sender, users, event_id)
    return InboundPost(
        platform="x", external_id=event_id, thread_id=dm_thread_id(conversation),
        author_id=sender, author_handle=handle, author_name=name,
        text=_text(event.get("text")), created_at=_iso_time(event.get("created_at")),
        url=f"https://x.com/messages/{conversation}", platform_label=PRIVATE_LABEL, account=account,
        private=True, name_pending=pending)


def dm_from_legacy(event: dict, users: dict, account: str) -> InboundPost | None:
    """A v1.1 message_create event (Account Activity API; the X Activity API's
    dm.received payload carries the same `direct_message_events`)."""
    create = event.get("message_create") or {}
    sender = _id(create.get("sender_id"))
    recipient = _id((create.get("target") or {}).get("recipient_id"))
    if event.get("type") != "message_create":
        ignored(f"DM event {_id(event.get('id'))}", NO_MESSAGE)
        return None
    if sender == account:
        ignored(f"DM {_id(event.get('id'))}", ECHO)
        return None
    created = _epoch_ms(event.get("created_timestamp"))
    return dm_from_v2({
        "id": event.get("id"), "sender_id": sender, "text": (create.get("message_data") or {}).get("text"),
        "dm_conversation_id": one_to_one_conversation(sender, recipient or account) if sender else None,
        "created_at": created.isoformat() if created else None}, users, account)


def readable(entries, what: str, build) -> list[InboundPost]:
    """build(entry) for every entry; one that cannot be read is logged and skipped."""
    posts = []
    for item in entries if isinstance(entries, list) else []:
        try:
            post = build(item) if isinstance(item, dict) else None
        except UNREADABLE as exc:
            skipped(what, item.get("id_str") or item.get("id") if isinstance(item, dict) else None, exc)
            continue
        if post:
            posts.append(post)
    return posts


# -- webhook deliveries (X Activity API, Account Activity API) ----------------------

def _dm_payload(payload: dict, includes, account: str) -> list[InboundPost]:
    """dm.received as X documents it (legacy `direct_message_events` plus a
    `users` map), or the flat v2 DM event."""
    if "direct_message_events" in payload:
        users = users_by_id(payload.get("users")) | users_by_id((includes or {}).get("users"))
        return readable(payload["direct_message_events"], "DM", lambda e: dm_from_legacy(e, users, account))
    if _id(payload.get("sender_id")) == account:
        ignored(f"DM {_id(payload.get('id'))}", ECHO)
        return []
    post = dm_from_v2(payload, users_by_id((includes or {}).get("users")), account)
    if post is None:
        ignored(f"DM event {_id(payload.get('id'))}", NO_MESSAGE)
    return [post] if post else []


def posts_from_activity(event: dict, account: str) -> list[InboundPost]:
    """One X Activity API event: {"event_type", "filter", "payload", "includes"}."""
    kind = event.get("event_type") if isinstance(event.get("event_type"), str) else "(no event_type)"
    payload = event.get("payload") or {}
    if isinstance(payload, dict) and isinstance(payload.get("data"), dict):
        payload = payload["data"]
    watched = (event.get("filter") or {}).get("user_id") if isinstance(event.get("filter"), dict) else None
    reason = IGNORED_EVENTS.get(kind) or next((r for p, r in IGNORED_PREFIXES.items() if kind.startswith(p)), None)
    if watched is not None and _id(watched) != account:
        reason = OTHER_ACCOUNT
    if reason:
        ignored(kind, reason)
        return []
    if not isinstance(payload, dict):
        raise ValueError("its payload is not an object")
    includes = event.get("includes") if isinstance(event.get("includes"), dict) else {}
    if kind == "dm.received":
        return _dm_payload(payload, includes, account)
    if kind in CUSTOMER_POSTS:
        post = post_from_v2(payload, users_by_id(includes.get("users")), account)
        if post is None:
            ignored(f"{kind} {_id(payload.get('id'))}", ECHO)
        return [post] if post else []
    ignored(kind, f"an event type socialdesk does not know ({kind}); nothing is shown")
    return []


def tweet_from_v1(tweet: dict, account: str) -> InboundPost | None:
    """A v1.1 tweet (Account Activity `tweet_create_events`): mentions,
    replies and quotes of the brand; its own posts and reposts are not shown."""
    user = tweet.get("user") or {}
    author_id, tweet_id = _id(user.get("id_str") or user.get("id")), _id(tweet.get("id_str") or tweet.get("id"))
    if author_id == account:
        ignored(f"post {tweet_id}", ECHO)
        return None
    if tweet.get("retweeted_status"):
        ignored(f"post {tweet_id}", REPOST)
        return None
    extended = tweet.get("extended_tweet") or {}
    text = extended.get("full_text") or tweet.get("full_text") or tweet.get("text")
    handle = user.get("screen_name") if isinstance(user.get("screen_name"), str) else None
    users = {author_id: {"username": handle, "name": user.get("name")}} if author_id else {}
    created = _v1_time(tweet.get("created_at")) or _epoch_ms(tweet.get("timestamp_ms"))
    parent = _id(tweet.get("in_reply_to_status_id_str") or tweet.get("in_reply_to_status_id"))
    return post_from_v2({"id": tweet_id, "author_id": author_id, "text": text,
                         "conversation_id": tweet.get("conversation_id_str") or parent,
                         "in_reply_to_user_id": tweet.get("in_reply_to_user_id_str") or tweet.get("in_reply_to_user_id"),
                         "referenced_tweets": [{"type": "replied_to", "id": parent}] if parent else None,
                         "created_at": created.isoformat() if created else None}, users, account)


def posts_from_account_activity(body: dict, account: str) -> list[InboundPost]:
    """The older Account Activity API: v1.1 tweets and message_create events."""
    users = users_by_id(body.get("users"))
    posts = readable(body.get("tweet_create_events"), "post", lambda t: tweet_from_v1(t, account))
    posts += readable(body.get("direct_message_events"), "DM", lambda e: dm_from_legacy(e, users, account))
    for key, reason in LEGACY_IGNORED.items():
        if body.get(key):
            ignored(key, reason)
    return posts


def posts_from_webhook(body: dict, account: str) -> list[InboundPost]:
    """Either envelope; events for another account are not ours to show."""
    if "for_user_id" in body or "user_event" in body:
        if "for_user_id" in body and _id(body["for_user_id"]) != account:
            ignored(f"delivery for user {_id(body['for_user_id'])}", OTHER_ACCOUNT)
            return []
        return posts_from_account_activity(body, account)
    data = body.get("data")
    events = data if isinstance(data, list) else [data] if isinstance(data, dict) else []
    if not events:
        ignored("delivery", "no event in it that socialdesk knows (neither `data` nor `for_user_id`)")
    posts = []
    for event in events:
        if not isinstance(event, dict):
            continue
        try:
            posts.extend(posts_from_activity(event, account))
        except UNREADABLE as exc:
            skipped(f"webhook event {event.get('event_type')}", event.get("event_uuid"), exc)
    return posts
