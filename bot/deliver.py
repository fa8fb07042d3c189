"""The `deliver` job: send outbox rows to their platform exactly once.

A row is claimed with a conditional UPDATE (pending and due, or sending with an
expired lease) checked by rowcount, and the claim is committed before the
platform call — so N processes never send the same row. A platform send is not
idempotent: if a process dies after the platform's 2xx and before our commit,
the row's lease expires and the next claimer first asks the platform whether
the reply is already there (Capability.FIND_SENT) before sending again.
"""
from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import or_, select, update

from adapters.base import (AdapterError, Capability, OutboundReply, PermanentSendError, RateLimited,
                           SentMessage)
from bot import store
from bot.deps import Deps, backoff
from bot.models import FAILED, PENDING, SENDING, SENT, Conversation, Message, Outbox
from bot.text import slack_to_plain
from bot.slack_out import SLACK_ERRORS

log = logging.getLogger(__name__)


@dataclass
class DeliverResult:
    sent: int = 0
    failed: int = 0
    retrying: int = 0
    held: int = 0  # rate-limit window closed
    errors: list[str] = field(default_factory=list)


def _due(now: datetime):
    return or_((Outbox.state == PENDING) & (Outbox.next_attempt_at <= now),
               (Outbox.state == SENDING) & (Outbox.lease_until < now))


def deliver(deps: Deps, now: datetime, only_id: int | None = None, limit: int = 100) -> DeliverResult:
    result = DeliverResult()
    with deps.sessions() as session:
        query = select(Outbox.id).where(_due(now)).order_by(Outbox.id).limit(limit)
        if only_id is not None:
            query = query.where(Outbox.id == only_id)
        ids = list(session.scalars(query))
    owner = uuid.uuid4().hex
    for outbox_id in ids:
        _deliver_one(deps, outbox_id, owner, now, result)
    return result


def compose_reply_text(deps: Deps, row: Outbox) -> str:
    text = slack_to_plain(row.slack_text, deps.slack.display_name).strip()
    if deps.settings.reply_signature == "initials":
        initials = deps.slack.initials(row.staff_user)
        if initials:
            text = f"{text} ^{initials}"
    return text


def _claim(session, row_id: int, owner: str, now: datetime, deps: Deps) -> bool:
    claimed = session.execute(
        update(Outbox).where(Outbox.id == row_id, _due(now))
        .values(state=SENDING, lease_owner=owner, lease_until=now + deps.settings.delivery_lease,
                attempts=Outbox.attempts + 1)
        .execution_options(synchronize_session=False))
    return claimed.rowcount == 1


def _deliver_one(deps: Deps, row_id: int, owner: str, now: datetime, result: DeliverResult) -> None:
    with deps.sessions() as session:
        row = session.get(Outbox, row_id)
        adapter = deps.adapters.get(row.platform)
        window_key = f"{row.platform}:send"
        if adapter is not None and store.window_closed_until(session, window_key, now):
            result.held += 1
            return
        recovering = row.state == SENDING
        if not _claim(session, row_id, owner, now, deps):
            return  # another process has it
        session.commit()
        session.refresh(row)
        # End the read transaction before any network call: on SQLite every
        # transaction holds the write lock (BEGIN IMMEDIATE), and the ack path waits on it.
        session.commit()
        if adapter is None:
            _fail(session, deps, row, f"{deps.label(row.platform)} is not configured here, so the reply "
                                      "was not sent.", result)
            return
        try:
            text = compose_reply_text(deps, row)
            reply = OutboundReply(row.platform, row.in_reply_to, text, row.idempotency_key)
            sent = None
            if recovering and Capability.FIND_SENT in adapter.capabilities:
                sent = adapter.find_sent(reply)
                if sent:
                    log.info("outbox %s: found our earlier reply %s; not sending again", row.id, sent.external_id)
            if sent is None:
                sent = adapter.send_reply(reply)
        except RateLimited as exc:
            store.close_window(session, window_key, exc.retry_at)
            _retry_at(session, row, owner, exc.retry_at, str(exc))
            result.retrying += 1
        except PermanentSendError as exc:
            _fail(session, deps, row, str(exc), result)
        except (AdapterError, *SLACK_ERRORS) as exc:
            _retry_at(session, row, owner, now + backoff(row.attempts), str(exc))
            result.retrying += 1
            result.errors.append(str(exc))
        else:
            _mark_sent(session, deps, row, owner, sent, now)
            result.sent += 1


def _retry_at(session, row: Outbox, owner: str, when: datetime, error: str) -> None:
    session.execute(update(Outbox).where(Outbox.id == row.id, Outbox.lease_owner == owner)
                    .values(state=PENDING, next_attempt_at=when, lease_until=None, lease_owner=None,
                            last_error=error).execution_options(synchronize_session=False))
    session.commit()
    log.warning("outbox %s: %s; retry at %s", row.id, error, when)


def _mark_sent(session, deps: Deps, row: Outbox, owner: str, sent: SentMessage, now: datetime) -> None:
    done = session.execute(update(Outbox).where(Outbox.id == row.id, Outbox.lease_owner == owner)
                           .values(state=SENT, external_id=sent.external_id, sent_at=now,
                                   lease_until=None, last_error=None)
                           .execution_options(synchronize_session=False))
    if done.rowcount != 1:
        log.error("outbox %s: sent as %s but the lease was lost (send took longer than "
                  "DELIVERY_LEASE)", row.id, sent.external_id)
    message = session.get(Message, row.message_id)
    message.external_id = sent.external_id
    message.external_url = sent.url
    store.audit(session, now, row.staff_user, "reply_sent", row.conversation_id, sent.external_id)
    session.commit()
    deps.slack.react(message.slack_channel, message.slack_ts, "outbox_tray")


def _fail(session, deps: Deps, row: Outbox, reason: str, result: DeliverResult) -> None:
    session.execute(update(Outbox).where(Outbox.id == row.id)
                    .values(state=FAILED, last_error=reason, lease_until=None)
                    .execution_options(synchronize_session=False))
    session.commit()
    result.failed += 1
    message = session.get(Message, row.message_id)
    conv = session.get(Conversation, row.conversation_id)
    session.commit()  # no transaction across the Slack call
    try:
        deps.slack.notice(message.slack_channel, conv.slack_root_ts,
                          f"⚠️ <@{row.staff_user}> your reply was *not sent* to the customer: {reason}")
    except SLACK_ERRORS as exc:
        log.error("outbox %s failed (%s) and the notice could not be posted: %s", row.id, reason, exc)
