"""An X API v2 emulator: mentions, user timelines and quotes with since_id,
pagination, tweet.fields/expansions/user.fields honoured, text HTML-escaped as
X does, 19-digit snowflake post ids and user ids of 1 to 19 digits, OAuth 1.0a
signatures verified, x-rate-limit-* headers on every answer, X's problem-JSON
error bodies, switchable 429/5xx, recorded real answers replayed on demand
(answer_next), user look-up by id, and X's 2026 reply rule (an app's reply
only where the customer mentioned or quoted the brand). DMs, likes and
webhook pushes: sandbox/x_private.py."""
from __future__ import annotations

import hashlib
import html
import itertools
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable
from urllib.parse import urlsplit

from flask import Flask, g, jsonify, request
from oauthlib.common import Request as OAuthRequest
from oauthlib.oauth1.rfc5849 import signature as oauth_signature
from twitter_text import parse_tweet

from sandbox.x_private import XPrivateMixin, register_private_routes
from sandbox.x_search import register_search_routes

DEFAULT_TWEET_FIELDS = ("id", "text", "edit_history_tweet_ids")
WINDOW_S = 15 * 60
TWEPOCH_MS = 1288834974657  # X's snowflake epoch: ids made in 2026 are 19 digits
# X user ids run from 1 digit (the first accounts) to 19 (snowflakes since
# 2013); customers get lengths in turn so every test meets each kind.
USER_ID_LENGTHS = (19, 10, 19, 8, 19, 1, 19, 12, 9, 19, 4, 15)


@dataclass
class XState(XPrivateMixin):
    api_key: str = "sandbox-api-key"
    api_secret: str = "sandbox-api-secret"
    access_token: str = "1500000000000000001-sandboxtoken"
    access_token_secret: str = "sandbox-token-secret"
    bearer_token: str = "sandbox-bearer"
    brand_id: str = "1500000000000000001"
    users: dict = field(default_factory=lambda: {
        "1500000000000000001": {"id": "1500000000000000001", "username": "acme_support", "name": "Acme Support"}})
    tweets: dict = field(default_factory=dict)
    # Per 15 minutes; DM endpoints allow 15 requests per user (X's 2026 figures).
    limits: dict = field(default_factory=lambda: {"mentions": 180, "tweets_timeline": 900, "create": 100, "me": 75,
                                                  "dm_read": 15, "dm_create": 15, "likes": 50, "users": 900,
                                                  "quotes": 75})
    used: dict = field(default_factory=dict)        # endpoint → (window start, count)
    failures: dict = field(default_factory=dict)    # endpoint → [status]
    # endpoint → [(status, body)]: the next answers, as recorded from the real X
    # (tests/fixtures/x api_response payloads), given after auth and rate counting.
    recorded: dict = field(default_factory=dict)
    reply_delay_s: float = 0.0                      # to play a slow X (benchmarks)
    # Snowflake ids, created_at and the rate-limit windows read this clock;
    # tests hand in the bot's clock, so one clock rules every side of a test.
    clock: Callable[[], float] = time.time
    created_replies: list = field(default_factory=list)
    sent_texts: list = field(default_factory=list)  # the text of every POST /2/tweets, as the client sent it
    lost_answers: dict = field(default_factory=dict)  # endpoint → [status]: stored, then this answer
    # Called after POST /2/tweets stored the reply, before it answers: tests use
    # it to kill the caller at the worst moment.
    on_create: Callable[[dict], None] | None = None
    # Called before POST /2/tweets stores anything: tests hold it to play an X
    # slower than the client's timeout (the post lands after the caller gave up).
    before_create: Callable[[dict], None] | None = None
    dm_events: list = field(default_factory=list)
    dms_closed: set = field(default_factory=set)    # user ids that do not accept DMs from the brand
    likes: set = field(default_factory=set)         # tweet ids the brand likes
    like_calls: list = field(default_factory=list)  # ("like" | "unlike", tweet id) per call
    webhook_url: str | None = None                  # webhook mode: push signed events here
    webhook_answers: list = field(default_factory=list)
    lock: threading.RLock = field(default_factory=threading.RLock)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def new_id(self) -> str:
        # A snowflake as X makes them: milliseconds since X's epoch, shifted
        # past 22 bits of worker and sequence — grows with time, unique.
        return str(((int(self.clock() * 1000) - TWEPOCH_MS) << 22) + next(self._ids) % (1 << 22))

    def add_user(self, username: str, name: str | None = None) -> str:
        with self.lock:
            for user in self.users.values():
                if user["username"].lower() == username.lower():
                    return user["id"]
            n = len(self.users)
            length = USER_ID_LENGTHS[n % len(USER_ID_LENGTHS)]
            user_id = str(10 ** (length - 1) + n) if length > 1 else str(n % 9 + 1)
            while user_id in self.users:  # short lengths run out: take the next free id
                user_id = str(int(user_id) + 1)
            self.users[user_id] = {"id": user_id, "username": username, "name": name or username}
            return user_id

    def post(self, author_id: str, text: str, in_reply_to: str | None = None,
             created_at: datetime | None = None, quoting: str | None = None) -> dict:
        with self.lock:
            tweet_id = self.new_id()
            parent = self.tweets.get(in_reply_to) if in_reply_to else None
            tweet = {"id": tweet_id, "text": text, "author_id": author_id,
                     "conversation_id": parent["conversation_id"] if parent else tweet_id,
                     "created_at": (created_at or datetime.fromtimestamp(self.clock(), timezone.utc))
                     .strftime("%Y-%m-%dT%H:%M:%S.000Z"), "edit_history_tweet_ids": [tweet_id]}
            if parent:
                tweet["in_reply_to_user_id"] = parent["author_id"]
                tweet["referenced_tweets"] = [{"type": "replied_to", "id": parent["id"]}]
            if quoting:
                tweet["referenced_tweets"] = tweet.get("referenced_tweets", []) + [{"type": "quoted", "id": quoting}]
            self.tweets[tweet_id] = tweet
            return tweet

    def customer_mentions(self, username: str, text: str, in_reply_to: str | None = None, **kw) -> dict:
        """A customer posts; text should contain @acme_support to be a mention."""
        tweet = self.post(self.add_user(username), text, in_reply_to, **kw)
        if self.mentions_brand(tweet):
            self.push("post.mention.create", tweet)
        if self.tweets.get(in_reply_to or "", {}).get("author_id") == self.brand_id:
            # A direct reply to the brand's post: post.reply.create too, its includes empty as X documents.
            self.push("post.reply.create", tweet, includes={})
        return tweet

    def mentions_brand(self, tweet: dict) -> bool:
        return "@" + self.users[self.brand_id]["username"].lower() in tweet["text"].lower()

    def replies_to(self, tweet_id: str) -> list[dict]:
        return [t for t in self.tweets.values()
                if any(r["id"] == tweet_id and r["type"] == "replied_to" for r in t.get("referenced_tweets", []))]

    def fail_next(self, endpoint: str, status: int, times: int = 1) -> None:
        with self.lock:
            self.failures.setdefault(endpoint, []).extend([status] * times)

    def lose_answer_next(self, endpoint: str, status: int = 503, times: int = 1) -> None:
        """X does the work, then the answer is a 5xx (a gateway timing out
        after the write): the caller cannot tell the post exists."""
        with self.lock:
            self.lost_answers.setdefault(endpoint, []).extend([status] * times)

    def reply_text(self, text: str, parent: dict | None) -> str:
        """What X stores for a reply: the @mentions of the people replied to in
        front (they do not count toward 280), and every link shortened to t.co."""
        text = _URL.sub(lambda m: "https://t.co/" + hashlib.sha1(m.group().encode()).hexdigest()[:10], text)
        if not parent:
            return text
        names = [self.users[parent["author_id"]]["username"]] + _LEADING.findall(parent["text"])
        brand = self.users[self.brand_id]["username"].lower()
        shown = list(dict.fromkeys(n for n in names if n.lower() != brand))
        return "".join(f"@{n} " for n in shown) + text


_URL = re.compile(r"https?://\S+")
_LEADING = re.compile(r"(?:^|(?<=\s))@(\w+)")
LONG_POST_CUT = 275


def _problem(status: int, title: str, detail: str, type_: str = "about:blank", **extra):
    body = {"title": title, "detail": detail, "type": type_, "status": status, **extra}
    if type_.endswith("/invalid-request"):
        del body["status"]  # X's invalid-request problem carries `errors` and no `status`
    response = jsonify(body)
    response.status_code = status
    return response


def create_x_emulator(state: XState) -> Flask:
    app = Flask("x-emulator")

    def rate(endpoint: str):
        """Count a request against its 15-minute window; headers like X's."""
        now = state.clock()
        with state.lock:
            start, count = state.used.get(endpoint, (now, 0))
            if now - start >= WINDOW_S:
                start, count = now, 0
            count += 1
            state.used[endpoint] = (start, count)
        limit = state.limits[endpoint]
        headers = {"x-rate-limit-limit": str(limit), "x-rate-limit-remaining": str(max(0, limit - count)),
                   "x-rate-limit-reset": str(int(start + WINDOW_S))}
        return count > limit, headers

    def user_auth_ok() -> bool:
        header = request.headers.get("Authorization", "")
        if not header.startswith("OAuth "):
            return False
        params = dict(oauth_signature.collect_parameters(headers={"Authorization": header},
                                                         exclude_oauth_signature=False))
        if params.get("oauth_consumer_key") != state.api_key or params.get("oauth_token") != state.access_token:
            return False
        # Verify the HMAC-SHA1 signature against the URL the client signed.
        # As the client sent it: werkzeug's request.url re-quotes the query and leaves `"` bare (a search query).
        url = request.base_url + ("?" + request.query_string.decode() if request.query_string else "")
        oauth_request = OAuthRequest(url, request.method, None, {"Authorization": header})
        query = urlsplit(url).query
        collected = oauth_signature.collect_parameters(uri_query=query, headers={"Authorization": header},
                                                       exclude_oauth_signature=True, with_realm=False)
        oauth_request.params = collected
        oauth_request.signature = params.get("oauth_signature")
        return oauth_signature.verify_hmac_sha1(oauth_request, state.api_secret, state.access_token_secret)

    def authorized(user_context: bool) -> bool:
        header = request.headers.get("Authorization", "")
        if header == f"Bearer {state.bearer_token}" and not user_context:
            return True
        return user_auth_ok()

    def guarded(endpoint: str, user_context: bool = False):
        if not authorized(user_context):
            if user_context and request.headers.get("Authorization", "").startswith("Bearer "):
                return _problem(403, "Unsupported Authentication",
                                "Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint. "
                                "Supported authentication types are [OAuth 1.0a User Context, OAuth 2.0 User Context].",
                                "https://api.twitter.com/2/problems/unsupported-authentication"), None
            return _problem(401, "Unauthorized", "Unauthorized"), None
        over, headers = rate(endpoint)
        g.rate_headers = headers
        with state.lock:
            queued = state.failures.get(endpoint)
            forced = queued.pop(0) if queued else None
            recorded = state.recorded.get(endpoint)
            replay = recorded.pop(0) if recorded and not (over or forced) else None
        if replay:
            response = jsonify(replay[1])
            response.status_code = replay[0]
        elif over or forced == 429:
            response = _problem(429, "Too Many Requests", "Too Many Requests")
            if forced == 429:
                headers["x-rate-limit-remaining"] = "0"
        elif forced:
            response = _problem(forced, "Service Unavailable" if forced == 503 else "Internal Server Error",
                                "Service Unavailable" if forced == 503 else "Internal Server Error")
        else:
            return None, headers
        response.headers.update(headers)
        return response, None

    @app.after_request
    def rate_headers_on_every_answer(response):
        # X sends x-rate-limit-* on its refusals too (a 403 duplicate, a 400), not only on 200s.
        for name, value in getattr(g, "rate_headers", {}).items():
            response.headers.setdefault(name, value)
        return response

    def render(tweets: list[dict]):
        fields = set(DEFAULT_TWEET_FIELDS) | set(filter(None, request.args.get("tweet.fields", "").split(",")))
        expansions = set(filter(None, request.args.get("expansions", "").split(",")))
        user_fields = {"id", "name", "username"} | set(filter(None, request.args.get("user.fields", "").split(",")))
        data = []
        for tweet in tweets:
            shown = {k: v for k, v in tweet.items() if k in fields}
            text = tweet["text"]
            if parse_tweet(text).weightedLength > 280:
                # A long post: `text` is cut; the whole text only in note_tweet, when asked for.
                shown.pop("note_tweet", None)
                if "note_tweet" in fields:
                    shown["note_tweet"] = {"text": html.escape(text, quote=False)}
                text = text[:LONG_POST_CUT] + "…"
            shown["text"] = html.escape(text, quote=False)  # X sends &amp; &lt; &gt;
            data.append(shown)
        body: dict = {}
        if data:
            body["data"] = data
        if "author_id" in expansions and data:
            authors = {t["author_id"] for t in tweets}
            body["includes"] = {"users": [{k: v for k, v in state.users[a].items() if k in user_fields}
                                          for a in sorted(authors) if a in state.users]}
        return body

    def timeline(select, minimum: int = 5):
        try:
            max_results = int(request.args.get("max_results", "10"))
        except ValueError:
            max_results = -1
        if not minimum <= max_results <= 100:
            return _problem(400, "Invalid Request", "One or more parameters to your request was invalid.",
                            "https://api.twitter.com/2/problems/invalid-request",
                            errors=[{"parameters": {"max_results": [request.args.get("max_results")]},
                                     "message": "The `max_results` query parameter value "
                                                f"[{request.args.get('max_results')}] is not between {minimum} and 100"}]), None
        since_id = request.args.get("since_id")
        start_time = request.args.get("start_time")
        with state.lock:
            tweets = sorted((t for t in state.tweets.values() if select(t)), key=lambda t: int(t["id"]), reverse=True)
        if since_id:
            tweets = [t for t in tweets if int(t["id"]) > int(since_id)]
        if start_time:
            tweets = [t for t in tweets if t["created_at"] >= start_time.replace("+00:00", "Z")[:19]]
        token = request.args.get("pagination_token")
        offset = int(token[1:]) if token and token[1:].isdigit() else 0
        page = tweets[offset:offset + max_results]
        body = render(page)
        meta = {"result_count": len(page)}
        if page:
            meta.update(newest_id=page[0]["id"], oldest_id=page[-1]["id"])
        if offset + max_results < len(tweets):
            meta["next_token"] = f"p{offset + max_results}"
        body["meta"] = meta
        return None, body

    @app.get("/2/users/me")
    def me():
        failure, headers = guarded("me", user_context=True)
        if failure:
            return failure
        user = state.users[state.brand_id]
        return jsonify({"data": user}), 200, headers

    @app.get("/2/tweets/<tweet_id>/quote_tweets")
    def quote_tweets(tweet_id: str):
        failure, headers = guarded("quotes")
        if failure:
            return failure
        problem, body = timeline(lambda t: any(r["type"] == "quoted" and r["id"] == tweet_id
                                               for r in t.get("referenced_tweets", [])), minimum=10)
        return problem if problem else (jsonify(body), 200, headers)

    @app.get("/2/users/<user_id>/mentions")
    def mentions(user_id: str):
        failure, headers = guarded("mentions")
        if failure:
            return failure
        handle = "@" + state.users.get(user_id, {}).get("username", "\0").lower()
        problem, body = timeline(lambda t: handle in t["text"].lower() and t["author_id"] != user_id)
        return (problem, 400) if problem else (jsonify(body), 200, headers)

    @app.get("/2/users/<user_id>/tweets")
    def user_tweets(user_id: str):
        failure, headers = guarded("tweets_timeline")
        if failure:
            return failure
        problem, body = timeline(lambda t: t["author_id"] == user_id)
        return problem if problem else (jsonify(body), 200, headers)

    @app.post("/2/tweets")
    def create_tweet():
        failure, headers = guarded("create", user_context=True)
        if failure:
            return failure
        payload = request.get_json(silent=True)
        if not isinstance(payload, dict) or not isinstance(payload.get("text"), str):
            return _problem(400, "Invalid Request", "One or more parameters to your request was invalid.",
                            "https://api.twitter.com/2/problems/invalid-request")
        text = payload["text"]
        state.sent_texts.append(text)
        if parse_tweet(text).weightedLength > 280:
            return _problem(400, "Invalid Request", "One or more parameters to your request was invalid.",
                            "https://api.twitter.com/2/problems/invalid-request",
                            errors=[{"message": "Your Tweet text is too long."}])
        parent_id = (payload.get("reply") or {}).get("in_reply_to_tweet_id")
        if parent_id and parent_id not in state.tweets:
            return _problem(403, "Forbidden", "You attempted to reply to a Tweet that is deleted or not visible to you.")
        parent = state.tweets.get(parent_id) if parent_id else None
        if (parent and parent["author_id"] != state.brand_id and not state.mentions_brand(parent)
                and not state.quotes_brand(parent)):
            # Since February 2026: a self-serve app replies only where it was mentioned or quoted.
            return _problem(403, "Forbidden", "Reply to this conversation is not allowed because you have not been "
                                              "mentioned or otherwise engaged by the author of the post you are "
                                              "replying to.")
        with state.lock:
            stored_text = state.reply_text(text, state.tweets.get(parent_id))
            if any(t["author_id"] == state.brand_id and t["text"] == stored_text for t in state.tweets.values()):
                return _problem(403, "Forbidden", "You are not allowed to create a Tweet with duplicate content.")
        if state.reply_delay_s:
            time.sleep(state.reply_delay_s)  # an emulated slow X, for the ack benchmark
        if state.before_create:
            state.before_create(payload)
        tweet = state.post(state.brand_id, stored_text, parent_id)
        state.created_replies.append(tweet)
        if state.on_create:
            state.on_create(tweet)
        with state.lock:
            lost = state.lost_answers.get("create")
            status = lost.pop(0) if lost else None
        if status:
            return _problem(status, "Service Unavailable", "Service Unavailable")
        return jsonify({"data": {"id": tweet["id"], "text": html.escape(stored_text, quote=False),
                                 "edit_history_tweet_ids": [tweet["id"]]}}), 201, headers

    register_private_routes(app, state, guarded)
    register_search_routes(app, state, guarded, render)

    @app.delete("/2/tweets/<tweet_id>")
    def delete_tweet(tweet_id: str):
        failure, headers = guarded("create", user_context=True)
        if failure:
            return failure
        with state.lock:
            tweet = state.tweets.get(tweet_id)
            if tweet is None or tweet["author_id"] != state.brand_id:
                return _problem(403, "Forbidden", "You are not allowed to delete this Tweet.")
            del state.tweets[tweet_id]
        return jsonify({"data": {"deleted": True}}), 200, headers

    return app
