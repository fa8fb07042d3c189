"""A Yelp emulator: the Places API's business and reviews endpoints and the Respond-to-Reviews partner API, in the
shapes Yelp documents (docs.developer.yelp.com) and its own Python client records (Yelp/yelp-python testing/):

- GET /v3/businesses/{id} and GET /v3/businesses/{id}/reviews (Bearer API key): at most three reviews per business,
  newest first with sort_by=newest (Yelp's default order is its own ranking: here best rated first), each an excerpt — the text cut at 160 characters with
  "..." — with `url` to the full review and `time_created` in the business's local time; every answer carries
  RateLimit-DailyLimit / -Remaining / -ResetTime, and past the daily quota (default 300, the Starter trial's; reset at
  midnight UTC) 429 ACCESS_LIMIT_REACHED. Errors {"error": {"code", "description"}} with Yelp's own words;
- POST /oauth2/token (form client_id, client_secret, grant_type=refresh_token, refresh_token) → an access token of
  128 characters for 7 days; errors {"error": {"id", "description", "http_code"}};
- POST /reviews/v1/{review_id} {"response_text", "response_type": "public_comment"}: the documented R2R errors
  (text over 5,000 characters or with emoji, unknown review, 20 responses per location a day).

Yelp documents neither what it answers an app without partner access nor a successful response's body: here a
client the emulator knows but has not granted Respond-to-Reviews gets 403 (in the documented R2R error shape, id
UNAUTHORIZED_CLIENT) and a stored response answers 200 {}. A second response to a review replaces the first.
Faults for tests: fail_next_response(stored, how) — refused (500) before anything is kept, or kept and then answered
500 or its connection dropped; fail_next_reviews(code) answers the next reviews read with that Places error."""
from __future__ import annotations

import hashlib
import itertools
import secrets
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Callable
from zoneinfo import ZoneInfo

from flask import Flask, g, jsonify, request

EXCERPT = 160
TOKEN_LIFETIME = 7 * 86400
# Yelp's own words (Yelp/yelp-python testing/error_responses.py).
PLACES_ERRORS = {
    "TOKEN_INVALID": (401, "Invalid access token or authorization header."),
    "BUSINESS_NOT_FOUND": (404, "The requested business could not be found."),
    "TOO_MANY_REQUESTS_PER_SECOND": (429, "You have exceeded the queries-per-second limit for this endpoint. Try "
                                          "reducing the rate at which you make queries."),
    "ACCESS_LIMIT_REACHED": (429, "You've reached the access limit for this client. See instructions for requesting "
                                  "a higher access limit at https://www.yelp.com/developers/documentation/v3/"
                                  "rate_limiting"),
    "INTERNAL_ERROR": (500, "Something went wrong internally, please try again later."),
}
_ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def yelp_id(n: int, salt: str) -> str:
    """22 characters, as Yelp's business, review and user ids are."""
    digest = hashlib.sha256(f"{salt}:{n}".encode()).digest()
    return "".join(_ID_CHARS[b % 64] for b in digest[:22])


@dataclass
class YelpState:
    api_key: str = "sandbox-yelp-api-key"
    client_id: str = "sandbox-yelp-partner-client"
    client_secret: str = "sandbox-yelp-partner-secret"
    refresh_token: str = "r" * 128
    partner_access: bool = True               # the client was granted Respond-to-Reviews
    zone: str = "America/Los_Angeles"        # the businesses' local time (time_created)
    daily_limit: int = 300
    businesses: dict = field(default_factory=dict)    # id → business details
    reviews: dict = field(default_factory=dict)       # review id → (business id, review with its full text)
    responses: dict = field(default_factory=dict)     # review id → the public response's text
    response_posts: list = field(default_factory=list)  # (review id, body, UTC day) of every stored response
    calls: list = field(default_factory=list)          # (method, path) of every request
    used: dict = field(default_factory=dict)           # UTC day → Places calls made
    tokens: dict = field(default_factory=dict)         # access token → expiry (epoch)
    response_faults: list = field(default_factory=list)
    reviews_faults: list = field(default_factory=list)
    newest_sort: bool = True                  # sort_by=newest accepted (False: refused, as a plan might)
    replay: dict = field(default_factory=dict)         # Places path → (status, body) answered as is (documented payloads)
    clock: Callable[[], float] = time.time
    lock: threading.Lock = field(default_factory=threading.Lock)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def business(self, name: str, city: str = "San Francisco") -> str:
        with self.lock:
            business_id = yelp_id(next(self._ids), "biz")
            alias = "-".join(name.lower().split()) + "-" + "-".join(city.lower().split())
            self.businesses[business_id] = {
                "id": business_id, "alias": alias, "name": name, "is_claimed": True, "is_closed": False,
                "url": f"https://www.yelp.com/biz/{alias}", "review_count": 0, "rating": 0,
                "location": {"address1": "1 Main St", "address2": "", "address3": "", "city": city,
                             "zip_code": "94105", "country": "US", "state": "CA",
                             "display_address": ["1 Main St", f"{city}, CA 94105"]}}
        return business_id

    def review(self, business_id: str, name: str, rating: int, text: str) -> dict:
        """A customer writes a review (its full text is kept; the API shows an excerpt)."""
        with self.lock:
            n = next(self._ids)
            review_id, user_id = yelp_id(n, "rev"), yelp_id(n, "usr")
            alias = self.businesses[business_id]["alias"]
            review = {"id": review_id, "rating": rating, "full_text": text, "order": n,
                      "user": {"id": user_id, "profile_url": f"https://www.yelp.com/user_details?userid={user_id}",
                               "image_url": None, "name": name},
                      "time_created": self._local_now(),
                      "url": f"https://www.yelp.com/biz/{alias}?hrid={review_id}&utm_source=api"}
            self.reviews[review_id] = (business_id, review)
            self.businesses[business_id]["review_count"] += 1
        return self.shown(review)

    def edit(self, review_id: str, rating: int | None = None, text: str | None = None) -> dict:
        with self.lock:
            review = self.reviews[review_id][1]
            review["rating"] = rating if rating is not None else review["rating"]
            review["full_text"] = text if text is not None else review["full_text"]
        return self.shown(review)

    def fail_next_response(self, stored: bool, how: str = "500") -> None:
        with self.lock:
            self.response_faults.append((stored, how))

    def fail_next_reviews(self, code: str) -> None:
        with self.lock:
            self.reviews_faults.append(code)

    def places_calls(self) -> int:
        return sum(path.startswith("/v3/") for _, path in self.calls)

    def _local_now(self) -> str:
        return datetime.fromtimestamp(self.clock(), ZoneInfo(self.zone)).strftime("%Y-%m-%d %H:%M:%S")

    @staticmethod
    def shown(review: dict) -> dict:
        """A review as the API shows it: the text cut to an excerpt."""
        text = review["full_text"]
        excerpt = text if len(text) <= EXCERPT else text[:EXCERPT - 3].rstrip() + "..."
        return {k: v for k, v in review.items() if k not in ("full_text", "order")} | {"text": excerpt}


def _places_error(code: str, headers: dict | None = None):
    status, description = PLACES_ERRORS[code]
    response = jsonify({"error": {"code": code, "description": description}})
    response.status_code = status
    response.headers.update(headers or {})
    return response


def _r2r_error(status: int, error_id: str, description: str):
    names = {400: "HTTPBadRequest", 401: "HTTPUnauthorized", 403: "HTTPForbidden", 404: "HTTPNotFound",
             500: "HTTPInternalServerError"}
    response = jsonify({"error": {"id": error_id, "description": description,
                                  "http_code": f"{names.get(status, 'HTTPError')} ({status})"}})
    response.status_code = status
    return response


def create_yelp_emulator(state: YelpState) -> Flask:
    app = Flask("yelp_emulator")

    @app.before_request
    def record():
        with state.lock:
            state.calls.append((request.method, request.path))

    def quota() -> tuple[dict, bool]:
        """Counts a Places call: its rate-limit headers, and whether the day's quota was already used up."""
        now = datetime.fromtimestamp(state.clock(), timezone.utc)
        reset = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        with state.lock:
            used = state.used.get(now.date(), 0)
            over = used >= state.daily_limit
            if not over:
                state.used[now.date()] = used = used + 1
        return {"RateLimit-DailyLimit": str(state.daily_limit),
                "RateLimit-Remaining": str(max(0, state.daily_limit - used)),
                "RateLimit-ResetTime": reset.isoformat()}, over

    def places(business_id: str):
        """(refusal, headers): the API key, the quota, the business."""
        headers, over = quota()
        given = request.headers.get("Authorization", "")
        if not secrets.compare_digest(given, f"Bearer {state.api_key}"):
            return _places_error("TOKEN_INVALID"), headers
        if over:
            return _places_error("ACCESS_LIMIT_REACHED", headers), headers
        if request.path in state.replay:
            status, body = state.replay[request.path]
            response = jsonify(body)
            response.status_code = status
            response.headers.update(headers)
            return response, headers
        if business_id not in state.businesses:
            return _places_error("BUSINESS_NOT_FOUND", headers), headers
        return None, headers

    @app.get("/v3/businesses/<business_id>")
    def business(business_id: str):
        refused, headers = places(business_id)
        if refused:
            return refused
        response = jsonify(state.businesses[business_id])
        response.headers.update(headers)
        return response

    @app.get("/v3/businesses/<business_id>/reviews")
    def reviews(business_id: str):
        refused, headers = places(business_id)
        if refused:
            return refused
        sort = request.args.get("sort_by", "yelp_sort")
        if sort not in ("yelp_sort", "newest") or (sort == "newest" and not state.newest_sort):
            # Yelp's VALIDATION_ERROR shape (Yelp/yelp-python testing/error_responses.py).
            response = jsonify({"error": {"code": "VALIDATION_ERROR", "field": "sort_by", "instance": sort,
                                          "description": f"'{sort}' is not one of {['yelp_sort']}"}})
            response.status_code = 400
            return response
        with state.lock:
            fault = state.reviews_faults.pop(0) if state.reviews_faults else None
            # Yelp's own order is its relevance ranking; here the best rated first, then the newest.
            own = sorted((r for b, r in state.reviews.values() if b == business_id),
                         key=(lambda r: -r["order"]) if sort == "newest" else (lambda r: (-r["rating"], -r["order"])))
        if fault:
            return _places_error(fault, headers)
        response = jsonify({"reviews": [state.shown(r) for r in own[:3]], "total": len(own),
                            "possible_languages": ["en"]})
        response.headers.update(headers)
        return response

    @app.post("/oauth2/token")
    def token():
        form = request.form
        if form.get("grant_type") != "refresh_token":
            return _r2r_error(400, "UNSUPPORTED_GRANT_TYPE", "The authorization grant type is not supported by the "
                                                             "authorization server.")
        if form.get("client_id") != state.client_id:
            return _r2r_error(404, "CLIENT_NOT_FOUND", "Supplied client ID does not exist.")
        if not secrets.compare_digest(form.get("client_secret", ""), state.client_secret):
            return _r2r_error(401, "INVALID_CLIENT", "Client authentication failed due to unknown client, no client "
                                                     "authentication included, or unsupported authentication method.")
        if form.get("refresh_token") != state.refresh_token:
            return _r2r_error(404, "TOKEN_NOT_FOUND", "Supplied refresh token does not exist.")
        access = secrets.token_urlsafe(96)[:128]
        expires = state.clock() + TOKEN_LIFETIME
        with state.lock:
            state.tokens[access] = expires
        return jsonify({"access_token": access, "token_type": "Bearer", "expires_in": TOKEN_LIFETIME,
                        "expiration_timestamp": datetime.fromtimestamp(expires, timezone.utc).isoformat()})

    @app.post("/reviews/v1/<review_id>")
    def respond(review_id: str):
        given = request.headers.get("Authorization", "").removeprefix("Bearer ")
        with state.lock:
            expires = state.tokens.get(given)
        if expires is None or expires < state.clock():
            return _r2r_error(401, "INVALID_TOKEN", "The access token provided is expired, revoked, malformed, or "
                                                   "invalid for other reasons.")
        if not state.partner_access:
            return _r2r_error(403, "UNAUTHORIZED_CLIENT", "The authenticated client is not authorized to use the "
                                                          "Respond to Reviews API.")
        body = request.get_json(silent=True)
        if not isinstance(body, dict) or body.get("response_type") != "public_comment":
            return _r2r_error(400, "R2R_INVALID_RESPONSE_TYPE", "Invalid response type.")
        text = body.get("response_text")
        # Emoji are refused; here, anything past the Basic Multilingual Plane counts as one.
        if not isinstance(text, str) or not text.strip() or len(text) > 5000 or any(ord(c) > 0xFFFF for c in text):
            return _r2r_error(400, "R2R_INVALID_RESPONSE_TEXT", "Invalid response text.")
        now = datetime.fromtimestamp(state.clock(), timezone.utc)
        with state.lock:
            fault = state.response_faults.pop(0) if state.response_faults else None
            if fault and not fault[0]:
                return _r2r_error(500, "INTERNAL_ERROR", "Something went wrong internally.")
            if review_id not in state.reviews:
                return _r2r_error(400, "R2R_REVIEW_DOES_NOT_EXIST", "Review does not exist.")
            business_id = state.reviews[review_id][0]
            today = sum(1 for rid, _, day in state.response_posts if day == now.date()
                        and state.reviews[rid][0] == business_id)
            if today >= 20:
                return _r2r_error(400, "R2R_COMMENT_QUOTA_EXCEEDED", "You have made too many comments recently.")
            state.responses[review_id] = text
            state.response_posts.append((review_id, body, now.date()))
        if fault:
            if fault[1] == "drop":   # kept, then the connection closes before any answer
                request.environ["werkzeug.socket"].shutdown(socket.SHUT_RDWR)
                g.dropped = True
            return _r2r_error(500, "INTERNAL_ERROR", "Something went wrong internally.")
        return jsonify({})

    return app
