"""Small readers over emulator state, shared by the flow tests."""
from __future__ import annotations


def roots(slack_state, channel: str = "C0SUPPORT") -> list[dict]:
    return slack_state.roots(channel)


def thread(slack_state, root: dict) -> list[dict]:
    return slack_state.thread(root["channel"], root["ts"])


def calls(slack_state, method: str) -> list[dict]:
    return [params for name, params in slack_state.calls if name == method]


def all_text(message: dict) -> str:
    """Everything Slack would render for a message: text, blocks and attachments."""
    parts = [message.get("text") or ""]
    for block in (message.get("blocks") or []) + [b for a in message.get("attachments") or [] for b in a.get("blocks", [])]:
        if isinstance(block.get("text"), dict):
            parts.append(block["text"]["text"])
        for element in block.get("elements", []):
            if isinstance(element, dict) and "text" in element:
                text = element["text"]
                parts.append(text["text"] if isinstance(text, dict) else text)
    return "\n".join(parts)
