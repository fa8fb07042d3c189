"""Which time counts on the SLA clock: all of it (24/7, the default) or only
business hours (bot/rules/business_hours.py) when BUSINESS_HOURS is set."""
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


def build_calendar(business_hours, timezone_name: str, holidays) -> Calendar:
    """business_hours: OpeningHours or None; holidays: HolidaySpec or None
    (both parsed and validated by bot.config)."""
    if business_hours is None and holidays is None:
        return always_open()
    from zoneinfo import ZoneInfo

    from bot.rules.business_hours import BusinessCalendar, holiday_checker, parse_business_hours
    if business_hours is None:
        business_hours = parse_business_hours("Mon-Sun 00:00-24:00")  # 24/7 except holidays
    return BusinessCalendar(business_hours, ZoneInfo(timezone_name), holiday_checker(holidays))
