"""Business time: 24/7 by default (filled in by the business-hours calendar)."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol


class Calendar(Protocol):
    def add(self, start: datetime, duration: timedelta) -> datetime: ...

    def between(self, start: datetime, end: datetime) -> timedelta: ...


class AlwaysOpen:
    def add(self, start: datetime, duration: timedelta) -> datetime:
        return start + duration

    def between(self, start: datetime, end: datetime) -> timedelta:
        return max(timedelta(0), end - start)


def always_open() -> Calendar:
    return AlwaysOpen()
