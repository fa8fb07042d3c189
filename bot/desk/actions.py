"""What staff can do to a conversation: claim, assign, resolve, reopen, snooze.
Each returns a one-line answer for the person who asked; the root message is
refreshed separately (after the ack)."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update

from bot.rules import conversations as transitions
from bot.store import queries as store
from bot.deps import Deps
from bot.store.models import RESOLVED, SNOOZED, Conversation
from bot.slack.render import slack_date

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ActionResult:
    ok: bool
    message: str
    conversation_id: int | None = None
    changed: bool = False


def _missing(conv_id: int) -> ActionResult:
    return ActionResult(False, f"There is no conversation #{conv_id}.")


def claim(deps: Deps, conv_id: int, user: str, now: datetime) -> ActionResult:
    with deps.sessions() as session:
        # One conditional UPDATE: of two people claiming at once, exactly one wins.
        won = session.execute(update(Conversation)
                              .where(Conversation.id == conv_id, Conversation.assignee.is_(None))
                              .values(assignee=user, updated_at=now)
                              .execution_options(synchronize_session=False)).rowcount == 1
        conv = session.get(Conversation, conv_id, populate_existing=True)
        if conv is None:
            return _missing(conv_id)
        if not won:
            who = "you" if conv.assignee == user else f"<@{conv.assignee}>"
            return ActionResult(conv.assignee == user, f"#{conv_id} is already claimed by {who}.", conv_id)
        store.audit(session, now, user, "claim", conv_id)
        log.info("#%s claimed by %s", conv_id, user)
        session.commit()
        return ActionResult(True, f"You claimed #{conv_id}.", conv_id, changed=True)


def unclaim(deps: Deps, conv_id: int, user: str, now: datetime) -> ActionResult:
    with deps.sessions() as session:
        released = session.execute(update(Conversation)
                                   .where(Conversation.id == conv_id, Conversation.assignee == user)
                                   .values(assignee=None, updated_at=now)
                                   .execution_options(synchronize_session=False)).rowcount == 1
        if released:
            store.audit(session, now, user, "unclaim", conv_id)
        session.commit()
        return ActionResult(released, f"#{conv_id} is unassigned again." if released else
                            f"#{conv_id} was not claimed by you.", conv_id, changed=released)


def assign(deps: Deps, conv_id: int, assignee: str, actor: str, now: datetime) -> ActionResult:
    with deps.sessions() as session:
        conv = session.get(Conversation, conv_id, with_for_update=True)
        if conv is None:
            return _missing(conv_id)
        conv.assignee, conv.updated_at = assignee, now
        store.audit(session, now, actor, "assign", conv_id, assignee)
        log.info("#%s assigned to %s by %s", conv_id, assignee, actor)
        session.commit()
        return ActionResult(True, f"#{conv_id} is now assigned to <@{assignee}>.", conv_id, changed=True)


def _change(deps: Deps, conv_id: int, actor: str, now: datetime, action: str, apply, refuse=None) -> ActionResult:
    with deps.sessions() as session:
        conv = session.get(Conversation, conv_id, with_for_update=True)
        if conv is None:
            return _missing(conv_id)
        problem = refuse(conv) if refuse else None
        if problem:
            return ActionResult(False, problem, conv_id)
        message = apply(conv)
        store.audit(session, now, actor, action, conv_id)
        session.commit()
        log.info("#%s %s by %s", conv_id, action, actor)
        return ActionResult(True, message, conv_id, changed=True)


def resolve(deps: Deps, conv_id: int, actor: str, now: datetime) -> ActionResult:
    def apply(conv):
        transitions.resolve(conv, now)
        return f"#{conv_id} is resolved; its timer is stopped."
    return _change(deps, conv_id, actor, now, "resolve", apply,
                   lambda c: f"#{conv_id} is already resolved." if c.status == RESOLVED else None)


def reopen(deps: Deps, conv_id: int, actor: str, now: datetime) -> ActionResult:
    def apply(conv):
        transitions.reopen(conv, now, deps.policy)
        return f"#{conv_id} is open again and waiting on us (due {slack_date(conv.due_at)})."
    return _change(deps, conv_id, actor, now, "reopen", apply,
                   lambda c: f"#{conv_id} is not resolved." if c.status != RESOLVED else None)


def snooze(deps: Deps, conv_id: int, actor: str, now: datetime, duration: timedelta | None = None) -> ActionResult:
    until = now + (deps.settings.snooze_default if duration is None else duration)

    def apply(conv):
        transitions.snooze(conv, until, now, deps.policy)
        return f"#{conv_id} is snoozed until {slack_date(until)}; its timer is paused."
    return _change(deps, conv_id, actor, now, "snooze", apply,
                   lambda c: f"#{conv_id} is resolved; reopen it first." if c.status == RESOLVED else None)


def unsnooze(deps: Deps, conv_id: int, actor: str, now: datetime) -> ActionResult:
    def apply(conv):
        transitions.resume_from_snooze(conv, now, deps.policy)
        return f"#{conv_id} is no longer snoozed."
    return _change(deps, conv_id, actor, now, "unsnooze", apply,
                   lambda c: f"#{conv_id} is not snoozed." if c.status != SNOOZED else None)


def set_priority(deps: Deps, conv_id: int, priority: str, actor: str, now: datetime) -> ActionResult:
    def apply(conv):
        transitions.set_priority(conv, priority, now, deps.policy)
        conv.priority_by_staff, conv.priority_reason = True, None  # a person chose: the words never override it
        due = f" (due {slack_date(conv.due_at)})" if conv.due_at else ""
        return f"#{conv_id} is now {priority} priority{due}."
    return _change(deps, conv_id, actor, now, "priority", apply,
                   lambda c: f"#{conv_id} is already {priority} priority." if c.priority == priority else None)
