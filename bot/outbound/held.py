"""What the author decides about a reply REPLY_CHECK held, and Undo within
SEND_DELAY.

Each decision is one conditional UPDATE on the outbox row, checked by rowcount:
of a click racing a second click, or Undo racing the sender's claim (which
needs state = pending and due), exactly one wins — so a held reply is sent at
most once and an undone one never. The audit trail records who overrode
which findings."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from adapters.base import ActionKind
from bot.store import queries as store
from bot.deps import Deps
from bot.store.db import reading
from bot.store.models import CANCELLED, FAILED, HELD, PENDING, SENT, Conversation, Message, Outbox
from bot.outbound.compose import check_wording
from bot.outbound.notices import close_undo_notice, post_undo_notice
from bot.outbound.relay import from_composer, outbox_key, post_ref
from bot.outbound.thread_copy import quoted
from bot.rules.saved_replies import excerpt, parse_call
from bot.slack.root import cannot_go_privately
from bot.slack.slack_out import SLACK_ERRORS

log = logging.getLogger(__name__)
HELD_REACTION = "raised_hand"  # on the held message, for the whole team to see


@dataclass(frozen=True)
class Decision:
    ok: bool
    message: str                  # the one line for the author
    outbox_id: int | None = None
    release: bool = False         # now pending: deliver it (and show its 🔒 copy if it has none)
    conversation_id: int | None = None
    send_at: datetime | None = None   # released: it waits SEND_DELAY like any reply, undoable until then
    stopped: str | None = None        # "cancelled" (held) or "undone" (waiting): it never left
    blocks: list | None = None        # still held: the notice pressed, again, with the buttons that still apply


def _own_row(session, outbox_id: int, user: str) -> Outbox | str:
    row = session.get(Outbox, outbox_id)
    if row is None:
        return "That reply no longer exists."
    if row.staff_user != user:
        return f"Only <@{row.staff_user}>, who wrote it, can decide about this reply."
    return row


def _moved(session, outbox_id: int, from_state: str, **values) -> bool:
    return session.execute(update(Outbox).where(Outbox.id == outbox_id, Outbox.state == from_state)
                           .values(**values).execution_options(synchronize_session=False)).rowcount == 1


def _too_late(deps: Deps, row: Outbox) -> str:
    label = deps.label(row.platform, row.kind == ActionKind.PRIVATE.value)
    if row.state == SENT:
        return f"Too late: it was already sent to {label}."
    if row.state == CANCELLED:
        return "It was already cancelled: nothing was sent."
    if row.state == FAILED:
        return f"It was not sent: {row.last_error}"
    return f"Too late: it is being sent to {label} right now."


def _released(deps: Deps, now: datetime) -> tuple[datetime, datetime | None, str]:
    """A released reply waits out SEND_DELAY like any other (the riskiest
    reply keeps its safety net): (when it may leave, until when it can be
    undone, what the author is told about it)."""
    delay = deps.settings.send_delay
    if not delay:
        return now, None, "."
    return now + delay, now + delay, f" in {round(delay.total_seconds())} s; Undo in the thread until then."


def send_anyway(deps: Deps, outbox_id: int, user: str, now: datetime) -> Decision:
    due, send_at, when = _released(deps, now)
    with deps.sessions() as session:
        row = _own_row(session, outbox_id, user)
        if isinstance(row, str):
            return Decision(False, row)
        if not _moved(session, outbox_id, HELD, state=PENDING, next_attempt_at=due):
            session.rollback()
            return Decision(False, _too_late(deps, row) if row.state != PENDING else "Already on its way.",
                            row.id)
        store.audit(session, now, user, "check_overridden", row.conversation_id,
                    f"outbox {row.id} sent anyway despite: {row.check_findings}")
        session.commit()
        log.info("#%s held reply %s sent anyway by %s", row.conversation_id, row.id, user)
        return Decision(True, f"📤 Sending it to {deps.where_sent(row)} as written{when}", row.id, True,
                        row.conversation_id, send_at)


def _private_fixes_it(deps: Deps, row: Outbox, conv: Conversation, about: Message | None) -> str | None:
    """None when sending it privately answers every finding: a DM is the fix for personal data, never for
    tone — the same text checked as a private message must come out clean. Else why it stays held."""
    if conv.private or row.kind != ActionKind.REPLY.value:
        return f"{deps.label(row.platform)} has no private channel for this reply."
    if no_private := cannot_go_privately(deps, conv, about):
        return no_private
    tone = check_wording(deps, row.staff_user, row.slack_text, ActionKind.PRIVATE)
    return (f"✋ Still held: sending it privately hides personal data, not its tone, and it has:\n{tone}\n"
            "Edit your message (it is checked again), *Send anyway*, or *Cancel*.") if tone else None


def send_privately(deps: Deps, outbox_id: int, user: str, now: datetime) -> Decision:
    """A held public reply goes as a private message instead — offered, and done,
    only when every finding is personal data (a private message carries it safely)."""
    due, send_at, when = _released(deps, now)
    with deps.sessions() as session:
        row = _own_row(session, outbox_id, user)
        if isinstance(row, str):
            return Decision(False, row)
        conv = session.get(Conversation, row.conversation_id)
        adapter = deps.adapters.get(row.platform)
        about = store.latest_customer_message(session, conv.id, conv.customer_id)
        if row.state != HELD:
            return Decision(False, _too_late(deps, row), row.id)
        if why := _private_fixes_it(deps, row, conv, about):  # pressed on a notice older than this rule
            _, blocks = held_notice(deps, row.id, row.check_findings or "", row.platform, False)
            return Decision(False, why, row.id, blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": why}},
                                                        blocks[-1]])
        message = session.get(Message, row.message_id)
        key = outbox_key(message.slack_channel, message.slack_ts, ActionKind.PRIVATE) if message.slack_ts \
            else row.idempotency_key
        try:
            with session.begin_nested():
                moved = _moved(session, outbox_id, HELD, state=PENDING, next_attempt_at=due,
                               kind=ActionKind.PRIVATE.value, idempotency_key=key,
                               target=adapter.target_for(ActionKind.PRIVATE, post_ref(conv, about)))
        except IntegrityError:
            moved = False  # that message already has a private message of its own
        if not moved:
            session.rollback()
            return Decision(False, _too_late(deps, row) if row.state != HELD else "It cannot go privately.",
                            row.id)
        store.audit(session, now, user, "check_overridden", row.conversation_id,
                    f"outbox {row.id} sent privately instead; found: {row.check_findings}")
        session.commit()
        label = deps.label(row.platform, private=True)
        log.info("#%s held reply %s sent privately by %s", row.conversation_id, row.id, user)
        return Decision(True, f"🔒 Sending it privately ({label}) instead of publicly{when}", row.id, True,
                        row.conversation_id, send_at)


def cancel(deps: Deps, outbox_id: int, user: str, now: datetime) -> Decision:
    """Cancel a held reply, or Undo one still waiting out SEND_DELAY — never
    once the sender has claimed it (attempts > 0)."""
    with deps.sessions() as session:
        row = _own_row(session, outbox_id, user)
        if isinstance(row, str):
            return Decision(False, row)
        was = row.state
        done = session.execute(update(Outbox).where(
            Outbox.id == outbox_id, Outbox.state.in_((HELD, PENDING)), Outbox.attempts == 0)
            .values(state=CANCELLED, last_error=f"cancelled by {user} before sending")
            .execution_options(synchronize_session=False)).rowcount == 1
        if not done:
            session.rollback()
            session.refresh(row)
            return Decision(False, _too_late(deps, row), row.id)
        store.audit(session, now, user, "reply_cancelled" if was == HELD else "reply_undone",
                    row.conversation_id, f"outbox {row.id}")
        session.commit()
        log.info("#%s reply %s %s by %s", row.conversation_id, row.id,
                 "cancelled" if was == HELD else "undone", user)
        what = "Cancelled" if was == HELD else "Undone"
        return Decision(True, f"↩️ {what}: nothing was sent to {deps.where_sent(row)}. Your message stays "
                        "in the thread, marked ✖️ as not sent.", row.id, conversation_id=row.conversation_id,
                        stopped="cancelled" if was == HELD else "undone")


# -- what the author is told, privately, in the thread ------------------------------

def _button(text: str, action_id: str, outbox_id: int, style: str | None = None) -> dict:
    button = {"type": "button", "text": {"type": "plain_text", "text": text}, "action_id": action_id,
              "value": str(outbox_id)}
    if style:
        button["style"] = style
    return button


def held_notice(deps: Deps, outbox_id: int, findings: str, platform: str, private_possible: bool,
                private: bool = False, shown: str | None = None, composed: bool = False) -> tuple[str, list]:
    """shown: the text it would send, when the author did not type it (a saved reply's expansion). composed: it
    came from the composer, whose copy in the thread is the bot's message — not one its author can edit."""
    label = deps.label(platform, private)  # "Messenger", "X DM": where it would have gone
    what = f"\nIt would send:\n{quoted(excerpt(shown))}" if shown is not None else ""
    checked = "Every message to a customer is checked" if private else "Before a reply goes public it is checked"
    change = ("To change it, *Cancel*: ✍️ Reply opens with your words again (they are checked again). Or:"
              if composed else "Edit your message to change it (it is checked again), or:")
    text = f"✋ *Held — not sent to {label}.* {checked}, and yours has:\n{findings}{what}\n{change}"
    buttons = [_button("Send anyway", "reply_send_anyway", outbox_id, "danger")]
    if private_possible:
        buttons.append(_button("Send privately", "reply_send_privately", outbox_id, "primary"))
    buttons.append(_button("Cancel", "reply_cancel", outbox_id))
    return text, [{"type": "section", "text": {"type": "mrkdwn", "text": text}},
                  {"type": "actions", "block_id": f"held_{outbox_id}", "elements": buttons}]


def tell_author(deps: Deps, outbox_id: int, findings: str | None, send_at: datetime | None, held: bool,
                now: datetime) -> None:
    """After the ack: the author learns privately that their reply is held (with
    the buttons), or went out with a warning, or can be undone until send_at."""
    if not held and not findings and not send_at:
        return
    with reading(deps.sessions) as session:
        row = session.get(Outbox, outbox_id)
        conv = session.get(Conversation, row.conversation_id)
        message = session.get(Message, row.message_id)
        about = store.latest_customer_message(session, conv.id, conv.customer_id)
        private_possible = held and _private_fixes_it(deps, row, conv, about) is None
        where = (conv.slack_channel, row.staff_user, conv.slack_root_ts)
        platform, slack_ts = row.platform, message.slack_ts
        private = row.kind == ActionKind.PRIVATE.value or conv.private
        had_window = bool(deps.settings.send_delay) and row.next_attempt_at > row.created_at
        shown = row.slack_text if parse_call(message.text or "") else None
        composed = from_composer(row.idempotency_key)
        session.commit()
    if held:
        if had_window:  # held after an edit: its Undo notice says so, without its button
            close_undo_notice(deps, outbox_id)
        text, blocks = held_notice(deps, outbox_id, findings, platform, private_possible, private, shown, composed)
        deps.slack.ephemeral(where[0], where[1], text, thread_ts=where[2], blocks=blocks)
        if slack_ts:
            deps.slack.react(conv.slack_channel, slack_ts, HELD_REACTION)  # the team sees it too
        return
    if findings:
        deps.slack.ephemeral(where[0], where[1], f"⚠️ Sent with a warning (REPLY_CHECK=warn). It has:\n{findings}",
                             thread_ts=where[2])
    if send_at:
        post_undo_notice(deps, outbox_id, send_at, now)  # in the thread, so that it can change (notices.py)


def offer_undo(deps: Deps, outbox_id: int, now: datetime) -> None:
    """A reply released by an edit that fixed it: its Undo, while it waits out SEND_DELAY."""
    with deps.sessions() as session:
        row = session.get(Outbox, outbox_id)
        send_at = row.next_attempt_at if row.state == PENDING and row.next_attempt_at > now else None
        session.commit()
    if send_at:
        post_undo_notice(deps, outbox_id, send_at, now)


def forget_hold(deps: Deps, outbox_id: int) -> None:
    """The ✋ comes off a message whose hold is over (decided, or edited clean)."""
    with deps.sessions() as session:
        row = session.get(Outbox, outbox_id)
        message = session.get(Message, row.message_id)
        channel, ts = message.slack_channel, message.slack_ts
        session.commit()
    if ts:
        try:
            deps.slack.unreact(channel, ts, HELD_REACTION)
        except SLACK_ERRORS as exc:
            log.warning("outbox %s: ✋ not removed: %s", outbox_id, exc)
