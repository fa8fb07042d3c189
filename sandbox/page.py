"""The demo page: the emulated Slack channel with its threads and the emulated
X timeline, with forms to act as a customer and as staff."""
from __future__ import annotations

import re
import threading
from importlib import resources

import requests
from flask import Flask, jsonify, request

from sandbox.page_hearts import heart_labels
from sandbox.page_modals import add_modal_routes
from sandbox.slack_emulator import SlackState
from sandbox.x_emulator import XState

CHANNEL = "C0SUPPORT"


def _message_view(message: dict, state: SlackState, heart=None) -> dict:
    """What the page needs to draw a message as Slack would: its blocks (the
    bot's real buttons and menus included) and attachments, names for ids;
    heart: what a ❤️ on a customer's post does (sandbox.page_hearts)."""
    user = message.get("user")
    author = "socialdesk" if message.get("bot_id") else state.users.get(user, {}).get("real_name", user)
    # A customer's post (the bot marks each with its platform id): staff may ❤️ it.
    marker = (message.get("metadata") or {}).get("event_payload") or {}
    customer_post = "external_id" in marker
    return {"ts": message["ts"], "author": author, "bot": bool(message.get("bot_id")),
            "text": message.get("text", ""), "blocks": message.get("blocks") or [],
            "attachments": [{"color": a.get("color"), "blocks": a.get("blocks") or []}
                            for a in message.get("attachments") or []],
            "customer_post": customer_post, "heart": heart(marker) if heart and customer_post else None,
            "files": [{"url": f["url_private"], "title": f.get("title") or f["name"]} for f in message.get("files") or []],
            "reactions": [{"name": r["name"], "count": r["count"], "users": list(r["users"])}
                          for r in message.get("reactions", []) if r["count"]]}


def _facebook_view(graph) -> list[dict]:
    """The Page's side: every comment (the Page's replies marked) and every
    Messenger message, newest first."""
    with graph.lock:
        items = [{"author": c["from"]["name"], "text": c["message"], "created_at": c["created_time"],
                  "brand": c["from"]["id"] == graph.page_id, "where": "comment"} for c in graph.comments.values()]
        items += [{"author": p["from"]["name"], "text": p["message"], "created_at": p["created_time"],
                   "brand": p["from"]["id"] == graph.page_id, "where": "post"} for p in graph.posts.values()]
        items += [{"author": m["from"]["name"], "text": m["message"], "created_at": m["created_time"],
                   "brand": m["from"]["id"] == graph.page_id, "where": "Messenger"}
                  for msgs in graph.messages.values() for m in msgs]
        items += [{"author": "@" + c["from"]["username"], "text": c["text"], "created_at": c["timestamp"],
                   "brand": c["from"]["id"] == graph.ig_id, "where": "Instagram comment"}
                  for c in graph.ig_comments.values()]
        items += [{"author": "@" + (graph.ig_username if m["from"] == graph.ig_id else graph.ig_users[m["from"]]),
                   "text": m["text"], "created_at": _graph_time(m["timestamp"]), "brand": m["from"] == graph.ig_id,
                   "where": "Instagram DM"} for msgs in graph.ig_messages.values() for m in msgs]
    return sorted(items, key=lambda i: i["created_at"], reverse=True)


def _graph_time(epoch: float) -> str:
    from datetime import datetime, timezone
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+0000")


def escape_mentions(slack: SlackState, text: str) -> str:
    """`@bob` typed in a slash command arrives as `<@U0BOB|bob>` when the
    command has should_escape (as the manifest sets it)."""
    names = {u["display_name"].lower(): uid for uid, u in slack.users.items()}

    def mention(match: re.Match) -> str:
        uid = names.get(match.group(1).lower())
        return f"<@{uid}|{match.group(1)}>" if uid else match.group(0)
    return re.sub(r"(?<![<\w])@(\w+)", mention, text.strip())


def create_page(slack: SlackState, x: XState, webhook_url: str | None = None, graph=None) -> Flask:
    """webhook_url: the bot's /webhooks/x, for webhook mode (on when X's
    emulator starts with it set); graph: the Facebook Page's emulator."""
    app = Flask("sandbox-page")
    meta_webhook_url = graph.webhook_url if graph else None

    def in_background(target, *args):
        # Slack delivers events asynchronously; so does the emulator here.
        threading.Thread(target=target, args=args, daemon=True).start()

    @app.get("/")
    def index():
        return resources.files("sandbox").joinpath("static/index.html").read_text(encoding="utf-8")

    @app.get("/state")
    def state():
        heart = heart_labels(x, graph)
        with slack.lock:
            roots = sorted(slack.roots(CHANNEL), key=lambda m: m["ts"], reverse=True)
            channel = [{**_message_view(root, slack, heart),
                        "replies": [_message_view(m, slack, heart) for m in slack.thread(CHANNEL, root["ts"])]}
                       for root in roots]
            escalations = [_message_view(m, slack) for m in slack.roots("C0ESCALATE")][-10:]
        with x.lock:
            timeline = [{"id": t["id"], "author": "@" + x.users[t["author_id"]]["username"], "text": t["text"],
                         "created_at": t["created_at"], "in_reply_to": next(
                             (r["id"] for r in t.get("referenced_tweets", []) if r["type"] == "replied_to"), None)}
                        for t in sorted(x.tweets.values(), key=lambda t: int(t["id"]), reverse=True)]
            dms = [{"author": "@" + x.users[e["sender_id"]]["username"], "text": e["text"],
                    "created_at": e["created_at"], "brand": e["sender_id"] == x.brand_id}
                   for e in sorted(x.dm_events, key=lambda e: int(e["id"]), reverse=True)]
        staff = [{"id": uid, "name": u["real_name"], "handle": u["display_name"]} for uid, u in slack.users.items()]
        with slack.lock:  # private answers: the page shows each to the person it was for
            private = [{"user": e["user"], "text": e["text"], "thread_ts": e.get("thread_ts"),
                        "blocks": e.get("blocks") or []}
                       for e in slack.ephemerals[-30:]]
        facebook = _facebook_view(graph) if graph else []
        return jsonify({"channel": channel, "escalations": escalations, "x": timeline, "dms": dms, "staff": staff,
                        "channels": slack.channels, "private": private, "webhook": bool(x.webhook_url),
                        "facebook": facebook})

    @app.post("/customer")
    def customer():
        form = request.get_json(silent=True) or {}
        username = (form.get("username") or "").strip().lstrip("@")
        text = (form.get("text") or "").strip()
        if not username or not text:
            return jsonify({"ok": False, "error": "username and text are required"}), 400
        kind = form.get("kind") or ("dm" if form.get("dm") else "")
        if kind == "dm":
            event = x.customer_dms(username, text)
            return jsonify({"ok": True, "id": event["id"]})
        makers = {"facebook": graph.customer_comments, "messenger": graph.customer_messages,
                  "instagram": graph.ig_customer_comments, "instagram_dm": graph.ig_customer_messages,
                  "facebook_post": graph.visitor_posts, "facebook_mention": graph.mentions_page,
                  "instagram_mention": graph.ig_mentions_account} if graph else {}
        if kind in makers:
            return jsonify({"ok": True, "id": makers[kind](username, text)["id"]})
        tweet = x.customer_mentions(username, text, in_reply_to=form.get("in_reply_to") or None)
        return jsonify({"ok": True, "id": tweet["id"]})

    @app.post("/delivery")
    def delivery():
        """Webhook mode (X pushes signed events to the bot at once) or polling only."""
        form = request.get_json(silent=True) or {}
        x.webhook_url = webhook_url if form.get("webhook") else None
        if graph is not None:
            graph.webhook_url = meta_webhook_url if form.get("webhook") else None
        return jsonify({"ok": True, "webhook": bool(x.webhook_url)})

    @app.post("/react")
    def react():
        """A staff ❤️ on a customer's message (added, or taken back)."""
        form = request.get_json(silent=True) or {}
        if form.get("user") not in slack.users or not form.get("ts") or form.get("name") != "heart":
            return jsonify({"ok": False, "error": "user, ts and name=heart are required"}), 400
        in_background(slack.user_reacts, form["user"], CHANNEL, form["ts"], "heart", bool(form.get("removed")))
        return jsonify({"ok": True})

    @app.post("/staff")
    def staff():
        form = request.get_json(silent=True) or {}
        if not form.get("thread_ts") or not (form.get("text") or "").strip() or form.get("user") not in slack.users:
            return jsonify({"ok": False, "error": "thread, staff member and text are required"}), 400
        in_background(slack.user_posts, form["user"], CHANNEL, form["text"], form["thread_ts"])
        return jsonify({"ok": True})

    @app.post("/command")
    def command():
        form = request.get_json(silent=True) or {}
        if form.get("user") not in slack.users:
            return jsonify({"ok": False, "error": "pick a staff member"}), 400
        try:
            response = slack.user_runs_command(form["user"], CHANNEL, escape_mentions(slack, form.get("text") or ""))
        except requests.RequestException as exc:  # the bot's web process is not up (yet)
            return jsonify({"ok": False, "error": f"the bot did not answer: {type(exc).__name__}"}), 503
        answer = response.json() if response.ok else {"text": f"the bot answered HTTP {response.status_code}"}
        return jsonify({"ok": response.ok, "text": answer.get("text", "")})

    @app.post("/action")
    def action():
        """A click on one of the bot's own buttons or menus, sent as Slack sends it."""
        form = request.get_json(silent=True) or {}
        element = form.get("action")
        if form.get("user") not in slack.users or not form.get("ts") or not isinstance(element, dict) \
                or not element.get("action_id"):
            return jsonify({"ok": False, "error": "user, ts and action are required"}), 400
        in_background(slack.user_acts, form["user"], CHANNEL, form["ts"], element)
        return jsonify({"ok": True})

    add_modal_routes(app, slack)
    return app
