"""Conversation state changes and their effect on the SLA clock.

States: waiting (on staff), answered, snoozed, resolved. A wait starts at the
platform time of the customer's post; further posts while waiting keep the
original due time — the clock never restarts in the customer's disfavour.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from bot.models import ANSWERED, RESOLVED, SNOOZED, WAITING, Conversation
from bot.sla import Alarms, SlaPolicy, alarms_after_pause, alarms_for_wait


def _set_alarms(conv: Conversation, alarms: Alarms | None) -> None:
    conv.due_at = alarms.due_at if alarms else None
    conv.warn_at = alarms.warn_at if alarms else None
    conv.breach_at = alarms.breach_at if alarms else None
    conv.escalate_at = alarms.escalate_at if alarms else None
    conv.warned_at = conv.breached_at = conv.escalated_at = None


def _sla(conv: Conversation, policy: SlaPolicy) -> timedelta:
    return policy.target(conv.platform, conv.priority, first=conv.first_response_at is None)


def record_customer_post(conv: Conversation, posted_at: datetime, now: datetime,
                         policy: SlaPolicy) -> None:
    conv.updated_at = now
    if conv.status == WAITING and conv.due_at is not None:
        conv.posts_in_wait += 1  # keep the original due time
        return
    if conv.status == SNOOZED:
        # The customer wrote again: the snooze ends, the paused clock resumes.
        resume_from_snooze(conv, now, policy)
        conv.posts_in_wait += 1
        return
    conv.status = WAITING
    conv.resolved_at = None
    conv.waiting_since = min(posted_at, now)
    conv.posts_in_wait = 1
    _set_alarms(conv, alarms_for_wait(policy, conv.waiting_since, _sla(conv, policy)))


def record_staff_reply(conv: Conversation, now: datetime, policy: SlaPolicy) -> None:
    if conv.first_response_at is None and conv.waiting_since is not None:
        conv.first_response_at = now
        conv.first_response_s = int(policy.calendar.between(conv.waiting_since, now).total_seconds())
    conv.updated_at = now
    if conv.status == RESOLVED:
        return  # a reply after resolving does not reopen the conversation
    conv.status = ANSWERED
    conv.posts_in_wait = 0
    conv.snoozed_until = None
    conv.paused_remaining_s = None
    _set_alarms(conv, None)


def resolve(conv: Conversation, now: datetime) -> None:
    conv.status = RESOLVED
    conv.resolved_at = now
    conv.updated_at = now
    conv.posts_in_wait = 0
    conv.snoozed_until = None
    conv.paused_remaining_s = None
    _set_alarms(conv, None)


def reopen(conv: Conversation, now: datetime, policy: SlaPolicy) -> None:
    """Staff reopened it: it waits on staff again, from now."""
    conv.status = WAITING
    conv.resolved_at = None
    conv.updated_at = now
    conv.waiting_since = now
    conv.posts_in_wait = 0
    conv.snoozed_until = None
    conv.paused_remaining_s = None
    _set_alarms(conv, alarms_for_wait(policy, now, _sla(conv, policy)))


def snooze(conv: Conversation, until: datetime, now: datetime, policy: SlaPolicy) -> None:
    """Pause the clock until `until`; a waiting conversation keeps its remaining time."""
    if conv.status == WAITING and conv.due_at is not None:
        remaining = policy.calendar.between(now, conv.due_at)
        conv.paused_remaining_s = int(remaining.total_seconds())
    else:
        conv.paused_remaining_s = None
    conv.status = SNOOZED
    conv.snoozed_until = until
    conv.updated_at = now
    _set_alarms(conv, None)


def resume_from_snooze(conv: Conversation, now: datetime, policy: SlaPolicy) -> None:
    remaining = conv.paused_remaining_s
    conv.snoozed_until = None
    conv.paused_remaining_s = None
    conv.updated_at = now
    if remaining is None:
        # It was not waiting on us when snoozed: it comes back as a fresh wait.
        conv.status = WAITING
        conv.waiting_since = now
        _set_alarms(conv, alarms_for_wait(policy, now, _sla(conv, policy)))
        return
    conv.status = WAITING
    _set_alarms(conv, alarms_after_pause(policy, now, timedelta(seconds=max(0, remaining)),
                                         _sla(conv, policy)))


def set_priority(conv: Conversation, priority: str, now: datetime, policy: SlaPolicy) -> None:
    """Change the priority and recompute the running clock from the start of
    the wait. A level that already fired stays fired while its new time has
    passed too; one whose new time is later is armed again (a new deadline is
    a new breach to warn about)."""
    old_sla = _sla(conv, policy)
    conv.priority = priority
    conv.updated_at = now
    new_sla = _sla(conv, policy)
    if conv.status == SNOOZED and conv.paused_remaining_s is not None:
        change = int((new_sla - old_sla).total_seconds())
        conv.paused_remaining_s = max(0, conv.paused_remaining_s + change)
        return
    if conv.status != WAITING or conv.due_at is None or conv.waiting_since is None:
        return  # takes effect on the next wait
    alarms = alarms_for_wait(policy, conv.waiting_since, new_sla)
    conv.due_at = alarms.due_at
    for pending, fired, new_time in (("warn_at", "warned_at", alarms.warn_at),
                                     ("breach_at", "breached_at", alarms.breach_at),
                                     ("escalate_at", "escalated_at", alarms.escalate_at)):
        if new_time is None or (getattr(conv, fired) is not None and new_time <= now):
            setattr(conv, pending, None)
        else:
            setattr(conv, pending, new_time)
            setattr(conv, fired, None)
