"""The SLA clock: how long a post may wait, and when its alarms fire.

Deadlines are computed once, when a wait starts or changes, and stored: the
conversation's due_at and its alarm rows (warn, breach, escalate). The sweep
then only does indexed range queries; it never asks "is it business hours now?".
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Mapping

from bot.rules.calendar import Calendar, always_open


# How priority scales the SLA: high halves it, low doubles it, urgent quarters it.
PRIORITY_FACTORS = {"urgent": 0.25, "high": 0.5, "normal": 1.0, "low": 2.0}


@dataclass(frozen=True)
class SlaPolicy:
    first_response: timedelta
    next_response: timedelta
    warn_before: timedelta
    escalate: bool = False
    overrides: Mapping[str, timedelta] = field(default_factory=dict)
    calendar: Calendar = field(default_factory=always_open)

    def target(self, platform: str, priority: str, first: bool) -> timedelta:
        kind = "first" if first else "next"
        base = self.overrides.get(f"{kind}:{platform}") or (
            self.first_response if first else self.next_response)
        factor = PRIORITY_FACTORS.get(priority, 1.0)
        return timedelta(seconds=max(1, int(base.total_seconds() * factor)))


@dataclass(frozen=True)
class Alarms:
    due_at: datetime
    warn_at: datetime | None
    breach_at: datetime
    escalate_at: datetime | None


def alarms_for_wait(policy: SlaPolicy, started: datetime, sla: timedelta) -> Alarms:
    """A fresh wait: the breach `sla` of business time after `started`, the
    warning `warn_before` ahead of it, the escalation one full SLA later."""
    due = policy.calendar.add(started, sla)
    warn = None
    if policy.warn_before > timedelta(0) and sla > policy.warn_before:
        warn = policy.calendar.add(started, sla - policy.warn_before)
    escalate = policy.calendar.add(due, sla) if policy.escalate else None
    return Alarms(due_at=due, warn_at=warn, breach_at=due, escalate_at=escalate)


def alarms_after_pause(policy: SlaPolicy, started: datetime, woke: datetime, remaining: timedelta,
                       sla: timedelta) -> Alarms:
    """A snoozed wait resumes at `woke` with the business time it had left."""
    due = policy.calendar.add(woke, remaining)
    return alarms_due(policy, woke, due, policy.calendar.between(started, due), sla)


def alarms_for_priority(policy: SlaPolicy, started: datetime, due: datetime, old_sla: timedelta,
                        new_sla: timedelta, now: datetime, by_words: bool = False) -> Alarms:
    """The same wait (started at `started`, due at `due`) under another SLA.

    The business time it was given on top of its SLA — snoozed time, an earlier
    grace — stays given, so the new SLA is not run over minutes the clock stood
    still. A raise by the customer's words may bring the deadline earlier,
    never later, and never to sooner than `raise_grace` from now: the words
    shorten the SLA, they do not make the conversation overdue on arrival."""
    calendar = policy.calendar
    extra = calendar.between(started, due) - old_sla
    new_due = calendar.add(started, new_sla + extra)
    if by_words and new_sla < old_sla:
        new_due = max(new_due, min(due, calendar.add(now, raise_grace(policy, new_sla))))
    return alarms_due(policy, now, new_due, calendar.between(started, new_due), new_sla)


def raise_grace(policy: SlaPolicy, new_sla: timedelta) -> timedelta:
    """The least business time a raise by the words leaves: the warning time,
    so the warning still comes before the breach; with warnings off (0s), the
    new SLA itself — no heads-up is coming, so staff get what a fresh post at
    that priority would get (still never more than the deadline it had)."""
    return policy.warn_before if policy.warn_before > timedelta(0) else new_sla


def alarms_due(policy: SlaPolicy, now: datetime, due: datetime, total: timedelta, sla: timedelta) -> Alarms:
    """The alarms of a wait retimed at `now` (a wake, a priority change) to be
    due at `due`, `total` of business time after it started. A warning whose
    moment passed while the deadline moved is posted at once, not skipped —
    unless the whole wait is no longer than the warning time (a fresh wait
    like that gets none either)."""
    warn = None
    if policy.warn_before > timedelta(0) and total > policy.warn_before and due > now:
        left = policy.calendar.between(now, due)
        warn = (policy.calendar.add(now, left - policy.warn_before) if left > policy.warn_before
                else _opening(policy.calendar, now))
    escalate = policy.calendar.add(due, sla) if policy.escalate else None
    return Alarms(due_at=due, warn_at=warn, breach_at=due, escalate_at=escalate)


def _opening(calendar: Calendar, moment: datetime) -> datetime:
    """The first business instant at or after `moment` (a warning due "now"
    at night is posted when the desk opens)."""
    tick = timedelta(microseconds=1)
    return calendar.add(moment, tick) - tick
