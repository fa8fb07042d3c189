"""The X emulator's DMs, quotes, user look-up and webhook pushes: GET
/2/dm_events (fields, expansions, newest first, pagination), the one-to-one DM
lookup, POST /2/dm_conversations/with/{id}/messages (403 for a customer whose
DMs are closed to the brand), POST/DELETE /2/users/{id}/likes, GET
/2/users/{id} (X's partial-error body for an unknown id), recorded real
answers replayed on demand (answer_next), and — in webhook mode — every
customer mention, reply, quote and DM pushed as an X Activity API event in
the shapes X documents, signed the V2 Webhooks way
(x-twitter-webhooks-signature)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
import uuid
from datetime import datetime, timezone

from flask import Flask, jsonify, request

from sandbox.serve import push_signed

DM_DEFAULT_FIELDS = ("id", "text", "event_type")


def one_to_one(a: str, b: str) -> str:
    low, high = sorted((a, b), key=int)
    return f"{low}-{high}"


class XPrivateMixin:
    """DMs, quotes, recorded answers and webhook pushes for XState (a
    dataclass: its fields are declared there)."""

    def answer_next(self, endpoint: str, body: dict, status: int = 200) -> None:
        """The next request to this endpoint gets exactly this body (a recorded
        real answer) instead of the emulated one."""
        with self.lock:
            self.recorded.setdefault(endpoint, []).append((status, body))

    def customer_quotes(self, username: str, text: str, quoted_id: str, **kw) -> dict:
        """A customer quotes a post; a quote of the brand's post is pushed as
        post.quote.create with empty `includes`, as X documents it."""
        tweet = self.post(self.add_user(username), text, quoting=quoted_id, **kw)
        if self.tweets.get(quoted_id, {}).get("author_id") == self.brand_id:
            self.push("post.quote.create", tweet, includes={})
        return tweet

    def quotes_brand(self, tweet: dict) -> bool:
        quoted = [r["id"] for r in tweet.get("referenced_tweets", []) if r["type"] == "quoted"]
        return any(self.tweets.get(q, {}).get("author_id") == self.brand_id for q in quoted)

    def customer_dms(self, username: str, text: str, created_at: datetime | None = None) -> dict:
        """A customer sends the brand a DM."""
        return self.add_dm(self.add_user(username), text, created_at)

    def add_dm(self, sender_id: str, text: str, created_at: datetime | None = None,
               recipient_id: str | None = None) -> dict:
        with self.lock:
            other = recipient_id or self.brand_id
            event = {"id": self.new_id(), "event_type": "MessageCreate", "text": text, "sender_id": sender_id,
                     "dm_conversation_id": one_to_one(sender_id, other),
                     "created_at": (created_at or datetime.fromtimestamp(self.clock(), timezone.utc))
                     .strftime("%Y-%m-%dT%H:%M:%S.000Z")}
            self.dm_events.append(event)
        self.push("dm.sent" if sender_id == self.brand_id else "dm.received", event)
        return event

    def brand_dms_to(self, user_id: str) -> list[str]:
        return [e["text"] for e in self.dm_events
                if e["sender_id"] == self.brand_id and e["dm_conversation_id"] == one_to_one(user_id, self.brand_id)]

    def push(self, event_type: str, payload: dict, includes: dict | None = None) -> None:
        """Webhook mode: deliver one X Activity API event, signed, to the bot —
        in the shapes X documents: a post with its author in `includes` (or
        `includes` empty, as X sends post.reply.create and post.quote.create),
        a DM as the legacy `direct_message_events` plus a `users` map."""
        if not self.webhook_url:
            return
        if event_type.startswith("dm."):
            payload = self.legacy_dm(payload)
            includes = {}
        elif includes is None:
            includes = {"users": [self.users[payload["author_id"]]] if payload["author_id"] in self.users else []}
        if not event_type.startswith("dm."):
            payload = {**payload, "text": html.escape(payload["text"], quote=False)}  # as X sends it
        body = json.dumps({"data": {"event_uuid": str(uuid.uuid4().int >> 65), "filter": {"user_id": self.brand_id},
                                    "event_type": event_type, "tag": "socialdesk", "payload": payload,
                                    "includes": includes}}).encode()
        digest = hmac.new(self.api_secret.encode(), body, hashlib.sha256).digest()
        signature = "sha256=" + base64.b64encode(digest).decode()
        push_signed(self.webhook_url, body, "x-twitter-webhooks-signature", signature, self.webhook_answers)

    def legacy_dm(self, event: dict) -> dict:
        """dm.received / dm.sent's payload as X documents it."""
        sender = event["sender_id"]
        recipient = next((u for u in event["dm_conversation_id"].split("-") if u != sender), sender)
        created = datetime.strptime(event["created_at"], "%Y-%m-%dT%H:%M:%S.000Z").replace(tzinfo=timezone.utc)
        return {"direct_message_events": [{
                    "type": "message_create", "id": event["id"],
                    "created_timestamp": str(int(created.timestamp() * 1000)),
                    "message_create": {"target": {"recipient_id": recipient}, "sender_id": sender,
                                       "message_data": {"text": html.escape(event["text"], quote=False), "entities": {
                                           "hashtags": [], "symbols": [], "user_mentions": [], "urls": []}}}}],
                "users": {uid: {"data": self.users[uid]} for uid in (sender, recipient) if uid in self.users}}


def _problem(status: int, title: str, detail: str):
    # X's problem JSON: a 400 names its problem type; others are about:blank.
    kind = "https://api.twitter.com/2/problems/invalid-request" if status == 400 else "about:blank"
    response = jsonify({"title": title, "detail": detail, "type": kind, "status": status})
    response.status_code = status
    return response


def register_private_routes(app: Flask, state, guarded) -> None:
    @app.get("/2/users/<user_id>")
    def user_by_id(user_id: str):
        failure, headers = guarded("users")
        if failure:
            return failure
        user_fields = {"id", "name", "username"} | set(filter(None, request.args.get("user.fields", "").split(",")))
        user = state.users.get(user_id)
        if user is None:  # X answers 200 with a partial error, not a 404
            return jsonify({"errors": [{"value": user_id, "detail": f"Could not find user with id: [{user_id}].",
                                        "title": "Not Found Error", "resource_type": "user", "parameter": "id",
                                        "resource_id": user_id,
                                        "type": "https://api.twitter.com/2/problems/resource-not-found"}]}), 200, headers
        return jsonify({"data": {k: v for k, v in user.items() if k in user_fields}}), 200, headers

    def render(events: list[dict]):
        fields = set(DM_DEFAULT_FIELDS) | set(filter(None, request.args.get("dm_event.fields", "").split(",")))
        data = [{k: (html.escape(v, quote=False) if k == "text" else v) for k, v in e.items() if k in fields}
                for e in events]
        body: dict = {"meta": {"result_count": len(data)}}
        if data:
            body["data"] = data
        if "sender_id" in request.args.get("expansions", "") and events:
            body["includes"] = {"users": [state.users[s] for s in sorted({e["sender_id"] for e in events})
                                          if s in state.users]}
        return body

    def page(events: list[dict]):
        events = sorted(events, key=lambda e: int(e["id"]), reverse=True)  # newest first, like X
        size = int(request.args.get("max_results", "100") or 100)
        token = request.args.get("pagination_token", "")
        offset = int(token[1:]) if token[1:].isdigit() else 0
        chunk = events[offset:offset + size]
        body = render(chunk)
        if offset + size < len(events):
            body["meta"]["next_token"] = f"d{offset + size}"
        return body

    @app.get("/2/dm_events")
    @app.get("/2/dm_conversations/with/<participant_id>/dm_events")
    def dm_events(participant_id: str | None = None):
        failure, headers = guarded("dm_read", user_context=True)
        if failure:
            return failure
        wanted = one_to_one(participant_id, state.brand_id) if participant_id else None
        with state.lock:
            events = [e for e in state.dm_events if wanted is None or e["dm_conversation_id"] == wanted]
        return jsonify(page(events)), 200, headers

    @app.post("/2/dm_conversations/with/<participant_id>/messages")
    def send_dm(participant_id: str):
        failure, headers = guarded("dm_create", user_context=True)
        if failure:
            return failure
        payload = request.get_json(silent=True)
        if not isinstance(payload, dict) or not isinstance(payload.get("text"), str) or not payload["text"].strip():
            return _problem(400, "Invalid Request", "One or more parameters to your request was invalid.")
        if participant_id not in state.users:
            return _problem(400, "Invalid Request", f"The `participant_id` {participant_id} is not a valid user.")
        if participant_id in state.dms_closed:
            return _problem(403, "Forbidden", "You are not permitted to send Direct Messages to this user.")
        event = state.add_dm(state.brand_id, payload["text"], recipient_id=participant_id)
        with state.lock:
            lost = state.lost_answers.get("dm_create")
            status = lost.pop(0) if lost else None
        if status:
            return _problem(status, "Service Unavailable", "Service Unavailable")
        return jsonify({"data": {"dm_conversation_id": event["dm_conversation_id"],
                                 "dm_event_id": event["id"]}}), 201, headers

    @app.post("/2/users/<user_id>/likes")
    def like(user_id: str):
        failure, headers = guarded("likes", user_context=True)
        if failure:
            return failure
        tweet_id = str((request.get_json(silent=True) or {}).get("tweet_id", ""))
        if user_id != state.brand_id:
            return _problem(403, "Forbidden", "You are not allowed to like on behalf of this user.")
        if tweet_id not in state.tweets:
            return _problem(400, "Invalid Request", f"The `tweet_id` {tweet_id} does not exist.")
        with state.lock:
            state.likes.add(tweet_id)
            state.like_calls.append(("like", tweet_id))
        return jsonify({"data": {"liked": True}}), 200, headers

    @app.delete("/2/users/<user_id>/likes/<tweet_id>")
    def unlike(user_id: str, tweet_id: str):
        failure, headers = guarded("likes", user_context=True)
        if failure:
            return failure
        with state.lock:
            state.likes.discard(tweet_id)
            state.like_calls.append(("unlike", tweet_id))
        return jsonify({"data": {"liked": False}}), 200, headers
