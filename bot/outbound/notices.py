"""The ⚠️ "not sent" notices staff are owed, each posted exactly once.

A reply that will not reach the customer (refused when written, or refused by
the platform) sets outbox.notice_due_at — and so does one that may have reached
it but cannot be looked up (its notice says so). The notice is claimed like a customer
post (a conditional UPDATE, committed before the Slack call), marked with the
outbox id as message metadata, and a retry after a failure first looks for the
mark — so a lost Slack answer never shows the warning twice, and a Slack
outage never loses it (the deliver pass retries with backoff).
"""
from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select, update

from bot.deps import Deps, backoff
from bot.store.models import Conversation, Outbox
from bot.slack.slack_out import SLACK_ERRORS

log = logging.getLogger(__name__)


WHAT = {"reply": "your reply was", "private": "your private message was", "like": "your ❤️ was",
        "unlike": "removing your ❤️ was"}


# A failed row still uncertain: an earlier attempt may have reached the
# customer and nobody could look (bot.outbound.deliver) — never called "not sent".
UNSURE = {"reply": "your reply", "private": "your private message"}


def not_sent_text(row: Outbox) -> str:
    if row.kind in ("like", "unlike"):
        return f"⚠️ <@{row.staff_user}> {WHAT[row.kind]} *not passed on* to the platform: {row.last_error}"
    if row.uncertain_since is not None:
        return (f"⚠️ <@{row.staff_user}> {UNSURE.get(row.kind, 'your reply')} *may or may not have reached* the "
                f"customer: {row.last_error} Until someone checks, the conversation stays waiting on us.")
    return (f"⚠️ <@{row.staff_user}> {WHAT.get(row.kind, 'your reply was')} *not sent* to the customer: "
            f"{row.last_error} The conversation is still waiting on us.")


def _set_due(session, row_id: int, when: datetime | None) -> None:
    session.execute(update(Outbox).where(Outbox.id == row_id).values(notice_due_at=when)
                    .execution_options(synchronize_session=False))
    session.commit()


def post_due_notices(deps: Deps, now: datetime, only_id: int | None = None, limit: int = 100) -> int:
    with deps.sessions() as session:
        query = (select(Outbox.id).where(Outbox.notice_due_at <= now)
                 .order_by(Outbox.notice_due_at).limit(limit))
        if only_id is not None:
            query = query.where(Outbox.id == only_id)
        ids = list(session.scalars(query))
    posted = 0
    for row_id in ids:
        with deps.sessions() as session:
            claimed = session.execute(
                update(Outbox).where(Outbox.id == row_id, Outbox.notice_due_at <= now)
                .values(notice_due_at=now + deps.settings.delivery_lease,
                        notice_attempts=Outbox.notice_attempts + 1)
                .execution_options(synchronize_session=False)).rowcount == 1
            session.commit()
            if not claimed:
                continue  # another process is posting it
            row = session.get(Outbox, row_id)
            conv = session.get(Conversation, row.conversation_id)
            session.commit()  # no transaction across the Slack call
            try:
                deps.slack.notice_once(conv.slack_channel, conv.slack_root_ts, not_sent_text(row),
                                       {"outbox": str(row.id), "part": "not_sent"}, since=row.created_at,
                                       look_first=row.notice_attempts > 1)
            except SLACK_ERRORS as exc:
                log.warning("outbox %s: the not-sent notice could not be posted (%s); will retry", row_id, exc)
                _set_due(session, row_id, now + backoff(row.notice_attempts))
                continue
            _set_due(session, row_id, None)
            posted += 1
    return posted
