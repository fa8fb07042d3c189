"""`/social audit #42`: who published what in a conversation, where and when —
the exact text each platform accepted, edits, deletions, holds and who
overrode which REPLY_CHECK finding. Answered privately."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store.models import Audit, Conversation
from bot.slack.render import slack_date
from bot.rules.text import escape_for_slack

SHOWN = 40          # the newest entries; the table keeps them all
DETAIL_CHARS = 400  # per entry, so the answer stays one readable message
WHAT = {"reply_sent": "📤 replied publicly", "private_sent": "🔒 sent privately", "like_sent": "❤️ liked",
        "unlike_sent": "🤍 unliked", "reply_queued": "✍️ wrote a reply", "private_queued": "✍️ wrote a private message",
        "reply_held": "✋ reply held by the check", "private_held": "✋ private message held by the check",
        "check_overridden": "⚠️ overrode the check", "reply_edited": "✏️ edited before sending",
        "reply_deleted": "🗑️ deleted before sending", "reply_cancelled": "↩️ cancelled a held reply",
        "reply_undone": "↩️ undid a reply", "reply_failed": "❌ not sent",
        "reply_unconfirmed": "❓ may or may not have gone out (not sent again)", "reply_refused": "❌ refused when written",
        "private_refused": "❌ refused when written", "note": "📝 internal note",
        "saved_reply_used": "💬 sent a saved reply", "saved_reply_unknown": "❔ called no saved reply (nothing sent)"}


def audit_answer(session: Session, conv_id: int) -> str:
    conv = session.get(Conversation, conv_id)
    if conv is None:
        return f"There is no conversation #{conv_id}."
    rows = list(session.scalars(select(Audit).where(Audit.conversation_id == conv_id)
                                .order_by(Audit.id.desc()).limit(SHOWN)))
    if not rows:
        return f"*Audit of #{conv_id}*: nothing recorded yet."
    lines = []
    for row in reversed(rows):
        detail = " ".join((row.detail or "").split())  # one line per entry: findings come one per line
        if len(detail) > DETAIL_CHARS:
            detail = detail[:DETAIL_CHARS] + "…"
        detail = f": {escape_for_slack(detail)}" if detail else ""
        who = f"<@{row.actor}>" if row.actor[:1] in "UW" else escape_for_slack(row.actor)
        lines.append(f"• {slack_date(row.at)} {who} {WHAT.get(row.action, row.action.replace('_', ' '))}{detail}")
    title = f"*Audit of #{conv_id}* ({escape_for_slack(conv.customer_handle)}, {conv.platform})"
    older = " — newest shown" if len(rows) == SHOWN else ""
    return f"{title}{older}\n" + "\n".join(lines)
