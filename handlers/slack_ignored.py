"""Valid Slack requests no listener takes: an event type socialdesk does not
use (app_mention), a button from an older version of a message, a shortcut,
a modal, app_rate_limited. Bolt answers those 404, and Slack counts failed
deliveries toward switching the app's events off; socialdesk answers 200 and
says in one log line what it ignored and why."""
from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def _text(value) -> str:
    return value if isinstance(value, str) and value else "?"


def describe(body: dict) -> tuple[int, str]:
    """(log level, line) for a request no listener took."""
    kind = body.get("type")
    if kind == "app_rate_limited":
        # Not ignorable news: Slack dropped this app's events for a minute.
        return logging.WARNING, (f"Slack rate-limited this app's events (minute_rate_limited "
                                 f"{body.get('minute_rate_limited')}): events of that minute were not delivered, "
                                 "so customer threads may miss staff replies or reactions from then; answered 200")
    if isinstance(body.get("event"), dict):
        event = body["event"]
        what = _text(event.get("type")) + (f"/{event['subtype']}" if isinstance(event.get("subtype"), str) else "")
        return logging.INFO, f"ignored Slack event {what}: socialdesk does not use it; answered 200"
    if kind in ("block_actions", "block_suggestion", "interactive_message"):
        actions = body.get("actions") if isinstance(body.get("actions"), list) else []
        names = ", ".join(_text(a.get("action_id") or a.get("name")) for a in actions if isinstance(a, dict))
        names = names or _text(body.get("action_id") or body.get("callback_id"))
        return logging.INFO, (f"ignored Slack {kind} {names}: no such control in this version of socialdesk "
                              "(a button on an older message?); answered 200")
    if kind in ("view_submission", "view_closed"):
        view = body.get("view") if isinstance(body.get("view"), dict) else {}
        return logging.INFO, (f"ignored Slack {kind} of view {_text(view.get('callback_id'))}: socialdesk "
                              "opened no such view; answered 200")
    if kind in ("shortcut", "message_action"):
        return logging.INFO, (f"ignored Slack {kind} {_text(body.get('callback_id'))}: socialdesk has no "
                              "shortcuts; answered 200")
    if isinstance(body.get("command"), str):
        return logging.INFO, f"ignored Slack command {body['command']}: socialdesk answers /social only; answered 200"
    return logging.INFO, f"ignored Slack request of type {_text(kind)}: socialdesk does not use it; answered 200"


def log_ignored(body: dict) -> None:
    level, line = describe(body if isinstance(body, dict) else {})
    log.log(level, "%s", line)


def ignored(what: str, why: str, level: int = logging.DEBUG) -> None:
    """The one line a listener logs when it acknowledges a request and does
    nothing with it (DEBUG for what happens all day: our own echoes, messages
    outside our threads)."""
    log.log(level, "ignored Slack %s: %s", what, why)
