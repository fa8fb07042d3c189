"""X's wire formats → InboundPost: v2 posts and DM events (polling and the X
Activity API), v1.1 tweets and message_create events (the older Account
Activity API), and the V2 Webhooks signature (CRC and events alike).

Text is decoded from X's HTML entities here, once, so the core gets the
customer's raw text and Slack never shows &amp;amp;."""
from __future__ import annotations

import base64
import hashlib
import hmac
import html
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

from adapters.base import InboundPost

LABEL, PRIVATE_LABEL = "X", "X DM"


def decode_platform_entities(text: str) -> str:
    return html.unescape(text)


def webhook_signature(secret: str, message: bytes) -> str:
    """sha256=<base64 HMAC-SHA256>: the CRC answer and every event's header."""
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return "sha256=" + base64.b64encode(digest).decode()


def _iso_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(timezone.utc)
    except ValueError:
        return None


def _epoch_ms(value) -> datetime | None:
    return datetime.fromtimestamp(int(value) / 1000, timezone.utc) if str(value or "").isdigit() else None


def _v1_time(value: str | None) -> datetime | None:
    try:
        return parsedate_to_datetime(value).astimezone(timezone.utc) if value else None
    except (TypeError, ValueError):
        return None


def dm_thread_id(dm_conversation_id: str) -> str:
    # DM conversations and post conversations are different namespaces.
    return f"dm:{dm_conversation_id}"


def one_to_one_conversation(a: str, b: str) -> str:
    """X names a one-to-one DM conversation by its two user ids, lower first."""
    low, high = sorted((a, b), key=lambda v: int(v) if v.isdigit() else 0)
    return f"{low}-{high}"


def post_from_v2(tweet: dict, users: dict, account: str) -> InboundPost | None:
    """A v2 post object (mentions timeline, X Activity API); None for our own."""
    author_id = tweet.get("author_id", "")
    if not tweet.get("id") or author_id == account:
        return None
    author = users.get(author_id, {})
    handle = author.get("username") or author_id or "unknown"
    text = (tweet.get("note_tweet") or {}).get("text") or tweet.get("text", "")
    return InboundPost(
        platform="x", external_id=tweet["id"], thread_id=tweet.get("conversation_id") or tweet["id"],
        author_id=author_id, author_handle="@" + handle, author_name=author.get("name"),
        text=decode_platform_entities(text), created_at=_iso_time(tweet.get("created_at")),
        url=f"https://x.com/{handle}/status/{tweet['id']}", platform_label=LABEL, account=account)


def dm_from_v2(event: dict, users: dict, account: str) -> InboundPost | None:
    """A v2 DM event (GET /2/dm_events, X Activity API dm.*); None for our own
    messages (dm.sent) and for joins/leaves."""
    sender = event.get("sender_id", "")
    if event.get("event_type", "MessageCreate") != "MessageCreate" or not event.get("id") or sender == account:
        return None
    conversation = event.get("dm_conversation_id") or one_to_one_conversation(sender, account)
    user = users.get(sender, {})
    handle = user.get("username") or sender
    return InboundPost(
        platform="x", external_id=event["id"], thread_id=dm_thread_id(conversation),
        author_id=sender, author_handle="@" + handle, author_name=user.get("name"),
        text=decode_platform_entities(event.get("text", "")), created_at=_iso_time(event.get("created_at")),
        url=f"https://x.com/messages/{conversation}", platform_label=PRIVATE_LABEL, account=account,
        private=True)


def _users_by_id(includes: dict | None) -> dict:
    return {u["id"]: u for u in (includes or {}).get("users", []) if isinstance(u, dict) and "id" in u}


def posts_from_activity(event: dict, account: str) -> list[InboundPost]:
    """One X Activity API event: {"event_type", "payload", "includes", …}."""
    kind = event.get("event_type", "")
    payload = event.get("payload") or {}
    if isinstance(payload, dict) and isinstance(payload.get("data"), dict):
        payload = payload["data"]
    if not isinstance(payload, dict):
        return []
    users = _users_by_id(event.get("includes"))
    if kind in ("post.mention.create", "post.create", "post.reply.create"):
        post = post_from_v2(payload, users, account)
    elif kind in ("dm.received", "dm.sent"):
        post = dm_from_v2(payload, users, account)
    else:
        post = None  # follows, likes, profile changes: nothing a customer asked
    return [post] if post else []


def posts_from_account_activity(body: dict, account: str) -> list[InboundPost]:
    """The older Account Activity API: v1.1 tweets and message_create events."""
    users = body.get("users") or {}
    posts = []
    for tweet in body.get("tweet_create_events") or []:
        user = tweet.get("user") or {}
        author_id = user.get("id_str", "")
        if not tweet.get("id_str") or author_id == account or tweet.get("retweeted_status"):
            continue
        text = ((tweet.get("extended_tweet") or {}).get("full_text") or tweet.get("full_text")
                or tweet.get("text", ""))
        handle = user.get("screen_name") or author_id
        posts.append(InboundPost(
            platform="x", external_id=tweet["id_str"],
            thread_id=tweet.get("conversation_id_str") or tweet.get("in_reply_to_status_id_str") or tweet["id_str"],
            author_id=author_id, author_handle="@" + handle, author_name=user.get("name"),
            text=decode_platform_entities(text), created_at=_v1_time(tweet.get("created_at")),
            url=f"https://x.com/{handle}/status/{tweet['id_str']}", platform_label=LABEL, account=account))
    for event in body.get("direct_message_events") or []:
        create = event.get("message_create") or {}
        sender = create.get("sender_id", "")
        recipient = (create.get("target") or {}).get("recipient_id", "")
        if event.get("type") != "message_create" or not event.get("id") or sender == account:
            continue
        user = users.get(sender) or {}
        posts.append(dm_from_v2({
            "id": event["id"], "sender_id": sender, "text": (create.get("message_data") or {}).get("text", ""),
            "dm_conversation_id": one_to_one_conversation(sender, recipient or account),
            "created_at": (_epoch_ms(event.get("created_timestamp")) or None) and
            _epoch_ms(event.get("created_timestamp")).isoformat()},
            {sender: {"username": user.get("screen_name"), "name": user.get("name")}}, account))
    return [p for p in posts if p]


def posts_from_webhook(body: dict, account: str) -> list[InboundPost]:
    """Either envelope; events for another account are not ours to show."""
    if "for_user_id" in body:
        return posts_from_account_activity(body, account) if str(body["for_user_id"]) == account else []
    data = body.get("data")
    events = data if isinstance(data, list) else [data] if isinstance(data, dict) else []
    posts = []
    for event in events:
        if isinstance(event, dict):
            posts.extend(posts_from_activity(event, account))
    return posts
