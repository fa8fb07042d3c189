"""/social report and the weekly report count reviews and their average stars
per week (per platform where there are several), beside the volume and first-
response figures. Reviews come in through the real route (Trustpilot's webhook
to the bot's /webhooks/trustpilot, on its emulator), on SQLite and PostgreSQL;
the expected figures are computed by hand in each test's docstring."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from bot.desk.report_data import as_text, gather
from bot.desk.report_post import weekly_report
from bot.desk.report_reviews import ReviewCount, ReviewWeek, review_lines, weeks_of
from bot.inbound.poll import poll
from tests.helpers import roots

MONDAY_0930 = datetime(2026, 12, 14, 9, 30, tzinfo=timezone.utc)   # the weekly report is due (TIMEZONE=UTC)


@pytest.fixture
def tp(bot, trustpilot_state):
    trustpilot_state.webhook_url = trustpilot_state.subscription_url(bot.server.url)
    return bot


def _at(clock, day: int, hour: int = 10) -> None:
    clock.now = datetime(2026, 12, day, hour, tzinfo=timezone.utc)


def _seed(tp, clock, trustpilot_state):
    """Ann 4★ on Wed 2 Dec; Bo 1★, Cy 2★, Dee 5★ on Tue 8 Dec; Cy revises to 3★ on the 9th; Dee removes hers
    on the 10th."""
    # Each day's deliveries are worked off before the clock moves on: the bot opens a conversation at the time it
    # works the delivery off (after the ack), so a delivery still queued when the clock jumps would open on the
    # later day (CI's busy shifted run once counted Ann's 2 Dec review in the week of the 8th).
    _at(clock, 2)
    trustpilot_state.review("Ann", 4, "Good, a bit loud.")
    tp.executor.drain()
    _at(clock, 8)
    trustpilot_state.review("Bo", 1, "Cold food, rude waiter.")
    cy = trustpilot_state.review("Cy", 2, "Slow.")
    dee = trustpilot_state.review("Dee", 5, "Perfect evening!")
    tp.executor.drain()
    _at(clock, 9)
    trustpilot_state.revise(cy["id"], stars=3, text="Slow, but they called me to apologise.")
    tp.executor.drain()
    _at(clock, 10)
    trustpilot_state.delete(dee["id"])
    tp.executor.drain()
    assert set(trustpilot_state.webhook_answers) == {200}
    clock.now = MONDAY_0930


@pytest.mark.trustpilot
def test_a_week_of_reviews_is_counted_with_its_average_stars(tp, deps, clock, trustpilot_state, slack_state):
    """7 days = 8–14 Dec: Bo 1, Cy 2, Dee 5 → 3 reviews, (1+2+5)/3 = 2.67 → ★ 2.7; Cy's revision and Dee's
    removal are counted beside it, and neither changes the average; Ann (2 Dec) is before the week."""
    _seed(tp, clock, trustpilot_state)
    assert len(roots(slack_state)) == 4
    with deps.sessions() as session:
        figures = gather(session, clock(), 7, deps.policy, "UTC", ("trustpilot",))
    [week] = figures.reviews
    assert (week.first, week.last) == (date(2026, 12, 8), date(2026, 12, 14))
    assert week.platforms == {"trustpilot": ReviewCount(reviews=3, stars=8, revised=1, removed=1)}
    text = as_text(figures, {"trustpilot": "Trustpilot", "x": "X"})
    assert "Reviews: 3 reviews · ★ 2.7 average · 1 revised · 1 removed" in text.splitlines()
    # Beside the volume and first-response figures, which count the same four conversations as before.
    assert "Conversations: 3 (Trustpilot 3)" in text and "First response:" in text


@pytest.mark.trustpilot
def test_thirty_days_of_reviews_are_counted_week_by_week(tp, deps, clock, trustpilot_state):
    """30 days = 15 Nov – 14 Dec, in runs of seven ending today: 15–16 Nov, 17–23 Nov, 24–30 Nov, 1–7 Dec
    (Ann 4★ → 1 review, ★ 4.0) and 8–14 Dec (as in the 7-day report)."""
    _seed(tp, clock, trustpilot_state)
    with deps.sessions() as session:
        figures = gather(session, clock(), 30, deps.policy, "UTC", ("trustpilot",))
    lines = as_text(figures, {"trustpilot": "Trustpilot"}).splitlines()
    start = lines.index("Reviews by week:")
    assert lines[start + 1:start + 6] == [
        "  15 Nov – 16 Nov: none", "  17 Nov – 23 Nov: none", "  24 Nov – 30 Nov: none",
        "  01 Dec – 07 Dec: 1 review · ★ 4.0 average",
        "  08 Dec – 14 Dec: 3 reviews · ★ 2.7 average · 1 revised · 1 removed"]


@pytest.mark.trustpilot
@pytest.mark.settings(REPORT_CHANNEL="C0ESCALATE", TIMEZONE="UTC")
def test_the_weekly_report_in_its_channel_says_the_weeks_reviews(tp, deps, clock, trustpilot_state, slack_state):
    _seed(tp, clock, trustpilot_state)
    assert weekly_report(deps, clock())
    [shared] = [m for m in slack_state.messages if m.get("files")]
    assert shared["channel"] == "C0ESCALATE"
    assert "Reviews: 3 reviews · ★ 2.7 average · 1 revised · 1 removed" in shared["text"]


@pytest.mark.trustpilot
def test_a_week_without_reviews_says_none_where_a_review_platform_is_on(deps, clock, x_state, slack_state):
    """Trustpilot on, an X post but no review: the line says so rather than vanishing."""
    clock.now = MONDAY_0930
    x_state.customer_mentions("eve", "@acme_support hello")
    poll(deps, clock())
    with deps.sessions() as session:
        figures = gather(session, clock(), 7, deps.policy, "UTC", ("trustpilot",))
    assert figures.reviews[0].platforms == {}
    text = as_text(figures, {"x": "X"})
    assert "Reviews: none" in text.splitlines() and "Conversations: 1 (X 1)" in text


@pytest.mark.settings(REPORT_CHANNEL="C0ESCALATE", TIMEZONE="UTC")
def test_a_desk_without_review_platforms_has_no_reviews_line(deps, clock, x_state, slack_state):
    clock.now = MONDAY_0930
    x_state.customer_mentions("eve", "@acme_support hello")
    poll(deps, clock())
    assert weekly_report(deps, clock())
    [shared] = [m for m in slack_state.messages if m.get("files")]
    assert "Conversations: 1 (X 1)" in shared["text"] and "Reviews" not in shared["text"]


def test_several_review_platforms_are_counted_each_beside_the_total():
    """Google 2★ + 4★ and Trustpilot 5★: 3 reviews, 11/3 = 3.67 → ★ 3.7; Google 6/2 = ★ 3.0; Trustpilot ★ 5.0. A
    platform with only a removal that week is left out of the split."""
    week = ReviewWeek(date(2026, 12, 8), date(2026, 12, 14), {
        "google": ReviewCount(reviews=2, stars=6), "trustpilot": ReviewCount(reviews=1, stars=5),
        "yelp": ReviewCount(removed=1)})
    labels = {"google": "Google", "trustpilot": "Trustpilot", "yelp": "Yelp"}
    assert review_lines((week,), labels) == [
        "Reviews: 3 reviews · ★ 3.7 average (Google 2 reviews · ★ 3.0 average · Trustpilot 1 review · ★ 5.0 average)"
        " · 1 removed"]
    assert review_lines((), labels) == []


def test_the_weeks_of_a_report_end_today_and_the_oldest_may_be_short():
    days = tuple(date(2026, 12, d) for d in range(1, 15))
    assert weeks_of(days) == [(date(2026, 12, 1), date(2026, 12, 7)), (date(2026, 12, 8), date(2026, 12, 14))]
    assert weeks_of(days[:9]) == [(date(2026, 12, 1), date(2026, 12, 2)), (date(2026, 12, 3), date(2026, 12, 9))]
    assert weeks_of(days[:1]) == [(date(2026, 12, 1), date(2026, 12, 1))]
