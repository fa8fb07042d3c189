"""The Send API's sender actions `react` and `unreact`, for Messenger and
Instagram DMs, as Meta documents them: POST /{page-id or ig-id}/messages with
`recipient.id` and `payload.message_id` (the customer's message), `reaction`
set for `react` — any emoji on Messenger, `love` on Instagram — and left out
for `unreact`; the answer is `{"recipient_id": …}` alone.

Sources: developers.facebook.com/documentation/business-messaging/messenger-platform/send-messages/sender-actions
("React or unreact to a message") and …/instagram-messaging/features/send-message ("React to a message",
"Unreact to a message"). Neither page limits reactions to the messaging window, so none is applied here.
Errors use Graph's generic invalid-parameter answer (code 100): Meta documents no message of its own for these."""
from __future__ import annotations

import json

from flask import jsonify


def _field(payload: dict, name: str):
    """A JSON body gives objects; a form post (Meta's own curl samples) gives JSON text."""
    value = payload.get(name)
    if isinstance(value, str) and value.startswith("{"):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return value


def sender_reaction(state, payload: dict, graph_error, conversation: list | None, recipient: str,
                    only: str | None = None):
    """conversation: the messages between the account and `recipient` (None:
    no such person); only: the one reaction the platform takes (Instagram)."""
    action = payload.get("sender_action")
    body = _field(payload, "payload")
    if not isinstance(body, dict) or not isinstance(body.get("message_id"), str) or not body["message_id"]:
        return graph_error(400, "(#100) The parameter payload[message_id] is required", 100)
    if conversation is None:
        return graph_error(400, "(#100) No matching user found", 100, 2018001)
    mid = body["message_id"]
    if not any(m["id"] == mid for m in conversation):
        return graph_error(400, "(#100) Invalid parameter: payload[message_id]", 100)
    reaction = body.get("reaction")
    if action == "react" and (not isinstance(reaction, str) or not reaction or (only and reaction != only)):
        return graph_error(400, "(#100) Invalid parameter: payload[reaction]", 100)
    with state.lock:
        state.reaction_calls.append((action, mid))
        state.reaction_bodies.append(payload)
        if action == "react":
            state.reactions[mid] = reaction
        else:
            state.reactions.pop(mid, None)
    return jsonify({"recipient_id": recipient})
