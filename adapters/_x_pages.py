"""Reading what X answered: a page of posts or DM events (each unreadable
item logged and skipped by _x_wire.readable, never raised), its cursor and
next-page token, its rate-limit headers and its problem details."""
from __future__ import annotations

from datetime import datetime, timezone

import requests
import tweepy
import urllib3

from adapters import _x_wire as wire
from adapters.base import AdapterError, InboundPost, RateLimit


def rate_limit(response: requests.Response | None) -> RateLimit | None:
    if response is None:
        return None
    remaining = response.headers.get("x-rate-limit-remaining")
    reset = response.headers.get("x-rate-limit-reset")
    if remaining is None or reset is None or not remaining.isdigit() or not reset.isdigit():
        return None
    return RateLimit(int(remaining), datetime.fromtimestamp(int(reset), timezone.utc))


def error_detail(exc: tweepy.HTTPException) -> str:
    try:
        body = exc.response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return f"HTTP {exc.response.status_code}"
    detail = body.get("detail") or body.get("title")
    if not detail and isinstance(body.get("errors"), list):
        detail = "; ".join(str(e.get("message") or e.get("detail", "")) for e in body["errors"] if isinstance(e, dict))
    return str(detail or f"HTTP {exc.response.status_code}")


def snowflake(value) -> bool:
    return isinstance(value, str) and value.isdigit()


def page_of(response) -> dict:
    """A page X answered; one that is not a JSON object is an outage for
    polling (retried with backoff), never a crash of the pass."""
    try:
        body = response.json()
    except ValueError:
        raise AdapterError("X answered a page that is not JSON") from None
    if not isinstance(body, dict):
        raise AdapterError("X answered a page that is not a JSON object")
    return body


def newest(body: dict) -> str | None:
    """The cursor to keep: X's meta.newest_id, else the highest id on the page
    — so a page whose posts were all skipped still moves the cursor on."""
    newest = meta(body).get("newest_id")
    if snowflake(newest):
        return newest
    ids = [int(t["id"]) for t in items(body) if isinstance(t, dict) and snowflake(t.get("id"))]
    return str(max(ids)) if ids else None


def first_problem(body: dict) -> str:
    errors = body.get("errors") if isinstance(body.get("errors"), list) else []
    first = errors[0] if errors and isinstance(errors[0], dict) else {}
    return str(first.get("detail") or first.get("title") or "no data in the answer")


def oldest_first(posts: list[InboundPost]) -> list[InboundPost]:
    return sorted(posts, key=lambda p: int(p.external_id) if p.external_id.isdigit() else 0)


def meta(body: dict) -> dict:
    return body["meta"] if isinstance(body.get("meta"), dict) else {}


def next_token(body: dict) -> str | None:
    token = meta(body).get("next_token")
    return token if isinstance(token, str) and token else None


def items(body: dict) -> list:
    """A page's `data` when it is the list X sends; anything else reads as empty."""
    data = body.get("data")
    return data if isinstance(data, list) else []


def included_users(body: dict) -> dict:
    includes = body.get("includes")
    return wire.users_by_id(includes.get("users") if isinstance(includes, dict) else None)


def posts_on_page(body: dict, account: str, what: str = "post") -> list[InboundPost]:
    """The posts of a v2 page (mentions, quotes) with their authors from
    `includes`; each unreadable one logged and skipped."""
    users = included_users(body)
    return wire.readable(body.get("data"), what, lambda tweet: wire.post_from_v2(tweet, users, account))


def dm_on_page(event, users: dict, account: str) -> InboundPost | None:
    """One event of a v2 DM page; None (logged) when it cannot be read."""
    [post] = wire.readable([event], "DM", lambda e: wire.dm_from_v2(e, users, account)) or [None]
    return post


def never_reached_x(exc: requests.RequestException) -> bool:
    """True when the request cannot have arrived: no connection was made."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    reason = getattr(exc.args[0] if exc.args else None, "reason", None)
    return isinstance(exc, requests.ConnectionError) and isinstance(reason, urllib3.exceptions.NewConnectionError)
