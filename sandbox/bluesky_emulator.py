"""A Bluesky emulator speaking XRPC as the brand's PDS, the AppView behind it and
the chat service (reached through the PDS with the `atproto-proxy:
did:web:api.bsky.chat#bsky_chat` header) answer: app-password sessions with
JWT-shaped access and refresh tokens (expiry read from the token, `ExpiredToken`
400s), notifications newest first with an opaque cursor, records created as
`{uri, cid}` under TIDs, likes, author feeds, handle resolution, the chat log,
conversations and messages; errors as `{error, message}` with the real status
codes, `ratelimit-*` headers on every answer, 429 `RateLimitExceeded`, and
switchable 5xx before or after a write is stored (a lost answer).

Shapes: the lexicons of bluesky-social/atproto (lexicons/app/bsky, com/atproto,
chat/bsky), the AppView's answers in packages/bsky/tests/views/__snapshots__,
the PDS's errors (packages/pds/src/auth-verifier.ts: 400 ExpiredToken, 401
AuthMissing; account-manager.ts: 401 "Invalid identifier or password") and
rate-limit headers (packages/xrpc-server/src/rate-limiter-http.ts). The chat
service is not open source: its answers follow the lexicons alone."""
from __future__ import annotations

import base64
import hashlib
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable

import regex
from flask import Flask, jsonify, request

from sandbox.bluesky_chat import register_chat_routes
from sandbox.bluesky_search import register_search_routes

CHAT_PROXY = "did:web:api.bsky.chat#bsky_chat"
WINDOW_S = 300  # the PDS's global limit: 3000 requests per 5 minutes
B32_SORTABLE = "234567abcdefghijklmnopqrstuvwxyz"


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _iso(moment: float) -> str:
    return datetime.fromtimestamp(moment, timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _did(seed: str) -> str:
    digest = base64.b32encode(hashlib.sha256(seed.encode()).digest()).decode().lower()
    return "did:plc:" + digest[:24]  # did:plc identifiers are 24 base32 characters


def _cid(content) -> str:
    digest = base64.b32encode(hashlib.sha256(json.dumps(content, sort_keys=True).encode()).digest())
    return "bafyrei" + digest.decode().lower().rstrip("=")[:52]  # CIDv1 dag-cbor sha-256, 59 characters


@dataclass
class BlueskyState:
    handle: str = "acme.bsky.social"
    app_password: str = "abcd-efgh-ijkl-mnop"
    clock: Callable[[], float] = time.time
    access_ttl_s: int = 2 * 60 * 60      # an access token lasts about two hours
    profiles: dict = field(default_factory=dict)      # did → {did, handle, displayName}
    records: dict = field(default_factory=dict)       # at-uri → {uri, cid, author, record, indexedAt}
    notifications: list = field(default_factory=list)  # oldest first; answered newest first
    seen_at: str | None = None
    convos: dict = field(default_factory=dict)        # convo id → {members: [did, did], messages: [...]}
    chat_log: list = field(default_factory=list)      # the viewer's log, oldest first
    tokens: dict = field(default_factory=dict)        # jwt → (kind, exp)
    sessions_created: int = 0
    limits: dict = field(default_factory=lambda: {"global": 3000, "createSession": 30})
    used: dict = field(default_factory=dict)
    failures: dict = field(default_factory=dict)      # nsid → [status]: answered before anything is stored
    lost_answers: dict = field(default_factory=dict)  # nsid → [status]: stored, then this answer
    calls: list = field(default_factory=list)         # (method nsid, body or query) of every call
    # nsid → [(status, body)]: the next answers as recorded from the real network
    # (tests/fixtures/bluesky api_response payloads), given after auth and rate counting.
    recorded: dict = field(default_factory=dict)
    lock: threading.RLock = field(default_factory=threading.RLock)
    _seq: itertools.count = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self) -> None:
        self.did = _did(self.handle)
        self.profiles[self.did] = {"did": self.did, "handle": self.handle, "displayName": "Acme Support"}

    # -- identifiers as the network makes them -------------------------------------------
    def tid(self) -> str:
        micros = int(self.clock() * 1_000_000) + next(self._seq)  # a TID: 53-bit microseconds + clock id
        value, out = (micros << 10) | 7, ""
        for _ in range(13):
            out = B32_SORTABLE[value & 31] + out
            value >>= 5
        return out

    def customer(self, handle: str, name: str | None = None) -> str:
        handle = handle if "." in handle else f"{handle}.bsky.social"
        did = _did(handle)
        self.profiles.setdefault(did, {"did": did, "handle": handle, "displayName": name or handle.split(".")[0]})
        return did

    def _store(self, did: str, collection: str, record: dict) -> dict:
        uri = f"at://{did}/{collection}/{self.tid()}"
        stored = {"uri": uri, "cid": _cid([uri, record]), "author": did, "record": record,
                  "indexedAt": _iso(self.clock())}
        self.records[uri] = stored
        return stored

    def _notify(self, stored: dict, reason: str, subject: str | None = None) -> None:
        self.notifications.append({"uri": stored["uri"], "cid": stored["cid"], "author": self.profiles[stored["author"]],
                                   "reason": reason, "reasonSubject": subject, "record": stored["record"],
                                   "isRead": False, "indexedAt": stored["indexedAt"], "labels": []})

    # -- what customers do -----------------------------------------------------------------
    def customer_mentions(self, handle: str, text: str, reply_to: str | None = None) -> dict:
        """A post by the customer naming the brand (a mention facet), or a
        reply in a thread (reply_to: the parent's at-uri) — a reply to the
        brand's post notifies as `reply`, anything else naming it as `mention`."""
        with self.lock:
            did = self.customer(handle)
            record = {"$type": "app.bsky.feed.post", "text": text, "createdAt": _iso(self.clock()), "langs": ["en"]}
            start = text.encode().find(f"@{self.handle}".encode())
            if start >= 0:
                end = start + len(f"@{self.handle}".encode())
                record["facets"] = [{"index": {"byteStart": start, "byteEnd": end},
                                     "features": [{"$type": "app.bsky.richtext.facet#mention", "did": self.did}]}]
            parent = self.records.get(reply_to) if reply_to else None
            if parent:
                root = parent["record"].get("reply", {}).get("root") or {"uri": parent["uri"], "cid": parent["cid"]}
                record["reply"] = {"root": root, "parent": {"uri": parent["uri"], "cid": parent["cid"]}}
            stored = self._store(did, "app.bsky.feed.post", record)
            # The AppView notifies the authors of the post's ancestors up to five
            # levels up (REPLY_NOTIF_DEPTH in packages/bsky/.../indexing/plugins/post.ts).
            ancestor, height = parent, 0
            while ancestor and height < 5 and ancestor["author"] != self.did:
                ancestor = self.records.get(((ancestor["record"].get("reply") or {}).get("parent") or {}).get("uri"))
                height += 1
            if ancestor and height < 5:
                self._notify(stored, "reply", ancestor["uri"])
            elif start >= 0:
                self._notify(stored, "mention")
            return stored

    def customer_dms(self, handle: str, text: str) -> dict:
        with self.lock:
            did = self.customer(handle)
            convo = self._convo_for(did)
            return self._send(convo, did, {"text": text})

    def _convo_for(self, did: str) -> str:
        for convo_id, convo in self.convos.items():
            if set(convo["members"]) == {did, self.did}:
                return convo_id
        convo_id = self.tid()
        self.convos[convo_id] = {"members": [self.did, did], "messages": []}
        self.chat_log.append({"$type": "chat.bsky.convo.defs#logBeginConvo", "rev": self.tid(), "convoId": convo_id})
        return convo_id

    def _send(self, convo_id: str, sender: str, message: dict) -> dict:
        view = {"$type": "chat.bsky.convo.defs#messageView", "id": self.tid(), "rev": self.tid(),
                "text": message["text"], "sender": {"did": sender}, "sentAt": _iso(self.clock())}
        if message.get("facets"):
            view["facets"] = message["facets"]
        self.convos[convo_id]["messages"].append(view)
        self.chat_log.append({"$type": "chat.bsky.convo.defs#logCreateMessage", "rev": view["rev"],
                              "convoId": convo_id, "message": view, "relatedProfiles": [self.profiles[sender]]})
        return view

    # -- what tests read ------------------------------------------------------------------
    def brand_posts(self) -> list[dict]:
        return [r for r in self.records.values() if r["author"] == self.did and "feed.post/" in r["uri"]]

    def brand_likes(self) -> list[dict]:
        return [r for r in self.records.values() if r["author"] == self.did and "feed.like/" in r["uri"]]

    def brand_messages(self) -> list[dict]:
        return [m for c in self.convos.values() for m in c["messages"] if m["sender"]["did"] == self.did]

    # -- tokens ---------------------------------------------------------------------------
    def issue_session(self) -> dict:
        now = int(self.clock())
        access = ".".join([_b64({"typ": "at+jwt", "alg": "ES256K"}),
                           _b64({"scope": "com.atproto.appPassPrivileged", "sub": self.did, "iat": now,
                                 "exp": now + self.access_ttl_s, "aud": "did:web:bsky.social"}),
                           _b64({"n": next(self._seq)})])
        refresh = ".".join([_b64({"typ": "refresh+jwt", "alg": "ES256K"}),
                            _b64({"scope": "com.atproto.refresh", "sub": self.did, "iat": now,
                                  "exp": now + 60 * 86400, "jti": self.tid(), "aud": "did:web:bsky.social"}),
                            _b64({"n": next(self._seq)})])
        self.tokens[access] = ("access", now + self.access_ttl_s)
        self.tokens[refresh] = ("refresh", now + 60 * 86400)
        return {"accessJwt": access, "refreshJwt": refresh, "handle": self.handle, "did": self.did,
                "active": True}

    def revoke_sessions(self) -> None:
        """Every session issued so far is gone (the account owner signed out everywhere)."""
        self.tokens.clear()

    def expire_access_tokens(self) -> None:
        """Every access token issued so far is past its time (the server's view)."""
        for token, (kind, _exp) in list(self.tokens.items()):
            if kind == "access":
                self.tokens[token] = (kind, 0)


def _error(status: int, error: str, message: str):
    response = jsonify({"error": error, "message": message})
    response.status_code = status
    return response


def _post_view(state: BlueskyState, stored: dict) -> dict:
    view = {"uri": stored["uri"], "cid": stored["cid"], "author": state.profiles[stored["author"]],
            "record": stored["record"], "indexedAt": stored["indexedAt"], "labels": [],
            "replyCount": 0, "repostCount": 0, "likeCount": 0, "quoteCount": 0, "viewer": {}}
    like = next((r["uri"] for r in state.brand_likes() if r["record"]["subject"]["uri"] == stored["uri"]), None)
    if like:
        view["viewer"]["like"] = like
    return view


def create_bluesky_emulator(state: BlueskyState) -> Flask:
    app = Flask("bluesky_emulator")
    handlers: dict[str, Callable] = {}

    def xrpc(nsid: str, auth: str | None = "access", chat: bool = False):
        def register(func):
            handlers[nsid] = (func, auth, chat)
            return func
        return register

    def rate_headers(response, bucket: str):
        limit = state.limits.get(bucket, state.limits["global"])
        start, count = state.used.get(bucket, (0.0, 0))
        response.headers["ratelimit-limit"] = str(limit)
        response.headers["ratelimit-remaining"] = str(max(limit - count, 0))
        response.headers["ratelimit-reset"] = str(int(start + WINDOW_S))
        response.headers["ratelimit-policy"] = f"{limit};w={WINDOW_S}"
        return response

    @app.route("/xrpc/<nsid>", methods=["GET", "POST"])
    def dispatch(nsid: str):
        with state.lock:
            body = request.get_json(silent=True) if request.method == "POST" else None
            state.calls.append((nsid, body if body is not None else request.args.to_dict(flat=False)))
            bucket = "createSession" if nsid == "com.atproto.server.createSession" else "global"
            now = state.clock()
            start, count = state.used.get(bucket, (now, 0))
            if now - start >= WINDOW_S:
                start, count = now, 0
            if count >= state.limits.get(bucket, state.limits["global"]):
                return rate_headers(_error(429, "RateLimitExceeded", "Rate Limit Exceeded"), bucket)
            state.used[bucket] = (start, count + 1)
            found = handlers.get(nsid)
            if found is None:
                return rate_headers(_error(501, "MethodNotImplemented", "Method Not Implemented"), bucket)
            func, auth, chat = found
            if chat and request.headers.get("atproto-proxy") != CHAT_PROXY:
                return rate_headers(_error(501, "MethodNotImplemented", "Method Not Implemented"), bucket)
            if auth:
                refused = _check_token(auth)
                if refused is not None:
                    return rate_headers(refused, bucket)
            if state.recorded.get(nsid):
                status, answer = state.recorded[nsid].pop(0)
                response = jsonify(answer)
                response.status_code = status
                return rate_headers(response, bucket)
            if state.failures.get(nsid):
                status = state.failures[nsid].pop(0)
                return rate_headers(_error(status, "InternalServerError", "Internal Server Error"), bucket)
            answer = func()
            if state.lost_answers.get(nsid):
                status = state.lost_answers[nsid].pop(0)
                return rate_headers(_error(status, "InternalServerError", "Internal Server Error"), bucket)
            if isinstance(answer, tuple) or not isinstance(answer, dict):
                return rate_headers(answer if not isinstance(answer, tuple) else _error(*answer), bucket)
            return rate_headers(jsonify(answer), bucket)

    def _check_token(kind: str):
        given = request.headers.get("Authorization", "")
        if not given.startswith("Bearer "):
            return _error(401, "AuthMissing", "Authentication Required")
        token = given[len("Bearer "):]
        known = state.tokens.get(token)
        if known is None or known[0] != kind:
            return _error(400, "InvalidToken", "Token could not be verified")
        if known[1] <= state.clock():
            return _error(400, "ExpiredToken", "Token has expired")
        return None

    def _arg(name: str, default=None):
        return request.args.get(name, default)

    # -- sessions --------------------------------------------------------------------------
    @xrpc("com.atproto.server.createSession", auth=None)
    def create_session():
        body = request.get_json(silent=True) or {}
        if body.get("identifier") not in (state.handle, state.did) or body.get("password") != state.app_password:
            return 401, "AuthenticationRequired", "Invalid identifier or password"
        state.sessions_created += 1
        session = state.issue_session()
        session["didDoc"] = {
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
            "id": state.did, "alsoKnownAs": [f"at://{state.handle}"],
            "verificationMethod": [{"id": f"{state.did}#atproto", "type": "Multikey", "controller": state.did,
                                    "publicKeyMultibase": "zQ3shXjHeiBuRCKmM36cuYnm7YEMzhGnCmCyW92sRJ9pribSF"}],
            "service": [{"id": "#atproto_pds", "type": "AtprotoPersonalDataServer",
                         "serviceEndpoint": request.url_root.rstrip("/")}]}  # its mount point too (the sandbox)
        return session

    @xrpc("com.atproto.server.refreshSession", auth="refresh")
    def refresh_session():
        old = request.headers["Authorization"][len("Bearer "):]
        state.tokens.pop(old, None)  # a refresh token is used once
        return state.issue_session()

    @xrpc("app.bsky.actor.getProfile")
    def get_profile():
        actor = _arg("actor", "")
        found = next((p for p in state.profiles.values() if actor in (p["did"], p["handle"])), None)
        if found is None:
            return 400, "InvalidRequest", "Profile not found"
        return {**found, "followersCount": 0, "followsCount": 0, "postsCount": len(state.brand_posts())}

    @xrpc("com.atproto.identity.resolveHandle")
    def resolve_handle():
        found = next((p for p in state.profiles.values() if p["handle"] == _arg("handle")), None)
        return {"did": found["did"]} if found else (400, "InvalidRequest", "Unable to resolve handle")

    # -- notifications ---------------------------------------------------------------------
    @xrpc("app.bsky.notification.listNotifications")
    def list_notifications():
        limit = min(max(int(_arg("limit", 50)), 1), 100)
        # The cursor is opaque to clients; here it is the position of the last one given.
        newest_first = list(reversed(list(enumerate(state.notifications))))
        cursor = _arg("cursor")
        if cursor:
            newest_first = [(i, n) for i, n in newest_first if cursor.isdigit() and i < int(cursor)]
        page = [n for _i, n in newest_first[:limit]]
        seen = state.seen_at or ""
        answer = {"notifications": [{**n, "isRead": n["indexedAt"] <= seen} for n in page], "priority": False}
        if state.seen_at:
            answer["seenAt"] = state.seen_at
        if len(newest_first) > limit:
            answer["cursor"] = str(newest_first[limit - 1][0])
        return answer

    @xrpc("app.bsky.notification.updateSeen")
    def update_seen():
        state.seen_at = (request.get_json(silent=True) or {}).get("seenAt")
        return app.response_class(status=200)

    # -- records and the brand's own posts -------------------------------------------------
    @xrpc("com.atproto.repo.createRecord")
    def create_record():
        body = request.get_json(silent=True) or {}
        record, collection = body.get("record") or {}, body.get("collection")
        if body.get("repo") not in (state.did, state.handle):
            return 400, "InvalidRequest", "Input/repo must be the authenticated account"
        if collection == "app.bsky.feed.post":
            text = record.get("text", "")
            if len(regex.findall(r"\X", text)) > 300 or len(text.encode()) > 3000:
                return 400, "InvalidRequest", ("Invalid app.bsky.feed.post record: Record/text must not be longer "
                                               "than 300 graphemes")
        stored = state._store(state.did, collection, record)
        return {"uri": stored["uri"], "cid": stored["cid"], "commit": {"cid": _cid(stored), "rev": state.tid()},
                "validationStatus": "valid"}

    @xrpc("com.atproto.repo.deleteRecord")
    def delete_record():
        body = request.get_json(silent=True) or {}
        state.records.pop(f"at://{state.did}/{body.get('collection')}/{body.get('rkey')}", None)
        return {"commit": {"cid": _cid(body), "rev": state.tid()}}

    @xrpc("app.bsky.feed.getPosts")
    def get_posts():
        uris = request.args.getlist("uris")
        return {"posts": [_post_view(state, state.records[u]) for u in uris if u in state.records]}

    @xrpc("app.bsky.feed.getAuthorFeed")
    def get_author_feed():
        actor = _arg("actor")
        did = next((p["did"] for p in state.profiles.values() if actor in (p["did"], p["handle"])), None)
        if did is None:
            return 400, "InvalidRequest", "Profile not found"
        posts = [r for r in reversed(state.records.values()) if r["author"] == did and "feed.post/" in r["uri"]]
        offset = int(_arg("cursor")) if (_arg("cursor") or "").isdigit() else 0
        limit = min(max(int(_arg("limit", 50)), 1), 100)
        answer = {"feed": [{"post": _post_view(state, p)} for p in posts[offset:offset + limit]]}
        if len(posts) > offset + limit:
            answer["cursor"] = str(offset + limit)
        return answer

    register_chat_routes(xrpc, state, _arg)
    register_search_routes(xrpc, state, _arg, _post_view)
    return app
