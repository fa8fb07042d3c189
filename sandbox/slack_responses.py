"""A press's response_url in the Slack emulator: the one way an app changes
an ephemeral message (chat.update refuses them). A press on an ephemeral
arrives as Slack sends it — container.is_ephemeral, no message, a
response_url — and that URL replaces the ephemeral (replace_original),
removes it (delete_original) or sends the same person a new one."""
from __future__ import annotations

import json

import requests
from flask import Flask, request


def press_ephemeral(state, user: str, index: int, action_id: str) -> requests.Response:
    """A click on a button of the ephemeral message `index` (in
    state.ephemerals): Slack sends container.is_ephemeral and a response_url
    that replaces that ephemeral (no message: the app never stored it)."""
    shown = state.ephemerals[index]
    button = next(e for b in shown.get("blocks") or [] for e in b.get("elements", [])
                  if e.get("action_id") == action_id)
    block_id = next(b.get("block_id") for b in shown["blocks"] if button in b.get("elements", []))
    payload = {"type": "block_actions", "token": "legacy-verification-token", "api_app_id": "A0SANDBOX",
               "user": {"id": user, "username": state.users.get(user, {}).get("display_name", user),
                        "team_id": state.team_id},
               "team": {"id": state.team_id, "domain": "sandbox"}, "trigger_id": state.next_ts(),
               "channel": {"id": shown["channel"], "name": state.channels.get(shown["channel"], "")},
               "container": {"type": "message", "message_ts": shown["message_ts"],
                             "channel_id": shown["channel"], "is_ephemeral": True},
               "response_url": f"{state.own_url}response/{index}",
               "actions": [{"action_ts": state.next_ts(), "type": "button", "block_id": block_id,
                            "action_id": action_id, "value": button.get("value"), "text": button["text"]}]}
    return state.deliver_form({"payload": json.dumps(payload)})


def add_response_urls(app: Flask, state) -> None:
    @app.route("/response/<int:index>", methods=["POST"])
    def respond(index: int):
        """A press's response_url (Slack's hooks.slack.com/actions/…): with
        replace_original the ephemeral pressed is replaced (the only way an app
        changes an ephemeral), delete_original removes it, otherwise a new
        ephemeral goes to the same person."""
        body = request.get_json(silent=True)
        if not isinstance(body, dict) or index >= len(state.ephemerals):
            return "invalid_payload", 400
        with state.lock:
            state.responses.append((index, body))
            shown = state.ephemerals[index]
            if str(body.get("delete_original")).lower() == "true":
                shown["deleted"] = True
            elif str(body.get("replace_original")).lower() == "true":
                shown.setdefault("replaced", []).append({"text": shown["text"], "blocks": shown["blocks"]})
                shown["text"], shown["blocks"] = body.get("text", ""), body.get("blocks")
            else:
                state.ephemerals.append({"channel": shown["channel"], "user": shown["user"],
                                         "text": body.get("text", ""), "thread_ts": shown["thread_ts"],
                                         "blocks": body.get("blocks"), "message_ts": state.next_ts()})
        return "ok"
