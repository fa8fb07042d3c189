"""One Graph API client for every Meta platform (Facebook Page, Messenger,
Instagram): the base URL and token, `appsecret_proof` when the app secret is
known, cursor paging, a timeout, and Graph's errors mapped into the adapter
family:

- throttling (codes 4, 17, 32, 613, 80001-80006, 80008) → RateLimited, waiting
  as long as X-Business-Use-Case-Usage / X-App-Usage say
  (`estimated_time_to_regain_access`, in minutes), else 5 minutes;
- an invalid or expired token (190) → CredentialsRejected (shown once in the
  log and in a ⚠️ in the thread it blocked);
- transient (1, 2) and 5xx → AdapterError (retried), or AmbiguousSend for a
  write that may have landed;
- anything else → PermanentSendError with Graph's own message.
"""
from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Iterator

import requests

from adapters._meta_shapes import meta_attachments  # noqa: F401 - re-exported for the Meta adapters
from adapters.base import (ActionKind, AdapterError, AmbiguousSend, CredentialsRejected, PermanentSendError,
                           RateLimited, SentMessage)

THROTTLED = {4, 17, 32, 613, 80001, 80002, 80003, 80004, 80005, 80006, 80008}
TRANSIENT = {1, 2}
DEFAULT_WAIT = timedelta(minutes=5)


class GraphError(PermanentSendError):
    def __init__(self, message: str, code: int | None, subcode: int | None):
        super().__init__(message)
        self.code, self.subcode = code, subcode


def appsecret_proof(token: str, app_secret: str) -> str:
    return hmac.new(app_secret.encode(), token.encode(), hashlib.sha256).hexdigest()


def regain_wait(headers) -> timedelta:
    """How long Graph says to wait: the largest estimated_time_to_regain_access
    (minutes) in X-Business-Use-Case-Usage, or a full X-App-Usage means a
    rolling hour's worth of patience; else DEFAULT_WAIT."""
    minutes = 0
    raw = headers.get("X-Business-Use-Case-Usage")
    if raw:
        try:
            for entries in json.loads(raw).values():
                for entry in entries:
                    minutes = max(minutes, int(entry.get("estimated_time_to_regain_access") or 0))
        except (ValueError, AttributeError, TypeError):
            pass
    if minutes:
        return timedelta(minutes=minutes)
    raw = headers.get("X-App-Usage")
    if raw:
        try:
            usage = json.loads(raw)
            if max(int(usage.get(k) or 0) for k in ("call_count", "total_time", "total_cputime")) >= 100:
                return timedelta(minutes=60)
        except (ValueError, AttributeError, TypeError):
            pass
    return DEFAULT_WAIT


class GraphClient:
    def __init__(self, base_url: str, token: str, app_secret: str | None = None, timeout: float = 10.0,
                 clock: Callable[[], datetime] | None = None, label: str = "Meta"):
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.app_secret = app_secret
        self.timeout = timeout
        self.label = label
        # What an operator does when the token is refused (190): said in the log and the thread.
        self.token_hint = "create a new Page or Instagram token and set it in the environment"
        self.session = requests.Session()
        self._clock = clock or (lambda: datetime.now(timezone.utc))

    def _auth(self) -> dict:
        # The token travels in the Authorization header, never in a URL a log could print.
        auth = {}
        if self.app_secret:
            auth["appsecret_proof"] = appsecret_proof(self.token, self.app_secret)
        return auth

    def get(self, path: str, **params) -> dict:
        return self._request("GET", path, params=params)

    def post(self, path: str, payload: dict | None = None, **params) -> dict:
        return self._request("POST", path, params=params, payload=payload, writes=True)

    def delete(self, path: str, **params) -> dict:
        return self._request("DELETE", path, params=params, writes=True)

    def pages(self, path: str, limit_pages: int = 10, **params) -> Iterator[dict]:
        """Every item of an edge, following paging.cursors.after."""
        for _ in range(limit_pages):
            body = self.get(path, **params)
            yield from body.get("data", [])
            after = ((body.get("paging") or {}).get("cursors") or {}).get("after")
            if not after or not (body.get("paging") or {}).get("next"):
                return
            params["after"] = after

    def _request(self, method: str, path: str, params: dict, payload: dict | None = None,
                 writes: bool = False) -> dict:
        url = f"{self.base_url}/{path.lstrip('/')}"
        try:
            response = self.session.request(method, url, params={**params, **self._auth()}, json=payload,
                                            headers={"Authorization": f"Bearer {self.token}"}, timeout=self.timeout)
        except requests.ConnectionError as exc:
            if writes and not isinstance(exc, requests.ConnectTimeout):
                raise AmbiguousSend(f"{self.label} did not answer ({type(exc).__name__})") from None
            raise AdapterError(f"{self.label} unreachable: {type(exc).__name__}") from None
        except requests.Timeout as exc:
            if writes and not isinstance(exc, requests.ConnectTimeout):
                raise AmbiguousSend(f"{self.label} did not answer in time") from None
            raise AdapterError(f"{self.label} timed out") from None
        try:
            body: Any = response.json()
        except ValueError:
            body = {}
        if response.status_code < 400 and not (isinstance(body, dict) and "error" in body):
            return body if isinstance(body, dict) else {"data": body}
        error = (body.get("error") if isinstance(body, dict) else None) or {}
        code, subcode = error.get("code"), error.get("error_subcode")
        message = error.get("message") or f"HTTP {response.status_code}"
        if code in THROTTLED or response.status_code == 429:
            raise RateLimited(self._clock() + regain_wait(response.headers), f"{self.label} throttled ({message})")
        if code == 190:
            raise CredentialsRejected(f"{self.label} rejected the token ({message}): {self.token_hint}")
        if code in TRANSIENT or response.status_code >= 500:
            error_type = AmbiguousSend if writes else AdapterError
            raise error_type(f"{self.label} error {code or response.status_code}: {message}")
        raise GraphError(f"{self.label} refused it: {message}", code, subcode)


class MetaWebhook:
    """The webhook half every Meta platform shares: the subscription check
    (`hub.challenge` for the right `hub.verify_token`) and X-Hub-Signature-256
    (hex HMAC-SHA256 of the raw body), both compared in constant time. The
    adapter sets _verify_token and _webhook_secret."""
    webhook_name = "meta"
    _verify_token: str | None = None
    _webhook_secret: str | None = None
    reply_limits: tuple[int, int] = (0, 0)   # characters (public, private) the platform takes: the adapter's own

    def measure(self, text: str, kind: ActionKind = ActionKind.REPLY) -> tuple[int, int]:
        """Meta counts characters: check_reply and the composer's count use this one function."""
        return len(text), self.reply_limits[kind is ActionKind.PRIVATE]

    def handshake(self, query) -> tuple[int, dict | str]:
        expected = self._verify_token
        if query.get("hub.mode") == "subscribe" and expected and hmac.compare_digest(
                query.get("hub.verify_token", "").encode(), expected.encode()):
            return 200, query.get("hub.challenge", "")
        return 403, {"ok": False, "error": "wrong hub.verify_token (META_VERIFY_TOKEN)"}

    def verify_webhook(self, headers, body: bytes) -> bool:
        given = headers.get("X-Hub-Signature-256", "")
        if not self._webhook_secret or not given:
            return False
        expected = "sha256=" + hmac.new(self._webhook_secret.encode(), body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(given.encode(), expected.encode())


RESPONSE_WINDOW, HUMAN_AGENT_WINDOW = timedelta(hours=24), timedelta(days=7)
PRIVATE_REPLY_WINDOW = timedelta(days=7)


def messaging_window(human_agent: bool) -> timedelta:
    """How long after the customer's last message Meta lets us answer in
    Messenger or Instagram DMs: 24 h, or 7 days with the HUMAN_AGENT tag."""
    return HUMAN_AGENT_WINDOW if human_agent else RESPONSE_WINDOW


def messenger_window_problem(messenger: bool, customer_wrote: datetime, now: datetime,
                             human_agent: bool) -> str | None:
    """Why the Page may not privately answer now: a private reply to a comment
    takes 7 days; Messenger 24 h, or 7 days with the HUMAN_AGENT tag."""
    waited = now - customer_wrote
    if not messenger:
        if waited > PRIVATE_REPLY_WINDOW:
            return ("Facebook allows a private reply to a comment only within 7 days of it; this comment is "
                    "older. Answer in public, or wait for the customer to message the Page.")
        return None
    if waited <= RESPONSE_WINDOW or (waited <= HUMAN_AGENT_WINDOW and human_agent):
        return None
    if waited <= HUMAN_AGENT_WINDOW:
        return ("Messenger's 24-hour window closed (the customer last wrote "
                f"{customer_wrote:%Y-%m-%d %H:%M} UTC). With Meta's Human Agent permission approved, set "
                "MESSENGER_HUMAN_AGENT=on to answer up to 7 days; otherwise wait for the customer to write again.")
    return ("Messenger's 7-day window closed (the customer last wrote "
            f"{customer_wrote:%Y-%m-%d %H:%M} UTC): the Page cannot message them until they write again.")


def reaction_target(recipient: str, external_id: str) -> str:
    """A ❤️ on a private message is a Send API reaction on it: who, and which
    message (an edit's key carries "#edited…"; the reaction goes on the message)."""
    return f"react:{recipient}:{external_id.split('#')[0]}"


def send_heart(graph: GraphClient, messages_edge: str, target: str, reaction: str | None) -> SentMessage:
    """A ❤️ given (reaction set) or taken back (None). On a comment or post: its
    like (POST / DELETE /{id}/likes). On a private message (reaction_target):
    the Send API's sender action `react`, or `unreact` with only the message_id."""
    if not target.startswith("react:"):
        if reaction:
            graph.post(f"{target}/likes")
        else:
            graph.delete(f"{target}/likes")
        return SentMessage(target, None)
    _, recipient, mid = target.split(":", 2)
    graph.post(messages_edge, {"recipient": {"id": recipient}, "sender_action": "react" if reaction else "unreact",
                               "payload": {"message_id": mid, **({"reaction": reaction} if reaction else {})}})
    return SentMessage(mid, None)


def since_cursor(cursor: str | None, start_time: datetime | None) -> int:
    """Graph polling cursors are creation times (epoch seconds)."""
    return int(cursor) if cursor else (int(start_time.timestamp()) if start_time else 0)


def newest_first_result(found, newest: int, cursor: str | None):
    """Posts oldest first, and the cursor moved to the newest time seen (the
    same second is read again next time; the unique keys drop repeats)."""
    from adapters.base import FetchResult
    posts = sorted((p for p in found if p), key=lambda p: (p.created_at or datetime.min.replace(tzinfo=timezone.utc),
                                                          p.external_id))
    return FetchResult(posts=posts, cursor=str(newest) if newest else cursor, rate_limit=None)


def graph_time(value) -> datetime | None:
    """Meta's times: epoch milliseconds (messaging), epoch seconds (`time`,
    feed changes) or ISO 8601 with +0000 (Graph objects). A value that is none
    of these, or out of range, is no time (the ingestion time stands in)."""
    if isinstance(value, bool):
        return None
    try:
        if isinstance(value, (int, float)) or (isinstance(value, str) and value.isdigit()):
            number = int(value)
            return datetime.fromtimestamp(number / 1000 if number > 10**11 else number, timezone.utc)
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z").astimezone(timezone.utc) if value else None
    except (ValueError, TypeError, OverflowError, OSError):
        return None
