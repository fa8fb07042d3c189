"""The demo page's modals (the ✍️ Reply composer): the page asks which views
are open for the staff member it plays, and types, picks, submits and closes
through sandbox.slack_views — signed requests to the bot, as Slack sends them.
The drawing is sandbox/static/modal.js."""
from __future__ import annotations

import threading
from importlib import resources

import requests
from flask import Flask, jsonify, request

from sandbox.slack_views import open_modals, user_closes, user_edits, user_submits


def add_modal_routes(app: Flask, slack) -> None:
    @app.get("/modal.js")
    def modal_js():
        body = resources.files("sandbox").joinpath("static/modal.js").read_text(encoding="utf-8")
        return body, 200, {"Content-Type": "text/javascript; charset=utf-8"}

    @app.get("/modals")
    def modals():
        user = request.args.get("user")
        return jsonify([{"view_id": m["view"]["id"], "title": m["view"]["title"]["text"],
                         "submit": (m["view"].get("submit") or {}).get("text", "Submit"),
                         "close": (m["view"].get("close") or {}).get("text", "Cancel"), "blocks": m["view"]["blocks"],
                         "values": m["view"]["state"]["values"], "errors": m["errors"]}
                        for m in open_modals(slack, user)])

    def _modal(form: dict):
        modal = slack.modals.get(form.get("view_id"))
        return modal if modal and modal["open"] and modal["user"] == form.get("user") else None

    @app.post("/modal/<what>")
    def modal_do(what: str):
        form = request.get_json(silent=True) or {}
        if what not in ("edit", "submit", "close") or _modal(form) is None:
            return jsonify({"ok": False, "error": "no such open modal for that staff member"}), 400
        try:
            if what == "edit":
                if not form.get("action_id"):
                    return jsonify({"ok": False, "error": "action_id is required"}), 400
                # As Slack's client: the keystroke is sent without waiting for the app.
                threading.Thread(target=user_edits, args=(slack, form["view_id"], form["action_id"],
                                                          form.get("value")), daemon=True).start()
                return jsonify({"ok": True})
            if what == "close":
                user_closes(slack, form["view_id"])
                return jsonify({"ok": True})
            response = user_submits(slack, form["view_id"])
        except (requests.RequestException, StopIteration) as exc:
            return jsonify({"ok": False, "error": f"the bot did not answer: {type(exc).__name__}"}), 503
        if response.status_code != 200:
            return jsonify({"ok": False, "error": f"the bot answered HTTP {response.status_code}"}), 502
        return jsonify({"ok": True, "errors": slack.modals[form["view_id"]]["errors"]})
