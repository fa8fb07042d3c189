"""The `deliver` job: send outbox rows to their platform exactly once.

A row is claimed with a conditional UPDATE (pending and due, or sending with an
expired lease) checked by rowcount, and the claim is committed before the
platform call — so N processes never send the same row. A platform send is not
idempotent, so a send is never repeated blind: when an attempt may have reached
the platform (a timeout or 5xx after the request went out, or a process that
died mid-send and left its lease to expire) the row records since when it is
uncertain, and every later attempt first asks the platform whether the reply
is already there (an adapter that is a SentFinder). Those looks back off like any retry
(from ~1 s), but nothing is sent again until VERIFY_AFTER has passed since the
ambiguous attempt with the reply still not found — a slow platform may still be
storing it. A platform that cannot be asked (or refuses the look) gets no second
send; staff are told the reply may or may not have reached the customer, and
how to check — never that it was not sent.

The conversation is answered only when the platform accepted the reply: its
clock, alarms, lists and first-response figure change here, in _mark_sent.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import case, or_, select, update

from adapters.base import (ActionKind, AdapterError, AmbiguousSend, DuplicatePost, OutboundAction,
                           PermanentSendError, RateLimited, SentFinder, SentMessage, UnconfirmedSend, can, perform)
from bot.store import queries as store
from bot.rules.conversations import record_customer_post, record_staff_reply
from bot.deps import Deps, backoff
from bot.slack.root import refresh_root
from bot.store.db import reading
from bot.store.models import FAILED, PENDING, RESOLVED, SENDING, SENT, Conversation, Message, Outbox
from bot.outbound.notices import close_undo_notice, post_due_notices, say_before_replacing
from bot.slack.slack_out import SLACK_ERRORS
from bot.outbound.compose import compose_reply_text
from bot.inbound.ingest import ingest_post
from bot.inbound.tokens import use_stored_tokens

log = logging.getLogger(__name__)
# After an ambiguous attempt, give the platform this long to finish storing a
# slow write before concluding it is not there (X slower than our 10 s
# timeout still lands); until then a reply that is not found is not resent.
VERIFY_AFTER = timedelta(seconds=30)
CHECKING_REACTION, SENT_REACTION = "hourglass_flowing_sand", "outbox_tray"
PRIVATE_REACTION = "lock"
# Doing these twice is doing them once (a second like is still one like): after
# an ambiguous attempt they are simply sent again, no look-up needed.
IDEMPOTENT_KINDS = {ActionKind.LIKE, ActionKind.UNLIKE, ActionKind.HIDE, ActionKind.UNHIDE}


class StillChecking(AdapterError):
    """Not found yet, but too soon after the ambiguous attempt to send again."""


@dataclass
class DeliverResult:
    sent: int = 0
    failed: int = 0
    unconfirmed: int = 0  # may have reached the customer, and cannot be looked up (⚠️ says so)
    retrying: int = 0
    checking: int = 0  # may have reached the platform; looked for before any resend
    held: int = 0  # rate-limit window closed
    notices: int = 0
    errors: list[str] = field(default_factory=list)

    def describe(self) -> str:
        said = [f"{count} {what}" for count, what in (
            (self.sent, "sent"), (self.failed, "not sent (⚠️ in the thread)"),
            (self.unconfirmed, "unconfirmed (may have gone out; ⚠️ in the thread)"),
            (self.checking, "being checked (may have gone out)"), (self.retrying, "retrying later"),
            (self.held, "held until the rate-limit window reopens"),
            (self.notices, "not-sent notices posted")) if count]
        if not said:
            return "nothing to send"
        errors = f" — last error: {self.errors[-1]}" if self.errors else ""
        return "replies " + ", ".join(said) + errors


def _due(now: datetime):
    return or_((Outbox.state == PENDING) & (Outbox.next_attempt_at <= now),
               (Outbox.state == SENDING) & (Outbox.lease_until < now))


def deliver(deps: Deps, now: datetime, only_id: int | None = None, limit: int = 100) -> DeliverResult:
    result = DeliverResult()
    use_stored_tokens(deps)  # a token the worker renewed (Instagram Login) is the one to send with
    owner = store.lease_owner()
    if only_id is None and deps.sessions.kw["bind"].dialect.name == "postgresql":
        # One row at a time, the next due row no other worker holds (FOR UPDATE
        # SKIP LOCKED): N workers spread over the outbox instead of all racing
        # for its first row. Due by the clock at each claim, not when the pass began:
        # a row whose sender died is taken over once its lease ends, not a pass later.
        passed: set[int] = set()
        while (len(passed) < limit and not deps.stopping()
               and (claimed := _claim_next(deps, owner, at := max(now, deps.clock()), passed, result)) is not None):
            _deliver_one(deps, claimed[0], owner, at, result, claimed_after_death=claimed[1])
    else:
        with reading(deps.sessions) as session:  # a look: the claim below takes the write lock, briefly
            query = select(Outbox.id).where(_due(now)).order_by(Outbox.id).limit(limit)
            if only_id is not None:
                query = query.where(Outbox.id == only_id)
            ids = list(session.scalars(query))
        for outbox_id in ids:
            if deps.stopping():  # rows not started are not claimed: the next pass takes them
                break
            _deliver_one(deps, outbox_id, owner, now, result)
    result.notices = post_due_notices(deps, now, only_id=only_id)
    return result


def _claim_next(deps: Deps, owner: str, now: datetime, passed: set[int],
                result: DeliverResult) -> tuple[int, bool] | None:
    """PostgreSQL: claim the next due row nobody holds; (id, whether its last
    sender died mid-send), or None when there is none."""
    with deps.sessions() as session:
        while True:
            query = select(Outbox).where(_due(now)).order_by(Outbox.id).limit(1).with_for_update(skip_locked=True)
            if passed:
                query = query.where(Outbox.id.not_in(passed))
            row = session.scalar(query)
            if row is None:
                return None
            passed.add(row.id)
            if row.platform in deps.adapters and store.window_closed_until(
                    session, f"{row.platform}:{row.kind}:send", now):
                result.held += 1
                continue
            died_mid_send = row.state == SENDING
            if _claim(session, row.id, owner, now, deps):
                session.commit()
                return row.id, died_mid_send


def _claim(session, row_id: int, owner: str, now: datetime, deps: Deps) -> bool:
    # A row whose lease ran out was being sent by a process that died: that
    # attempt may have reached the platform, at the latest by the end of its
    # lease (SET sees the old row's values).
    died_mid_send = case((Outbox.state == SENDING, Outbox.lease_until), else_=Outbox.uncertain_since)
    claimed = session.execute(
        update(Outbox).where(Outbox.id == row_id, _due(now))
        .values(state=SENDING, lease_owner=owner, lease_until=deps.lease_until(now),
                attempts=Outbox.attempts + 1, uncertain_since=died_mid_send)
        .execution_options(synchronize_session=False))
    return claimed.rowcount == 1


def _deliver_one(deps: Deps, row_id: int, owner: str, now: datetime, result: DeliverResult,
                 claimed_after_death: bool | None = None) -> None:
    """claimed_after_death: None — claim it here; otherwise _claim_next has
    (and says whether its last sender died mid-send)."""
    with deps.sessions() as session:
        row = session.get(Outbox, row_id)
        adapter = deps.adapters.get(row.platform)
        kind = ActionKind(row.kind)
        window_key = f"{row.platform}:{kind.value}:send"
        if claimed_after_death is None:
            if adapter is not None and store.window_closed_until(session, window_key, now):
                result.held += 1
                return
            died_mid_send = row.state == SENDING
            if not _claim(session, row_id, owner, now, deps):
                return  # another process has it
        else:
            died_mid_send = claimed_after_death
        session.refresh(row)
        # The claim and the row as claimed in one transaction, ended before any
        # network call: on SQLite it holds the write lock, and the ack path waits on it.
        session.commit()
        label = deps.where_sent(row)
        if adapter is None:
            _fail(session, deps, row, f"{label} is not configured here, so the reply was not sent.", now, result,
                  unsure=row.uncertain_since is not None)
            return
        if not can(adapter, kind):
            _fail(session, deps, row, f"{label} cannot do this ({kind.value}) from socialdesk.", now, result)
            return
        uncertain_since = None if kind in IDEMPOTENT_KINDS else row.uncertain_since
        if uncertain_since is not None and not isinstance(adapter, SentFinder):
            _fail(session, deps, row, _unconfirmed(label, row.last_error or "the sender stopped mid-send"), now,
                  result, unsure=True)
            return
        try:
            text = compose_reply_text(deps, row.slack_text, row.staff_user) if row.slack_text else ""
            action = OutboundAction(row.platform, kind, row.target, text, row.idempotency_key,
                                    about_at=_customer_last_wrote(deps, row), queued_at=row.created_at)
            if uncertain_since is None:
                say_before_replacing(deps, adapter, row)
            sent = _send_once(adapter, action, uncertain_since, now, row.id)
        except RateLimited as exc:
            store.close_window(session, window_key, exc.retry_at)
            _retry_at(session, row, owner, exc.retry_at, str(exc))
            result.retrying += 1
        except UnconfirmedSend as exc:
            _fail(session, deps, row, str(exc), now, result, unsure=True)
        except PermanentSendError as exc:
            _fail(session, deps, row, str(exc), now, result)
            _gone(deps, exc, now)
        except AmbiguousSend as exc:
            _retry_at(session, row, owner, now + backoff(row.attempts), str(exc), uncertain_since=now)
            result.checking += 1
            result.errors.append(str(exc))
            _show_checking(session, deps, row, now)
        except StillChecking as exc:
            _retry_at(session, row, owner, now + backoff(row.attempts), str(exc))
            result.checking += 1
            if died_mid_send:  # first news of it: say so, as for an ambiguous answer
                _show_checking(session, deps, row, now)
        except (AdapterError, *SLACK_ERRORS) as exc:
            _retry_at(session, row, owner, now + backoff(row.attempts), str(exc))
            result.retrying += 1
            result.errors.append(str(exc))
        else:
            _mark_sent(session, deps, row, owner, sent, now, text)
            result.sent += 1


def _customer_last_wrote(deps: Deps, row: Outbox) -> datetime | None:
    """When the customer last wrote: messaging windows count from there."""
    with reading(deps.sessions) as session:
        conv = session.get(Conversation, row.conversation_id)
        latest = store.latest_customer_message(session, conv.id, conv.customer_id)
        return latest.created_at if latest else None


def _gone(deps: Deps, exc: PermanentSendError, now: datetime) -> None:
    """The platform no longer has the post (PostGone, e.g. Google's 404 on a deleted review): recorded as its
    author's removal — said once in the thread; a review's clock stops. If Slack is away, the poll's next pass
    posts it."""
    removal = getattr(exc, "removal", None)
    if removal is None:
        return
    try:
        ingest_post(deps, removal, now)
    except Exception as error:  # noqa: BLE001 - recorded or not, the reply's outcome is settled already
        log.warning("%s post %s: its removal not shown yet (%s)", removal.platform, removal.thread_id[:80], error)


def _send_once(adapter, action: OutboundAction, uncertain_since: datetime | None, now: datetime,
               row_id: int) -> SentMessage:
    """Send, unless an earlier attempt that may have landed is found first."""
    look_first = uncertain_since is not None
    if look_first:
        found = _look(adapter, action)
        if found:
            log.info("outbox %s: found our earlier reply %s; not sending again", row_id, found.external_id)
            return found
        if now - uncertain_since < VERIFY_AFTER:
            raise StillChecking(f"the earlier attempt is not on {adapter.label} yet; looking again before "
                                "any resend")
    try:
        return perform(adapter, action)
    except DuplicatePost as exc:
        # After an ambiguous attempt, "you already posted this" means it landed
        # but was not listed yet when we looked: look once more.
        if not look_first:
            raise
        found = _look(adapter, action)
        if found is None:  # the platform has one we cannot see: perhaps ours
            raise UnconfirmedSend(_unconfirmed(_label(adapter, action), str(exc))) from None
        return found


def _look(adapter, action: OutboundAction) -> SentMessage | None:
    """find_sent, where a refused look (the post deleted, a permission
    missing) means nobody can say whether the earlier attempt arrived."""
    try:
        return adapter.find_sent(action)
    except UnconfirmedSend:
        raise
    except PermanentSendError as exc:
        raise UnconfirmedSend(_unconfirmed(_label(adapter, action), f"the look-up was refused: {exc}")) from None


def _label(adapter, action: OutboundAction) -> str:
    return adapter.private_label if action.kind is ActionKind.PRIVATE else adapter.label


def _unconfirmed(label: str, why: str) -> str:
    return (f"{label} did not confirm whether it published this reply ({why}). It was not sent again, so the "
            f"customer cannot get it twice: look at the conversation on {label} and post the reply again here if it "
            "is not there.")


def _retry_at(session, row: Outbox, owner: str, when: datetime, error: str,
              uncertain_since: datetime | None = None) -> None:
    values = dict(state=PENDING, next_attempt_at=when, lease_until=None, lease_owner=None, last_error=error)
    if uncertain_since is not None:
        values["uncertain_since"] = uncertain_since  # only a found or accepted reply clears it
    session.execute(update(Outbox).where(Outbox.id == row.id, Outbox.lease_owner == owner)
                    .values(**values).execution_options(synchronize_session=False))
    session.commit()
    log.warning("outbox %s: %s; retry at %s", row.id, error, when)


def _show_checking(session, deps: Deps, row: Outbox, now: datetime) -> None:
    """Tell staff the truth while it is unknown: ⏳ on their message, and the
    root says the reply is being checked."""
    message = session.get(Message, row.message_id)
    session.commit()
    if ActionKind(row.kind) in IDEMPOTENT_KINDS or not message.slack_ts:
        return
    try:
        deps.slack.react(message.slack_channel, message.slack_ts, CHECKING_REACTION)
        refresh_root(session, deps, session.get(Conversation, row.conversation_id), now)
    except SLACK_ERRORS as exc:
        log.warning("outbox %s: could not show that it is being checked: %s", row.id, exc)


def _mark_sent(session, deps: Deps, row: Outbox, owner: str, sent: SentMessage, now: datetime,
               text: str) -> None:
    """`text` is exactly what the platform accepted: kept on the row and in the audit trail."""
    done = session.execute(update(Outbox).where(Outbox.id == row.id, Outbox.lease_owner == owner)
                           .values(state=SENT, external_id=sent.external_id, sent_at=now, sent_text=text,
                                   lease_until=None, last_error=None, uncertain_since=None)
                           .execution_options(synchronize_session=False))
    if done.rowcount != 1:
        log.error("outbox %s: sent as %s but the lease was lost (send took longer than "
                  "DELIVERY_LEASE)", row.id, sent.external_id)
    message = session.get(Message, row.message_id)
    conv = session.get(Conversation, row.conversation_id, with_for_update=True)
    kind = ActionKind(row.kind)
    if kind in IDEMPOTENT_KINDS:
        # A like is not an answer: the customer's clock and the root stay as they are.
        store.audit(session, now, row.staff_user, f"{kind.value}_sent", row.conversation_id, sent.external_id)
        session.commit()
        log.info("#%s %s by %s done on %s", row.conversation_id, kind.value, row.staff_user, deps.label(row.platform))
        return
    message.external_id = sent.external_id
    message.external_url = sent.url
    message.text = row.slack_text  # as last edited before it went out
    if sent.opens_thread and not conv.private:
        # The customer's answer arrives in that thread (a DM a private reply opened, or
        # a reply to the brand's reply): it belongs in this one.
        store.add_conversation_key(session, conv.platform, conv.account, sent.opens_thread, conv.id)
    answer_conversation(session, deps, conv, message, now)
    store.audit(session, now, row.staff_user, f"{kind.value}_sent", row.conversation_id,
                f"{deps.label(row.platform, kind is ActionKind.PRIVATE)} {sent.external_id}: {text}")
    session.commit()
    log.info("#%s %s by %s sent to %s as %s", row.conversation_id, kind.value, row.staff_user,
             deps.label(row.platform, kind is ActionKind.PRIVATE), sent.external_id)
    try:
        if sent.note:  # once, like the root and the pings: a 5xx after Slack stored it is looked for, not retried
            deps.slack.notice_once(conv.slack_channel, conv.slack_root_ts, f"ℹ️ {sent.note}",
                                   {"outbox": str(row.id), "part": "note"}, since=row.created_at, look_first=False)
        if message.slack_ts:
            deps.slack.react(message.slack_channel, message.slack_ts, SENT_REACTION)
            if row.uncertain_since is not None:
                deps.slack.unreact(message.slack_channel, message.slack_ts, CHECKING_REACTION)
        refresh_root(session, deps, conv, now)
        if deps.settings.send_delay:
            close_undo_notice(deps, row.id)  # its Undo no longer applies: it says "📤 Sent"
    except SLACK_ERRORS as exc:  # it went out; the Slack side catches up on the next change
        log.warning("outbox %s sent; Slack not updated: %s", row.id, exc)


def answer_conversation(session, deps: Deps, conv: Conversation, reply: Message, now: datetime) -> None:
    """The platform accepted a staff reply: the wait ends now (and counts as the
    first response if it is one). A customer post that came in after the reply
    was written is not answered by it: it starts the next wait."""
    record_staff_reply(conv, now, deps.policy)
    later = store.customer_posts_after(session, conv.id, conv.customer_id, reply.id)
    if later is not None and conv.status != RESOLVED:
        record_customer_post(conv, later.created_at, now, deps.policy)


def _fail(session, deps: Deps, row: Outbox, reason: str, now: datetime, result: DeliverResult,
          unsure: bool = False) -> None:
    """Not sent, for good: the conversation keeps waiting, and the thread is
    owed a ⚠️ notice (posted exactly once by bot.outbound.notices). unsure: an earlier
    attempt may have reached the customer and nobody could look — the row stays
    uncertain, and the notice says it may or may not have gone out."""
    values = dict(state=FAILED, last_error=reason, lease_until=None, notice_due_at=now)
    if not unsure:
        values["uncertain_since"] = None  # looked for and not there, or never sent: it did not go out
    session.execute(update(Outbox).where(Outbox.id == row.id).values(**values)
                    .execution_options(synchronize_session=False))
    store.audit(session, now, row.staff_user, "reply_unconfirmed" if unsure else "reply_failed",
                row.conversation_id, reason)
    session.commit()
    log.info("#%s reply by %s %s: %s", row.conversation_id, row.staff_user,
             "may or may not have gone out" if unsure else "not sent", reason)
    if unsure:
        result.unconfirmed += 1
    else:
        result.failed += 1
    post_due_notices(deps, now, only_id=row.id)  # at once; the pass's own call retries only older ones
    if deps.settings.send_delay and ActionKind(row.kind) not in IDEMPOTENT_KINDS:
        close_undo_notice(deps, row.id)  # its Undo no longer applies
    try:
        refresh_root(session, deps, session.get(Conversation, row.conversation_id), now)
    except SLACK_ERRORS as exc:
        log.warning("outbox %s: root refresh failed: %s", row.id, exc)
