"""Conversation state changes and their effect on the SLA clock.

States: waiting (on staff), answered, snoozed, resolved. A wait starts at the
platform time of the customer's post; further posts while waiting keep the
original due time — the clock never restarts in the customer's disfavour.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from bot.store.models import ANSWERED, RESOLVED, SNOOZED, WAITING, Conversation
from bot.rules.sla import Alarms, SlaPolicy, alarms_after_pause, alarms_for_priority, alarms_for_wait


# (pending alarm column, "already sent in this wait" column) per level.
_LEVELS = (("warn_at", "warned_at"), ("breach_at", "breached_at"), ("escalate_at", "escalated_at"))


def _set_alarms(conv: Conversation, alarms: Alarms | None) -> None:
    """A wait starts (alarms) or ends (None): nothing has been sent for it yet."""
    conv.warned_at = conv.breached_at = conv.escalated_at = None
    _retime_alarms(conv, alarms)


def _retime_alarms(conv: Conversation, alarms: Alarms | None) -> None:
    """The same wait gets new deadlines (snooze, wake-up, priority). A level
    already sent in this wait is not armed again: each is sent at most once
    per wait, as the contract says."""
    conv.due_at = alarms.due_at if alarms else None
    done = {pending: getattr(conv, sent) is not None for pending, sent in _LEVELS}
    done["warn_at"] = done["warn_at"] or done["breach_at"]  # no warning after the overdue ping
    times = (alarms.warn_at, alarms.breach_at, alarms.escalate_at) if alarms else (None, None, None)
    for (pending, _sent), when in zip(_LEVELS, times, strict=True):
        setattr(conv, pending, None if done[pending] else when)


def _sla(conv: Conversation, policy: SlaPolicy) -> timedelta:
    return policy.target(conv.platform, conv.priority, first=conv.first_response_at is None)


def record_customer_post(conv: Conversation, posted_at: datetime, now: datetime,
                         policy: SlaPolicy) -> None:
    conv.updated_at = now
    if conv.status == WAITING and conv.due_at is not None:
        conv.posts_in_wait += 1  # keep the original due time
        return
    if conv.status == SNOOZED:
        # The customer wrote again: the snooze ends when they wrote, the paused clock resumes.
        resume_from_snooze(conv, now, policy, written=posted_at)
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
    conv.snoozed_until = conv.snoozed_at = None
    conv.paused_remaining_s = None
    _set_alarms(conv, None)


def resolve(conv: Conversation, now: datetime) -> None:
    conv.status = RESOLVED
    conv.resolved_at = now
    conv.updated_at = now
    conv.posts_in_wait = 0
    conv.snoozed_until = conv.snoozed_at = None
    conv.paused_remaining_s = None
    _set_alarms(conv, None)


def reopen(conv: Conversation, now: datetime, policy: SlaPolicy) -> None:
    """Staff reopened it: it waits on staff again, from now."""
    conv.status = WAITING
    conv.resolved_at = None
    conv.updated_at = now
    conv.waiting_since = now
    conv.posts_in_wait = 0
    conv.snoozed_until = conv.snoozed_at = None
    conv.paused_remaining_s = None
    _set_alarms(conv, alarms_for_wait(policy, now, _sla(conv, policy)))


def snooze(conv: Conversation, until: datetime, now: datetime, policy: SlaPolicy) -> None:
    """Pause the clock until `until`; a waiting conversation keeps its remaining
    time. Snoozing a snoozed conversation only moves the wake-up: the time left
    was frozen by the first snooze and stays what it was."""
    if conv.status != SNOOZED:
        waiting = conv.status == WAITING and conv.due_at is not None
        conv.paused_remaining_s = (int(policy.calendar.between(now, conv.due_at).total_seconds())
                                   if waiting else None)
        conv.snoozed_at = now
    conv.status = SNOOZED
    conv.snoozed_until = until
    conv.updated_at = now
    _retime_alarms(conv, None)


def resume_from_snooze(conv: Conversation, now: datetime, policy: SlaPolicy,
                       written: datetime | None = None) -> None:
    """The snooze ends at the first of: now (staff lifted it), the time it was
    set to end (a sweep that runs late does not stretch it) and when the
    customer wrote (not when a poll found the post) — never before it began,
    so a post written before the snooze does not bring the deadline forward."""
    woke = min(moment for moment in (now, conv.snoozed_until, written) if moment is not None)
    if conv.snoozed_at is not None:
        woke = max(woke, conv.snoozed_at)
    remaining = conv.paused_remaining_s
    conv.snoozed_until = conv.snoozed_at = None
    conv.paused_remaining_s = None
    conv.updated_at = now
    conv.status = WAITING
    if remaining is None or conv.waiting_since is None:
        # It was not waiting on us when snoozed: it comes back as a fresh wait.
        conv.waiting_since = woke
        _set_alarms(conv, alarms_for_wait(policy, woke, _sla(conv, policy)))
        return
    _retime_alarms(conv, alarms_after_pause(policy, conv.waiting_since, woke,
                                            timedelta(seconds=max(0, remaining)), _sla(conv, policy)))


def set_priority(conv: Conversation, priority: str, now: datetime, policy: SlaPolicy,
                 from_words: bool = False) -> None:
    """Change the priority. A running wait keeps the clock it has used — not
    counting snoozed time — under the new SLA (levels already sent stay sent);
    a paused one gets its time left changed by the difference. A raise from
    the customer's words (`from_words`) never makes it overdue at once
    (bot.rules.sla.alarms_for_priority)."""
    old_sla = _sla(conv, policy)
    conv.priority = priority
    conv.updated_at = now
    new_sla = _sla(conv, policy)
    if conv.status == SNOOZED and conv.paused_remaining_s is not None:
        change = int((new_sla - old_sla).total_seconds())
        conv.paused_remaining_s = max(0, conv.paused_remaining_s + change)
    elif conv.status == WAITING and conv.due_at is not None and conv.waiting_since is not None:
        _retime_alarms(conv, alarms_for_priority(policy, conv.waiting_since, conv.due_at, old_sla, new_sla,
                                                 now, by_words=from_words))
