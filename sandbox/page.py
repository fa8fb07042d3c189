"""The demo page: the emulated Slack channel with its threads and the emulated
X timeline, with forms to act as a customer and as staff."""
from __future__ import annotations

import re
import threading
import uuid
from datetime import timezone
from importlib import resources

import requests
from flask import Flask, jsonify, request

from sandbox.emoji import EMOJI
from sandbox.page_bluesky import bluesky_customer, bluesky_view
from sandbox.page_views import meta_view, with_brand_handle, x_dms, x_timeline
from sandbox.page_hearts import reaction_labels
from sandbox.page_modals import add_modal_routes
from sandbox.page_reviews import ReviewSite, add_review_routes, reviews_view
from sandbox.page_threads import threads_customer, threads_view
from sandbox.slack_emulator import SlackState
from sandbox.x_emulator import XState

CHANNEL = "C0SUPPORT"
# The reactions a staff member may put on a customer's post from the page: each is one the bot acts on.
REACTIONS = ("heart", "see_no_evil", "eyes", "white_check_mark", "zzz")


def _message_view(message: dict, state: SlackState, labels=None) -> dict:
    """What the page needs to draw a message as Slack would: its blocks (the
    bot's real buttons and menus included) and attachments, names for ids;
    labels: what a ❤️ and a 🙈 on a customer's post do (sandbox.page_hearts)."""
    user = message.get("user")
    author = "socialdesk" if message.get("bot_id") else state.users.get(user, {}).get("real_name", user)
    # A customer's post (the bot marks each with its platform id): staff may ❤️ it.
    marker = (message.get("metadata") or {}).get("event_payload") or {}
    customer_post = "external_id" in marker
    return {"ts": message["ts"], "author": author, "bot": bool(message.get("bot_id")),
            "text": message.get("text", ""), "blocks": message.get("blocks") or [],
            "attachments": [{"color": a.get("color"), "blocks": a.get("blocks") or []}
                            for a in message.get("attachments") or []],
            "customer_post": customer_post,
            **(labels(marker) if labels and customer_post else {"heart": None, "hide": None}),
            "files": [{"url": f["url_private"], "title": f.get("title") or f["name"]} for f in message.get("files") or []],
            "reactions": [{"name": r["name"], "count": r["count"], "users": list(r["users"])}
                          for r in message.get("reactions", []) if r["count"]]}


def escape_mentions(slack: SlackState, text: str) -> str:
    """`@bob` typed in a slash command arrives as `<@U0BOB|bob>` when the
    command has should_escape (as the manifest sets it)."""
    names = {u["display_name"].lower(): uid for uid, u in slack.users.items()}

    def mention(match: re.Match) -> str:
        uid = names.get(match.group(1).lower())
        return f"<@{uid}|{match.group(1)}>" if uid else match.group(0)
    return re.sub(r"(?<![<\w])@(\w+)", mention, text.strip())


def mention_colleagues(slack: SlackState, text: str) -> str:
    """A staff message as Slack's client sends it: &, < and > escaped, and
    "@alice" of a person in the workspace as `<@U0ALICE>` (the client turns a
    picked name into a mention; the bot reads a message addressed to a
    colleague as internal). An unknown @name stays text, as Slack leaves it."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    names = {u["display_name"].lower(): uid for uid, u in slack.users.items()}

    def mention(match: re.Match) -> str:
        uid = names.get(match.group(1).lower())
        return f"<@{uid}>" if uid else match.group(0)
    return re.sub(r"(?<!\w)@([\w.-]*\w)", mention, text)


def polling_view(engine) -> list[dict]:
    """Each polled feed's last pass, next pass and last webhook, from the bot's
    own database: the page shows which way posts are arriving."""
    if engine is None:
        return []
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from bot.store.models import PollCursor

    def iso(moment):  # one length, so the page may compare them as text
        if moment is None:
            return None
        return moment.replace(tzinfo=moment.tzinfo or timezone.utc).astimezone(timezone.utc).isoformat(
            timespec="milliseconds")
    with Session(engine) as session:
        return [{"feed": c.key, "polled_at": iso(c.updated_at), "next_at": iso(c.next_poll_at),
                 "webhook_at": iso(c.webhook_at)} for c in session.scalars(select(PollCursor).order_by(PollCursor.key))]


def create_page(slack: SlackState, x: XState, webhook_url: str | None = None, graph=None,
                database_url: str | None = None, reviews: list[ReviewSite] | tuple = (), bluesky=None,
                threads=None) -> Flask:
    """webhook_url: the bot's /webhooks/x, for webhook mode (on when X's
    emulator starts with it set); graph: the Facebook Page's emulator;
    database_url: the bot's database, read for the polling line; reviews:
    the review platforms the sandbox runs (sandbox.page_reviews), mounted
    under the page at their own paths; threads: the brand's Threads account
    (sandbox.page_threads), pushing to the bot's /webhooks/meta."""
    app = Flask("sandbox-page")
    # Each start is a new world (an empty database, fresh emulators): a tab left
    # open on an earlier run sees the id change and reloads, instead of showing
    # conversations that no longer exist and taking presses that go nowhere.
    run_id = uuid.uuid4().hex
    from bot.store.db import make_engine
    engine = make_engine(database_url) if database_url else None
    meta_webhook_url = graph.webhook_url if graph else None
    threads_webhook_url = threads.webhook_url if threads else None

    def in_background(target, *args):
        # Slack delivers events asynchronously; so does the emulator here.
        threading.Thread(target=target, args=args, daemon=True).start()

    @app.get("/")
    def index():
        return resources.files("sandbox").joinpath("static/index.html").read_text(encoding="utf-8")

    @app.get("/state")
    def state():
        labels = reaction_labels(x, graph, bluesky)
        with slack.lock:
            roots = sorted(slack.roots(CHANNEL), key=lambda m: m["ts"], reverse=True)
            channel = [{**_message_view(root, slack, labels),
                        "replies": [_message_view(m, slack, labels) for m in slack.thread(CHANNEL, root["ts"])]}
                       for root in roots]
            escalations = [_message_view(m, slack) for m in slack.roots("C0ESCALATE")][-10:]
            # Each person's DM with the app (the report sent to them) and their App Home (views.publish).
            staff_dms = {uid: [_message_view(m, slack) for m in slack.messages if m["channel"] == f"D{uid[1:]}"]
                         for uid in slack.users}
            home = {uid: view.get("blocks") or [] for uid, view in slack.views.items()}
            # Private answers: the page shows each to the person it was for, where it was
            # posted, in time order; `index` lets a press on its buttons carry its response_url.
            private = [{"index": i, "user": e["user"], "text": e.get("text") or "", "thread_ts": e.get("thread_ts"),
                        "ts": e["message_ts"], "blocks": e.get("blocks") or []}
                       for i, e in enumerate(slack.ephemerals) if not e.get("deleted")][-30:]
        staff = [{"id": uid, "name": u["real_name"], "handle": u["display_name"]} for uid, u in slack.users.items()]
        return jsonify({"run": run_id, "channel": channel, "escalations": escalations, "x": x_timeline(x), "dms": x_dms(x),
                        "staff": staff, "channels": slack.channels, "private": private, "staff_dms": staff_dms,
                        "home": home, "webhook": bool(x.webhook_url), "facebook": sorted(
                            (meta_view(graph) if graph else []) + (threads_view(threads) if threads else []),
                            key=lambda i: i["created_at"], reverse=True),
                        "bluesky": bluesky_view(bluesky) if bluesky else [], "polling": polling_view(engine),
                        "reviews": reviews_view(list(reviews), request.host_url.rstrip("/"))})

    @app.get("/emoji.json")
    def emoji():
        return jsonify(EMOJI)

    @app.post("/home")
    def open_home():
        """The person opens the app's Home tab: Slack sends app_home_opened
        (tests/fixtures/slack/app_home_opened_home.json) and the app publishes the view."""
        form = request.get_json(silent=True) or {}
        user = form.get("user")
        if user not in slack.users:
            return jsonify({"ok": False, "error": "pick a staff member"}), 400
        in_background(slack.send_event, {"type": "app_home_opened", "user": user, "channel": f"D{user[1:]}",
                                         "tab": "home", "event_ts": slack.next_ts()})
        return jsonify({"ok": True})

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
        if kind.startswith("bluesky") and bluesky is not None:  # a mention, a post naming the brand, or a DM
            made = bluesky_customer(bluesky, kind, username, text)
            if made is not None:
                return jsonify({"ok": True, "id": made})
        if kind.startswith("threads") and threads is not None:  # a reply to the brand's post, or a mention
            made = threads_customer(threads, kind, username, text)
            if made is not None:
                return jsonify({"ok": True, "id": made["id"]})
        in_reply_to = form.get("in_reply_to") or None
        if not kind and not in_reply_to:
            # "X: public post (mention)": a newcomer clears the prefilled text and types a complaint without the
            # @ — on X that is no mention, and nothing reached the desk. The @ added if missing, as for Bluesky;
            # "x_named" is the post that names the brand without it (listening).
            text = with_brand_handle(x, text)
        tweet = x.customer_mentions(username, text, in_reply_to=in_reply_to)
        return jsonify({"ok": True, "id": tweet["id"]})

    @app.post("/delivery")
    def delivery():
        """Webhook mode (X pushes signed events to the bot at once) or polling only."""
        form = request.get_json(silent=True) or {}
        x.webhook_url = webhook_url if form.get("webhook") else None
        if graph is not None:
            graph.webhook_url = meta_webhook_url if form.get("webhook") else None
        for site in reviews:
            site.webhooks(bool(form.get("webhook")))
        if threads is not None:
            threads.webhook_url = threads_webhook_url if form.get("webhook") else None
        return jsonify({"ok": True, "webhook": bool(x.webhook_url)})

    @app.post("/react")
    def react():
        """A staff reaction on a customer's message, added or taken back: ❤️ (like), 🙈 (hide), 👀 (claim),
        ✅ (resolve), 💤 (snooze) — the ones the bot acts on (handlers/slack_actions.py)."""
        form = request.get_json(silent=True) or {}
        if form.get("user") not in slack.users or not form.get("ts") or form.get("name") not in REACTIONS:
            return jsonify({"ok": False, "error": f"user, ts and name ({', '.join(REACTIONS)}) are required"}), 400
        in_background(slack.user_reacts, form["user"], CHANNEL, form["ts"], form["name"], bool(form.get("removed")))
        return jsonify({"ok": True})

    @app.post("/staff")
    def staff():
        form = request.get_json(silent=True) or {}
        if not form.get("thread_ts") or not (form.get("text") or "").strip() or form.get("user") not in slack.users:
            return jsonify({"ok": False, "error": "thread, staff member and text are required"}), 400
        # As Slack's client sends it: & < > escaped, then "@bob" of a colleague as <@U0BOB>.
        in_background(slack.user_posts, form["user"], CHANNEL, mention_colleagues(slack, form["text"]),
                      form["thread_ts"], True, False)
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
            # Said whole: a newcomer trying the route by hand sent "action" as the action_id's name.
            return jsonify({"ok": False, "error": "user (a sandbox user id), ts and action (the button or menu as "
                                                  "the bot drew it: an object with its action_id and value) are "
                                                  "required"}), 400
        if "ephemeral" in form:
            # A private notice's button: Slack sends container.is_ephemeral and a response_url,
            # through which the app replaces the notice (sandbox.slack_responses).
            index = form["ephemeral"]
            if not isinstance(index, int) or not 0 <= index < len(slack.ephemerals) \
                    or slack.ephemerals[index]["user"] != form["user"] \
                    or element["action_id"] not in {e.get("action_id") for b in slack.ephemerals[index].get("blocks")
                                                    or [] for e in b.get("elements", [])}:
                return jsonify({"ok": False, "error": "no such private notice for this person"}), 400
            in_background(slack.user_presses_ephemeral, form["user"], index, element["action_id"])
            return jsonify({"ok": True})
        in_background(slack.user_acts, form["user"], CHANNEL, form["ts"], element)
        return jsonify({"ok": True})

    add_modal_routes(app, slack)
    add_review_routes(app, list(reviews))
    return app
