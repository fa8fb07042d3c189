"""The X emulator's recent search: GET /2/tweets/search/recent as X answers it
— the query operators listening uses (quoted phrases, words, OR, parentheses,
negation, from:, @mentions, is:retweet, is:reply, is:quote), since_id /
start_time, max_results 10–100, next_token paging, newest first, `data`,
`includes` (users, and the referenced posts for referenced_tweets.id
expansions) and `meta` {newest_id, oldest_id, result_count, next_token}; a
query over 512 characters or one it cannot read is X's 400 problem; 429 with
x-rate-limit-* headers comes from the emulator's shared guard."""
from __future__ import annotations

import re

from flask import jsonify, request

QUERY_LIMIT = 512
_TOKEN = re.compile(r'\s*(\(|\)|-?"[^"]*"|-?[^\s()"]+)')


def _tokens(query: str) -> list[str]:
    found, at = [], 0
    while at < len(query):
        match = _TOKEN.match(query, at)
        if match is None:
            if query[at:].strip():
                raise ValueError(f"cannot read the query at {query[at:at + 20]!r}")
            break
        found.append(match.group(1))
        at = match.end()
    return found


def parse(query: str):
    """The query as a predicate over (tweet, state)."""
    tokens = _tokens(query)

    def expr(i):
        left, i = conj(i)
        while i < len(tokens) and tokens[i] == "OR":
            right, i = conj(i + 1)
            left = (lambda a, b: lambda t, s: a(t, s) or b(t, s))(left, right)
        return left, i

    def conj(i):
        parts = []
        while i < len(tokens) and tokens[i] not in (")", "OR"):
            part, i = unary(i)
            parts.append(part)
        if not parts:
            raise ValueError("an empty clause")
        return (lambda t, s: all(p(t, s) for p in parts)), i

    def unary(i):
        if tokens[i] == "(":
            inner, i = expr(i + 1)
            if i >= len(tokens) or tokens[i] != ")":
                raise ValueError("a parenthesis is not closed")
            return inner, i + 1
        token = tokens[i]
        negated = token.startswith("-") and len(token) > 1
        test = _operator(token[1:] if negated else token)
        return ((lambda t, s: not test(t, s)) if negated else test), i + 1

    predicate, end = expr(0)
    if end != len(tokens):
        raise ValueError(f"unexpected {tokens[end]!r}")
    return predicate


def _operator(token: str):
    if token.startswith('"'):
        return _words(token.strip('"'))
    if token.startswith("@"):
        handle = token[1:].lower()
        return lambda t, s: re.search(rf"(?<!\w)@{re.escape(handle)}(?!\w)", t["text"].lower()) is not None
    name, _, value = token.partition(":")
    if value and name == "from":
        return lambda t, s: value.lower() in (t["author_id"], s.users.get(t["author_id"], {}).get("username", "").lower())
    if value and name == "is":
        kind = {"retweet": "retweeted", "reply": "replied_to", "quote": "quoted"}.get(value)
        if kind is None:
            raise ValueError(f"is:{value} is not an operator here")
        return lambda t, s: any(r["type"] == kind for r in t.get("referenced_tweets", []))
    return _words(token)


def _words(phrase: str):
    pattern = re.compile(rf"(?<!\w){re.escape(phrase)}(?!\w)", re.IGNORECASE)
    return lambda t, s: pattern.search(t["text"]) is not None


def _invalid(message: str, parameter: str, value):
    response = jsonify({"errors": [{"parameters": {parameter: [value]}, "message": message}],
                        "title": "Invalid Request", "detail": "One or more parameters to your request was invalid.",
                        "type": "https://api.twitter.com/2/problems/invalid-request"})
    response.status_code = 400
    return response


def register_search_routes(app, state, guarded, render) -> None:
    state.limits.setdefault("search", 180)  # per user per 15 minutes
    state.search_calls = []  # (query, max_results) of every search: what listening spent

    @app.get("/2/tweets/search/recent")
    def search_recent():
        failure, headers = guarded("search")
        if failure:
            return failure
        query = request.args.get("query", "")
        if not query or len(query) > QUERY_LIMIT:
            return _invalid(f"There were errors processing your request: Query must be between 1 and "
                            f"{QUERY_LIMIT} characters long", "query", query)
        try:
            predicate = parse(query)
        except ValueError as exc:
            return _invalid(f"There were errors processing your request: {exc}", "query", query)
        raw = request.args.get("max_results", "10")
        if not raw.isdigit() or not 10 <= int(raw) <= 100:
            return _invalid(f"The `max_results` query parameter value [{raw}] is not between 10 and 100",
                            "max_results", raw)
        size = int(raw)
        state.search_calls.append((query, size))
        with state.lock:
            found = sorted((t for t in state.tweets.values() if predicate(t, state)), key=lambda t: int(t["id"]),
                           reverse=True)
        if since := request.args.get("since_id"):
            found = [t for t in found if int(t["id"]) > int(since)]
        if start := request.args.get("start_time"):
            found = [t for t in found if t["created_at"] >= start.replace("+00:00", "Z")[:19]]
        token = request.args.get("next_token", "")
        offset = int(token[1:]) if token[1:].isdigit() else 0
        page = found[offset:offset + size]
        body = render(page)
        if page and any(e.startswith("referenced_tweets.id") for e in request.args.get("expansions", "").split(",")):
            referenced = [state.tweets[r["id"]] for t in page for r in t.get("referenced_tweets", [])
                          if r["id"] in state.tweets]
            if referenced:
                body.setdefault("includes", {})["tweets"] = render(referenced)["data"]
        meta = {"result_count": len(page)}
        if page:
            meta.update(newest_id=page[0]["id"], oldest_id=page[-1]["id"])
        if offset + size < len(found):
            meta["next_token"] = f"b{offset + size}"
        body["meta"] = meta
        return jsonify(body), 200, headers
