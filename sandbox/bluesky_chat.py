"""The Bluesky emulator's chat service (chat.bsky.convo.*), reached through the
PDS with the `atproto-proxy: did:web:api.bsky.chat#bsky_chat` header: the
viewer's log (logBeginConvo, logCreateMessage with relatedProfiles), 1-1
conversations by members, messages sent and listed. Shapes: the lexicons
chat/bsky/convo/*.json of bluesky-social/atproto."""
from __future__ import annotations

import regex
from flask import request


def register_chat_routes(xrpc, state, _arg) -> None:
    # -- chat (through the PDS with the atproto-proxy header) ------------------------------
    @xrpc("chat.bsky.convo.getLog", chat=True)
    def get_log():
        logs = state.chat_log
        if _arg("cursor"):
            logs = [entry for entry in logs if entry["rev"] > _arg("cursor")]
        answer = {"logs": logs[:100]}
        if logs[:100]:
            answer["cursor"] = logs[:100][-1]["rev"]
        elif _arg("cursor"):
            answer["cursor"] = _arg("cursor")
        return answer

    def _convo_view(convo_id: str) -> dict:
        convo = state.convos[convo_id]
        view = {"id": convo_id, "rev": state.tid(), "members": [state.profiles[m] for m in convo["members"]],
                "muted": False, "unreadCount": 0, "status": "accepted"}
        if convo["messages"]:
            view["lastMessage"] = convo["messages"][-1]
        return view

    @xrpc("chat.bsky.convo.getConvoForMembers", chat=True)
    def get_convo_for_members():
        members = [m for m in request.args.getlist("members") if m != state.did]
        if len(members) != 1 or members[0] not in state.profiles:
            return 400, "InvalidRequest", "recipient not found"
        return {"convo": _convo_view(state._convo_for(members[0]))}

    @xrpc("chat.bsky.convo.sendMessage", chat=True)
    def send_message():
        body = request.get_json(silent=True) or {}
        if body.get("convoId") not in state.convos:
            return 400, "InvalidConvo", "Convo not found"
        message = body.get("message") or {}
        if len(regex.findall(r"\X", message.get("text", ""))) > 1000:
            return 400, "InvalidRequest", "Input/message/text must not be longer than 1000 graphemes"
        return state._send(body["convoId"], state.did, message)

    @xrpc("chat.bsky.convo.getMessages", chat=True)
    def get_messages():
        convo = state.convos.get(_arg("convoId"))
        if convo is None:
            return 400, "InvalidConvo", "Convo not found"
        return {"messages": list(reversed(convo["messages"]))[: int(_arg("limit", 50))]}

