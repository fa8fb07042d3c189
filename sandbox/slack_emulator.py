"""A Slack Web API emulator: the methods socialdesk calls, with Slack's auth
checks, error codes and 429s, and an Events API sender that signs requests and
retries like Slack (X-Slack-Retry-Num) when the app does not answer 2xx."""
from __future__ import annotations

import itertools
import json
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

import requests
from flask import Flask, jsonify, request

from sandbox.slack_files import add_file_methods
from sandbox.slack_responses import add_response_urls, press_ephemeral
from sandbox.slack_people import SlackPeople
from sandbox.slack_ratelimit import TokenBucket, retry_after
from sandbox.slack_views import add_view_methods

MAX_TEXT = 40000
MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3000


@dataclass
class SlackState(SlackPeople):
    token: str = "xoxb-sandbox-token"
    app_token: str = "xapp-1-A0SANDBOX-1-sandbox"
    socket_mode_url: str | None = None  # set when a SocketModeServer runs
    signing_secret: str = "sandbox-signing-secret"
    team_id: str = "T0SANDBOX"
    bot_user_id: str = "U0BOT"
    bot_id: str = "B0BOT"
    events_url: str | None = None
    echo_bot_messages: bool = True   # real Slack sends our own posts, edits and reactions back as events
    channels: dict = field(default_factory=lambda: {"C0SUPPORT": "social-support", "C0ESCALATE": "escalations"})
    users: dict = field(default_factory=lambda: {
        "U0ALICE": {"real_name": "Alice Agent", "display_name": "alice"},
        "U0BOB": {"real_name": "Bob Builder", "display_name": "bob"},
        "U0MANAGER": {"real_name": "Mia Manager", "display_name": "mia"},
    })
    usergroups: dict = field(default_factory=dict)  # S… → [U…]
    messages: list = field(default_factory=list)
    ephemerals: list = field(default_factory=list)
    # What the app said through a press's response_url, in order: (ephemeral index, body).
    responses: list = field(default_factory=list)
    own_url: str | None = None  # this emulator's base URL, learnt from the first API call
    views: dict = field(default_factory=dict)
    modals: dict = field(default_factory=dict)    # view id → an open or closed modal (sandbox.slack_views)
    triggers: dict = field(default_factory=dict)  # trigger_id → (user, when issued)
    files: dict = field(default_factory=dict)  # F… → name, bytes, where shared (sandbox.slack_files)
    failures: dict = field(default_factory=dict)  # method → [(http status, error, retry_after)]
    calls: list = field(default_factory=list)
    deliveries: list = field(default_factory=list)  # (status, retry_num) per event delivery
    lock: threading.RLock = field(default_factory=threading.RLock)
    # Called after chat.postMessage stored a message, before it answers: tests
    # use it to hold the answer back (a slow Slack) or to kill the caller then.
    on_post: Callable[[dict], None] | None = None
    # Called after chat.update stored an edit, before it answers.
    on_update: Callable[[dict], None] | None = None
    # Message timestamps come from this clock; tests hand in the bot's clock so
    # both sides agree on "now" whatever the date (ts-based lookups depend on it).
    clock: Callable[[], float] = time.time
    # Slack's per-channel limit on chat.postMessage (sandbox.slack_ratelimit):
    # None = off; 1.0 = one post a second per channel, `burst` at once.
    rate_limit_per_channel: float | None = None
    burst: int = 1
    ratelimited: int = 0  # 429s answered for the limit (not the ones a test queued)
    _buckets: dict = field(default_factory=dict)
    _ts: itertools.count = field(default_factory=lambda: itertools.count(1))
    _echoes: list = field(default_factory=list)

    def next_ts(self) -> str:
        return f"{int(self.clock())}.{next(self._ts):06d}"

    def find(self, channel: str, ts: str) -> dict | None:
        # Newest first: what the app updates or reacts to is nearly always
        # recent, and a scan from the oldest made each chat.update cost in
        # proportion to every message ever posted (bench/ingest.py's 1,000
        # roots and follow-ups: ~70 us a repaint by the end, charged to the app).
        # A ts is unique per message, so the message found is the same.
        return next((m for m in reversed(self.messages) if m["channel"] == channel and m["ts"] == ts), None)

    def thread(self, channel: str, root_ts: str) -> list[dict]:
        return [m for m in self.messages if m["channel"] == channel and m.get("thread_ts") == root_ts
                and m["ts"] != root_ts]

    def roots(self, channel: str) -> list[dict]:
        return [m for m in self.messages if m["channel"] == channel
                and (not m.get("thread_ts") or m["thread_ts"] == m["ts"])]

    def user_presses_ephemeral(self, user: str, index: int, action_id: str) -> requests.Response:
        """A click on a button of the ephemeral self.ephemerals[index] (sandbox.slack_responses)."""
        return press_ephemeral(self, user, index, action_id)

    def fail_next(self, method: str, status: int = 200, error: str = "internal_error",
                  times: int = 1, retry_after: int = 0) -> None:
        with self.lock:
            self.failures.setdefault(method, []).extend([(status, error, retry_after)] * times)

    def lose_response_next(self, method: str, status: int = 503, times: int = 1) -> None:
        """Slack does the work but the answer is lost (a 5xx from a proxy after
        the write, or a timeout): the caller cannot tell it happened."""
        with self.lock:
            self.failures.setdefault(method, []).extend([(status, "after", 0)] * times)

def _reaction_event(kind: str, state: SlackState, message: dict, name: str) -> dict:
    return {"type": kind, "user": state.bot_user_id, "reaction": name, "item_user": message.get("user"),
            "item": {"type": "message", "channel": message["channel"], "ts": message["ts"]}}


def _error(error: str, status: int = 200, **extra):
    response = jsonify({"ok": False, "error": error, **extra})
    response.status_code = status
    return response


def create_slack_emulator(state: SlackState) -> Flask:
    app = Flask("slack-emulator")

    def args() -> dict:
        merged = dict(request.args)
        merged.update(request.form.to_dict())
        if request.is_json:
            merged.update(request.get_json(silent=True) or {})
        for key in ("blocks", "attachments", "view", "metadata"):
            if isinstance(merged.get(key), str):
                try:
                    merged[key] = json.loads(merged[key])
                except ValueError:
                    merged[key] = "invalid"
        return merged

    def authed(params: dict, expected: str):
        header = request.headers.get("Authorization", "")
        token = header[7:] if header.startswith("Bearer ") else params.get("token")
        if not token:
            return _error("not_authed")
        if token != expected:
            return _error("invalid_auth")
        return None

    def check_blocks(blocks) -> str | None:
        if blocks is None:
            return None
        if not isinstance(blocks, list) or len(blocks) > MAX_BLOCKS:
            return "invalid_blocks"
        for block in blocks:
            if not isinstance(block, dict) or "type" not in block:
                return "invalid_blocks"
            text = block.get("text")
            if isinstance(text, dict) and len(text.get("text", "")) > MAX_SECTION_TEXT:
                return "invalid_blocks"
        return None

    def post_message(p: dict):
        channel = p.get("channel")
        if channel not in state.channels:
            return _error("channel_not_found")
        if not p.get("text") and not p.get("blocks") and not p.get("attachments"):
            return _error("no_text")
        if len(p.get("text") or "") > MAX_TEXT:
            return _error("msg_too_long")
        problem = check_blocks(p.get("blocks")) or check_metadata(p.get("metadata"))
        if problem:
            return _error(problem)
        with state.lock:
            message = {"type": "message", "channel": channel, "user": state.bot_user_id,
                       "bot_id": state.bot_id, "text": p.get("text", ""), "blocks": p.get("blocks"),
                       "attachments": p.get("attachments"), "ts": state.next_ts()}
            if p.get("thread_ts"):
                message["thread_ts"] = p["thread_ts"]
            if p.get("metadata"):
                message["metadata"] = p["metadata"]
            state.messages.append(message)
        if state.on_post:
            state.on_post(message)
        state.echo({k: v for k, v in message.items() if v is not None})
        return jsonify({"ok": True, "channel": channel, "ts": message["ts"], "message": message})

    def check_metadata(metadata) -> str | None:
        if metadata is None:
            return None
        if (not isinstance(metadata, dict) or not isinstance(metadata.get("event_payload"), dict)
                or not re.fullmatch(r"[A-Za-z0-9_]{1,255}", str(metadata.get("event_type", "")))):
            return "invalid_metadata_format"
        return None

    def update_message(p: dict):
        message = state.find(p.get("channel"), p.get("ts"))
        if message is None:
            return _error("message_not_found")
        if message.get("bot_id") != state.bot_id:
            return _error("cant_update_message")
        problem = check_blocks(p.get("blocks"))
        if problem:
            return _error(problem)
        with state.lock:
            for key in ("text", "blocks", "attachments"):
                if key in p:
                    message[key] = p[key]
            previous = {k: v for k, v in message.items() if k != "edited"}
            message["edited"] = {"user": state.bot_user_id, "ts": state.next_ts()}
        state.echo({"type": "message", "subtype": "message_changed", "hidden": True, "channel": message["channel"],
                    "ts": message["edited"]["ts"], "message": dict(message), "previous_message": previous})
        if state.on_update:
            state.on_update(message)
        return jsonify({"ok": True, "channel": message["channel"], "ts": message["ts"], "text": message["text"]})

    def post_ephemeral(p: dict):
        if p.get("channel") not in state.channels:
            return _error("channel_not_found")
        if p.get("user") not in state.users:
            return _error("user_not_in_channel")
        shown = {k: p.get(k) for k in ("channel", "user", "text", "thread_ts", "blocks")}
        shown["message_ts"] = state.next_ts()
        state.ephemerals.append(shown)
        return jsonify({"ok": True, "message_ts": shown["message_ts"]})

    def get_permalink(p: dict):
        message = state.find(p.get("channel"), p.get("message_ts"))
        if message is None:
            return _error("message_not_found")
        link = f"https://sandbox.slack.local/archives/{message['channel']}/p{message['ts'].replace('.', '')}"
        return jsonify({"ok": True, "channel": message["channel"], "permalink": link})

    def users_info(p: dict):
        user = state.users.get(p.get("user"))
        if user is None:
            return _error("user_not_found")
        # Guests (is_restricted), Slack Connect people (another team_id) and bots as Slack describes them.
        team = user.get("team_id", state.team_id)
        profile = {k: v for k, v in user.items() if k in ("real_name", "display_name")}
        return jsonify({"ok": True, "user": {
            "id": p["user"], "team_id": team, "name": user["display_name"], "real_name": user["real_name"],
            "is_bot": user.get("is_bot", False), "is_restricted": user.get("is_restricted", False),
            "is_ultra_restricted": user.get("is_ultra_restricted", False),
            **({"is_stranger": True} if team != state.team_id else {}),
            "profile": {**profile, "real_name_normalized": user["real_name"]}}})

    def usergroups_users_list(p: dict):
        if p.get("usergroup") not in state.usergroups:
            return _error("no_such_subteam")
        return jsonify({"ok": True, "users": list(state.usergroups[p["usergroup"]])})

    def reactions_add(p: dict):
        message = state.find(p.get("channel"), p.get("timestamp"))
        if message is None:
            return _error("message_not_found")
        reactions = message.setdefault("reactions", [])
        entry = next((r for r in reactions if r["name"] == p.get("name")), None)
        if entry and state.bot_user_id in entry["users"]:
            return _error("already_reacted")
        if entry is None:
            entry = {"name": p.get("name"), "users": [], "count": 0}
            reactions.append(entry)
        entry["users"].append(state.bot_user_id)
        entry["count"] += 1
        state.echo(_reaction_event("reaction_added", state, message, p["name"]))
        return jsonify({"ok": True})

    def reactions_remove(p: dict):
        message = state.find(p.get("channel"), p.get("timestamp"))
        if message is None:
            return _error("message_not_found")
        entry = next((r for r in message.get("reactions", []) if r["name"] == p.get("name")), None)
        if entry is None or state.bot_user_id not in entry["users"]:
            return _error("no_reaction")
        entry["users"].remove(state.bot_user_id)
        entry["count"] -= 1
        if not entry["users"]:
            message["reactions"].remove(entry)
        state.echo(_reaction_event("reaction_removed", state, message, p["name"]))
        return jsonify({"ok": True})

    def views_publish(p: dict):
        if p.get("user_id") not in state.users:
            return _error("user_not_found")
        view = p.get("view")
        if not isinstance(view, dict) or view.get("type") != "home":
            return _error("invalid_arguments")
        problem = check_blocks(view.get("blocks"))
        if problem:
            return _error(problem)
        state.views[p["user_id"]] = view
        return jsonify({"ok": True, "view": {"id": "V0HOME", **view}})

    def connections_open(p: dict):
        if not state.socket_mode_url:
            return _error("invalid_auth")
        return jsonify({"ok": True, "url": state.socket_mode_url})

    def auth_test(p: dict):
        return jsonify({"ok": True, "url": "https://sandbox.slack.local/", "team": "Sandbox",
                        "user": "socialdesk", "team_id": state.team_id, "user_id": state.bot_user_id,
                        "bot_id": state.bot_id, "is_enterprise_install": False})

    def conversations_replies(p: dict):
        root = state.find(p.get("channel"), p.get("ts"))
        if root is None:
            return _error("thread_not_found")
        return page([root] + state.thread(p["channel"], p["ts"]), p)

    def conversations_history(p: dict):
        if p.get("channel") not in state.channels:
            return _error("channel_not_found")
        oldest, latest = float(p.get("oldest") or 0), float(p.get("latest") or 9e12)
        messages = [m for m in reversed(state.roots(p["channel"])) if oldest < float(m["ts"]) <= latest]
        return page(messages, p)  # newest first, as Slack answers

    def page(messages: list[dict], p: dict):
        """Cursor pagination like Slack's; metadata only when asked for."""
        start, limit = int(p.get("cursor") or 0), min(int(p.get("limit") or 100), 999)
        chunk = messages[start:start + limit]
        if str(p.get("include_all_metadata", "")).lower() not in ("1", "true"):
            chunk = [{k: v for k, v in m.items() if k != "metadata"} for m in chunk]
        more = start + limit < len(messages)
        return jsonify({"ok": True, "messages": chunk, "has_more": more,
                        "response_metadata": {"next_cursor": str(start + limit) if more else ""}})

    methods = {
        "auth.test": auth_test, "chat.postMessage": post_message, "chat.update": update_message,
        "chat.postEphemeral": post_ephemeral, "chat.getPermalink": get_permalink, "users.info": users_info,
        "usergroups.users.list": usergroups_users_list,
        "reactions.add": reactions_add, "reactions.remove": reactions_remove, "views.publish": views_publish,
        "conversations.replies": conversations_replies, "conversations.history": conversations_history,
        "apps.connections.open": connections_open,
    }
    add_file_methods(app, state, methods, _error)
    add_view_methods(state, methods, _error)
    add_response_urls(app, state)

    @app.route("/api/<method>", methods=["GET", "POST"])
    def api(method: str):
        params = args()
        state.calls.append((method, params))
        state.own_url = state.own_url or request.url_root  # where it is mounted (the sandbox: /slack/)
        if method == "api.test":
            return jsonify({"ok": True, "args": params})
        handler = methods.get(method)
        if handler is None:
            return _error("unknown_method", 404, req_method=method)
        # apps.connections.open is the one method that takes the app-level token.
        problem = authed(params, state.app_token if method == "apps.connections.open" else state.token)
        if problem is not None:
            return problem
        with state.lock:
            queued = state.failures.get(method)
            failure = queued.pop(0) if queued else None
        if failure and failure[1] == "after":
            handler(params)
            return _error("internal_error", failure[0])  # 200 too: Slack's "may have succeeded"
        if failure:
            status, error, wait = failure
            response = _error(error if status != 429 else "ratelimited", status)
            if status == 429:
                response.headers["Retry-After"] = str(wait)
            return response
        if method == "chat.postMessage" and state.rate_limit_per_channel and params.get("channel") in state.channels:
            with state.lock:
                bucket = state._buckets.setdefault(params["channel"], TokenBucket(state.rate_limit_per_channel,
                                                                                  state.burst))
                wait = bucket.take(state.clock())
                if wait:
                    state.ratelimited += 1
            if wait:
                response = _error("ratelimited", 429)
                response.headers["Retry-After"] = str(retry_after(wait))
                return response
        return handler(params)

    return app
