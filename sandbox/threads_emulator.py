"""A Threads API emulator (graph.threads.net) for one brand account, in the shapes
Meta documents (developers.facebook.com/docs/threads):

- GET /v1.0/{user-id}/threads (the brand's posts), GET /v1.0/{media-id}/replies (direct replies) and
  /conversation (every depth), GET /v1.0/{user-id}/mentions (`since` ≥ 1688540400 and < `until`): newest first
  unless reverse=false, `limit` (default 25, at most 100), `paging.cursors.before/after` and `paging.next` while
  more remain;
- POST /v1.0/{user-id}/threads (media_type=TEXT, text ≤ 500 characters, an emoji counting its UTF-8 bytes, reply_to_id) → {"id": container},
  POST /v1.0/{user-id}/threads_publish (creation_id) → {"id": media}: 250 posts and 1,000 replies per moving 24 h;
- POST /v1.0/{reply-id}/manage_reply (hide) → {"success": true}, top-level replies under the brand's posts only;
- GET /v1.0/{id}?fields= (the account or a media object), GET /refresh_access_token?grant_type=th_refresh_token
  (a token at least 24 h old and unexpired → a new 60-day token);
- webhooks: one change per POST, {"app_id", "topic", "target_id", "time", "subscription_id", "has_uid_field",
  "values": {"value", "field"}}, signed X-Hub-Signature-256 (hex HMAC-SHA256 of the body, the Threads app secret).

Ids are 18 digits, as Threads media ids run (17–19). Errors are Graph's body {"error": {"message", "type",
"code", "fbtrace_id"}}: 190 OAuthException for a bad or expired token, 100 for a bad parameter. Meta documents
the publishing quotas but not the body of their refusal: here code 4 ("Application request limit reached"), as
Graph's throttling says it. The token may come as `Authorization: Bearer` or `access_token`, as Graph takes it.
A container asked to publish while still IN_PROGRESS is refused as Instagram's publishing refuses an unready
one (code 9007, subcode 2207027; Threads documents the wait and the status field, not the body). Faults for tests:
`unready` containers, fail_next_publish(stored, how) — refused before publishing, or published then answered 500 or
its connection dropped; `recorded[route]` answers (status, body) queued in place of the computed ones."""
from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import secrets
import socket
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable

import requests
from flask import Flask, g, jsonify, request

DAY = 86400
TOKEN_LIFETIME = 60 * DAY
POST_QUOTA, REPLY_QUOTA = 250, 1000
MAX_TEXT = 500
EARLIEST_SINCE = 1688540400


def _length(text: str) -> int:
    """Threads' count: a character is one, an emoji its UTF-8 bytes (Threads Posts, Limitations)."""
    return sum(len(c.encode()) if ord(c) > 0xFFFF or c in "\u200d\ufe0f" or unicodedata.category(c) == "So" else 1
               for c in text)


def _stamp(moment: float) -> str:
    return datetime.fromtimestamp(moment, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+0000")


@dataclass
class ThreadsState:
    user_id: str = "17841401234567890"
    username: str = "acme_support"
    token: str = "sandbox-threads-token"
    app_id: str = "1234567890123456"
    app_secret: str = "sandbox-threads-app-secret"
    verify_token: str = "sandbox-meta-verify-token"
    media: dict = field(default_factory=dict)           # id → media object (epoch `at` kept beside)
    containers: dict = field(default_factory=dict)      # id → {"text", "reply_to_id", "published"}
    tokens: dict = field(default_factory=dict)          # token → (issued, expires) epoch
    published: list = field(default_factory=list)       # (epoch, is_reply) of every publication
    publish_faults: list = field(default_factory=list)  # queued (stored, how) for the next publishes
    unready: int = 0                                    # the next containers still IN_PROGRESS when published
    recorded: dict = field(default_factory=dict)        # route name → [(status, body)] answered instead
    calls: list = field(default_factory=list)           # (method, path) of every request
    webhook_url: str | None = None
    webhook_answers: list = field(default_factory=list)
    clock: Callable[[], float] = time.time
    lock: threading.RLock = field(default_factory=threading.RLock)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self):
        now = self.clock()
        self.tokens[self.token] = (now - 2 * DAY, now + TOKEN_LIFETIME - 2 * DAY)

    def new_id(self) -> str:
        return str(180000000000000000 + next(self._ids) * 7919)

    # -- what the brand and customers do ------------------------------------------------
    def _add(self, username: str, text: str, reply_to: str | None = None, owner: str | None = None) -> dict:
        with self.lock:
            media_id, now = self.new_id(), self.clock()
            shortcode = base64.urlsafe_b64encode(media_id.encode()).decode()[:11]
            item = {"id": media_id, "text": text, "username": username, "media_type": "TEXT_POST",
                    "media_product_type": "THREADS", "shortcode": shortcode, "timestamp": _stamp(now),
                    "permalink": f"https://www.threads.net/@{username}/post/{shortcode}", "_at": now,
                    "_owner": owner or f"user-{username}", "is_quote_post": False}
            if reply_to:
                parent = self.media[reply_to]
                root = self.media[parent["root_post"]["id"]] if parent.get("root_post") else parent
                item.update(is_reply=True, replied_to={"id": reply_to}, hide_status="NOT_HUSHED",
                            root_post={"id": root["id"], "owner_id": root["_owner"], "username": root["username"]})
            else:
                item["is_reply"] = False
            self.media[media_id] = item
            return item

    def brand_posts(self, text: str) -> dict:
        return self._add(self.username, text, owner=self.user_id)

    def customer_replies(self, username: str, text: str, reply_to: str, push: bool = True) -> dict:
        item = self._add(username, text, reply_to=reply_to)
        if push:
            self.push("moderate", "replies", item["id"], self.shown(item))
        return item

    def customer_mentions(self, username: str, text: str, push: bool = True) -> dict:
        item = self._add(username, f"@{self.username} {text}")
        item["_mentions"] = self.user_id
        if push:
            self.push("interaction", "mentions", self.user_id, self.shown(item))
        return item

    def brand_replies(self) -> list[dict]:
        return [m for m in self.media.values() if m["_owner"] == self.user_id and m.get("is_reply")]

    def fail_next_publish(self, stored: bool, how: str = "500") -> None:
        with self.lock:
            self.publish_faults.append((stored, how))

    def shown(self, item: dict, fields: str | None = None) -> dict:
        """A media object as the API shows it: only the asked fields (id by
        default), never the emulator's own keys."""
        public = {k: v for k, v in item.items() if not k.startswith("_")}
        if item.get("is_reply"):
            public["is_reply_owned_by_me"] = item["_owner"] == self.user_id
        if fields is None:
            return public
        return {k: public[k] for k in ["id", *fields.split(",")] if k in public}

    def push(self, topic: str, field_name: str, target_id: str, value: dict) -> None:
        if not self.webhook_url:
            return
        body = json.dumps({"app_id": self.app_id, "topic": topic, "target_id": target_id, "time": int(self.clock()),
                           "subscription_id": "2345678901234567", "has_uid_field": False,
                           "values": {"value": value, "field": field_name}}).encode()
        signature = "sha256=" + hmac.new(self.app_secret.encode(), body, hashlib.sha256).hexdigest()
        try:
            answer = requests.post(self.webhook_url, data=body, timeout=5, headers={
                "Content-Type": "application/json", "X-Hub-Signature-256": signature})
            self.webhook_answers.append(answer.status_code)
        except requests.RequestException as exc:
            self.webhook_answers.append(type(exc).__name__)


def _error(message: str, code: int = 100, status: int = 400, kind: str = "OAuthException", **extra):
    response = jsonify({"error": {"message": message, "type": kind, "code": code, **extra,
                                  "fbtrace_id": secrets.token_urlsafe(8)}})
    response.status_code = status
    return response


def create_threads_emulator(state: ThreadsState) -> Flask:
    app = Flask("threads_emulator")

    @app.before_request
    def record():
        with state.lock:
            state.calls.append((request.method, request.path))

    def param(name: str):
        body = request.get_json(silent=True) if request.is_json else None
        if isinstance(body, dict) and name in body:
            return body[name]
        return request.form.get(name, request.args.get(name))

    def token_refused():
        given = request.headers.get("Authorization", "").removeprefix("Bearer ") or request.args.get("access_token")
        with state.lock:
            known = state.tokens.get(given)
        if known is None:
            return _error("Invalid OAuth access token - Cannot parse access token", 190)
        if known[1] <= state.clock():
            return _error("Error validating access token: Session has expired.", 190, error_subcode=463)
        return None

    def recorded(name: str):
        with state.lock:
            queue = state.recorded.get(name) or []
            answer = queue.pop(0) if queue else None
        if answer is None:
            return None
        response = jsonify(answer[1])
        response.status_code = answer[0]
        return response

    @app.before_request
    def authenticate():
        if request.path != "/refresh_access_token":
            return token_refused()
        return None

    def listing(items: list[dict], name: str):
        """Newest first unless reverse=false; limit and cursors as Graph pages."""
        if (found := recorded(name)) is not None:
            return found
        try:
            limit = min(int(request.args.get("limit", 25)), 100)
            start = int(base64.b64decode(request.args["after"]).decode()) if request.args.get("after") else 0
        except (ValueError, TypeError):
            return _error("Invalid parameter: limit or after")
        newest_first = request.args.get("reverse", "true") != "false"
        ordered = sorted(items, key=lambda m: (m["_at"], m["id"]), reverse=newest_first)
        chosen = ordered[start:start + limit]
        body: dict = {"data": [state.shown(m, request.args.get("fields")) for m in chosen]}
        if chosen:
            body["paging"] = {"cursors": {"before": base64.b64encode(str(start).encode()).decode(),
                                          "after": base64.b64encode(str(start + len(chosen)).encode()).decode()}}
            if start + len(chosen) < len(ordered):
                body["paging"]["next"] = f"{request.base_url}?after={body['paging']['cursors']['after']}"
        return jsonify(body)

    @app.get("/v1.0/<user>/threads")
    def brand_threads(user: str):
        if user not in (state.user_id, "me"):
            return _error("Unsupported get request.", 100)
        with state.lock:
            items = [m for m in state.media.values() if m["_owner"] == state.user_id and not m.get("is_reply")]
        return listing(items, "threads")

    @app.get("/v1.0/<media_id>/<edge>")
    def replies(media_id: str, edge: str):
        if edge == "mentions":
            return mentions(media_id)
        if edge not in ("replies", "conversation"):
            return _error(f"Unknown path components: /{edge}", 2500)
        with state.lock:
            if media_id not in state.media:
                return _error(f"Unsupported get request. Object with ID '{media_id}' does not exist", 100)
            if edge == "replies":
                items = [m for m in state.media.values() if (m.get("replied_to") or {}).get("id") == media_id]
            else:
                items = [m for m in state.media.values() if (m.get("root_post") or {}).get("id") == media_id]
        return listing(items, edge)

    def mentions(user: str):
        if user not in (state.user_id, "me"):
            return _error("Unsupported get request.", 100)
        since, until = request.args.get("since"), request.args.get("until")
        try:
            since_at = int(since) if since else None
            until_at = int(until) if until else None
        except ValueError:
            return _error("Invalid parameter: since and until are Unix timestamps")
        if since_at is not None and (since_at < EARLIEST_SINCE or (until_at is not None and since_at >= until_at)):
            return _error("Invalid parameter: since must be at least 1688540400 and less than until")
        with state.lock:
            items = [m for m in state.media.values() if m.get("_mentions") == state.user_id
                     and (since_at is None or m["_at"] >= since_at) and (until_at is None or m["_at"] <= until_at)]
        return listing(items, "mentions")

    @app.get("/v1.0/<object_id>")
    def node(object_id: str):
        if object_id in (state.user_id, "me"):
            return jsonify({k: v for k, v in {"id": state.user_id, "username": state.username}.items()
                            if k in ["id", *(request.args.get("fields") or "id").split(",")]})
        with state.lock:
            item = state.media.get(object_id)
            container = state.containers.get(object_id)
        if container is not None:   # GET /{container-id}?fields=status (Threads' troubleshooting guide)
            return jsonify({"id": object_id, "status": container["status"]})
        if item is None:
            return _error(f"Unsupported get request. Object with ID '{object_id}' does not exist", 100)
        return jsonify(state.shown(item, request.args.get("fields")))

    @app.post("/v1.0/<user>/threads")
    def create_container(user: str):
        if user not in (state.user_id, "me"):
            return _error("Unsupported post request.", 100)
        text, reply_to = param("text"), param("reply_to_id")
        if param("media_type") != "TEXT":
            return _error("Param media_type must be one of {TEXT, IMAGE, VIDEO, CAROUSEL}")
        if not isinstance(text, str) or not text.strip():
            return _error("Param text is required for a TEXT post")
        if _length(text) > MAX_TEXT:
            return _error(f"Param text must be at most {MAX_TEXT} characters long.")
        with state.lock:
            if reply_to is not None and reply_to not in state.media:
                return _error(f"Param reply_to_id: object with ID '{reply_to}' does not exist", 100)
            container = state.new_id()
            status = "IN_PROGRESS" if state.unready > 0 else "FINISHED"
            state.unready = max(0, state.unready - 1)
            state.containers[container] = {"text": text, "reply_to_id": reply_to, "published": None,
                                           "status": status}
        return jsonify({"id": container})

    @app.post("/v1.0/<user>/threads_publish")
    def publish(user: str):
        if user not in (state.user_id, "me"):
            return _error("Unsupported post request.", 100)
        with state.lock:
            container = state.containers.get(str(param("creation_id")))
            if container is None:
                return _error("The media container was not found.", 24, error_subcode=4279009)
            if container["published"]:
                return _error("The media container has already been published.", 100)
            if container["status"] == "IN_PROGRESS":
                return _error("The media is not ready to be published. Please wait a moment.", 9007,
                              error_subcode=2207027)
            is_reply, now = container["reply_to_id"] is not None, state.clock()
            used = sum(1 for at, reply in state.published if reply == is_reply and at > now - DAY)
            if used >= (REPLY_QUOTA if is_reply else POST_QUOTA):
                return _error("Application request limit reached", 4, is_transient=True)
            fault = state.publish_faults.pop(0) if state.publish_faults else None
            if fault and not fault[0]:
                return _error("An unexpected error has occurred. Please retry your request later.", 2, status=500,
                              is_transient=True)
            item = state._add(state.username, container["text"], reply_to=container["reply_to_id"],
                              owner=state.user_id)
            container["published"], container["status"] = item["id"], "PUBLISHED"
            state.published.append((now, is_reply))
        if fault:
            if fault[1] == "drop":   # published, then the connection closes before any answer
                request.environ["werkzeug.socket"].shutdown(socket.SHUT_RDWR)
                g.dropped = True
            return _error("An unexpected error has occurred. Please retry your request later.", 2, status=500,
                          is_transient=True)
        return jsonify({"id": item["id"]})

    @app.post("/v1.0/<reply_id>/manage_reply")
    def manage_reply(reply_id: str):
        if (found := recorded("manage_reply")) is not None:
            return found
        hide = str(param("hide")).lower()
        if hide not in ("true", "false"):
            return _error("Param hide must be a boolean")
        with state.lock:
            item = state.media.get(reply_id)
            top_level = item is not None and item.get("is_reply") and item["replied_to"]["id"] == \
                item["root_post"]["id"] and item["root_post"]["owner_id"] == state.user_id
            if not top_level:
                return _error("Only top-level replies to your own posts can be hidden.", 100)
            item["hide_status"] = "HIDDEN" if hide == "true" else "UNHUSHED"
        return jsonify({"success": True})

    @app.get("/refresh_access_token")
    def refresh():
        if (found := recorded("refresh_access_token")) is not None:
            return found
        if request.args.get("grant_type") != "th_refresh_token":
            return _error("Invalid grant_type: expected th_refresh_token")
        given, now = request.args.get("access_token"), state.clock()
        with state.lock:
            known = state.tokens.get(given)
            if known is None or known[1] <= now:
                return _error("Error validating access token: Session has expired.", 190, error_subcode=463)
            if now - known[0] < DAY:
                return _error("The access token can be refreshed only once it is at least 24 hours old.", 190)
            fresh = "TH" + secrets.token_hex(24)
            state.tokens[fresh] = (now, now + TOKEN_LIFETIME)
        return jsonify({"access_token": fresh, "token_type": "bearer", "expires_in": TOKEN_LIFETIME})

    return app
