"""What a Slack request must look like before Bolt sees it.

Bolt and our listeners read fields by name and trust their types; a signed
but malformed body (an `event` that is a list, `payload` twice, UTF-16 JSON,
nesting a thousand deep, a `user` that is a number) would surface as a 500
with a traceback. These checks make each of those a one-line 400 instead —
found by tests/test_hostile_input.py's mutations of documented payloads."""
from __future__ import annotations

import hashlib
import hmac
import json
import time
from urllib.parse import parse_qsl

STALE_AFTER_S = 5 * 60
# Slack's own bodies nest about a dozen levels (a view's rich text is the
# deepest). Bolt deep-copies each request for its lazy listeners, which hits
# Python's recursion limit near 490 levels (measured, tests/test_slack_depth.py);
# json.loads itself fails near 1,000. Anything deeper than this is refused first.
MAX_DEPTH = 100
# Fields our listeners read as text, wherever they appear in an event.
TEXT_FIELDS = ("type", "subtype", "channel", "user", "ts", "thread_ts", "text", "event_ts", "reaction", "tab",
               "deleted_ts", "bot_id", "user_team", "item_user", "channel_type", "event_id", "team_id")
OBJECT_FIELDS = ("message", "previous_message", "item", "edited")
LISTENED = ("message", "reaction_added", "reaction_removed", "app_home_opened")  # event types listeners read
REQUIRED_TEXT = {"message": ("channel", "ts"), "reaction_added": ("user", "reaction"),
                 "reaction_removed": ("user", "reaction"), "app_home_opened": ("user",)}


def signature_ok(secret: str, headers, body: bytes, now: float | None = None) -> bool:
    """Slack's v0 signature over the raw bytes, in constant time; any header
    that is not plain ASCII digits / hex is simply wrong, never an error."""
    timestamp = headers.get("X-Slack-Request-Timestamp", "")
    signature = headers.get("X-Slack-Signature", "")
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) < 16) or not signature.isascii():
        return False
    if abs((time.time() if now is None else now) - int(timestamp)) > STALE_AFTER_S:
        return False
    expected = "v0=" + hmac.new(secret.encode(), b"v0:" + timestamp.encode() + b":" + body,
                                hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), signature.encode())


def body_problem(mimetype: str, body: bytes) -> tuple[int, str] | None:
    """(status, reason) for a signed body Bolt must not see, or None."""
    if mimetype not in ("application/json", "application/x-www-form-urlencoded"):
        return 415, f"unsupported content type {mimetype or '(none)'}"
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return 400, "body is not UTF-8"
    if text.startswith("\ufeff"):
        return 400, "body starts with a byte-order mark"
    if mimetype == "application/json" or text.startswith("{"):  # Bolt reads a body starting with { as JSON
        payload = _json_object(text)
        if payload is None:
            return 400, f"malformed JSON: the body must be one JSON object, nested at most {MAX_DEPTH} deep"
        return _event_problem(payload)
    fields = parse_qsl(text, keep_blank_values=True)
    names = [name for name, _ in fields]
    if len(names) != len(set(names)):
        return 400, "a form field appears twice"
    form = dict(fields)
    if "payload" in form:
        payload = _json_object(form["payload"])
        if payload is None:
            return 400, f"payload must be a JSON object, nested at most {MAX_DEPTH} deep"
        return _interaction_problem(payload)
    return None


def _json_object(text: str) -> dict | None:
    try:
        payload = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return payload if isinstance(payload, dict) and not _deeper_than(payload, MAX_DEPTH) else None


def _deeper_than(tree, limit: int) -> bool:
    """Whether objects and lists nest more than `limit` levels (walked without
    recursion, so the check cannot hit the limit it guards)."""
    level = [tree]
    for _ in range(limit):
        level = [child for node in level
                 for child in (node.values() if isinstance(node, dict) else node if isinstance(node, list) else ())
                 if isinstance(child, (dict, list))]
        if not level:
            return False
    return True


def _texts_problem(obj: dict, where: str) -> tuple[int, str] | None:
    for name in TEXT_FIELDS:
        if name in obj and obj[name] is not None and not isinstance(obj[name], str):
            return 400, f"{where}.{name} must be text"
    return None


def _event_problem(payload: dict) -> tuple[int, str] | None:
    problem = _texts_problem(payload, "body")
    if problem or "event" not in payload:
        return problem
    event = payload["event"]
    if not isinstance(event, dict) or not isinstance(event.get("type"), str):
        return 400, "event must be an object with a type"
    if event["type"] not in LISTENED:
        # Answered 200 and logged as ignored; other events' fields differ in
        # type (channel_created's `channel` and user_change's `user` are objects).
        return None
    problem = _texts_problem(event, "event")
    if problem:
        return problem
    for name in OBJECT_FIELDS:
        inner = event.get(name)
        if inner is not None and not isinstance(inner, dict):
            return 400, f"event.{name} must be an object"
        if inner is not None and (problem := _texts_problem(inner, f"event.{name}")):
            return problem
    required = REQUIRED_TEXT.get(event["type"], ())
    if event["type"] == "message" and event.get("subtype") in ("message_changed", "message_deleted"):
        required = ("channel",)
    missing = [name for name in required if not isinstance(event.get(name), str)]
    if missing:
        return 400, f"a {event['type']} event needs {', '.join(missing)}"
    if event["type"].startswith("reaction_") and not isinstance(event.get("item"), dict):
        return 400, "a reaction event needs an item"
    if "files" in event and not isinstance(event["files"], list):
        return 400, "event.files must be a list"
    if "authorizations" in payload and not (isinstance(payload["authorizations"], list) and all(
            isinstance(a, dict) for a in payload["authorizations"])):
        return 400, "authorizations must be a list of objects"
    return None


def _interaction_problem(payload: dict) -> tuple[int, str] | None:
    if not isinstance(payload.get("type"), str):
        return 400, "payload.type must be text"
    for name in ("user", "team", "channel", "container", "message", "view", "enterprise"):
        if payload.get(name) is not None and not isinstance(payload[name], dict):
            return 400, f"payload.{name} must be an object"
    user = payload.get("user") or {}
    if not isinstance(user.get("id"), str):
        return 400, "payload.user.id must be text"
    for name in ("channel", "team"):
        inner = payload.get(name) or {}
        if "id" in inner and not isinstance(inner["id"], str):
            return 400, f"payload.{name}.id must be text"
    for name in ("container", "message"):
        if problem := _texts_problem(payload.get(name) or {}, f"payload.{name}"):
            return problem
    for name in ("trigger_id", "response_url", "api_app_id", "token", "callback_id"):
        if payload.get(name) is not None and not isinstance(payload[name], str):
            return 400, f"payload.{name} must be text"
    actions = payload.get("actions", [])
    if not isinstance(actions, list) or not all(isinstance(a, dict) for a in actions):
        return 400, "payload.actions must be a list of objects"
    if payload["type"] == "block_actions" and not actions:
        return 400, "block_actions without actions"
    for action in actions:
        if payload["type"] == "block_actions" and not isinstance(action.get("action_id"), str):
            return 400, "an action needs an action_id"
        for name in ("action_id", "block_id", "value", "type", "action_ts"):
            if action.get(name) is not None and not isinstance(action[name], str):
                return 400, f"an action's {name} must be text"
        option = action.get("selected_option")
        if option is not None and not (isinstance(option, dict) and isinstance(option.get("value"), str)):
            return 400, "an action's selected_option must be an object with a text value"
    return None
