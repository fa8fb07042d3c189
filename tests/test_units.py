"""Pure functions: durations, settings, text conversion, the SLA policy."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.config import load_settings
from bot.env import ConfigError, parse_duration
from bot.inbound.poll import next_poll_time
from bot.rules.sla import SlaPolicy, alarms_for_wait
from adapters.x import decode_platform_entities
from bot.rules.text import escape_for_slack, is_internal_note, slack_to_plain, split_for_sections
from adapters.base import RateLimit

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("text,seconds", [("45s", 45), ("15m", 900), ("2h", 7200), ("1d", 86400), (" 3m ", 180)])
def test_durations(text, seconds):
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["", "5", "5x", "1.5h", "-1m", "soon"])
def test_bad_durations(text):
    with pytest.raises(ValueError):
        parse_duration(text)


def test_x_is_off_without_all_four_user_context_values():
    assert load_settings({"X_API_KEY": "k", "X_BEARER_TOKEN": "b"}).x is None
    on = load_settings({"X_API_KEY": "k", "X_API_SECRET": "s", "X_ACCESS_TOKEN": "t", "X_ACCESS_TOKEN_SECRET": "ts"})
    assert on.x is not None and on.enabled_platforms == ("x",)


@pytest.mark.parametrize("env,variable", [
    ({"SLACK_BOT_TOKEN": "xoxp-user"}, "SLACK_BOT_TOKEN"), ({"SLACK_API_URL": "ftp://x"}, "SLACK_API_URL"),
    ({"ESCALATION_CHANNEL": "escalations"}, "ESCALATION_CHANNEL"), ({"X_USER_ID": "@brand"}, "X_USER_ID"),
    ({"PORT": "99999"}, "PORT"), ({"TIMEZONE": "Mars/Olympus"}, "TIMEZONE"), ({"SLACK_ONCALL": "alice"}, "SLACK_ONCALL"),
    ({"WEB_HOST": "localhost:3000"}, "WEB_HOST")])
def test_malformed_values_name_their_variable(env, variable):
    with pytest.raises(ConfigError) as raised:
        load_settings(env)
    assert raised.value.variable == variable


def test_every_bad_variable_is_named_at_once_in_one_line():
    """A bad mention list (ESCALATE_TO, SLACK_ONCALL, SLACK_PUBLISHERS) used to
    stop the reading there, hiding every other bad variable."""
    with pytest.raises(ConfigError) as raised:
        load_settings({"ESCALATE_TO": "@oncall", "SLACK_PUBLISHERS": "alice", "PORT": "99999",
                       "SLA_WARN_BEFORE": "soon", "ESCALATION_CHANNEL": "escalations"})
    assert sorted(raised.value.variables) == ["ESCALATE_TO", "ESCALATION_CHANNEL", "PORT", "SLACK_PUBLISHERS",
                                              "SLA_WARN_BEFORE"]
    assert "\n" not in str(raised.value) and "'@oncall' is not a Slack user" in str(raised.value)


def test_a_per_platform_sla_with_an_unknown_suffix_is_an_error_listing_the_valid_ones():
    """SLA_FIRST_RESPONSE_TWITTER=30m used to be ignored: the default SLA stayed, without a word."""
    with pytest.raises(ConfigError) as raised:
        load_settings({"SLA_FIRST_RESPONSE_TWITTER": "30m", "SLA_NEXT_RESPONSE_FB": "2h", "PORT": "99999",
                       "SLA_FIRST_RESPONSE_X": "30m"})
    assert sorted(raised.value.variables) == ["PORT", "SLA_FIRST_RESPONSE_TWITTER", "SLA_NEXT_RESPONSE_FB"]
    said = str(raised.value)
    assert "\n" not in said and "SLA_FIRST_RESPONSE_TWITTER: 'TWITTER' names no platform" in said
    assert "X, FACEBOOK, INSTAGRAM, TRUSTPILOT, GOOGLE, YELP, BLUESKY, THREADS" in said
    overrides = load_settings({"SLA_FIRST_RESPONSE_X": "30m", "SLA_NEXT_RESPONSE_threads": "2h"}).sla_overrides
    assert overrides["first:x"] == timedelta(minutes=30) and overrides["next:threads"] == timedelta(hours=2)


def test_web_listens_everywhere_unless_told_otherwise():
    assert load_settings({}).web_host == "0.0.0.0"
    assert load_settings({"WEB_HOST": " 127.0.0.1 "}).web_host == "127.0.0.1"


def test_slack_api_url_gets_its_trailing_slash():
    assert load_settings({"SLACK_API_URL": "http://127.0.0.1:9/api"}).slack_api_url.endswith("/api/")


def test_customer_text_is_decoded_once_and_escaped_for_slack():
    raw = decode_platform_entities("Fish &amp; Chips &lt;!here&gt; &amp;amp;")
    assert raw == "Fish & Chips <!here> &amp;"
    assert escape_for_slack(raw) == "Fish &amp; Chips &lt;!here&gt; &amp;amp;"


def test_slack_markup_to_plain():
    names = {"U1": "alice"}.get
    text = "<@U1> see <https://a.example/x?y=1&amp;z=2|docs> in <#C9|help> <!here> <mailto:a@b.c|a@b.c> 1 &lt; 2"
    assert slack_to_plain(text, lambda u: names(u) or u) == "alice see https://a.example/x?y=1&z=2 in #help @here a@b.c 1 < 2"


def test_notes_are_recognised_in_any_case():
    assert is_internal_note("NOTE: vip") and is_internal_note("  note:x") and not is_internal_note("a note: no")


def test_long_text_is_split_for_sections_without_breaking_entities():
    text = ("a" * 2998) + "&amp;" + ("b" * 4000)
    chunks = split_for_sections(text)
    assert "".join(chunks) == text and all(len(c) <= 3000 for c in chunks)
    assert all(not c.endswith("&am") and not c.endswith("&") for c in chunks[:-1])


def test_poll_spreads_the_remaining_requests_over_the_window():
    interval = timedelta(seconds=60)
    assert next_poll_time(NOW, interval, None) == NOW + interval
    basic = RateLimit(remaining=5, reset_at=NOW + timedelta(minutes=15))
    assert next_poll_time(NOW, interval, basic) == NOW + timedelta(minutes=3)
    assert next_poll_time(NOW, interval, RateLimit(0, NOW + timedelta(minutes=7))) == NOW + timedelta(minutes=7)
    assert next_poll_time(NOW, interval, RateLimit(900, NOW + timedelta(minutes=15))) == NOW + interval


def test_sla_policy_overrides_and_priorities():
    policy = SlaPolicy(timedelta(hours=1), timedelta(hours=2), timedelta(minutes=15),
                       overrides={"first:x": timedelta(minutes=30)})
    assert policy.target("x", "normal", first=True) == timedelta(minutes=30)
    assert policy.target("facebook", "high", first=True) == timedelta(minutes=30)
    assert policy.target("facebook", "normal", first=False) == timedelta(hours=2)
    alarms = alarms_for_wait(SlaPolicy(timedelta(hours=1), timedelta(hours=1), timedelta(0)), NOW, timedelta(hours=1))
    assert alarms.warn_at is None and alarms.due_at == NOW + timedelta(hours=1)


def test_durations_read_as_people_say_them_never_zero_minutes():
    from bot.slack.render import humanize
    assert [humanize(timedelta(seconds=s)) for s in (0, 45, 59, 60, 3599, 3600, 90061)] == [
        "0 s", "45 s", "59 s", "1 min", "59 min", "1 h 0 min", "1 d 1 h"]


def test_an_overdue_root_is_red_not_yellow():
    from bot.store.models import Conversation
    from bot.slack.render import status_line
    conv = Conversation(id=7, status="waiting", due_at=NOW, priority="normal", assignee=None, posts_in_wait=1)
    assert status_line(conv, NOW - timedelta(minutes=1)).startswith("🟡 *Waiting on us* · #7 · due ")
    assert status_line(conv, NOW).startswith("🔴 *Overdue* · #7 · *overdue* since ")


def test_a_worker_does_not_warn_on_every_tick_a_long_pass_skips(deps, caplog):
    """A 10 s deliver pass (a slow platform) skips four 2 s ticks by design:
    no WARNING line for each; APScheduler's other warnings still show."""
    import logging
    from service.scheduler import build_scheduler
    build_scheduler(deps)
    scheduler_log = logging.getLogger("apscheduler.scheduler")
    with caplog.at_level(logging.WARNING, logger="apscheduler.scheduler"):
        scheduler_log.warning('Execution of job "%s" skipped: maximum number of running instances reached (%d)',
                              "run_deliver", 1)
        scheduler_log.warning('Run time of job "%s" was missed by %s', "run_deliver", "0:00:31")
    assert [r.getMessage() for r in caplog.records] == ['Run time of job "run_deliver" was missed by 0:00:31']
