"""Business time: the SLA clock driven through opening hours, weekends,
holidays, snoozes and DST changes — with an injected clock, never a sleep."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.rules import conversations as transitions
from bot.rules.business_hours import parse_business_hours, parse_holidays
from bot.rules.calendar import AlwaysOpen, build_calendar
from bot.config import load_settings
from bot.env import ConfigError
from bot.store.models import SNOOZED, WAITING, Conversation
from bot.rules.sla import SlaPolicy, alarms_for_wait

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def local(zone, *args) -> datetime:
    return datetime(*args, tzinfo=zone).astimezone(timezone.utc)


def calendar(hours="Mon-Fri 09:00-17:30", zone="Europe/Berlin", holidays=None):
    return build_calendar(parse_business_hours(hours), zone, parse_holidays(holidays) if holidays else None)


H = timedelta(hours=1)


# -- parsing ------------------------------------------------------------------------

def test_parses_ranges_lunch_breaks_and_wrapping_weeks():
    hours = parse_business_hours("Mon-Fri 09:00-12:00 13:00-17:30, Sat 10:00-14:00")
    assert hours.week[0] == ((540, 720), (780, 1050)) and hours.week[5] == ((600, 840),) and hours.week[6] == ()
    wrapped = parse_business_hours("Sun-Thu 08:00-16:00")
    assert [bool(day) for day in wrapped.week] == [True, True, True, True, False, False, True]
    assert parse_business_hours("Mon 09:00-12:00, Mon 11:00-13:00").week[0] == ((540, 780),)  # merged


@pytest.mark.parametrize("value, message", [
    ("Mon-Fri 9-5", "is not like 'Mon-Fri 09:00-17:30'"),
    ("Mon-Fri 17:00-09:00", "split overnight hours"),
    ("Mon-Fry 09:00-17:00", "unknown day"),
    ("Mon 09:00-24:30", "is not a time of day"),
    (",", "is empty"),
])
def test_bad_business_hours_are_one_line_config_errors(value, message):
    with pytest.raises(ConfigError) as error:
        load_settings({"BUSINESS_HOURS": value})
    assert error.value.variable == "BUSINESS_HOURS" and message in str(error.value) and "\n" not in str(error.value)


@pytest.mark.parametrize("value, message", [
    ("XX", "not a country code"), ("DE-ZZ", "no subdivision"), ("2026-02-30", "not a date")])
def test_bad_holidays_are_one_line_config_errors(value, message):
    with pytest.raises(ConfigError) as error:
        load_settings({"HOLIDAYS": value})
    assert error.value.variable == "HOLIDAYS" and message in str(error.value)


def test_unset_means_24_7():
    settings = load_settings({})
    assert settings.business_hours is None
    assert isinstance(build_calendar(settings.business_hours, settings.timezone, settings.holidays), AlwaysOpen)


# -- adding business time -----------------------------------------------------------

def test_inside_hours_the_clock_runs_like_a_wall_clock():
    start = local(BERLIN, 2026, 11, 24, 10, 0)  # Tuesday
    assert calendar().add(start, H) == local(BERLIN, 2026, 11, 24, 11, 0)


def test_a_post_late_on_friday_is_due_on_monday_morning():
    start = local(BERLIN, 2026, 11, 27, 17, 0)  # Friday, 30 min before closing
    due = calendar().add(start, H)
    assert due == local(BERLIN, 2026, 11, 30, 9, 30)
    assert calendar().between(start, due) == H


def test_a_post_at_night_starts_its_clock_at_opening():
    start = local(BERLIN, 2026, 11, 24, 23, 40)
    assert calendar().add(start, 15 * 60 * timedelta(seconds=1)) == local(BERLIN, 2026, 11, 25, 9, 15)


def test_lunch_break_does_not_count():
    cal = calendar("Mon-Fri 09:00-12:00 13:00-17:30")
    assert cal.add(local(BERLIN, 2026, 11, 24, 11, 30), H) == local(BERLIN, 2026, 11, 24, 13, 30)


def test_public_holidays_close_the_whole_day():
    # Wed 23 Dec 17:00; Thu 24 Dec is a company closure day, Fri 25 + Sat 26 are
    # German public holidays, Sunday is closed: 30 min on Wed, 30 min on Mon 28.
    cal = calendar("Mon-Sat 09:00-17:30", holidays="DE,2026-12-24")
    assert cal.add(local(BERLIN, 2026, 12, 23, 17, 0), H) == local(BERLIN, 2026, 12, 28, 9, 30)
    without = calendar("Mon-Sat 09:00-17:30")
    assert without.add(local(BERLIN, 2026, 12, 23, 17, 0), H) == local(BERLIN, 2026, 12, 24, 9, 30)


def test_regional_holidays_follow_the_subdivision():
    # 6 January (Epiphany) is a holiday in Bavaria, not in Berlin.
    start = local(BERLIN, 2027, 1, 5, 17, 0)
    assert calendar(holidays="DE-BY").add(start, H) == local(BERLIN, 2027, 1, 7, 9, 30)
    assert calendar(holidays="DE-BE").add(start, H) == local(BERLIN, 2027, 1, 6, 9, 30)


def test_holidays_without_business_hours_mean_24_7_except_holidays():
    cal = build_calendar(None, "Europe/Berlin", parse_holidays("DE"))
    start = local(BERLIN, 2026, 12, 24, 23, 30)
    assert cal.add(start, H) == local(BERLIN, 2026, 12, 27, 0, 30)


# -- DST -----------------------------------------------------------------------------

def test_opening_hours_stay_local_across_the_spring_dst_change():
    # Berlin moves to CEST on Sun 29 Mar 2026: Friday 09:00 is 08:00 UTC,
    # Monday 09:00 is 07:00 UTC. The deadline is 09:30 local either way.
    due = calendar().add(local(BERLIN, 2026, 3, 27, 17, 0), H)
    assert due == local(BERLIN, 2026, 3, 30, 9, 30) == datetime(2026, 3, 30, 7, 30, tzinfo=timezone.utc)


def test_opening_hours_stay_local_across_the_autumn_dst_change():
    due = calendar(zone="America/New_York").add(local(NEW_YORK, 2026, 10, 30, 17, 0), H)
    assert due == datetime(2026, 11, 2, 14, 30, tzinfo=timezone.utc)  # 09:30 EST


def test_a_day_open_around_the_clock_is_23_or_25_real_hours_on_dst_days():
    cal = calendar("Mon-Sun 00:00-24:00")
    spring = local(BERLIN, 2026, 3, 29, 0, 0)
    assert cal.between(spring, local(BERLIN, 2026, 3, 30, 0, 0)) == timedelta(hours=23)
    autumn = local(BERLIN, 2026, 10, 25, 0, 0)
    assert cal.between(autumn, local(BERLIN, 2026, 10, 26, 0, 0)) == timedelta(hours=25)
    # Two real hours after 01:30 on the spring day is 04:30 local (02:xx does not exist).
    assert cal.add(local(BERLIN, 2026, 3, 29, 1, 30), 2 * H) == local(BERLIN, 2026, 3, 29, 4, 30)


# -- the clock on a conversation ----------------------------------------------------

def policy(cal, **kwargs) -> SlaPolicy:
    return SlaPolicy(first_response=H, next_response=H, warn_before=timedelta(minutes=15), calendar=cal, **kwargs)


def conversation() -> Conversation:
    return Conversation(platform="x", status="new", priority="normal", posts_in_wait=0,
                        customer_handle="@c", customer_id="1")


def test_warning_and_escalation_are_counted_in_business_time():
    alarms = alarms_for_wait(policy(calendar(), escalate=True), local(BERLIN, 2026, 11, 27, 17, 0), H)
    assert alarms.warn_at == local(BERLIN, 2026, 11, 30, 9, 15)  # 15 business minutes before the breach
    assert alarms.breach_at == local(BERLIN, 2026, 11, 30, 9, 30)
    assert alarms.escalate_at == local(BERLIN, 2026, 11, 30, 10, 30)


def test_snooze_over_the_weekend_keeps_the_business_time_left():
    rules = policy(calendar())
    conv = conversation()
    transitions.record_customer_post(conv, local(BERLIN, 2026, 11, 27, 16, 0), local(BERLIN, 2026, 11, 27, 16, 0), rules)
    assert conv.due_at == local(BERLIN, 2026, 11, 27, 17, 0)
    transitions.snooze(conv, local(BERLIN, 2026, 11, 30, 10, 0), local(BERLIN, 2026, 11, 27, 16, 20), rules)
    assert conv.status == SNOOZED and conv.paused_remaining_s == 40 * 60
    transitions.resume_from_snooze(conv, local(BERLIN, 2026, 11, 30, 10, 0), rules)
    assert conv.status == WAITING and conv.due_at == local(BERLIN, 2026, 11, 30, 10, 40)


def test_first_response_time_is_measured_in_business_time():
    rules = policy(calendar())
    conv = conversation()
    posted = local(BERLIN, 2026, 11, 27, 17, 20)
    transitions.record_customer_post(conv, posted, posted, rules)
    transitions.record_staff_reply(conv, local(BERLIN, 2026, 11, 30, 9, 5), rules)
    assert conv.first_response_s == 15 * 60  # 10 min on Friday + 5 min on Monday
