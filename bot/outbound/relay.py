"""Staff messages in a conversation thread: relayed replies go into the outbox
in the same transaction that records them; notes stay internal.

Every outbox row is an action of one kind (a public reply, a private message,
a like) whose target the platform's adapter chooses; its idempotency key
`slack:<channel>:<ts>:<kind>` is stable across Slack's retries, so one Slack
message can cause one public reply and one private message, each once.

Recording a reply does not answer the customer: the conversation keeps
waiting until the platform accepted the reply (bot.outbound.deliver). A reply the
platform cannot take (checks that need no network: empty, too long, a closed
window) is refused here, at once, and owes its thread a ⚠️ notice.

Whether its author may speak for the brand is a Slack look-up (users.info):
when the cache cannot say, the reply is recorded in state AUTHOR_CHECK before
the ack — invisible to deliver — and settled after it (settle_author): sent,
kept as a note, or held when Slack still cannot say."""
from __future__ import annotations

import enum
import logging
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from adapters.base import ActionKind, PostRef
from bot.slack.root import cannot_go_privately, post_ref  # noqa: F401 (post_ref: imported from here too)
from adapters.listening import match_reply_refused
from bot.store import queries as store
from bot.store.db import reading
from bot.outbound import saved as saved_call
from bot.outbound.compose import cannot_reply_here, check_before_queueing, check_wording
from bot.outbound.notices import DELETED
from bot.deps import Deps
from bot.store.models import CANCELLED, FAILED, HELD, NOTE, OUT, PENDING, Conversation, Message, Outbox
from bot.rules.saved_replies import unknown_name_line
from bot.rules.text import is_internal_note
from bot.store.saved_replies import saved_names

log = logging.getLogger(__name__)
# Recorded, its author not looked up yet: deliver claims only pending rows.
AUTHOR_CHECK = "author_check"
AUTHOR_UNKNOWN = "• Slack could not say whether you may speak for the brand"
REPLY_KINDS = (ActionKind.REPLY.value, ActionKind.PRIVATE.value)


class Relay(enum.Enum):
    NOT_OURS = "not_ours"        # not a thread we started
    DUPLICATE = "duplicate"      # a Slack retry of a message already recorded
    NOTE = "note"
    QUEUED = "queued"
    REFUSED = "refused"          # the platform cannot take it; nothing queued, a notice is owed
    HELD = "held"                # REPLY_CHECK found something; its author decides (bot.outbound.held)
    NO_TARGET = "no_target"      # nothing from the customer to answer (cannot happen in practice)
    UNCHANGED = "unchanged"      # a like on a post already liked, an unlike of one that is not
    COLLEAGUES_ONLY = "colleagues_only"  # a ❤️ the platform has no like for (why: findings)
    CHECKING = "checking"        # recorded; its author is looked up after the ack (settle_author)
    NO_SUCH_SAVED = "no_such_saved"  # `!name` with no saved reply of that name: a note; its author is told


@dataclass(frozen=True)
class RelayResult:
    outcome: Relay
    conversation_id: int | None = None
    outbox_id: int | None = None
    kind: ActionKind | None = None
    findings: str | None = None        # what REPLY_CHECK found (held, or sent with a warning)
    send_at: datetime | None = None    # SEND_DELAY: undoable until then
    say: str | None = None             # the one line its author is owed privately (an unknown `!name`)
    saved: str | None = None           # the saved reply its text was expanded from just now (bot.outbound.saved)


def outbox_key(channel: str, ts: str, kind: ActionKind) -> str:
    # Channel + message ts is stable across Slack's event retries; the kind lets
    # one message cause one action of each kind.
    return f"slack:{channel}:{ts}:{kind.value}"


def composer_key(view_id: str, kind: ActionKind) -> str:
    """A reply written in the composer (bot.desk.composer): its modal's view id makes a double submit, or a
    submission Slack repeats, one reply."""
    return f"{_COMPOSER}{view_id}:{kind.value}"


def from_composer(key: str) -> bool:
    return key.startswith(_COMPOSER)


_COMPOSER = "slack:view:"


def _target(deps: Deps, conv: Conversation, kind: ActionKind, ref: PostRef) -> str:
    adapter = deps.adapters.get(conv.platform)
    return adapter.target_for(kind, ref) if adapter is not None else ref.external_id


def reply_kind(conv: Conversation, user: str, latest: Message) -> ActionKind:
    """A DM thread is answered privately; so is a public conversation whose
    customer last wrote privately (answering a private reply), and the next
    message of someone who pressed Reply privately."""
    private = conv.private or latest.private or conv.reply_privately_by == user
    return ActionKind.PRIVATE if private else ActionKind.REPLY


def queue_action(session: Session, deps: Deps, conv: Conversation, message: Message, kind: ActionKind,
                 key: str, user: str, text: str, about: Message, now: datetime,
                 check: bool = True, author_known: bool = True) -> RelayResult:
    """Record `message` and its outbox row in one savepoint; a second call
    with the same key (a Slack retry) changes nothing. author_known=False: the
    row waits in AUTHOR_CHECK, decided by settle_author after the ack."""
    ref = post_ref(conv, about)
    state, refused, findings, send_at = (_verdict(deps, conv, kind, user, text, ref, now, check) if author_known
                                         else (AUTHOR_CHECK, None, None, now))
    try:
        with session.begin_nested():
            if message.id is None:
                session.add(message)
                session.flush()
            outbox = Outbox(idempotency_key=key, conversation_id=conv.id, message_id=message.id,
                            platform=conv.platform, kind=kind.value, target=_target(deps, conv, kind, ref),
                            slack_text=text, staff_user=user, state=state, check_findings=findings,
                            attempts=0, next_attempt_at=send_at, created_at=now, last_error=refused,
                            notice_due_at=now if refused else None, notice_attempts=0)
            session.add(outbox)
            session.flush()
    except IntegrityError:
        return RelayResult(Relay.DUPLICATE, conv.id, kind=kind)
    if not author_known:
        log.info("#%s %s by %s recorded; its author is looked up after the ack", conv.id, kind.value, user)
        return RelayResult(Relay.CHECKING, conv.id, outbox.id, kind)
    return _audited(session, conv, outbox, kind, now)


def _verdict(deps: Deps, conv: Conversation, kind: ActionKind, user: str, text: str, ref: PostRef,
             now: datetime, check: bool = True) -> tuple[str, str | None, str | None, datetime]:
    """(state, why refused, REPLY_CHECK's findings, when it may leave)."""
    refused = check_before_queueing(deps, user, conv.platform, text, kind, ref) if check else None
    findings = check_wording(deps, user, text, kind) if check and not refused else None
    held = bool(findings) and deps.settings.reply_check == "hold"
    send_at = now + deps.settings.send_delay if check and not refused and not held else now
    return (FAILED if refused else HELD if held else PENDING), refused, findings, send_at


def _audited(session: Session, conv: Conversation, outbox: Outbox, kind: ActionKind, now: datetime) -> RelayResult:
    user, text, findings = outbox.staff_user, outbox.slack_text, outbox.check_findings
    if outbox.state == FAILED:
        log.info("#%s %s by %s refused when written: %s", conv.id, kind.value, user, outbox.last_error)
        store.audit(session, now, user, f"{kind.value}_refused", conv.id, outbox.last_error)
        return RelayResult(Relay.REFUSED, conv.id, outbox.id, kind)
    if outbox.state == HELD:
        log.info("#%s %s by %s held by REPLY_CHECK: %s", conv.id, kind.value, user, findings.replace("\n", " "))
        store.audit(session, now, user, f"{kind.value}_held", conv.id, f"outbox {outbox.id} “{text}” — {findings}")
        return RelayResult(Relay.HELD, conv.id, outbox.id, kind, findings=findings)
    log.info("#%s %s by %s queued for %s", conv.id, kind.value, user, conv.platform)
    detail = f"outbox {outbox.id} “{text}”" + (f" — sent with REPLY_CHECK=warn despite: {findings}" if findings else "")
    store.audit(session, now, user, f"{kind.value}_queued", conv.id, detail)
    send_at = outbox.next_attempt_at
    return RelayResult(Relay.QUEUED, conv.id, outbox.id, kind, findings=findings,
                       send_at=send_at if send_at > now else None)


def settle_author(session: Session, deps: Deps, outbox_id: int, now: datetime, not_allowed: str | None = None,
                  unknown: str | None = None) -> RelayResult:
    """A reply recorded before its author was looked up, now that the look-up
    is over: not_allowed (why they may not speak for the brand) keeps it as a
    note; unknown (why Slack could not say) holds it for its author to decide;
    otherwise it is checked and queued like any reply. Under the row's lock,
    once: a second call finds it settled and changes nothing. A `!name`
    call is expanded here, once, before any check (bot.outbound.saved)."""
    agent = _agent_before_the_lock(deps, outbox_id)
    row = session.get(Outbox, outbox_id, with_for_update=True, populate_existing=True)
    if row is None or row.state != AUTHOR_CHECK:
        return RelayResult(Relay.DUPLICATE, row.conversation_id if row else None)
    conv = session.get(Conversation, row.conversation_id)
    message = session.get(Message, row.message_id)
    kind = ActionKind(row.kind)
    expansion = saved_call.expanded(session, conv, row.slack_text, agent) if agent else None
    if expansion is not None and expansion[1] is None:  # removed (or edited to a name) since it was written
        message.direction = NOTE
        session.delete(row)
        store.audit(session, now, row.staff_user, "saved_reply_unknown", conv.id, f"!{expansion[0].name}")
        return RelayResult(Relay.NO_SUCH_SAVED, conv.id,
                           say=unknown_name_line(expansion[0].name, saved_names(session)))
    if expansion is not None:
        row.slack_text = expansion[1]
        store.audit(session, now, row.staff_user, "saved_reply_used", conv.id, f"!{expansion[0].name}: outbox {row.id}")
    if not_allowed:
        message.direction = NOTE
        session.delete(row)
        store.audit(session, now, row.staff_user, "note", conv.id)
        log.info("#%s message of %s kept as a note: %s", conv.id, row.staff_user, not_allowed)
        return RelayResult(Relay.NOTE, conv.id)
    if unknown:
        row.state, row.next_attempt_at = HELD, now
        row.check_findings = f"{AUTHOR_UNKNOWN} ({unknown})"
    else:
        about = store.latest_customer_message(session, conv.id, conv.customer_id) or message
        row.state, row.last_error, row.check_findings, row.next_attempt_at = _verdict(
            deps, conv, kind, row.staff_user, row.slack_text, post_ref(conv, about), now)
        row.notice_due_at = now if row.state == FAILED else None
    session.flush()
    result = _audited(session, conv, row, kind, now)
    return replace(result, saved=expansion[0].name) if expansion is not None else result


def _agent_before_the_lock(deps: Deps, outbox_id: int) -> str | None:
    """`{agent}` for a reply that calls a saved reply (None for typed text),
    asked of Slack before the row is locked, from a read-only look: no lock
    (SQLite's is the whole database) waits on Slack."""
    with reading(deps.sessions) as look:
        found = look.execute(select(Outbox.slack_text, Outbox.staff_user)
                             .where(Outbox.id == outbox_id, Outbox.state == AUTHOR_CHECK)).first()
    if found is None or saved_call.parse_call(found.slack_text) is None:
        return None
    return saved_call.agent_markup(deps, found.staff_user)


def unsettled_authors(session: Session, recorded_before: datetime, limit: int = 50) -> list[int]:
    """Replies whose author look-up a process began and never finished (it
    died after the ack): settled by whoever finds them."""
    return list(session.scalars(select(Outbox.id).where(Outbox.state == AUTHOR_CHECK,
                                                        Outbox.created_at < recorded_before)
                                .order_by(Outbox.id).limit(limit)))


def record_staff_message(session: Session, deps: Deps, channel: str, thread_ts: str, ts: str, user: str,
                         text: str, now: datetime, kept_internal: str | None = None,
                         author_known: bool = True) -> RelayResult:
    """kept_internal: why this message stays a note although it does not start
    with `note:` (its author may not speak for the brand, it addresses a
    colleague, it starts like a note) — the author is told so. author_known
    False: whether they may is looked up after the ack (settle_author)."""
    conv = store.find_conversation_by_root_ts(session, channel, thread_ts, for_update=True, alarms=False)
    if conv is None:
        return RelayResult(Relay.NOT_OURS)
    note = is_internal_note(text) or kept_internal is not None
    message = Message(conversation_id=conv.id, direction=NOTE if note else OUT, platform=conv.platform,
                      account=conv.account, slack_channel=channel, slack_ts=ts, author_id=user, text=text,
                      created_at=now, recorded_at=now)
    if note:
        try:
            with session.begin_nested():
                session.add(message)
        except IntegrityError:
            return RelayResult(Relay.DUPLICATE, conv.id)
        store.audit(session, now, user, "note", conv.id)
        return RelayResult(Relay.NOTE, conv.id)
    target = store.latest_customer_message(session, conv.id, conv.customer_id)
    if target is None:
        return RelayResult(Relay.NO_TARGET, conv.id)
    kind = reply_kind(conv, user, target)
    elsewhere = cannot_reply_here(deps, conv.platform, text, post_ref(conv, target)) \
        if kind is ActionKind.REPLY else None
    if elsewhere:
        return _answered_elsewhere(session, message, conv, elsewhere, now)
    found = saved_call.called(session, text)
    if found is not None and found[1] is None:
        return _unknown_saved(session, message, conv, found[0].name, now)
    if found is not None:
        # Expanded after the ack, once its sender's name can be asked of Slack ({agent}).
        author_known = False
        kind = ActionKind.PRIVATE if found[1].private_only else kind
    if kind is ActionKind.PRIVATE and (no_private := cannot_go_privately(deps, conv, target)):
        if conv.reply_privately_by == user:
            conv.reply_privately_by = None  # armed before the platform said no: the next message is public
        return _answered_elsewhere(session, message, conv, no_private, now)  # said now, not as a ⚠️ after Meta refuses
    if kind is ActionKind.REPLY and target.listened:
        refused = match_reply_refused(deps.adapters.get(conv.platform))
        if refused:  # X's 2026 rule: a match that did not tag the brand takes no public reply from here
            return _answered_elsewhere(session, message, conv, f"{refused}. Press *🔒 Reply privately* on the root "
                                       "to send your next message as a private message, or ❤️ their post to like it.",
                                       now)
    result = queue_action(session, deps, conv, message, kind, outbox_key(channel, ts, kind), user, text,
                          target, now, author_known=author_known)
    if conv.reply_privately_by == user and kind is ActionKind.PRIVATE and result.outcome is not Relay.DUPLICATE:
        conv.reply_privately_by = None  # the armed "Reply privately" is used up
    return result


def _answered_elsewhere(session: Session, message: Message, conv: Conversation, why: str,
                        now: datetime) -> RelayResult:
    """A thread message on a platform that takes no reply from here: kept as
    an internal note (never queued, never dropped) and its author told why,
    privately — with where to answer instead."""
    message.direction = NOTE
    try:
        with session.begin_nested():
            session.add(message)
    except IntegrityError:
        return RelayResult(Relay.DUPLICATE, conv.id)
    store.audit(session, now, message.author_id, "note", conv.id, "the platform takes no reply from here")
    log.info("#%s message of %s kept as a note: %s takes no reply from here", conv.id, message.author_id,
             conv.platform)
    return RelayResult(Relay.NOTE, conv.id, say=f"🔒 Kept as an internal note — *not sent* to the customer — "
                                                f"because {why}")


def _unknown_saved(session: Session, message: Message, conv: Conversation, name: str,
                   now: datetime) -> RelayResult:
    """`!name` that no saved reply has: nothing goes out; the message is kept
    as a note and its author told, privately, the names there are."""
    message.direction = NOTE
    try:
        with session.begin_nested():
            session.add(message)
    except IntegrityError:
        return RelayResult(Relay.DUPLICATE, conv.id)
    store.audit(session, now, message.author_id, "saved_reply_unknown", conv.id, f"!{name}")
    log.info("#%s !%s by %s: no such saved reply; nothing sent", conv.id, name, message.author_id)
    return RelayResult(Relay.NO_SUCH_SAVED, conv.id, say=unknown_name_line(name, saved_names(session)))


def find_outbox_by_slack_ts(session: Session, channel: str, ts: str) -> Outbox | None:
    """The reply (public or private) a staff message in Slack became."""
    return session.scalar(select(Outbox).join(Message, Message.id == Outbox.message_id)
                          .where(Message.slack_channel == channel, Message.slack_ts == ts,
                                 Outbox.kind.in_(REPLY_KINDS)).order_by(Outbox.id).limit(1))


def _pending_of(channel: str, ts: str):
    return (Outbox.message_id.in_(select(Message.id).where(Message.slack_channel == channel,
                                                           Message.slack_ts == ts)),
            Outbox.kind.in_(REPLY_KINDS), Outbox.state.in_((PENDING, HELD, AUTHOR_CHECK)))


def edit_pending_reply(session: Session, deps: Deps, channel: str, ts: str, new_text: str,
                       now: datetime) -> Outbox | None:
    """The reply, if it had not left yet and now carries the edited text —
    checked again: an edit can fix a held reply (it goes out) or spoil a
    waiting one (it is held)."""
    row = session.scalar(select(Outbox).where(*_pending_of(channel, ts)).with_for_update())
    if row is None:
        return None
    if row.state == AUTHOR_CHECK:  # checked when its author is known
        row.slack_text = new_text
        store.audit(session, now, row.staff_user, "reply_edited", row.conversation_id, f"outbox {row.id}: {new_text}")
        return row
    new_text, missing = _edited_call(session, deps, row, new_text)
    findings = check_wording(deps, row.staff_user, new_text, ActionKind(row.kind))
    held = bool(findings) and deps.settings.reply_check == "hold"
    if missing:  # never sent as typed: its author decides
        findings, held = missing + ("\n" + findings if findings else ""), True
    if row.state == HELD and (row.check_findings or "").startswith(AUTHOR_UNKNOWN):
        # Still unknown whether its author may publish: an edit does not release it.
        unknown = row.check_findings.splitlines()[0]
        findings, held = (unknown + ("\n" + findings if findings else "")), True
    state = HELD if held else PENDING
    # Edited clean, a held reply is released: it waits out SEND_DELAY like any other.
    due = now + deps.settings.send_delay if row.state == HELD and not held else max(row.next_attempt_at, now)
    moved = session.execute(update(Outbox).where(Outbox.id == row.id, Outbox.state == row.state)
                            .values(slack_text=new_text, check_findings=findings, state=state,
                                    next_attempt_at=due)
                            .execution_options(synchronize_session=False)).rowcount == 1
    if not moved:
        return None
    store.audit(session, now, row.staff_user, "reply_edited", row.conversation_id,
                f"outbox {row.id}{' — held: ' + findings if held else ''}: {new_text}")
    session.refresh(row)
    return row


def _edited_call(session: Session, deps: Deps, row: Outbox, new_text: str) -> tuple[str, str | None]:
    """An edit to `!name`, before the ack: (the text to send — expanded, with
    `{agent}` from the cache or as `<@U…>` for the send to resolve —, why it is
    held: no saved reply of that name)."""
    conv = session.get(Conversation, row.conversation_id)
    expansion = saved_call.expanded(session, conv, new_text,
                                    saved_call.agent_markup(deps, row.staff_user, fetch=False))
    if expansion is None:
        return new_text, None
    if expansion[1] is None:
        return new_text, f"• there is no saved reply `{expansion[0].name}`, so `!{expansion[0].name}` is not expanded"
    return expansion[1], None


def cancel_pending_reply(session: Session, channel: str, ts: str, now: datetime | None = None) -> bool:
    row = session.scalar(select(Outbox).where(*_pending_of(channel, ts)))
    result = session.execute(update(Outbox).where(*_pending_of(channel, ts))
                             .values(state=CANCELLED, last_error=DELETED)
                             .execution_options(synchronize_session=False))
    if result.rowcount and row is not None and now is not None:
        store.audit(session, now, row.staff_user, "reply_deleted", row.conversation_id, f"outbox {row.id}")
    return result.rowcount >= 1
