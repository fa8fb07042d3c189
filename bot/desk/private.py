"""Apologise in public, solve in private: "Reply privately" on a public
conversation, and `/social private #42 <text>`.

Both become an outbox action of kind PRIVATE (on X a DM to the customer),
sent exactly once like any reply, shown in the thread marked 🔒, and — when
the platform refuses (a customer who does not accept DMs) — owed a ⚠️ notice,
never dropped silently."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from adapters.base import ActionKind
from bot.store import queries as store
from bot.desk.actions import ActionResult, _missing
from bot.deps import Deps
from bot.store.models import OUT, Conversation, Message
from bot.outbound.relay import Relay, queue_action
from bot.slack.root import cannot_go_privately
from bot.rules.text import escape_for_slack
from bot.outbound.thread_copy import quoted

log = logging.getLogger(__name__)


def _cannot(session, deps: Deps, conv: Conversation) -> str | None:
    """Why nothing private can answer the customer's latest post here (Instagram: an @-mention on someone else's
    media takes no private reply), said at once rather than as a ⚠️ after Meta refuses it."""
    return cannot_go_privately(deps, conv, store.latest_customer_message(session, conv.id, conv.customer_id))


def toggle_reply_privately(deps: Deps, conv_id: int, user: str, now: datetime) -> ActionResult:
    """The button: this person's next thread message goes privately (press
    again to take it back)."""
    with deps.sessions() as session:
        conv = session.get(Conversation, conv_id, with_for_update=True)
        if conv is None:
            return _missing(conv_id)
        problem = _cannot(session, deps, conv) or ("This is already a private conversation: every reply here goes "
                                          "privately." if conv.private else None)
        if problem:
            return ActionResult(False, problem, conv_id)
        label = deps.label(conv.platform, private=True)
        if conv.reply_privately_by == user:
            conv.reply_privately_by = None
            message = f"🔓 Reply privately is off: your next message in #{conv_id} goes out publicly again."
        else:
            conv.reply_privately_by = user
            message = (f"🔒 Your next message in the thread of #{conv_id} goes to {escape_for_slack(conv.customer_handle)} "
                       f"privately ({label}), not publicly. Press *Reply privately* again to take it back.")
        conv.updated_at = now
        store.audit(session, now, user, "reply_privately", conv_id, conv.reply_privately_by or "off")
        session.commit()
        return ActionResult(True, message, conv_id, changed=True)


@dataclass(frozen=True)
class PrivateSend:
    answer: str                    # the one line for the person who asked
    conversation_id: int | None = None
    outbox_id: int | None = None
    queued: bool = False
    refused: bool = False
    held: bool = False
    findings: str | None = None
    send_at: datetime | None = None


def send_privately(deps: Deps, conv_id: int, user: str, slack_text: str, request_id: str,
                   now: datetime) -> PrivateSend:
    """`/social private #42 <text>`: record it and queue one private message.
    request_id (the command's trigger_id) makes a repeated request a no-op."""
    with deps.sessions() as session:
        conv = session.get(Conversation, conv_id, with_for_update=True)
        if conv is None:
            return PrivateSend(f"There is no conversation #{conv_id}.")
        problem = _cannot(session, deps, conv)
        if problem:
            return PrivateSend(problem, conv_id)
        about = store.latest_customer_message(session, conv.id, conv.customer_id)
        if about is None:
            return PrivateSend(f"#{conv_id} has no message from the customer to answer.", conv_id)
        message = Message(conversation_id=conv.id, direction=OUT, platform=conv.platform, account=conv.account,
                          slack_channel=conv.slack_channel, author_id=user, text=slack_text,
                          created_at=now, recorded_at=now)
        result = queue_action(session, deps, conv, message, ActionKind.PRIVATE, f"command:{request_id}:private",
                              user, slack_text, about, now)
        session.commit()
        label = deps.label(conv.platform, private=True)
        if result.outcome is Relay.DUPLICATE:
            return PrivateSend(f"Already queued: that private message to {escape_for_slack(conv.customer_handle)} goes out once.",
                               conv_id)
        if result.outcome is Relay.REFUSED:
            return PrivateSend(f"🔒 Not sent to {escape_for_slack(conv.customer_handle)}: see the ⚠️ in the thread of #{conv_id}.",
                               conv_id, result.outbox_id, refused=True)
        if result.outcome is Relay.HELD:
            return PrivateSend(f"✋ Held — not sent to {escape_for_slack(conv.customer_handle)}: see why, with Send anyway and "
                               f"Cancel, in the thread of #{conv_id}.", conv_id, result.outbox_id, held=True,
                               findings=result.findings)
        return PrivateSend(f"🔒 Sending privately to {escape_for_slack(conv.customer_handle)} ({label}); the thread of #{conv_id} "
                           "shows it, with 📤 once it is sent.", conv_id, result.outbox_id, queued=True,
                           findings=result.findings, send_at=result.send_at)


def thread_copy_text(user: str, customer_handle: str, label: str, slack_text: str) -> str:
    """What the thread shows of a private message sent with /social private
    (slack_text is Slack markup already; the handle is customer text)."""
    # Posted when the reply is queued, before its Undo window and the send: "Sent privately" told a newcomer it
    # had gone while Undo was still offered. 📤 on this copy says when the platform took it.
    return f"🔒 *Private reply* by <@{user}> to {escape_for_slack(customer_handle)} ({label}):\n{quoted(slack_text)}"
