"""A Meta Graph API v26.0 emulator for a Facebook Page and Messenger:
the Page feed and comments (`fields=` honoured, `filter=stream` nesting with
`parent`, cursor paging), comment replies and likes, Messenger conversations
and the Send API (reactions too, sandbox/graph_reactions.py) with Meta's windows (24 h `RESPONSE`; `HUMAN_AGENT` to 7
days; one private reply per comment within 7 days), Graph's error bodies
(`error.code`/`error_subcode`/`fbtrace_id`) and usage headers on throttling,
the access token and `appsecret_proof` checked — and, in webhook mode, every
change pushed to the bot's /webhooks/meta signed `X-Hub-Signature-256` as Meta
signs it (including the echoes of the Page's own sends)."""
from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable

from flask import Flask, jsonify, request

from sandbox.graph_faults import register_write_faults
from sandbox.graph_reactions import sender_reaction
from sandbox.instagram_emulator import InstagramMixin, register_instagram_routes
from sandbox.meta_inbound import MetaInboundMixin, messenger_mid
from sandbox.serve import push_signed

VERSION = "v26.0"
DAY = 24 * 3600


@dataclass
class GraphState(InstagramMixin, MetaInboundMixin):
    page_id: str = "1040000000000001"
    page_name: str = "Acme Shop"
    page_token: str = "sandbox-page-token"
    app_secret: str = "sandbox-meta-app-secret"
    verify_token: str = "sandbox-verify-token"
    users: dict = field(default_factory=dict)        # id → name (page-scoped ids)
    posts: dict = field(default_factory=dict)        # id → post
    comments: dict = field(default_factory=dict)     # id → comment
    messages: dict = field(default_factory=dict)     # PSID → [message], oldest first
    psids: dict = field(default_factory=dict)        # name → Messenger PSID
    private_replied: set = field(default_factory=set)  # comment ids answered privately
    sends: list = field(default_factory=list)        # every accepted Send API body
    reactions: dict = field(default_factory=dict)    # message id → the account's reaction on it (both platforms)
    reaction_calls: list = field(default_factory=list)  # (react / unreact, message id), each accepted call
    reaction_bodies: list = field(default_factory=list)  # the request bodies of those calls
    calls: list = field(default_factory=list)        # (method, path) of every request
    throttled: list = field(default_factory=list)    # queued (code, minutes) to answer next
    write_faults: list = field(default_factory=list)  # queued (stored, how) for the next writes
    # Called once a write is stored, before its answer leaves: tests hold it to
    # kill the process that made it at the worst moment.
    on_write: Callable[[dict], None] | None = None
    webhook_url: str | None = None
    webhook_answers: list = field(default_factory=list)
    name_delay: float = 0.0                          # seconds a person's name takes (a slow Graph, for benches)
    # Instagram (sandbox/instagram_emulator.py): the professional account, its
    # commenters and DMs; ig_login: Instagram Login (own token and app secret).
    ig_id: str = "17841400000000001"
    ig_username: str = "acme.shop"
    ig_token: str = "IGsandboxtoken"
    ig_app_secret: str = "sandbox-instagram-app-secret"
    ig_login: bool = False
    ig_users: dict = field(default_factory=dict)
    ig_posts: dict = field(default_factory=dict)
    ig_comments: dict = field(default_factory=dict)
    ig_messages: dict = field(default_factory=dict)
    ig_elsewhere: dict = field(default_factory=dict)  # others' media and comments that @-mention the account
    clock: Callable[[], float] = time.time
    lock: threading.RLock = field(default_factory=threading.RLock)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), timezone.utc)

    def new_id(self) -> str:
        return str(int(self.clock() * 1000) * 1000 + next(self._ids) % 1000)

    def user(self, name: str) -> str:
        with self.lock:
            for uid, known in self.users.items():
                if known == name:
                    return uid
            uid = str(7000000000000000 + len(self.users) + 1)
            self.users[uid] = name
            return uid

    def psid(self, name: str) -> str:
        """The person's page-scoped id in Messenger: not the id their comments
        carry (Meta scopes the two differently), as in production."""
        with self.lock:
            uid = self.psids.get(name)
            if uid is None:
                uid = self.psids[name] = str(8800000000000000 + len(self.psids) + 1)
                self.users[uid] = name
            return uid

    def page_posts(self, text: str) -> dict:
        with self.lock:
            post_id = f"{self.page_id}_{self.new_id()}"
            post = {"id": post_id, "message": text, "created_time": _time(self.now()),
                    "from": {"id": self.page_id, "name": self.page_name}}
            self.posts[post_id] = post
            return post

    def comment(self, author_id: str, parent_id: str, text: str, push: bool = True) -> dict:
        """A comment on a post (or a reply to a comment), by a customer or the Page."""
        with self.lock:
            parent = self.comments.get(parent_id)
            post_id = parent["post_id"] if parent else parent_id
            comment_id = f"{post_id.split('_')[-1]}_{self.new_id()}"
            name = self.page_name if author_id == self.page_id else self.users[author_id]
            comment = {"id": comment_id, "post_id": post_id, "parent_id": parent_id, "message": text,
                       "from": {"id": author_id, "name": name}, "created_time": _time(self.now()),
                       "likes": set()}
            self.comments[comment_id] = comment
        if not push:
            return comment
        self.push_change("feed", {
            "from": comment["from"], "post_id": post_id, "comment_id": comment_id, "parent_id": parent_id,
            "created_time": int(self.clock()), "item": "comment", "verb": "add", "message": text,
            "post": {"id": post_id, "status_type": "mobile_status_update"}})
        return comment

    def customer_comments(self, name: str, text: str, on: str | None = None) -> dict:
        target = on or next(iter(sorted(self.posts, reverse=True)), None) or self.page_posts("Our new range is in!")["id"]
        return self.comment(self.user(name), target, text)

    def customer_messages(self, name: str, text: str, attachments: list | None = None) -> dict:
        """A customer writes to the Page on Messenger."""
        psid = self.psid(name)
        message = self._store_message(psid, psid, text, attachments)
        event = {"sender": {"id": psid}, "recipient": {"id": self.page_id}, "timestamp": int(self.clock() * 1000),
                 "message": {"mid": message["id"], "text": text, **({"attachments": attachments} if attachments else {})}}
        self.push_messaging(event)
        return message

    def _store_message(self, psid: str, sender: str, text: str, attachments=None) -> dict:
        with self.lock:
            name = self.page_name if sender == self.page_id else self.users[sender]
            message = {"id": messenger_mid(f"{psid}:{sender}:{self.new_id()}"), "message": text, "from": {"id": sender, "name": name},
                       "created_time": _time(self.now()), "attachments": attachments or []}
            self.messages.setdefault(psid, []).append(message)
            return message

    def last_customer_message_at(self, psid: str) -> float | None:
        mine = [m for m in self.messages.get(psid, []) if m["from"]["id"] == psid]
        return _epoch(mine[-1]["created_time"]) if mine else None

    def page_replies_to(self, comment_id: str) -> list[str]:
        return [c["message"] for c in self.comments.values()
                if c["parent_id"] == comment_id and c["from"]["id"] == self.page_id]

    def texts_sent_to(self, psid: str) -> list[str]:
        return [m["message"] for m in self.messages.get(psid, []) if m["from"]["id"] == self.page_id]

    def fail_next_write(self, stored: bool, how: str = "500", times: int = 1) -> None:
        """The next write (a comment reply, an Instagram reply, a Send API
        call) fails. stored: Graph keeps it and the answer is lost — how="500":
        a 500 with Graph's transient error body; how="drop": the connection
        closes with no answer. Not stored: refused with that 500 before
        anything is kept. Either way the caller cannot tell which happened."""
        with self.lock:
            self.write_faults.extend([(stored, how)] * times)

    # -- webhooks -------------------------------------------------------------------
    def push_change(self, field_name: str, value: dict) -> None:
        self.push({"object": "page", "entry": [{"id": self.page_id, "time": int(self.clock()),
                                                 "changes": [{"field": field_name, "value": value}]}]})

    def push_messaging(self, event: dict) -> None:
        self.push({"object": "page", "entry": [{"id": self.page_id, "time": int(self.clock() * 1000),
                                                 "messaging": [event]}]})

    def push(self, body: dict) -> None:
        if not self.webhook_url:
            return
        raw = json.dumps(body).encode()
        signature = "sha256=" + hmac.new(self.app_secret.encode(), raw, hashlib.sha256).hexdigest()
        push_signed(self.webhook_url, raw, "X-Hub-Signature-256", signature, self.webhook_answers)


def _time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S+0000")


def _epoch(value: str) -> float:
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z").timestamp()


def graph_error(status: int, message: str, code: int, subcode: int | None = None, kind: str = "OAuthException",
                headers: dict | None = None):
    error = {"message": message, "type": kind, "code": code, "fbtrace_id": "AbCdEfGhIjK"}
    if subcode:
        error["error_subcode"] = subcode
    response = jsonify({"error": error})
    response.status_code = status
    response.headers.update(headers or {})
    return response


def _fields(default: tuple[str, ...]) -> set[str]:
    return set(filter(None, request.args.get("fields", "").split(","))) or set(default)


def _page(items: list, fields: set[str]):
    limit = min(int(request.args.get("limit", "25") or 25), 100)
    after = request.args.get("after", "")
    start = int(after[1:]) if after[1:].isdigit() else 0
    chunk = items[start:start + limit]
    body = {"data": [{k: v for k, v in item.items() if k in fields | {"id"}} for item in chunk]}
    if chunk:
        body["paging"] = {"cursors": {"before": f"c{start}", "after": f"c{start + len(chunk)}"}}
        if start + limit < len(items):
            body["paging"]["next"] = request.base_url + f"?after=c{start + len(chunk)}"
    return body


def create_graph_emulator(state: GraphState) -> Flask:
    app = Flask("graph-emulator")

    @app.before_request
    def check_auth():
        state.calls.append((request.method, request.path))
        if request.path == "/refresh_access_token":
            return None  # checks its own token
        token = request.args.get("access_token") or request.headers.get("Authorization", "").removeprefix("Bearer ")
        if token not in (state.page_token, state.ig_token):
            return graph_error(400, "Invalid OAuth access token - Cannot parse access token", 190)
        proof = request.args.get("appsecret_proof")
        expected = hmac.new(state.app_secret.encode(), token.encode(), hashlib.sha256).hexdigest()
        if proof is not None and not hmac.compare_digest(proof, expected):
            return graph_error(400, "Invalid appsecret_proof provided in the API argument", 100, kind="GraphMethodException")
        with state.lock:
            throttle = state.throttled.pop(0) if state.throttled else None
        if throttle:
            code, minutes = throttle
            usage = {state.page_id: [{"type": "pages", "call_count": 100, "total_cputime": 12, "total_time": 40,
                                      "estimated_time_to_regain_access": minutes}]}
            return graph_error(400, "(#80001) There have been too many calls to this Page account. Wait a bit and "
                               "try again.", code, headers={"X-Business-Use-Case-Usage": json.dumps(usage)})
        return None

    register_write_faults(app, state)

    def comment_view(comment: dict) -> dict:
        shown = {k: v for k, v in comment.items() if k not in ("likes", "post_id", "parent_id")}
        if comment["parent_id"] != comment["post_id"]:
            shown["parent"] = {"id": comment["parent_id"]}
        shown["like_count"] = len(comment["likes"])
        return shown

    @app.get(f"/{VERSION}/<node>")
    def read_node(node: str):
        found = app.config["instagram_read"](node, None)
        if found is not None:
            return found
        if node in state.users and state.name_delay:
            time.sleep(state.name_delay)  # a slow Graph (bench/webhook_batch.py); tests never set it
        with state.lock:
            if node in state.users:
                return jsonify({"id": node, "name": state.users[node]})
            if node == state.page_id:
                return jsonify({"id": node, "name": state.page_name})
            if node in state.comments:
                shown = comment_view(state.comments[node])
                if node in state.private_replied:  # the Messenger conversation its private reply opened
                    psid = state.psids.get(state.comments[node]["from"]["name"])
                    shown["private_reply_conversation"] = {"id": f"t_{psid}"}
                wanted = _fields(("id", "created_time", "from", "message"))
                return jsonify({k: v for k, v in shown.items() if k in wanted | {"id"}})
        return graph_error(400, f"Unsupported get request. Object with ID '{node}' does not exist.", 100, 33,
                           kind="GraphMethodException")

    @app.get(f"/{VERSION}/<node>/<edge>")
    def read_edge(node: str, edge: str):
        found = app.config["instagram_read"](node, edge)
        if found is not None:
            return found
        with state.lock:
            if node == state.page_id and edge == "feed":
                posts = sorted(state.posts.values(), key=lambda p: p["created_time"], reverse=True)
                return jsonify(_page(posts, _fields(("id", "message", "created_time"))))
            if node in state.comments and edge == "comments":  # the replies under a comment
                found = [c for c in state.comments.values() if c["parent_id"] == node]
                found.sort(key=lambda c: (c["created_time"], c["id"]),
                           reverse=request.args.get("order") == "reverse_chronological")
                return jsonify(_page([comment_view(c) for c in found], _fields(("id", "message", "created_time"))))
            if node in state.posts and edge == "comments":
                stream = request.args.get("filter") == "stream"
                found = [c for c in state.comments.values() if c["post_id"] == node and (stream or c["parent_id"] == node)]
                found.sort(key=lambda c: (c["created_time"], c["id"]),
                           reverse=request.args.get("order") == "reverse_chronological")
                return jsonify(_page([comment_view(c) for c in found], _fields(("id", "message", "created_time"))))
            if node == state.page_id and edge == "visitor_posts":
                theirs = [p for p in state.posts.values() if p["from"]["id"] != state.page_id
                          and p["id"].startswith(f"{state.page_id}_")]
                theirs.sort(key=lambda p: p["created_time"], reverse=True)
                return jsonify(_page(theirs, _fields(("id", "message", "created_time"))))
            if node == state.page_id and edge == "conversations":
                threads = [{"id": f"t_{psid}", "updated_time": msgs[-1]["created_time"],
                            "participants": {"data": [{"id": psid, "name": state.users.get(psid, psid)},
                                                      {"id": state.page_id, "name": state.page_name}]}}
                           for psid, msgs in state.messages.items()
                           if msgs and request.args.get("user_id") in (None, psid)]
                threads.sort(key=lambda t: t["updated_time"], reverse=True)
                return jsonify(_page(threads, _fields(("id", "updated_time"))))
            if node.startswith("t_") and edge == "messages":
                psid = node[2:]
                page = {"id": state.page_id, "name": state.page_name, "email": f"{state.page_id}@facebook.com"}
                person = {"id": psid, "name": state.users.get(psid, psid), "email": f"{psid}@facebook.com"}
                msgs = [{**m, "from": page if m["from"]["id"] == state.page_id else person,
                         "to": {"data": [person if m["from"]["id"] == state.page_id else page]}}
                        for m in reversed(state.messages.get(psid, []))]  # newest first, as Graph answers
                return jsonify(_page(msgs, _fields(("id", "created_time"))))
        return graph_error(400, f"Unsupported get request. Object with ID '{node}' does not exist, cannot be "
                           "loaded due to missing permissions, or does not support this operation.", 100, 33,
                           kind="GraphMethodException")

    @app.post(f"/{VERSION}/<node>/<edge>")
    def write_edge(node: str, edge: str):
        payload = request.get_json(silent=True) or request.form.to_dict() or {}
        found = app.config["instagram_write"](node, edge, payload)
        if found is not None:
            return found
        with state.lock:
            comment = state.comments.get(node)
            post = state.posts.get(node)
        if (comment is not None or post is not None) and edge == "comments":
            text = (payload.get("message") or "").strip()
            if not text:
                return graph_error(400, "(#100) The parameter message is required", 100)
            reply = state.comment(state.page_id, node, text)
            return jsonify({"id": reply["id"]})
        if comment is not None and edge == "likes":
            comment["likes"].add(state.page_id)
            return jsonify({"success": True})
        if node in (state.page_id, "me") and edge == "messages":
            return send_api(payload)
        return graph_error(400, f"Unsupported post request. Object with ID '{node}' does not exist.", 100, 33,
                           kind="GraphMethodException")

    @app.delete(f"/{VERSION}/<node>/likes")
    def unlike(node: str):
        with state.lock:
            comment = state.comments.get(node)
            if comment is None:
                return graph_error(400, f"Unsupported delete request. Object with ID '{node}' does not exist.", 100, 33)
            comment["likes"].discard(state.page_id)
        return jsonify({"success": True})

    def send_api(payload: dict):
        recipient = payload.get("recipient") or {}
        if payload.get("sender_action") in ("react", "unreact"):
            psid = recipient.get("id", "") if isinstance(recipient, dict) else ""
            return sender_reaction(state, payload, graph_error, state.messages.get(psid), psid)
        text = ((payload.get("message") or {}).get("text") or "").strip()
        if not text:
            return graph_error(400, "(#100) The parameter message[text] is required", 100)
        now = state.clock()
        if "comment_id" in recipient or "post_id" in recipient:  # a private reply to a comment or a visitor post
            key = "comment_id" if "comment_id" in recipient else "post_id"
            comment = (state.comments if key == "comment_id" else state.posts).get(recipient[key])
            if comment is None:
                return graph_error(400, f"(#100) Invalid parameter: {key}", 100)
            if recipient[key] in state.private_replied:
                return graph_error(400, "(#10900) Activity already replied to", 10900)
            if now - _epoch(comment["created_time"]) > 7 * DAY:
                return graph_error(400, "(#10903) This activity cannot be replied to: it is more than 7 days old",
                                   10903)
            state.private_replied.add(recipient[key])
            psid = state.psid(comment["from"]["name"])  # the reply opens their Messenger conversation
        else:
            psid = recipient.get("id", "")
            last = state.last_customer_message_at(psid)
            if last is None:
                return graph_error(400, "(#100) No matching user found", 100, 2018001)
            tagged = payload.get("messaging_type") == "MESSAGE_TAG" and payload.get("tag") == "HUMAN_AGENT"
            if now - last > (7 * DAY if tagged else DAY):
                return graph_error(400, "(#10) This message is sent outside of allowed window. Learn more about the "
                                   "new policy here: https://developers.facebook.com/docs/messenger-platform/policy-"
                                   "overview", 10, 2018278)
        message = state._store_message(psid, state.page_id, text)
        state.sends.append(payload)
        state.push_messaging({"sender": {"id": state.page_id}, "recipient": {"id": psid},
                              "timestamp": int(now * 1000), "message": {"mid": message["id"], "text": text,
                                                                        "is_echo": True, "app_id": 1234}})
        return jsonify({"recipient_id": psid, "message_id": message["id"]})

    register_instagram_routes(app, state, graph_error, _page, _fields)
    return app


