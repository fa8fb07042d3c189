"""Signed Slack requests, as Slack sends them (used by the emulator and tests)."""
from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from urllib.parse import urlencode


def sign(secret: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    timestamp = int(time.time()) if timestamp is None else timestamp
    base = b"v0:" + str(timestamp).encode() + b":" + body
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": str(timestamp), "X-Slack-Signature": f"v0={digest}"}


def event_envelope(event: dict, team_id: str = "T0SANDBOX", bot_user: str = "U0BOT",
                   api_app_id: str = "A0SANDBOX") -> dict:
    return {
        "token": "legacy-verification-token", "team_id": team_id, "api_app_id": api_app_id,
        "event": event, "type": "event_callback", "event_id": "Ev" + uuid.uuid4().hex[:10].upper(),
        "event_time": int(time.time()), "is_ext_shared_channel": False,
        "authorizations": [{"enterprise_id": None, "team_id": team_id, "user_id": bot_user,
                            "is_bot": True, "is_enterprise_install": False}],
    }


def json_request(secret: str, payload: dict, timestamp: int | None = None) -> tuple[bytes, dict]:
    body = json.dumps(payload).encode()
    return body, {"Content-Type": "application/json", **sign(secret, body, timestamp)}


def form_request(secret: str, fields: dict, timestamp: int | None = None) -> tuple[bytes, dict]:
    body = urlencode(fields).encode()
    return body, {"Content-Type": "application/x-www-form-urlencoded", **sign(secret, body, timestamp)}
