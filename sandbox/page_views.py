"""What the customer panels of the demo page show: each message of the
emulated X, Facebook and Instagram with where it went — a public reply to
whom, a DM to whom — as the customer and the brand see it on the platform."""
from __future__ import annotations

from datetime import datetime, timezone


def x_timeline(x) -> list[dict]:
    """Posts, newest first; a reply says to whom it went, publicly."""
    with x.lock:
        tweets = sorted(x.tweets.values(), key=lambda t: int(t["id"]), reverse=True)
        author = {t["id"]: "@" + x.users[t["author_id"]]["username"] for t in tweets}
        brand = "@" + x.users[x.brand_id]["username"]
        shown = []
        for t in tweets:
            replied = next((r["id"] for r in t.get("referenced_tweets", []) if r["type"] == "replied_to"), None)
            if replied in author:
                to = f"public reply to {author[replied]}"
            else:
                to = "public post" + (f" mentioning {brand}" if t["author_id"] != x.brand_id and x.mentions_brand(t)
                                      else "")
            shown.append({"id": t["id"], "author": author[t["id"]], "text": t["text"], "created_at": t["created_at"],
                          "in_reply_to": replied, "to": to})
    return shown


def x_dms(x) -> list[dict]:
    """DM events, newest first, each with the other person of the conversation."""
    with x.lock:
        shown = []
        for e in sorted(x.dm_events, key=lambda e: int(e["id"]), reverse=True):
            people = e["dm_conversation_id"].split("-")
            other = next((p for p in people if p != e["sender_id"]), e["sender_id"])
            shown.append({"author": "@" + x.users[e["sender_id"]]["username"], "text": e["text"],
                          "created_at": e["created_at"], "brand": e["sender_id"] == x.brand_id,
                          "to": "DM to @" + x.users.get(other, {}).get("username", other)})
    return shown


def meta_view(graph) -> list[dict]:
    """The Page's and the Instagram account's side: comments (the brand's
    replies marked), visitor posts, Messenger and Instagram DMs, newest first."""
    with graph.lock:
        def comment_to(c) -> str:
            parent = graph.comments.get(c["parent_id"])
            if parent is not None:
                return f"public reply to {parent['from']['name']}"
            return "public comment on the Page's post"
        items = [{"author": c["from"]["name"], "text": c["message"], "created_at": c["created_time"],
                  "brand": c["from"]["id"] == graph.page_id, "where": "comment", "to": comment_to(c)}
                 for c in graph.comments.values()]
        items += [{"author": p["from"]["name"], "text": p["message"], "created_at": p["created_time"],
                   "brand": p["from"]["id"] == graph.page_id, "where": "post",
                   "to": f"public post on {graph.page_name}'s Page" if p["id"].startswith(graph.page_id)
                   else "public post on their own timeline"} for p in graph.posts.values()]
        items += [{"author": m["from"]["name"], "text": m["message"], "created_at": m["created_time"],
                   "brand": m["from"]["id"] == graph.page_id, "where": "Messenger",
                   "to": "private message to " + (graph.users.get(psid, psid) if m["from"]["id"] == graph.page_id
                                                  else graph.page_name)}
                  for psid, msgs in graph.messages.items() for m in msgs]
        account = "@" + graph.ig_username

        def ig_comment_to(c) -> str:
            parent = graph.ig_comments.get(c.get("parent_id") or "")
            return f"public reply to @{parent['from']['username']}" if parent else f"public comment on {account}'s post"
        items += [{"author": "@" + c["from"]["username"], "text": c["text"], "created_at": c["timestamp"],
                   "brand": c["from"]["id"] == graph.ig_id, "where": "Instagram comment", "to": ig_comment_to(c)}
                  for c in graph.ig_comments.values()]
        items += [{"author": account if m["from"] == graph.ig_id else "@" + graph.ig_users[m["from"]],
                   "text": m["text"], "created_at": _graph_time(m["timestamp"]), "brand": m["from"] == graph.ig_id,
                   "where": "Instagram DM",
                   "to": "DM to " + ("@" + graph.ig_users.get(igsid, igsid) if m["from"] == graph.ig_id else account)}
                  for igsid, msgs in graph.ig_messages.items() for m in msgs]
    return sorted(items, key=lambda i: i["created_at"], reverse=True)


def _graph_time(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+0000")


def with_brand_handle(x, text: str) -> str:
    """`text` as a post mentioning the brand on X: its @handle put in front
    unless the emulator already reads it as a mention."""
    return text if x.mentions_brand({"text": text}) else f"@{x.users[x.brand_id]['username']} {text}"
