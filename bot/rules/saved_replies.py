"""Saved replies without I/O: what a name may be, which `{variables}` a
text may use, what `!name more text` in a thread means, and the text it
expands to.

A text is Slack markup (it arrived through a slash command, and goes out
through the same `slack_to_plain` as a typed reply), so the values filled
in — customer names are outside input — are escaped for Slack first: `&`
in a name reaches the customer as `&`, and `<!channel>` in one pings nobody.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from bot.rules.text import escape_for_slack

NAME_SYNTAX = "1–32 of a-z, 0-9 and -"
VARIABLES = ("first_name", "name", "handle", "agent", "id")
_NAME = re.compile(r"[a-z0-9-]{1,32}")
_PLACEHOLDER = re.compile(r"\{([^{}\s]*)\}")
# Only `!name` at the very start, followed by the end or a space, calls a
# saved reply; "!!!", "! thanks" and "!important: …" are typed text. The name
# is matched in any case (a phone capitalises the first letter), so a
# capitalised call is never sent to the customer as typed.
_CALL = re.compile(r"!([A-Za-z0-9-]{1,32})(?:\s+(.*))?", re.DOTALL)
PRIVATE_FLAG = "--private"


@dataclass(frozen=True)
class Call:
    name: str
    more: str  # typed after the name, appended after a space ("" when nothing)


@dataclass(frozen=True)
class Customer:
    handle: str             # as the root shows it: "@carol" on X, the person's name on Facebook
    name: str | None        # the display name, where the platform gave one besides the handle
    conversation_id: int


def valid_name(name: str) -> bool:
    return bool(_NAME.fullmatch(name))


def parse_call(text: str) -> Call | None:
    """A thread message that calls a saved reply, or None for typed text."""
    found = _CALL.fullmatch(text.strip())
    if not found:
        return None
    return Call(found.group(1).lower(), (found.group(2) or "").strip())


def unknown_variables(text: str) -> list[str]:
    """The `{placeholders}` of a text that are no variable, in order, once each."""
    seen: list[str] = []
    for name in _PLACEHOLDER.findall(text):
        if name not in VARIABLES and name not in seen:
            seen.append(name)
    return seen


def parse_add(rest: str) -> tuple[str, bool, str] | str:
    """`[--private] NAME [--private] TEXT` (what follows `saved add`) →
    (name, private only, text), or the one line saying what is wrong."""
    words = rest.strip().split(None, 1)
    private = False
    if words and words[0].lower() == PRIVATE_FLAG:
        private, words = True, (words[1].split(None, 1) if len(words) > 1 else [])
    if len(words) < 2:
        return "Usage: `/social saved add NAME TEXT` (or `/social saved add NAME --private TEXT`)"
    name, text = words[0], words[1]
    if text.split(None, 1)[0].lower() == PRIVATE_FLAG:
        private, text = True, (text.split(None, 1)[1] if len(text.split(None, 1)) > 1 else "")
    if not valid_name(name):
        return f"`{escape_for_slack(name[:40])}` is not a saved reply name: use {NAME_SYNTAX}, e.g. `thanks`."
    if not text.strip():
        return f"Saved reply `{name}` needs a text: `/social saved add {name} TEXT`."
    unknown = unknown_variables(text)
    if unknown:
        which = ", ".join(f"`{{{escape_for_slack(v[:40])}}}`" for v in unknown)
        known = ", ".join(f"`{{{v}}}`" for v in VARIABLES)
        return f"Not saved: {which} is no variable; a saved reply may use {known}."
    return name, private, text.strip()


def first_name(customer: Customer) -> str:
    """The first word of the customer's name. Where the platform gave only a
    handle (X without a display name: `@carol`), the handle itself — a
    greeting by handle reads naturally there, a guessed name would not."""
    if customer.name and customer.name.strip():
        return customer.name.split()[0]
    handle = customer.handle.strip()
    return handle if handle.startswith("@") or not handle else handle.split()[0]


def values(customer: Customer, agent: str) -> dict[str, str]:
    """agent: the sender's name already as Slack markup (a display name
    escaped, or `<@U…>` for the send to resolve)."""
    name = customer.name.strip() if customer.name and customer.name.strip() else customer.handle
    return {"first_name": escape_for_slack(first_name(customer)), "name": escape_for_slack(name),
            "handle": escape_for_slack(customer.handle), "agent": agent, "id": f"#{customer.conversation_id}"}


def expand(text: str, call: Call, filled: dict[str, str]) -> str:
    """The saved text with its variables filled, then what was typed after
    the name. An unknown placeholder (the text was saved before a variable
    was dropped) stays as written rather than vanish."""
    body = _PLACEHOLDER.sub(lambda m: filled.get(m.group(1), m.group(0)), text)
    return f"{body} {call.more}" if call.more else body


def excerpt(text: str, limit: int = 1500) -> str:
    """A saved reply's text as a notice quotes it: a block's text is capped by
    Slack (3,000 characters in a section), a Facebook reply is not."""
    return text if len(text) <= limit else text[:limit].rstrip() + " …"


def preview(text: str, words: int = 8) -> str:
    """The first words of a saved text, for `/social saved list`."""
    split = text.split()
    return " ".join(split[:words]) + (" …" if len(split) > words else "")


def unknown_name_line(name: str, names: list[str]) -> str:
    """What the author of `!name` is told, privately, when there is no such saved reply."""
    there = ", ".join(f"`!{n}`" for n in names) if names else "none yet (`/social saved add NAME TEXT`)"
    return f"Nothing was sent: there is no saved reply `{name}`. Saved replies: {there}."
