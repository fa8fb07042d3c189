"""`/social audit #42`: who published what in a conversation, where and when —
the exact text each platform accepted, edits, deletions, holds, who
overrode which REPLY_CHECK finding, and the changes people made to it.
Answered privately. The text of a private message (a DM, a private reply)
is shown only to people who may speak for the brand; guests and Slack
Connect users see that there was one, not what it said."""
from __future__ import annotations

import re
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store.models import Audit, Conversation, Outbox
from bot.slack.render import slack_date
from bot.rules.text import escape_for_slack

SHOWN = 40          # the newest entries; the table keeps them all
DETAIL_CHARS = 400  # per entry, so the answer stays one readable message
PRIVATE_TEXT = "(private message)"
WHAT = {"reply_sent": "📤 replied publicly", "private_sent": "🔒 sent privately", "like_sent": "❤️ liked the customer's post",
        "unlike_sent": "🤍 took the ❤️ back", "hide_sent": "🙈 hid it on the platform",
        "unhide_sent": "👀 showed it again on the platform", "reply_queued": "✍️ wrote a reply", "private_queued": "✍️ wrote a private message",
        "reply_held": "✋ reply held by the check", "private_held": "✋ private message held by the check",
        "check_overridden": "⚠️ overrode the check", "reply_edited": "✏️ edited before sending",
        "reply_deleted": "🗑️ deleted before sending", "reply_cancelled": "↩️ cancelled a held reply",
        "reply_undone": "↩️ undid a reply", "reply_failed": "❌ not sent",
        "reply_unconfirmed": "❓ may or may not have gone out (not sent again)", "reply_refused": "❌ refused when written",
        "private_refused": "❌ refused when written", "note": "📝 internal note",
        "claim": "👀 claimed it", "unclaim": "let go of it", "assign": "👤 assigned it", "resolve": "✅ resolved it",
        "reopen": "🔁 reopened it", "snooze": "💤 snoozed it", "unsnooze": "⏰ woke it from its snooze",
        "priority": "🚩 changed its priority", "sla_breach": "⏰ marked it overdue (no reply within the SLA)",
        "label_added": "🏷️ added the label", "label_removed": "🏷️ removed the label",
        "saved_reply_used": "💬 sent a saved reply", "saved_reply_unknown": "❔ called no saved reply (nothing sent)"}
# Entries that never carry a message's words: shown whoever asks.
_NO_TEXT = {"claim", "unclaim", "assign", "resolve", "reopen", "snooze", "unsnooze", "priority", "sla_breach",
            "reply_privately", "like_sent", "unlike_sent", "hide_sent", "unhide_sent", "note", "label_added",
            "label_removed"}
_OUTBOX = re.compile(r"^outbox ([0-9]{1,18})\b")
_OUTBOX_WORDS = re.compile(r"^outbox \d+:?\s*")
# Entries whose text is a staff message as Slack wrote it (&amp; for &), not plain text.
_MARKUP_ENDINGS = ("_queued", "_held")
_PERSON = re.compile(r"^[UW][A-Z0-9]+$")


def audit_answer(session: Session, conv_id: int, label: Callable[[str, bool], str],
                 sees_private: bool = True) -> str:
    conv = session.get(Conversation, conv_id)
    if conv is None:
        return f"There is no conversation #{conv_id}."
    rows = list(session.scalars(select(Audit).where(Audit.conversation_id == conv_id)
                                .order_by(Audit.id.desc()).limit(SHOWN)))
    if not rows:
        return f"*Audit of #{conv_id}*: nothing recorded yet."
    private_rows = set() if conv.private else _private_outbox_rows(session, rows)
    lines, hidden = [], False
    for row in reversed(rows):
        private = conv.private or row.action.startswith("private_") or _outbox_id(row) in private_rows
        if private and not sees_private and row.action not in _NO_TEXT:
            detail, hidden = f": {PRIVATE_TEXT}", True
        else:
            detail = _detail(row)
        who = _person(row.actor)
        lines.append(f"• {slack_date(row.at)} {who} {_what(row)}{detail}")
    title = f"*Audit of #{conv_id}* ({escape_for_slack(conv.customer_handle)}, {label(conv.platform, conv.private)})"
    older = " — newest shown" if len(rows) == SHOWN else ""
    footer = ("\n_The words of private messages are shown only to people who may speak for the brand._"
              if hidden else "")
    return f"{title}{older}\n" + "\n".join(lines) + footer


def _what(row: Audit) -> str:
    if row.action == "reply_privately":
        return "🔒 turned *Reply privately* off" if row.detail == "off" else "🔒 turned *Reply privately* on"
    return WHAT.get(row.action, row.action.replace("_", " "))


def _detail(row: Audit) -> str:
    if row.action in ("reply_privately", "note", "sla_breach", "like_sent", "unlike_sent", "hide_sent", "unhide_sent"):
        return ""  # a like's detail is the platform's id of the post: nothing a person reads
    detail = " ".join((row.detail or "").split())  # one line per entry: findings come one per line
    detail = _OUTBOX_WORDS.sub("", detail)  # the outbox row's number means nothing to a reader
    if row.action == "assign" and _PERSON.match(detail):
        return f" to <@{detail}>"  # Slack shows the mention as the person's name
    if len(detail) > DETAIL_CHARS:
        detail = detail[:DETAIL_CHARS] + "…"
    if row.action.endswith(_MARKUP_ENDINGS):  # already Slack markup (the staff message as Slack sent it): escaped once
        detail = detail.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    detail = escape_for_slack(detail).replace("“”", "(no text)")
    if row.action in ("label_added", "label_removed"):
        return f" `{detail}`"
    return f": {detail}" if detail else ""


def _person(actor: str) -> str:
    return f"<@{actor}>" if _PERSON.match(actor) else escape_for_slack(actor)


def _outbox_id(row: Audit) -> int | None:
    found = _OUTBOX.match(row.detail or "")
    return int(found.group(1)) if found else None


def _private_outbox_rows(session: Session, rows: list[Audit]) -> set[int]:
    """Outbox rows of these entries that went (or would have gone) privately:
    an edit or an override names only its outbox row."""
    ids = {i for i in map(_outbox_id, rows) if i is not None}
    if not ids:
        return set()
    return set(session.scalars(select(Outbox.id).where(Outbox.id.in_(ids), Outbox.kind == "private")))
