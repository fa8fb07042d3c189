"""Modals in the Slack emulator: views.open and views.update as Slack answers
them, and what a person does in an open modal — type, pick, submit, close —
sent to the app signed, in Slack's payload shapes.

Facts kept (docs.slack.dev/reference/methods/views.open and views.update;
slack-ruby/slack-api-ref methods/views/*.json): a trigger_id is good for 3 s
(`expired_trigger_id` after; an unknown one is `invalid_arguments` with
"invalid `trigger_id`"); an update whose `hash` is not the view's current
one is `hash_conflict`; an unknown view_id is `not_found`. A person's input
survives an update in every block whose block_id and action_id stay (so a
new block_id is how an app replaces what was typed). A submission answered
with `response_action: errors` keeps the modal open with the errors shown;
any other 200 closes it; `view_closed` is sent only with notify_on_close."""
from __future__ import annotations

import itertools
import json
import uuid

import requests
from flask import jsonify

TRIGGER_SECONDS = 3
MAX_TITLE = 24
MAX_VIEW_BLOCKS = 100
_ids = itertools.count(1)


def new_trigger(state, user: str) -> str:
    """A trigger_id as Slack puts in an interaction ("12345.98765.abcd2358fdea"), good for 3 s."""
    trigger = f"{int(state.clock())}{next(_ids)}.{abs(hash(state.team_id)) % 10**12}.{uuid.uuid4().hex}"
    with state.lock:
        state.triggers[trigger] = (user, state.clock())
    return trigger


def _view_problem(view) -> str | None:
    if not isinstance(view, dict) or view.get("type") != "modal":
        return "invalid `view`: type must be modal"
    title = (view.get("title") or {}).get("text", "")
    if not title or len(title) > MAX_TITLE:
        return f"must be less than {MAX_TITLE + 1} characters [json-pointer:/view/title/text]"
    blocks = view.get("blocks")
    if not isinstance(blocks, list) or len(blocks) > MAX_VIEW_BLOCKS or not all(
            isinstance(b, dict) and "type" in b for b in blocks):
        return "invalid `blocks` [json-pointer:/view/blocks]"
    if any(b["type"] == "input" for b in blocks) and not view.get("submit"):
        return "must provide a submit property when using input blocks [json-pointer:/view]"
    if len(view.get("private_metadata") or "") > 3000:
        return "must be less than 3001 characters [json-pointer:/view/private_metadata]"
    return None


def _inputs(view: dict) -> dict:
    """(block_id, action_id) → the element, for every input block."""
    return {(b.get("block_id"), b["element"].get("action_id")): b["element"]
            for b in view["blocks"] if b["type"] == "input" and isinstance(b.get("element"), dict)}


def _initial(element: dict) -> dict | None:
    if element["type"] == "plain_text_input":
        return {"type": "plain_text_input", "value": element.get("initial_value")}
    if element["type"] in ("radio_buttons", "static_select"):
        return {"type": element["type"], "selected_option": element.get("initial_option")}
    return None


def _stored(state, view: dict, view_id: str, user: str, previous: dict | None) -> dict:
    values = {}
    kept = ((previous or {}).get("state") or {}).get("values") or {}
    for (block_id, action_id), element in _inputs(view).items():
        value = (kept.get(block_id) or {}).get(action_id) or _initial(element)
        if value is not None:
            values.setdefault(block_id, {})[action_id] = value
    with state.lock:
        return {"id": view_id, "team_id": state.team_id, "type": "modal", "title": view.get("title"),
                "submit": view.get("submit"), "close": view.get("close"), "blocks": view["blocks"],
                "private_metadata": view.get("private_metadata", ""), "callback_id": view.get("callback_id", ""),
                "external_id": view.get("external_id", ""), "state": {"values": values},
                "hash": f"{int(state.clock())}.{uuid.uuid4().hex[:8]}", "clear_on_close": False,
                "notify_on_close": bool(view.get("notify_on_close")), "root_view_id": view_id,
                "previous_view_id": None, "app_id": "A0SANDBOX", "app_installed_team_id": state.team_id,
                "bot_id": state.bot_id}


def add_view_methods(state, methods: dict, error) -> None:
    def views_open(p: dict):
        trigger = p.get("trigger_id")
        with state.lock:
            issued = state.triggers.get(trigger)
        if issued is None:
            return error("invalid_arguments", response_metadata={"messages": ["invalid `trigger_id`"]})
        if state.clock() - issued[1] > TRIGGER_SECONDS:
            return error("expired_trigger_id")
        problem = _view_problem(p.get("view"))
        if problem:
            return error("invalid_arguments", response_metadata={"messages": [problem]})
        view_id = f"V0{next(_ids):08d}"
        stored = _stored(state, p["view"], view_id, issued[0], None)
        with state.lock:
            state.modals[view_id] = {"user": issued[0], "view": stored, "errors": {}, "open": True}
        return jsonify({"ok": True, "view": stored})

    def views_update(p: dict):
        with state.lock:
            modal = state.modals.get(p.get("view_id"))
            if modal is None or not modal["open"]:
                return error("not_found")
            if p.get("hash") and p["hash"] != modal["view"]["hash"]:
                return error("hash_conflict")
            problem = _view_problem(p.get("view"))
            if problem:
                return error("invalid_arguments", response_metadata={"messages": [problem]})
            modal["view"] = _stored(state, p["view"], p["view_id"], modal["user"], modal["view"])
            modal["updates"] = modal.get("updates", 0) + 1
            modal["errors"] = {}  # the client draws the updated view afresh
            return jsonify({"ok": True, "view": modal["view"]})

    methods.update({"views.open": views_open, "views.update": views_update})


# -- the person's side ---------------------------------------------------------------

def open_modals(state, user: str | None = None) -> list[dict]:
    """The views open now (newest last), each {"user", "view", "errors", "open"}."""
    with state.lock:
        return [m for m in state.modals.values() if m["open"] and (user is None or m["user"] == user)]


def _who(state, user: str) -> dict:
    name = state.users.get(user, {}).get("display_name", user)
    return {"id": user, "username": name, "name": name, "team_id": state.team_id}


def _send(state, payload: dict) -> requests.Response:
    return state.deliver_form({"payload": json.dumps(payload)})


def user_edits(state, view_id: str, action_id: str, value) -> requests.Response:
    """A keystroke in a plain_text_input (value: the whole text), or a pick in a
    radio or select (value: the option's value): the modal's state changes and,
    when the block dispatches actions, block_actions is sent as Slack does."""
    with state.lock:
        modal = state.modals[view_id]
        view = modal["view"]
        (block_id, _), element = next(((k, e) for k, e in _inputs(view).items() if k[1] == action_id))
        if element["type"] == "plain_text_input":
            entry = {"type": "plain_text_input", "value": value}
            action = {"type": "plain_text_input", "block_id": block_id, "action_id": action_id, "value": value}
        else:
            option = next(o for o in element.get("options", []) if o["value"] == value)
            entry = {"type": element["type"], "selected_option": option}
            action = {"type": element["type"], "block_id": block_id, "action_id": action_id,
                      "selected_option": option}
        view["state"]["values"].setdefault(block_id, {})[action_id] = entry
        block = next(b for b in view["blocks"] if b.get("block_id") == block_id)
        payload = {"type": "block_actions", "user": _who(state, modal["user"]), "api_app_id": "A0SANDBOX",
                   "token": "legacy-verification-token", "container": {"type": "view", "view_id": view_id},
                   "trigger_id": new_trigger(state, modal["user"]), "team": {"id": state.team_id, "domain": "sandbox"},
                   "enterprise": None, "is_enterprise_install": False, "view": json.loads(json.dumps(view)),
                   "actions": [{**action, "action_ts": state.next_ts()}]}
    if not block.get("dispatch_action"):
        return None
    return _send(state, payload)


def user_submits(state, view_id: str) -> requests.Response:
    """Submit: Slack closes the modal on a plain 200, shows errors and keeps it
    open on `response_action: errors`."""
    with state.lock:
        modal = state.modals[view_id]
        payload = {"type": "view_submission", "team": {"id": state.team_id, "domain": "sandbox"},
                   "user": _who(state, modal["user"]), "api_app_id": "A0SANDBOX",
                   "token": "legacy-verification-token", "trigger_id": new_trigger(state, modal["user"]),
                   "view": json.loads(json.dumps(modal["view"])), "response_urls": [],
                   "is_enterprise_install": False, "enterprise": None}
    response = _send(state, payload)
    answer = {}
    if response.status_code == 200 and response.content:
        try:
            answer = response.json()
        except ValueError:
            answer = {}
    with state.lock:
        if response.status_code == 200 and answer.get("response_action") == "errors":
            modal["errors"] = answer.get("errors") or {}
        elif response.status_code == 200:
            modal["open"], modal["errors"] = False, {}
    return response


def user_closes(state, view_id: str) -> requests.Response | None:
    """Cancel (or ×): the modal goes; the app hears of it only with notify_on_close."""
    with state.lock:
        modal = state.modals[view_id]
        modal["open"] = False
        payload = {"type": "view_closed", "team": {"id": state.team_id, "domain": "sandbox"},
                   "user": _who(state, modal["user"]), "api_app_id": "A0SANDBOX",
                   "token": "legacy-verification-token", "view": json.loads(json.dumps(modal["view"])),
                   "is_cleared": False, "is_enterprise_install": False, "enterprise": None}
    if not modal["view"].get("notify_on_close"):
        return None
    return _send(state, payload)
