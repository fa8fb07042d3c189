"""Threads on the demo page: a customer replies to the brand's Threads post or
mentions the brand in a post of their own (sandbox.threads_emulator pushes it
to the bot's /webhooks/meta when webhooks are on; the worker polls it
otherwise), and the customer view shows the account's side — the customers'
posts and the brand's replies — beside Facebook's and Instagram's."""
from __future__ import annotations

# The brand's post customers reply to, made on first need as graph_emulator makes the Page's.
FIRST_POST = "Our new range is in! Questions? Reply here."


def _brand_post(threads) -> str:
    """The brand's newest top-level post: a reply from the page goes under it,
    where the bot's poll of the brand's newest posts reads it."""
    with threads.lock:
        own = [m for m in threads.media.values() if m["_owner"] == threads.user_id and not m.get("is_reply")]
        if own:
            return max(own, key=lambda m: (m["_at"], m["id"]))["id"]
    return threads.brand_posts(FIRST_POST)["id"]


def threads_customer(threads, kind: str, username: str, text: str) -> dict | None:
    """A customer's Threads post of this kind ("threads": a reply to the
    brand's post, "threads_mention": a post @-mentioning the brand), or None
    for an unknown kind. The emulator adds the @ to a mention itself."""
    if kind == "threads":
        return threads.customer_replies(username, text, reply_to=_brand_post(threads))
    if kind == "threads_mention":
        tag = f"@{threads.username}"
        return threads.customer_mentions(username, text.replace(tag, "").strip() or text)
    return None


def threads_view(threads) -> list[dict]:
    """Every Threads post of the account's side, in meta_view's shape (author,
    text, created_at, brand, where, to) so the Facebook and Instagram panel
    draws them as it draws comments; a hidden reply says so."""
    account = "@" + threads.username
    with threads.lock:
        items = []
        for m in threads.media.values():
            parent = threads.media.get((m.get("replied_to") or {}).get("id") or "")
            if parent is not None:
                to = f"public reply to @{parent['username']}"
            elif m["_owner"] == threads.user_id:
                to = f"public post by {account}"
            else:
                to = f"public post mentioning {account}"
            if m.get("hide_status") == "HIDDEN":
                to += " (hidden by the brand)"
            items.append({"author": "@" + m["username"], "text": m["text"], "created_at": m["timestamp"],
                          "brand": m["_owner"] == threads.user_id, "where": "Threads", "to": to})
    return items
