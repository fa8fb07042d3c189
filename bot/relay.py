"""Staff messages in a conversation thread: relayed replies go into the outbox
in the same transaction that records them; notes stay internal.

Recording a reply does not answer the customer: the conversation keeps
waiting until the platform accepted the reply (bot.deliver). A reply the
platform cannot take (checks that need no network: empty, too long, a closed
window) is refused here, at once, and owes its thread a ⚠️ notice."""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
import logging
from typing import Callable

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot import store
from bot.models import CANCELLED, FAILED, NOTE, OUT, PENDING, Message, Outbox
from bot.text import is_internal_note

log = logging.getLogger(__name__)
# (platform, text as typed in Slack) → why the platform cannot take it, or None.
Precheck = Callable[[str, str], "str | None"]


class Relay(enum.Enum):
    NOT_OURS = "not_ours"        # not a thread we started
    DUPLICATE = "duplicate"      # a Slack retry of a message already recorded
    NOTE = "note"
    QUEUED = "queued"
    REFUSED = "refused"          # the platform cannot take it; nothing queued, a notice is owed
    NO_TARGET = "no_target"      # nothing from the customer to answer (cannot happen in practice)


@dataclass(frozen=True)
class RelayResult:
    outcome: Relay
    conversation_id: int | None = None
    outbox_id: int | None = None


def outbox_key(channel: str, ts: str) -> str:
    # Channel + message ts is stable across Slack's event retries.
    return f"slack:{channel}:{ts}"


def record_staff_message(session: Session, channel: str, thread_ts: str, ts: str, user: str,
                         text: str, now: datetime, precheck: Precheck | None = None) -> RelayResult:
    conv = store.find_conversation_by_root_ts(session, channel, thread_ts, for_update=True)
    if conv is None:
        return RelayResult(Relay.NOT_OURS)
    note = is_internal_note(text)
    message = Message(conversation_id=conv.id, direction=NOTE if note else OUT, platform=conv.platform,
                      slack_channel=channel, slack_ts=ts, author_id=user, text=text,
                      created_at=now, recorded_at=now)
    target = None if note else store.latest_customer_message(session, conv.id, conv.customer_id)
    if not note and target is None:
        return RelayResult(Relay.NO_TARGET, conv.id)
    refused = None if note or precheck is None else precheck(conv.platform, text)
    try:
        with session.begin_nested():
            session.add(message)
            session.flush()
            if note:
                store.audit(session, now, user, "note", conv.id)
                return RelayResult(Relay.NOTE, conv.id)
            outbox = Outbox(idempotency_key=outbox_key(channel, ts), conversation_id=conv.id,
                            message_id=message.id, platform=conv.platform, in_reply_to=target.external_id,
                            slack_text=text, staff_user=user, state=FAILED if refused else PENDING,
                            attempts=0, next_attempt_at=now, created_at=now, last_error=refused,
                            notice_due_at=now if refused else None, notice_attempts=0)
            session.add(outbox)
            session.flush()
    except IntegrityError:
        return RelayResult(Relay.DUPLICATE, conv.id)
    if refused:
        log.info("#%s reply by %s refused when written: %s", conv.id, user, refused)
        store.audit(session, now, user, "reply_refused", conv.id, refused)
        return RelayResult(Relay.REFUSED, conv.id, outbox.id)
    log.info("#%s reply by %s queued for %s", conv.id, user, conv.platform)
    store.audit(session, now, user, "reply_queued", conv.id, f"outbox {outbox.id}")
    return RelayResult(Relay.QUEUED, conv.id, outbox.id)


def find_outbox_by_slack_ts(session: Session, channel: str, ts: str) -> Outbox | None:
    return session.scalar(select(Outbox).where(Outbox.idempotency_key == outbox_key(channel, ts)))


def edit_pending_reply(session: Session, channel: str, ts: str, new_text: str) -> bool:
    """True if the reply had not left yet and now carries the edited text."""
    result = session.execute(update(Outbox).where(Outbox.idempotency_key == outbox_key(channel, ts),
                                                  Outbox.state == PENDING)
                             .values(slack_text=new_text).execution_options(synchronize_session=False))
    return result.rowcount == 1


def cancel_pending_reply(session: Session, channel: str, ts: str) -> bool:
    result = session.execute(update(Outbox).where(Outbox.idempotency_key == outbox_key(channel, ts),
                                                  Outbox.state == PENDING)
                             .values(state=CANCELLED, last_error="deleted in Slack before sending")
                             .execution_options(synchronize_session=False))
    return result.rowcount == 1
