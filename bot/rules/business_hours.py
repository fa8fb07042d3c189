"""Business time: opening hours in a time zone, minus public holidays.

`BUSINESS_HOURS=Mon-Fri 09:00-17:30` (clauses separated by commas, several
ranges per clause for a lunch break: `Mon-Fri 09:00-12:00 13:00-17:30, Sat
10:00-14:00`). Hours are local wall-clock times in `TIMEZONE`; each opening is
turned into real (UTC) instants per calendar day, so a DST change moves the
opening in UTC and never stretches or shrinks a business day that does not
contain the change itself.

`HOLIDAYS=DE` (or `DE-BY` for a subdivision, plus extra closure days as ISO
dates: `DE,2026-12-24,2026-12-31`) closes whole local days.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Callable, Iterator
from zoneinfo import ZoneInfo

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_CLAUSE = re.compile(r"^([A-Za-z]{3})(?:\s*-\s*([A-Za-z]{3}))?((?:\s+\d{1,2}:\d{2}\s*-\s*\d{1,2}:\d{2})+)$")
_RANGE = re.compile(r"(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_COUNTRY = re.compile(r"^([A-Za-z]{2,3})(?:-([A-Za-z0-9]{1,6}))?$")
# A calendar that is open at least one day a week finds an opening within a
# year even around long holiday runs; the bound only stops a runaway loop.
_SEARCH_DAYS = 800

Minutes = tuple[int, int]  # [start, end) in minutes after local midnight; end may be 1440


@dataclass(frozen=True)
class OpeningHours:
    """For each weekday (0 = Monday) the sorted, non-overlapping open ranges."""
    week: tuple[tuple[Minutes, ...], ...]
    text: str

    def describe(self) -> str:
        return self.text


@dataclass(frozen=True)
class HolidaySpec:
    countries: tuple[tuple[str, str | None], ...]
    dates: frozenset[date]


def parse_business_hours(text: str) -> OpeningHours:
    """Parse `Mon-Fri 09:00-17:30, Sat 10:00-14:00`. Raises ValueError with a
    message fit for one line of output."""
    week: list[list[Minutes]] = [[] for _ in _DAYS]
    clauses = [c.strip() for c in re.split(r"[,;]", text) if c.strip()]
    if not clauses:
        raise ValueError("is empty; use e.g. 'Mon-Fri 09:00-17:30' or leave it unset for 24/7")
    for clause in clauses:
        match = _CLAUSE.match(clause)
        if not match:
            raise ValueError(f"{clause!r} is not like 'Mon-Fri 09:00-17:30'")
        days = _day_span(match.group(1), match.group(2) or match.group(1))
        for start_h, start_m, end_h, end_m in _RANGE.findall(match.group(3)):
            start, end = _minutes(start_h, start_m, clause), _minutes(end_h, end_m, clause)
            if end <= start:
                raise ValueError(f"{clause!r}: a range must end after it starts on the same day "
                                 "(split overnight hours, e.g. 'Mon 22:00-24:00, Tue 00:00-06:00')")
            for day in days:
                week[day].append((start, end))
    return OpeningHours(week=tuple(_merge(ranges) for ranges in week), text=text.strip())


def _day_span(first: str, last: str) -> list[int]:
    try:
        a, b = _DAYS.index(first.lower()), _DAYS.index(last.lower())
    except ValueError:
        raise ValueError(f"unknown day in {first}-{last}; use Mon Tue Wed Thu Fri Sat Sun") from None
    return [(a + i) % 7 for i in range((b - a) % 7 + 1)]  # Sun-Thu wraps the week


def _minutes(hours: str, minutes: str, clause: str) -> int:
    value = int(hours) * 60 + int(minutes)
    if int(minutes) > 59 or value > 24 * 60:
        raise ValueError(f"{clause!r}: {hours}:{minutes} is not a time of day")
    return value


def _merge(ranges: list[Minutes]) -> tuple[Minutes, ...]:
    merged: list[Minutes] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)


def parse_holidays(text: str) -> HolidaySpec:
    """Parse `DE`, `DE-BY`, `US,2026-12-24`. Raises ValueError (one line)."""
    import holidays as holiday_tables

    supported = holiday_tables.list_supported_countries()
    countries, dates = [], set()
    for item in (i.strip() for i in text.split(",")):
        if not item:
            continue
        if _ISO_DATE.match(item):
            try:
                dates.add(date.fromisoformat(item))
            except ValueError:
                raise ValueError(f"{item!r} is not a date") from None
            continue
        match = _COUNTRY.match(item)
        country = match.group(1).upper() if match else None
        if country not in supported:
            raise ValueError(f"{item!r} is not a country code the holidays package knows (e.g. DE, US, GB)")
        subdiv = match.group(2)
        if subdiv and subdiv.upper() not in {s.upper() for s in supported[country]}:
            raise ValueError(f"{item!r}: {country} has no subdivision {subdiv!r}")
        countries.append((country, subdiv.upper() if subdiv else None))
    if not countries and not dates:
        raise ValueError("is empty; use e.g. DE, DE-BY or 2026-12-24")
    return HolidaySpec(countries=tuple(countries), dates=frozenset(dates))


def holiday_checker(spec: HolidaySpec | None) -> Callable[[date], bool]:
    if spec is None:
        return lambda day: False
    import holidays as holiday_tables

    tables = [holiday_tables.country_holidays(c, subdiv=s) for c, s in spec.countries]
    return lambda day: day in spec.dates or any(day in table for table in tables)


class BusinessCalendar:
    """Counts only open time. All inputs and outputs are aware datetimes."""

    def __init__(self, hours: OpeningHours, zone: ZoneInfo, is_holiday: Callable[[date], bool]):
        self.hours, self.zone, self.is_holiday = hours, zone, is_holiday

    def _instant(self, day: date, minutes: int) -> datetime:
        if minutes == 24 * 60:
            day, minutes = day + timedelta(days=1), 0
        local = datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=self.zone)
        return local.astimezone(timezone.utc)

    def openings(self, start: datetime, days: int = _SEARCH_DAYS) -> Iterator[tuple[datetime, datetime]]:
        """Open intervals (UTC) from the local day containing `start`, forward."""
        day = start.astimezone(self.zone).date()
        for _ in range(days):
            if not self.is_holiday(day):
                for first, last in self.hours.week[day.weekday()]:
                    yield self._instant(day, first), self._instant(day, last)
            day += timedelta(days=1)
        if days == _SEARCH_DAYS:
            raise RuntimeError(f"no business hours within {days} days of {start.isoformat()}")

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The instant when `duration` of business time has passed after `start`."""
        remaining = duration
        if remaining <= timedelta(0):
            return start
        for opens, closes in self.openings(start):
            if closes <= start:
                continue
            opens = max(opens, start)
            if remaining <= closes - opens:
                return opens + remaining
            remaining -= closes - opens
        raise AssertionError("unreachable: openings() raises when it runs out")

    def between(self, start: datetime, end: datetime) -> timedelta:
        """Business time in [start, end)."""
        total = timedelta(0)
        if end <= start:
            return total
        for opens, closes in self.openings(start, days=(end - start).days + 2):
            if opens >= end:
                return total
            overlap = min(closes, end) - max(opens, start)
            if overlap > timedelta(0):
                total += overlap
        return total
