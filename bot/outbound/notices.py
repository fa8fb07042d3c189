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

from adapters.base import OneReplyPerPost, PostRef, heart_for
from bot.deps import Deps, backoff
from bot.store.db import reading
from bot.store.models import CANCELLED, FAILED, HELD, PENDING, SENT, Conversation, Message, Outbox
from bot.rules.saved_replies import excerpt, parse_call
from bot.slack.slack_out import SLACK_ERRORS

log = logging.getLogger(__name__)


WHAT = {"reply": "your reply was", "private": "your private message was", "like": "your ❤️ was",
        "unlike": "removing your ❤️ was", "hide": "your 🙈 (hide it) was", "unhide": "removing your 🙈 (show it) was"}


# A failed row still uncertain: an earlier attempt may have reached the
# customer and nobody could look (bot.outbound.deliver) — never called "not sent".
UNSURE = {"reply": "your reply", "private": "your private message"}


LIKE_KINDS = ("like", "unlike")
# Said to their author alone: a ❤️ or a 🙈 is no matter for the whole thread.
TOLD_ALONE = LIKE_KINDS + ("hide", "unhide")


def not_sent_text(row: Outbox, heart: str | None = None) -> str:
    if row.kind in TOLD_ALONE:
        return f"{WHAT[row.kind].capitalize()} *not passed on* ({heart or 'to the platform'}): {row.last_error}"
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
    with reading(deps.sessions) as session:  # after every delivery, mostly finding none: no write lock
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
                .values(notice_due_at=deps.lease_until(now),
                        notice_attempts=Outbox.notice_attempts + 1)
                .execution_options(synchronize_session=False)).rowcount == 1
            if not claimed:
                session.commit()
                continue  # another process is posting it
            row = session.get(Outbox, row_id)
            conv = session.get(Conversation, row.conversation_id)
            text = not_sent_text(row, _heart_name(session, deps, conv, row) if row.kind in LIKE_KINDS else None)
            session.commit()  # the claim and its reads in one transaction; none across the Slack call
            try:
                if row.kind in TOLD_ALONE:  # its author alone is told; an ephemeral cannot be looked up, so a
                    # lost answer may tell them twice — never the thread
                    deps.slack.ephemeral(conv.slack_channel, row.staff_user, text, thread_ts=conv.slack_root_ts)
                else:
                    deps.slack.notice_once(conv.slack_channel, conv.slack_root_ts, text,
                                           {"outbox": str(row.id), "part": "not_sent"}, since=row.created_at,
                                           look_first=row.notice_attempts > 1)
            except SLACK_ERRORS as exc:
                log.warning("outbox %s: the not-sent notice could not be posted (%s); will retry", row_id, exc)
                _set_due(session, row_id, now + backoff(row.notice_attempts))
                continue
            _set_due(session, row_id, None)
            posted += 1
    return posted


def _heart_name(session, deps: Deps, conv: Conversation, row: Outbox) -> str | None:
    """What the ❤️ was to do, as the adapter names it ("React on Messenger")."""
    message = session.get(Message, row.message_id)
    post = PostRef(message.external_id or "", message.author_id or conv.customer_id or "",
                   conv.private or message.private, message.created_at)
    return heart_for(deps.adapters.get(row.platform), post).name


# -- the Undo notice: a thread message, so that it can change -----------------------
#
# Slack lets an app change an ephemeral message only through the response_url
# of a press on it (chat.update refuses ephemerals), so an ephemeral Undo
# would stay live after its reply left, with no press to replace it. The Undo
# therefore sits in the thread, under the reply, as the bot's own message: the
# sender turns it into "📤 Sent" with chat.update, and Undo into "✖️ Not sent",
# wherever those happen (the worker sends; web answers the press). The team
# sees the reply is on its way, and a reply that never left stays marked. It
# carries a marker (message metadata), so any process finds it again.

UNDO_PART = "undo"
DELETED = "deleted in Slack before sending"  # bot.outbound.relay.cancel_pending_reply's reason
STOPPED_PART = "stopped"
NOT_SENT_REACTION = "heavy_multiplication_x"  # ✖️ on a staff message that never left


def undo_message(label: str, seconds: int, outbox_id: int, shown: str | None = None) -> dict:
    """shown: the text it sends, when its author did not type it (a saved reply's expansion) or it was held."""
    what = "".join(f"\n> {line}" for line in excerpt(shown).splitlines()) if shown else ""
    text = f"⏳ This reply goes to {label} in {seconds} s. Its author can Undo it until then.{what}"
    return {"text": text, "unfurl_links": False,
            "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}},
                       {"type": "actions", "block_id": f"undo_{outbox_id}", "elements": [
                           {"type": "button", "action_id": "reply_undo", "value": str(outbox_id),
                            "text": {"type": "plain_text", "text": "Undo"}}]}]}


def outcome_message(text: str) -> dict:
    """What an Undo notice becomes once its moment has passed: one line, no button."""
    return {"text": text, "blocks": [{"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}]}


def sent_line(label: str) -> str:
    return f"📤 Sent to {label}."


def stopped_line(label: str, undone: bool, marked: bool = True) -> str:
    how = "undone by its author" if undone else "held, then cancelled by its author"
    what = "the reply marked ✖️" if marked else "a reply"  # a held `/social private` has no thread message
    return f"✖️ *Not sent* to {label}: {what} was {how}. The customer never saw it."


def _outcome(row: Outbox, label: str) -> str | None:
    """What an Undo notice says once its reply is no longer waiting; None while it is."""
    if row.state == SENT:
        return sent_line(label)
    if row.state == CANCELLED and row.last_error == DELETED:
        return f"🗑️ *Not sent* to {label}: its author deleted the reply before it left."
    if row.state == CANCELLED:
        return stopped_line(label, undone=True)
    if row.state == HELD:
        return f"✋ *Held after an edit* — not sent to {label}; its author decides (Undo no longer needed)."
    if row.state == FAILED:
        return f"⚠️ *Not sent* to {label}: the ⚠️ in this thread says why."
    return None


def post_undo_notice(deps: Deps, outbox_id: int, send_at: datetime, now: datetime) -> None:
    """The Undo under a reply waiting out SEND_DELAY; if the reply left (or
    was stopped) while it was being posted, it is closed at once."""
    with deps.sessions() as session:
        row = session.get(Outbox, outbox_id)
        conv = session.get(Conversation, row.conversation_id)
        where, created = (conv.slack_channel, conv.slack_root_ts), row.created_at
        label = deps.label(row.platform, row.kind == "private")
        again = row.check_findings is not None  # it was held: it may have had a window before
        called = parse_call(session.get(Message, row.message_id).text or "")
        # Quoted when its author did not type it (a saved reply's expansion) or when it was held and released: the
        # risky reply is the one to re-read before it leaves (a new user's trial, 2026-12-07, saw only the bare line).
        shown = row.slack_text if called or again else None
        session.commit()
    seconds, marker = max(1, round((send_at - now).total_seconds())), {"outbox": str(outbox_id), "part": UNDO_PART}
    try:
        # A reply held after an edit, then released, already has its notice: it offers the Undo again.
        ts = deps.slack.find_marked(where[0], marker, where[1], created) if again else None
        if ts:
            deps.slack.update(where[0], ts, undo_message(label, seconds, outbox_id, shown))
        else:
            ts = deps.slack.post_unique(where[0], undo_message(label, seconds, outbox_id, shown), where[1], marker,
                                        since=created, look_first=False)
    except SLACK_ERRORS as exc:
        log.warning("outbox %s: the Undo notice could not be posted: %s", outbox_id, exc)
        return
    with deps.sessions() as session:
        state = session.get(Outbox, outbox_id).state
        session.commit()
    if state != PENDING:  # the sender, a cancel or an edit came first and found nothing to close
        close_undo_notice(deps, outbox_id, ts)


def close_undo_notice(deps: Deps, outbox_id: int, ts: str | None = None) -> None:
    """The Undo notice says what became of its reply, without its button."""
    with deps.sessions() as session:
        row = session.get(Outbox, outbox_id)
        conv = session.get(Conversation, row.conversation_id)
        label = deps.label(row.platform, row.kind == "private")
        text = _outcome(row, label)
        if text is None:
            return  # still on its way: the Undo still applies
        where, created = (conv.slack_channel, conv.slack_root_ts), row.created_at
        session.commit()
    try:
        ts = ts or deps.slack.find_marked(where[0], {"outbox": str(outbox_id), "part": UNDO_PART}, where[1],
                                          created)
        if ts:
            deps.slack.update(where[0], ts, outcome_message(text))
    except SLACK_ERRORS as exc:
        log.warning("outbox %s: the Undo notice could not be closed: %s", outbox_id, exc)


def mark_stopped(deps: Deps, outbox_id: int, undone: bool, notice_ts: str | None = None) -> None:
    """A reply that never left is marked so in the thread: ✖️ on the staff
    message (the bot cannot edit a person's message, but may react to it) and
    a line saying why — its Undo notice turned into that line, or, for a held
    reply (whose notice was private), one note posted once."""
    with deps.sessions() as session:
        row = session.get(Outbox, outbox_id)
        conv = session.get(Conversation, row.conversation_id)
        message = session.get(Message, row.message_id)
        label = deps.label(row.platform, row.kind == "private")
        where, staff_ts, created = (conv.slack_channel, conv.slack_root_ts), message.slack_ts, row.created_at
        session.commit()
    try:
        if staff_ts:
            deps.slack.react(where[0], staff_ts, NOT_SENT_REACTION)
        if undone:
            close_undo_notice(deps, outbox_id, notice_ts)
        else:
            deps.slack.notice_once(where[0], where[1], stopped_line(label, undone=False, marked=bool(staff_ts)),
                                   {"outbox": str(outbox_id), "part": STOPPED_PART}, since=created,
                                   look_first=False)
    except SLACK_ERRORS as exc:
        log.warning("outbox %s: not marked as not sent in the thread: %s", outbox_id, exc)


def say_before_replacing(deps: Deps, adapter, row: Outbox) -> None:
    """Where the platform keeps one public reply per post (OneReplyPerPost),
    a later staff reply to the same post replaces the earlier: the thread is
    told so, once, before it goes out (a retry after a lost Slack answer looks
    for the notice first). Slack errors propagate: the send waits for the notice."""
    if row.kind != "reply" or not isinstance(adapter, OneReplyPerPost):
        return
    with deps.sessions() as session:
        earlier = session.scalar(select(Outbox).where(
            Outbox.conversation_id == row.conversation_id, Outbox.kind == "reply", Outbox.state == SENT,
            Outbox.target == row.target, Outbox.id != row.id).order_by(Outbox.id.desc()).limit(1))
        if earlier is None:
            return
        conv = session.get(Conversation, row.conversation_id)
        channel, root, said = conv.slack_channel, conv.slack_root_ts, earlier.slack_text or ""
    deps.slack.notice_once(channel, root, f"ℹ️ {adapter.replaces(said)}", {"outbox": str(row.id), "part": "replaces"},
                           since=row.created_at, look_first=True)
