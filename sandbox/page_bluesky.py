"""Bluesky on the demo page: a customer posts mentioning the brand, names it
without the @ (heard by listening), or sends it a DM (the emulated chat
service); the worker polls them all (Bluesky has no webhooks). The customer
view shows the account's side in its own panel — the customers' posts and DMs,
the brand's replies and DMs, and which posts the brand liked — as
sandbox.page_threads does for Threads."""
from __future__ import annotations


def bluesky_customer(bluesky, kind: str, username: str, text: str) -> str | None:
    """The id of a customer's Bluesky post or DM of this kind ("bluesky": a
    post mentioning the brand, the @ added if missing; "bluesky_named": a post
    naming it without the @; "bluesky_dm": a DM to the brand), or None for an
    unknown kind."""
    if kind == "bluesky_dm":
        return bluesky.customer_dms(username, text)["id"]
    tag = f"@{bluesky.handle}"
    if kind == "bluesky":
        return bluesky.customer_mentions(username, text if tag in text else f"{tag} {text}")["uri"]
    if kind == "bluesky_named":
        return bluesky.customer_mentions(username, text)["uri"]
    return None


def private_ids(bluesky) -> set[str]:
    """The DMs' ids: a ❤️ on one stays among colleagues (a Bluesky DM has no like)."""
    with bluesky.lock:
        return {m["id"] for convo in bluesky.convos.values() for m in convo["messages"]}


def bluesky_view(bluesky) -> list[dict]:
    """The account's side, newest first, in meta_view's shape (author, text,
    created_at, brand, where, to): posts say to whom they went and whether the
    brand liked them, DMs whom they were for."""
    account = "@" + bluesky.handle
    with bluesky.lock:
        handle = {did: "@" + p["handle"] for did, p in bluesky.profiles.items()}
        liked = {r["record"]["subject"]["uri"] for r in bluesky.brand_likes()}
        items = []
        for r in bluesky.records.values():
            if "/app.bsky.feed.post/" not in r["uri"]:
                continue
            parent = bluesky.records.get(((r["record"].get("reply") or {}).get("parent") or {}).get("uri") or "")
            if parent is not None:
                to = f"public reply to {handle[parent['author']]}"
            elif r["author"] == bluesky.did:
                to = f"public post by {account}"
            elif any(f.get("did") == bluesky.did for facet in r["record"].get("facets") or []
                     for f in facet.get("features") or []):
                to = f"public post mentioning {account}"
            else:
                to = "public post (not naming the account: found by listening)"
            if r["uri"] in liked:
                to += f" · ❤️ liked by {account}"
            items.append({"author": handle[r["author"]], "text": r["record"]["text"], "created_at": r["indexedAt"],
                          "brand": r["author"] == bluesky.did, "where": "Bluesky", "to": to})
        for convo in bluesky.convos.values():
            other = next((m for m in convo["members"] if m != bluesky.did), bluesky.did)
            for m in convo["messages"]:
                mine = m["sender"]["did"] == bluesky.did
                items.append({"author": handle[m["sender"]["did"]], "text": m["text"], "created_at": m["sentAt"],
                              "brand": mine, "where": "Bluesky DM",
                              "to": "DM to " + (handle.get(other, other) if mine else account)})
    return sorted(items, key=lambda i: i["created_at"], reverse=True)
