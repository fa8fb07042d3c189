"""Staff delete a reply in Slack that already went out: where the platform lets the brand take
its public reply back (ReplyRemover: a Google review's owner reply), it is removed there too —
only while it is still that reply, so deleting an older Slack message never removes the newer
reply that replaced it. The call is made right after Slack's event is recorded; removing is
idempotent, and a failure is told to the person who deleted it (they can remove it on the
platform), never retried behind their back."""
from __future__ import annotations

import logging
from datetime import datetime

from adapters.base import AdapterError, PermanentSendError, ReplyRemover
from bot.deps import Deps
from bot.store import queries as store
from bot.store.models import Outbox

log = logging.getLogger(__name__)


def can_take_back(deps: Deps, row: Outbox) -> bool:
    return row.kind == "reply" and isinstance(deps.adapters.get(row.platform), ReplyRemover)


def take_back(deps: Deps, outbox_id: int, user: str, now: datetime) -> str:
    """Remove the public reply an outbox row sent; what to tell the person who deleted it."""
    with deps.sessions() as session:
        row = session.get(Outbox, outbox_id)
        target, text, conversation_id = row.target, row.sent_text or "", row.conversation_id
        label = deps.where_sent(row)
    try:
        removed = deps.adapters[row.platform].remove_reply(target, text)
    except (AdapterError, PermanentSendError) as exc:
        log.warning("#%s: the public reply of outbox %s was not removed (%s)", conversation_id, outbox_id, exc)
        return (f"🗑️ Deleted in Slack, but the reply is still on {label}: removing it there failed ({exc}). "
                f"Remove it on {label} itself.")
    with deps.sessions() as session:
        store.audit(session, now, user, "reply_removed" if removed else "reply_remove_skipped", conversation_id,
                    f"outbox {outbox_id}: {text}")
        session.commit()
    if removed:
        log.info("#%s: public reply of outbox %s removed on %s (deleted in Slack by %s)", conversation_id, outbox_id,
                 label, user)
        return f"🗑️ Deleted on {label} too: the public reply is gone."
    return (f"🗑️ Deleted in Slack only: a later reply has replaced this one on {label}, and it stays. "
            "Delete that one in this thread to remove it.")
