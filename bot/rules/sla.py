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
    return _alarms(policy, started, sla, sla)


def alarms_after_pause(policy: SlaPolicy, resumed: datetime, remaining: timedelta,
                       sla: timedelta) -> Alarms:
    """A snoozed wait resumes with the business time it had left."""
    return _alarms(policy, resumed, remaining, sla)


def _alarms(policy: SlaPolicy, start: datetime, left: timedelta, sla: timedelta) -> Alarms:
    """`left` of business time from `start` to the breach; the escalation one
    full SLA after it."""
    due = policy.calendar.add(start, left)
    warn = None
    if policy.warn_before > timedelta(0) and left > policy.warn_before:
        warn = policy.calendar.add(start, left - policy.warn_before)
    escalate = policy.calendar.add(due, sla) if policy.escalate else None
    return Alarms(due_at=due, warn_at=warn, breach_at=due, escalate_at=escalate)
