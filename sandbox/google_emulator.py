"""A Google Business Profile emulator for one account, in the shapes Google documents
(developers.google.com/my-business/reference/rest/v4/accounts.locations.reviews, content/review-data, content/limits;
cloud.google.com/pubsub/docs/push and authenticate-push-subscriptions; developers.google.com/identity/protocols/oauth2):

- POST /token: grant_type=refresh_token (client id, secret, refresh token) or the service account's signed JWT
  (grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer, checked against its key) → {"access_token": "ya29.…",
  "expires_in": 3599, "scope", "token_type": "Bearer"}; refusals {"error": "invalid_grant", "error_description"};
- GET /oauth2/v1/certs: the PEM certificates, by key id, of the key that signs Pub/Sub push tokens;
- GET /v4/accounts/{a}/locations/{l}/reviews?pageSize (1–50)&pageToken&orderBy (updateTime desc by default)
  → {reviews, averageRating, totalReviewCount, nextPageToken}; GET …/reviews/{r};
  PUT …/reviews/{r}/reply {"comment"} (≤ 4096 bytes) → the ReviewReply; DELETE …/reviews/{r}/reply → {};
- GET /v1/locations/{l}?readMask=title (the Business Information API, readMask required) → {"name", "title"};
- errors {"error": {"code", "message", "status"[, "details"]}}: 401 UNAUTHENTICATED, 403 PERMISSION_DENIED,
  404 NOT_FOUND, 400 INVALID_ARGUMENT, 429 RESOURCE_EXHAUSTED — with quota_limit_value "0" for a project Google has
  not approved yet (access="pending"), every call;
- Pub/Sub push: {"message": {"data": base64 of {"type", "reviewName", "locationName"}, "attributes", "messageId",
  "message_id", "publishTime", "publish_time"}, "subscription"} POSTed with a real RS256 OIDC token.

Review ids are long opaque strings, as Google's "encrypted unique identifier"s are. Push tokens carry the
wall-clock times Google's do (google-auth checks them against the process's clock; the rest reads `clock`).
Faults for tests: fail_next_reply(stored, how) — refused before anything is kept, or kept and then answered 500
or its connection dropped; throttle(n) — the next n API calls answer 429."""
from __future__ import annotations

import base64
import itertools
import json
import secrets
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Callable

import requests
from flask import Flask, g, jsonify, request

SCOPE = "https://www.googleapis.com/auth/business.manage"
TOKEN_LIFETIME = 3599
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
STAR_WORDS = {1: "ONE", 2: "TWO", 3: "THREE", 4: "FOUR", 5: "FIVE"}
_KEYS: dict = {}
_SIGNERS: dict = {}


def _iso(moment: float) -> str:
    return datetime.fromtimestamp(moment, timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _key(name: str) -> tuple[str, str, str]:
    """(key id, private key PEM, certificate PEM): made once per process (RSA 2048 takes a moment)."""
    if name not in _KEYS:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import rsa
        from cryptography.x509.oid import NameOID
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"{name}.emulator.invalid")])
        now = datetime.now(timezone.utc)
        cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
                .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
                .not_valid_after(now + timedelta(days=3650)).sign(key, hashes.SHA256()))
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
        _KEYS[name] = (secrets.token_hex(20), pem, cert.public_bytes(serialization.Encoding.PEM).decode())
    return _KEYS[name]


def _signer(name: str):
    """The key's signer, made once per process: parsing the PEM checks the RSA key, ~20 ms every push."""
    if name not in _SIGNERS:
        from google.auth import crypt
        kid, pem, _ = _key(name)
        _SIGNERS[name] = crypt.RSASigner.from_string(pem, key_id=kid)
    return _SIGNERS[name]


@dataclass
class GoogleState:
    account_id: str = "10948672553041837520"
    location_ids: tuple = ("3184902244750127893", "9031475520318844011")
    location_titles: dict = field(default_factory=lambda: {"3184902244750127893": "Acme Diner Soho",
                                                           "9031475520318844011": "Acme Diner Camden"})
    client_id: str = "1032778654114-sandbox0emulator.apps.googleusercontent.com"
    client_secret: str = "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"
    refresh_token: str = "1//0sandbox-google-refresh-token"
    service_account_email: str = "socialdesk@acme-reviews.iam.gserviceaccount.com"
    push_audience: str = "https://desk.acme.example/webhooks/google"
    push_service_account: str = "gbp-push@acme-reviews.iam.gserviceaccount.com"
    subscription: str = "projects/acme-reviews/subscriptions/socialdesk-reviews"
    access: str = "approved"                           # "pending" (quota 0 until approved) or "denied" (403)
    signing_key: str = "pubsub"                        # the key Google signs push tokens with now (rotate: rename)
    reviews: dict = field(default_factory=dict)        # name → review, as the API shows it
    tokens: dict = field(default_factory=dict)         # access token → expiry (epoch, by clock)
    reply_puts: list = field(default_factory=list)     # (review name, body) of every stored reply
    reply_deletes: list = field(default_factory=list)  # review names whose reply was deleted
    calls: list = field(default_factory=list)          # (method, path) of every request
    reply_faults: list = field(default_factory=list)   # queued (stored, how) for the next reply PUTs
    throttled: int = 0                                 # the next this-many API calls answer 429
    on_reply: Callable[[dict], None] | None = None     # called once a reply is stored, before its answer leaves
    webhook_url: str | None = None                     # the push subscription's endpoint
    webhook_answers: list = field(default_factory=list)
    clock: Callable[[], float] = time.time
    token_clock: Callable[[], float] = time.time       # Google's own clock, which signs push tokens
    lock: threading.Lock = field(default_factory=threading.Lock)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def service_account_info(self) -> dict:
        """The JSON key a Google Cloud console hands out for the service account."""
        kid, pem, _ = _key("service-account")
        return {"type": "service_account", "project_id": "acme-reviews", "private_key_id": kid, "private_key": pem,
                "client_email": self.service_account_email, "client_id": "117203989154230965871",
                "auth_uri": "https://accounts.google.com/o/oauth2/auth",
                "token_uri": "https://oauth2.googleapis.com/token"}

    def location(self, index: int = 0) -> str:
        return f"accounts/{self.account_id}/locations/{self.location_ids[index]}"

    # -- what customers do ----------------------------------------------------------
    def review(self, name: str, stars: int, text: str, location: int = 0, anonymous: bool = False,
               push: bool = True) -> dict:
        with self.lock:
            number = next(self._ids)
            review_id = f"AbFvOq{number:04d}" + base64.urlsafe_b64encode(secrets.token_bytes(60)).decode().rstrip("=")
            now = _iso(self.clock())
            reviewer = ({"isAnonymous": True} if anonymous else
                        {"displayName": name, "isAnonymous": False,
                         "profilePhotoUrl": f"https://lh3.googleusercontent.com/a-/ALV-UjW{number:06d}=s120-c-rp-mo-br100"})
            review = {"name": f"{self.location(location)}/reviews/{review_id}", "reviewId": review_id,
                      "reviewer": reviewer, "starRating": STAR_WORDS[stars], "comment": text,
                      "createTime": now, "updateTime": now}
            self.reviews[review["name"]] = review
        if push:
            self.push("NEW_REVIEW", review)
        return review

    def update(self, name: str, stars: int | None = None, text: str | None = None, push: bool = True) -> dict:
        with self.lock:
            review = self.reviews[name]
            if stars is not None:
                review["starRating"] = STAR_WORDS[stars]
            if text is not None:
                review["comment"] = text
            review["updateTime"] = _iso(self.clock())
        if push:
            self.push("UPDATED_REVIEW", review)
        return review

    def remove(self, name: str) -> dict:
        """The customer deletes the review: Google sends no notification for that."""
        with self.lock:
            return self.reviews.pop(name)

    def fail_next_reply(self, stored: bool, how: str = "500", times: int = 1) -> None:
        with self.lock:
            self.reply_faults.extend([(stored, how)] * times)

    def throttle(self, calls: int = 1) -> None:
        with self.lock:
            self.throttled += calls

    # -- Pub/Sub push -----------------------------------------------------------------
    def push_token(self, audience: str | None = None, email: str | None = None, verified: bool = True,
                   issuer: str = "https://accounts.google.com", key: str | None = None, lifetime: int = 3600) -> str:
        """An OIDC token as Pub/Sub signs it for a push subscription's service account (RS256, kid)."""
        from google.auth import jwt
        now = int(self.token_clock())
        claims = {"aud": audience or self.push_audience, "azp": "108234760951736829137",
                  "email": email or self.push_service_account, "email_verified": verified, "exp": now + lifetime,
                  "iat": now, "iss": issuer, "sub": "108234760951736829137"}
        return jwt.encode(_signer(key or self.signing_key), claims).decode()

    def envelope(self, kind: str, review: dict) -> dict:
        location = review["name"].rsplit("/reviews/", 1)[0]
        data = json.dumps({"type": kind, "reviewName": review["name"], "locationName": location})
        message_id = str(2070443601311540 + next(self._ids))
        published = _iso(self.clock())
        return {"message": {"attributes": {}, "data": base64.b64encode(data.encode()).decode(),
                            "messageId": message_id, "message_id": message_id,
                            "publishTime": published, "publish_time": published},
                "subscription": self.subscription}

    def push(self, kind: str, review: dict, token: str | None = None) -> None:
        if not self.webhook_url:
            return
        try:
            answer = requests.post(self.webhook_url, json=self.envelope(kind, review), timeout=5,
                                   headers={"Authorization": f"Bearer {token or self.push_token()}"})
            self.webhook_answers.append(answer.status_code)
        except requests.RequestException as exc:
            self.webhook_answers.append(type(exc).__name__)


def _error(code: int, status: str, message: str, details: list | None = None):
    body = {"code": code, "message": message, "status": status, **({"details": details} if details else {})}
    response = jsonify({"error": body})
    response.status_code = code
    return response


def _quota(limit: str) -> list:
    return [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "RATE_LIMIT_EXCEEDED",
             "domain": "googleapis.com",
             "metadata": {"service": "mybusiness.googleapis.com", "consumer": "projects/1032778654114",
                          "quota_metric": "mybusiness.googleapis.com/default_requests",
                          "quota_limit": "DefaultRequestsPerMinutePerProject", "quota_limit_value": limit}}]


def create_google_emulator(state: GoogleState) -> Flask:
    app = Flask("google_emulator")

    @app.before_request
    def record():
        with state.lock:
            state.calls.append((request.method, request.path))

    @app.post("/token")
    def token():
        form = request.form
        if form.get("grant_type") == "refresh_token":
            if (form.get("client_id"), form.get("client_secret")) != (state.client_id, state.client_secret):
                return jsonify({"error": "invalid_client", "error_description": "The OAuth client was not found."}), 401
            if form.get("refresh_token") != state.refresh_token:
                return jsonify({"error": "invalid_grant", "error_description": "Token has been expired or revoked."}), 400
        elif form.get("grant_type") == JWT_BEARER:
            from google.auth import jwt
            kid, _, cert = _key("service-account")
            try:
                # google-auth addresses the assertion to Google's token endpoint whatever token_uri it posts to.
                claims = jwt.decode(form.get("assertion", ""), certs={kid: cert},
                                    audience=["https://oauth2.googleapis.com/token", request.base_url])
            except ValueError:
                return jsonify({"error": "invalid_grant", "error_description": "Invalid JWT Signature."}), 400
            if claims.get("iss") != state.service_account_email:
                return jsonify({"error": "invalid_grant", "error_description": "Invalid grant: account not found"}), 400
        else:
            return jsonify({"error": "unsupported_grant_type", "error_description": "Invalid grant_type"}), 400
        access = "ya29." + secrets.token_urlsafe(90)
        with state.lock:
            state.tokens[access] = state.clock() + TOKEN_LIFETIME
        return jsonify({"access_token": access, "expires_in": TOKEN_LIFETIME, "scope": SCOPE, "token_type": "Bearer"})

    @app.get("/oauth2/v1/certs")
    def certs():
        kid, _, cert = _key(state.signing_key)
        return jsonify({kid: cert})

    @app.before_request
    def api_guard():
        if request.path.startswith("/v1/locations/"):  # the Business Information API: locations/{l}
            return _guard(["", "v4", "accounts", state.account_id, "locations", request.path.split("/")[3]])
        if not request.path.startswith("/v4/"):
            return None
        return _guard(request.path.split("/"))

    def _guard(parts: list[str]):
        given = request.headers.get("Authorization", "").removeprefix("Bearer ")
        with state.lock:
            expires = state.tokens.get(given)
            throttled, state.throttled = state.throttled > 0, max(0, state.throttled - 1)
        if expires is None or expires < state.clock():
            return _error(401, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 "
                          "access token, login cookie or other valid authentication credential.")
        if state.access == "denied":
            return _error(403, "PERMISSION_DENIED", "Google My Business API has not been used in project "
                          "1032778654114 before or it is disabled.")
        if state.access == "pending" or throttled:
            limit = "0" if state.access == "pending" else "300"
            return _error(429, "RESOURCE_EXHAUSTED", "Quota exceeded for quota metric 'Requests' and limit 'Requests "
                          "per minute' of service 'mybusiness.googleapis.com' for consumer "
                          "'project_number:1032778654114'.", _quota(limit))
        if len(parts) < 6 or parts[3] != state.account_id or parts[5] not in state.location_ids:
            return _error(403, "PERMISSION_DENIED", "The caller does not have permission")
        return None

    @app.get("/v1/locations/<location>")
    def location(location: str):
        if "title" not in request.args.get("readMask", "").split(","):
            return _error(400, "INVALID_ARGUMENT", "Request contains an invalid argument.")  # readMask is required
        return jsonify({"name": f"locations/{location}", "title": state.location_titles.get(location, "")})

    @app.get("/v4/accounts/<account>/locations/<location>/reviews")
    def reviews(account: str, location: str):
        size = request.args.get("pageSize", "50")
        if not size.isdigit() or not 1 <= int(size) <= 50:
            return _error(400, "INVALID_ARGUMENT", "Request contains an invalid argument.")
        order = request.args.get("orderBy", "updateTime desc")
        keys = {"updateTime desc": (lambda r: r["updateTime"], True), "rating": (lambda r: r["starRating"], False),
                "rating desc": (lambda r: r["starRating"], True)}
        if order not in keys:
            return _error(400, "INVALID_ARGUMENT", f"Invalid orderBy: {order}")
        try:
            start = int(base64.urlsafe_b64decode(request.args.get("pageToken", "") + "==") or 0)
        except ValueError:
            return _error(400, "INVALID_ARGUMENT", "Invalid page token.")
        prefix = f"accounts/{account}/locations/{location}/reviews/"
        with state.lock:
            ordered = sorted((dict(r) for n, r in state.reviews.items() if n.startswith(prefix)),
                             key=keys[order][0], reverse=keys[order][1])
        page = ordered[start:start + int(size)]
        body: dict = {}
        if ordered:
            stars = [int(k) for r in ordered for k, w in STAR_WORDS.items() if w == r["starRating"]]
            body = {"reviews": page, "averageRating": round(sum(stars) / len(stars), 1),
                    "totalReviewCount": len(ordered)}
        if start + int(size) < len(ordered):
            body["nextPageToken"] = base64.urlsafe_b64encode(str(start + int(size)).encode()).decode().rstrip("=")
        return jsonify(body)

    def _found(path: str):
        with state.lock:
            return state.reviews.get(path.removeprefix("/v4/").removesuffix("/reply"))

    @app.get("/v4/accounts/<account>/locations/<location>/reviews/<review>")
    def review(account: str, location: str, review: str):
        found = _found(request.path)
        return jsonify(found) if found else _error(404, "NOT_FOUND", "Requested entity was not found.")

    @app.put("/v4/accounts/<account>/locations/<location>/reviews/<review>/reply")
    def reply(account: str, location: str, review: str):
        body = request.get_json(silent=True)
        comment = body.get("comment") if isinstance(body, dict) else None
        if not isinstance(comment, str) or not comment.strip() or len(comment.encode()) > 4096:
            return _error(400, "INVALID_ARGUMENT", "Request contains an invalid argument.")
        with state.lock:
            fault = state.reply_faults.pop(0) if state.reply_faults else None
        if fault and not fault[0]:
            return _error(500, "INTERNAL", "Internal error encountered.")
        found = _found(request.path)
        if found is None:
            return _error(404, "NOT_FOUND", "Requested entity was not found.")
        with state.lock:
            found["reviewReply"] = {"comment": comment, "updateTime": _iso(state.clock())}
            state.reply_puts.append((found["name"], body))
            answer = dict(found["reviewReply"])
        if state.on_reply:
            state.on_reply(body)
        if fault:
            if fault[1] == "drop":   # kept, then the connection closes before any answer
                request.environ["werkzeug.socket"].shutdown(socket.SHUT_RDWR)
                g.dropped = True
            return _error(500, "INTERNAL", "Internal error encountered.")
        return jsonify(answer)

    @app.delete("/v4/accounts/<account>/locations/<location>/reviews/<review>/reply")
    def delete_reply(account: str, location: str, review: str):
        found = _found(request.path)
        if found is None:
            return _error(404, "NOT_FOUND", "Requested entity was not found.")
        with state.lock:
            found.pop("reviewReply", None)
            state.reply_deletes.append(found["name"])
        return jsonify({})

    return app


if __name__ == "__main__":   # python -m sandbox.google_emulator [port]: the emulator alone, on loopback
    import sys
    from sandbox.serve import BackgroundServer
    server = BackgroundServer(create_google_emulator(GoogleState()), port=int(sys.argv[1]) if sys.argv[1:] else 0)
    print(f"Google Business Profile emulator on {server.url} (GBP_API_URL={server.url}/v4, "
          f"GBP_INFO_URL={server.url}/v1, GOOGLE_OAUTH_URL={server.url}/token, "
          f"GOOGLE_CERTS_URL={server.url}/oauth2/v1/certs)", flush=True)
    server.start()
    threading.Event().wait()
