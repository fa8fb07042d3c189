"""Customer text is untrusted; Slack text has markup. Convert both ways."""
from __future__ import annotations

import re
from typing import Callable

# Slack's Block Kit section text is capped at 3000 characters.
SECTION_LIMIT = 3000


def escape_for_slack(text: str) -> str:
    """Escape the three characters Slack parses as markup in `text` and mrkdwn,
    so '<!channel>' from a customer pings nobody and is shown literally."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def split_for_sections(text: str, limit: int = SECTION_LIMIT) -> list[str]:
    """Split escaped text into chunks a section block accepts, preferring line
    breaks and never cutting an &amp;-style entity in half."""
    chunks: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit)
        if cut < limit // 2:
            cut = rest.rfind(" ", 0, limit)
        if cut < limit // 2:
            cut = limit
        amp = rest.rfind("&", max(0, cut - 5), cut)
        if amp != -1 and ";" not in rest[amp:cut]:
            cut = amp
        chunks.append(rest[:cut])
        rest = rest[cut:].lstrip("\n")
    chunks.append(rest)
    return chunks


_LINK = re.compile(r"<([^<>|]+)(?:\|([^<>]*))?>")


def slack_to_plain(text: str, display_name: Callable[[str], str]) -> str:
    """Turn Slack message markup back into what a customer should read.

    `<url|label>` → url, `<@U123>` → the person's display name,
    `<#C123|name>` → #name, `<!here>` → @here, then &amp; &lt; &gt; decoded.
    """
    def replace(match: re.Match[str]) -> str:
        target, label = match.group(1), match.group(2)
        if target.startswith("@"):
            return display_name(target[1:])
        if target.startswith("#"):
            return "#" + (label or target[1:])
        if target.startswith("!"):
            special = target[1:].split("^")[0]
            return label or ("@" + special)
        if target.startswith("mailto:"):
            return target[len("mailto:"):]
        return target

    plain = _LINK.sub(replace, text)
    return plain.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def is_internal_note(text: str) -> bool:
    return text.lstrip().lower().startswith("note:")
