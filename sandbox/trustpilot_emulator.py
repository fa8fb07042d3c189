"""A Trustpilot API emulator for one business unit, in the shapes Trustpilot documents
(developers.trustpilot.com; github.com/trustpilot/documentation-bruno-collection, "Trustpilot APIs/"):

- POST /v1/oauth/oauth-business-users-for-applications/accesstoken (Basic API key:secret, form grant_type=password)
  and …/refresh (grant_type=refresh_token): {"access_token", "refresh_token", "expires_in" (text, seconds), …};
- GET /v1/private/business-units/{id}/reviews?orderBy=createdat.desc&page&perPage (1–100, default 20; a page past
  the last is an empty list);
- GET /v1/private/reviews/{id} (with companyReply once answered), POST and DELETE /v1/private/reviews/{id}/reply
  ({"authorBusinessUserId", "message"} → 201);
- webhook deliveries {"events": [{"eventName": "service-review-created|updated|deleted", "version": "1",
  "eventData": {…}}]} POSTed to the subscription URL, whose userinfo (https://user:secret@host/…) requests sends as
  HTTP Basic — the only authentication a Trustpilot subscription carries.

Trustpilot documents neither its error bodies nor what a second reply to the same review does; here errors are
{"message": …} with the documented status codes, and a second reply replaces the first (as the business app's
"edit reply" does). Faults for tests: fail_next_reply(stored, how) — refused before anything is kept, or kept and
then answered 500 or its connection dropped."""
from __future__ import annotations

import base64
import itertools
import json
import secrets
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable

from flask import Flask, g, jsonify, request

import requests

TOKEN_LIFETIME = 359999   # seconds, sent as text as Trustpilot does


def _iso(moment: float) -> str:
    return datetime.fromtimestamp(moment, timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class TrustpilotState:
    api_key: str = "sandbox-trustpilot-key"
    api_secret: str = "sandbox-trustpilot-secret"
    username: str = "owner@acme.example"
    password: str = "sandbox-trustpilot-password"
    business_unit_id: str = "5a7b8c9d0e1f2a3b4c5d6e7f"
    business_user_id: str = "5b0000000000000000000001"
    webhook_secret: str = "sandbox-trustpilot-webhook-secret"
    reviews: dict = field(default_factory=dict)        # id → review, as the private API shows it
    tokens: dict = field(default_factory=dict)         # access token → expiry (epoch)
    refresh_tokens: set = field(default_factory=set)
    reply_posts: list = field(default_factory=list)    # (review id, body) of every stored reply
    calls: list = field(default_factory=list)          # (method, path) of every request
    reply_faults: list = field(default_factory=list)   # queued (stored, how) for the next reply POSTs
    on_reply: Callable[[dict], None] | None = None     # called once a reply is stored, before its answer leaves
    webhook_url: str | None = None                     # the subscription URL (credentials in it, as Trustpilot keeps it)
    webhook_answers: list = field(default_factory=list)
    clock: Callable[[], float] = time.time
    lock: threading.Lock = field(default_factory=threading.Lock)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def subscription_url(self, bot_url: str, secret: str | None = None) -> str:
        """The URL a business pastes into Trustpilot Business: the secret as its basic-auth password."""
        scheme, rest = bot_url.split("://", 1)
        return f"{scheme}://trustpilot:{secret or self.webhook_secret}@{rest}/webhooks/trustpilot"

    # -- what customers do ----------------------------------------------------------
    def review(self, name: str, stars: int, text: str, title: str = "", location: dict | None = None,
               push: bool = True) -> dict:
        with self.lock:
            review_id = f"{next(self._ids):024x}"
            now = _iso(self.clock())
            review = {"id": review_id, "stars": stars, "title": title, "text": text, "language": "en",
                      "consumer": {"id": f"c{review_id[1:]}", "displayName": name, "displayLocation": "GB"},
                      "createdAt": now, "updatedAt": None, "status": "active", "isVerified": True,
                      "location": location, "companyReply": None,
                      "links": [{"href": f"https://api.trustpilot.com/v1/reviews/{review_id}", "method": "GET",
                                 "rel": "reviews"}]}
            self.reviews[review_id] = review
        if push:
            self.push("service-review-created", review)
        return review

    def revise(self, review_id: str, stars: int | None = None, text: str | None = None, push: bool = True,
               title: str | None = None) -> dict:
        with self.lock:
            review = self.reviews[review_id]
            if stars is not None:
                review["stars"] = stars
            if text is not None:
                review["text"] = text
            if title is not None:
                review["title"] = title
            review["updatedAt"] = _iso(self.clock())
        if push:
            self.push("service-review-updated", review)
        return review

    def delete(self, review_id: str, push: bool = True) -> dict:
        with self.lock:
            review = self.reviews.pop(review_id)
        if push:
            self.push("service-review-deleted", review)
        return review

    def fail_next_reply(self, stored: bool, how: str = "500", times: int = 1) -> None:
        with self.lock:
            self.reply_faults.extend([(stored, how)] * times)

    # -- webhooks -------------------------------------------------------------------
    def event_data(self, review: dict) -> dict:
        """A review as the webhook carries it (the support article's example: consumer.name, locationId, link)."""
        consumer = review["consumer"]
        return {"id": review["id"], "language": review["language"], "title": review["title"], "text": review["text"],
                "referenceId": None, "stars": review["stars"], "createdAt": review["createdAt"],
                "isVerified": review["isVerified"],
                "locationId": (review.get("location") or {}).get("id"),
                "link": f"https://api.trustpilot.com/v1/reviews/{review['id']}",
                "consumer": {"id": consumer["id"], "name": consumer["displayName"],
                             "link": f"https://api.trustpilot.com/v1/consumers/{consumer['id']}"},
                "tags": []}

    def push(self, event_name: str, review: dict) -> None:
        if not self.webhook_url:
            return
        body = json.dumps({"events": [{"eventName": event_name, "version": "1",
                                       "eventData": self.event_data(review)}]}).encode()
        try:
            # requests turns the URL's user:password into Authorization: Basic, as Trustpilot's sender does.
            answer = requests.post(self.webhook_url, data=body, timeout=5,
                                   headers={"content-type": "application/json"})
            self.webhook_answers.append(answer.status_code)
        except requests.RequestException as exc:
            self.webhook_answers.append(type(exc).__name__)


def _error(status: int, message: str):
    response = jsonify({"message": message})
    response.status_code = status
    return response


def create_trustpilot_emulator(state: TrustpilotState) -> Flask:
    app = Flask("trustpilot_emulator")

    def basic_ok() -> bool:
        given = request.headers.get("Authorization", "")
        expected = "Basic " + base64.b64encode(f"{state.api_key}:{state.api_secret}".encode()).decode()
        return secrets.compare_digest(given, expected)

    def new_token():
        access, refresh = secrets.token_hex(16), secrets.token_hex(16)
        with state.lock:
            state.tokens[access] = state.clock() + TOKEN_LIFETIME
            state.refresh_tokens.add(refresh)
        return jsonify({"access_token": access, "refresh_token": refresh, "expires_in": str(TOKEN_LIFETIME),
                        "token_type": "BearerToken", "issued_at": str(int(state.clock() * 1000)),
                        "status": "approved"})

    @app.before_request
    def record():
        with state.lock:
            state.calls.append((request.method, request.path))

    @app.post("/v1/oauth/oauth-business-users-for-applications/accesstoken")
    def access_token():
        if not basic_ok():
            return _error(401, "Invalid client credentials")
        form = request.form
        if form.get("grant_type") != "password" or (form.get("username"), form.get("password")) != (
                state.username, state.password):
            return _error(401, "Invalid username or password")
        return new_token()

    @app.post("/v1/oauth/oauth-business-users-for-applications/refresh")
    def refresh():
        if not basic_ok():
            return _error(401, "Invalid client credentials")
        with state.lock:
            known = request.form.get("refresh_token") in state.refresh_tokens
            state.refresh_tokens.discard(request.form.get("refresh_token"))
        return new_token() if known else _error(401, "Invalid refresh token")

    def bearer_refused():
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        with state.lock:
            expires = state.tokens.get(token)
        if expires is None or expires < state.clock():
            return _error(401, "Unauthorized: the access token is missing, invalid or expired")
        return None

    @app.get("/v1/private/business-units/<unit>/reviews")
    def reviews(unit: str):
        refused = bearer_refused()
        if refused:
            return refused
        if unit != state.business_unit_id:
            return _error(403, "Forbidden: the business user has no access to this business unit")
        try:
            page = int(request.args.get("page", 1))
            per_page = int(request.args.get("perPage", 20))
        except ValueError:
            return _error(400, "page and perPage must be whole numbers")
        if not 1 <= per_page <= 100 or page < 1:
            return _error(400, "perPage must be between 1 and 100, page at least 1")
        newest_first = request.args.get("orderBy", "createdat.desc") == "createdat.desc"
        with state.lock:
            ordered = sorted(state.reviews.values(), key=lambda r: r["createdAt"], reverse=newest_first)
            chosen = [dict(r) for r in ordered[(page - 1) * per_page: page * per_page]]
        links = []
        if len(ordered) > page * per_page:
            links.append({"href": f"{request.base_url}?page={page + 1}&perPage={per_page}", "method": "GET",
                          "rel": "next-page"})
        return jsonify({"reviews": chosen, "links": links})

    @app.get("/v1/private/reviews/<review_id>")
    def review(review_id: str):
        refused = bearer_refused()
        if refused:
            return refused
        with state.lock:
            found = state.reviews.get(review_id)
        return jsonify(found) if found else _error(404, "Review not found")

    @app.post("/v1/private/reviews/<review_id>/reply")
    def reply(review_id: str):
        refused = bearer_refused()
        if refused:
            return refused
        body = request.get_json(silent=True)
        if not isinstance(body, dict) or not isinstance(body.get("message"), str) or not body["message"].strip():
            return _error(400, "message is required")
        with state.lock:
            fault = state.reply_faults.pop(0) if state.reply_faults else None
            if fault and not fault[0]:
                return _error(500, "Internal server error")
            found = state.reviews.get(review_id)
            if found is None:
                return _error(404, "Review not found")
            found["companyReply"] = {"text": body["message"], "authorBusinessUserId": body.get("authorBusinessUserId"),
                                     "createdAt": _iso(state.clock()), "updatedAt": None}
            state.reply_posts.append((review_id, body))
        if state.on_reply:
            state.on_reply(body)
        if fault:
            if fault[1] == "drop":   # kept, then the connection closes before any answer
                request.environ["werkzeug.socket"].shutdown(socket.SHUT_RDWR)
                g.dropped = True
            return _error(500, "Internal server error")
        return "", 201

    @app.delete("/v1/private/reviews/<review_id>/reply")
    def delete_reply(review_id: str):
        refused = bearer_refused()
        if refused:
            return refused
        with state.lock:
            found = state.reviews.get(review_id)
            if found is None:
                return _error(404, "Review not found")
            found["companyReply"] = None
        return "", 204

    return app
