"""/social report and the weekly report: figures from a seeded database, the
PNG they draw (size, a real PNG), the upload through Slack's external upload
calls (checked on the emulator), and the weekly report posted once with two
workers."""
from __future__ import annotations

import struct
import threading
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from bot.desk.report_chart import render_png
from bot.desk.report_data import as_text, gather
from bot.desk.report_post import weekly_report
from bot.inbound.poll import poll
from bot.outbound.deliver import deliver
from bot.store import job_claims
from bot.store.models import JobClaim, SlackEvent
from tests.helpers import calls, roots

LEASE = timedelta(seconds=60)


def _seed(bot, deps, clock, x_state, slack_state):
    """Five customers over two days; three answered after 10, 20 and 90 minutes (SLA 1 h)."""
    for name, answer_after in (("ann", 10), ("bo", 20), ("cy", 90), ("dee", None), ("eve", None)):
        x_state.customer_mentions(name, f"@acme_support hello from {name}")
        poll(deps, clock())
        root = next(r for r in roots(slack_state) if f"@{name}" in str(r))
        if answer_after is not None:
            clock.advance(minutes=answer_after)
            bot.staff_says(root["ts"], f"Hi {name}, on it.")
            deliver(deps, clock())
        clock.advance(hours=5)


def _png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", png[16:24])


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.settings(SLA_FIRST_RESPONSE="1h", SEND_DELAY="0s")
def test_the_figures_and_the_chart_from_a_seeded_database(bot, deps, clock, x_state, slack_state):
    _seed(bot, deps, clock, x_state, slack_state)
    with deps.sessions() as session:
        figures = gather(session, clock(), 7, deps.policy, "UTC")
    assert figures.conversations == 5 and figures.answered == 3 and figures.within_sla == 2
    assert sorted(figures.first_response_s) == [600, 1200, 5400]
    assert figures.median_first_s == 1200 and sum(figures.posts_by_hour) == 5
    text = as_text(figures, {"x": "X"})
    assert "Conversations: 5 (X 5)" in text and "median 20 min" in text and "67% (2 of 3)" in text
    assert "(1 post)" in text and "(1 posts)" not in text  # the busiest hours, one post each
    png = render_png(figures, {"x": "X"})
    assert _png_size(png) == (1200, 800) and 20_000 < len(png) < 400_000


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.settings(SEND_DELAY="0s")
def test_social_report_uploads_one_png_through_the_external_upload(bot, deps, clock, x_state, slack_state):
    _seed(bot, deps, clock, x_state, slack_state)
    answer = slack_state.user_runs_command("U0ALICE", "C0SUPPORT", "report 7d here").json()["text"]
    assert answer.startswith("📊 Making the report for the last 7 days")
    bot.executor.drain()
    assert [c["filename"] for c in calls(slack_state, "files.getUploadURLExternal")] == [
        f"socialdesk-report-{clock():%Y-%m-%d}-7d.png"]
    assert len(calls(slack_state, "files.completeUploadExternal")) == 1
    shared = [m for m in slack_state.messages if m.get("files")]
    assert len(shared) == 1 and shared[0]["channel"] == "C0SUPPORT"
    assert "Answered within SLA" in shared[0]["text"]
    stored = slack_state.files[shared[0]["files"][0]["id"]]
    assert _png_size(stored["data"]) == (1200, 800)
    slack_state.user_runs_command("U0BOB", "C0SUPPORT", "report 30d")  # to Bob, in a DM
    bot.executor.drain()
    assert [m["channel"] for m in slack_state.messages if m.get("files")] == ["C0SUPPORT", "D0BOB"]
    assert slack_state.user_runs_command("U0BOB", "C0SUPPORT", "report 1y").json()["text"].startswith("Usage")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.settings(REPORT_CHANNEL="C0ESCALATE", TIMEZONE="Europe/Berlin")
def test_the_weekly_report_posts_once_with_two_workers(deps, clock, slack_state, make_deps):
    monday_0830 = datetime(2026, 12, 7, 7, 30, tzinfo=timezone.utc)  # 08:30 in Berlin
    second_worker = make_deps()
    assert not weekly_report(deps, monday_0830)
    at_nine = monday_0830 + timedelta(minutes=31)
    results = []
    threads = [threading.Thread(target=lambda d=d: results.append(weekly_report(d, at_nine)))
               for d in (deps, second_worker)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, True]
    assert not weekly_report(deps, at_nine + timedelta(hours=3))
    assert [m["channel"] for m in slack_state.messages if m.get("files")] == ["C0ESCALATE"]
    assert not weekly_report(deps, at_nine + timedelta(days=1))  # Tuesday
    with deps.sessions() as session:  # the claim is the job's own row, not a Slack event id
        claims = session.scalars(select(JobClaim)).all()
        assert [(c.key, c.done_at) for c in claims] == [("weekly-report:2026-12-07", at_nine)]
        assert session.scalars(select(SlackEvent.event_id)).all() == []


@pytest.mark.settings(REPORT_CHANNEL="C0ESCALATE", TIMEZONE="Europe/Berlin", DELIVERY_LEASE="60s")
def test_a_failed_weekly_report_gives_back_only_its_own_claim(deps, clock, slack_state):
    at_nine = datetime(2026, 12, 7, 8, 0, tzinfo=timezone.utc)
    clock.now = at_nine
    slack_state.fail_next("files.getUploadURLExternal", error="channel_not_found")
    assert not weekly_report(deps, at_nine)  # given back: the next check tries again
    with deps.sessions() as session:
        assert session.scalars(select(JobClaim)).all() == []
        assert job_claims.claim_run(session, "weekly-report:2026-12-07", "4242:slow", at_nine, LEASE) == "claimed"
        # a slow worker past its lease is taken over; its failure must not free the new owner's claim
        assert job_claims.claim_run(session, "weekly-report:2026-12-07", "4343:new", at_nine + 2 * LEASE,
                                    LEASE) == "taken over"
        job_claims.give_back(session, "weekly-report:2026-12-07", "4242:slow")
        session.commit()
        assert session.scalars(select(JobClaim.owner)).all() == ["4343:new"]


@pytest.mark.settings(REPORT_CHANNEL="C0ESCALATE", TIMEZONE="Europe/Berlin", DELIVERY_LEASE="60s")
def test_a_weekly_report_claimed_by_a_worker_that_died_is_posted_after_its_lease(deps, clock, slack_state):
    at_nine = datetime(2026, 12, 7, 8, 0, tzinfo=timezone.utc)  # Monday 09:00 in Berlin
    clock.now = at_nine
    with deps.sessions() as session:  # a worker claims the week ... and is SIGKILLed before uploading
        assert job_claims.claim_run(session, "weekly-report:2026-12-07", "4242:dead", at_nine, LEASE) == "claimed"
        session.commit()
    assert not weekly_report(deps, clock.advance(seconds=30))  # its lease still holds
    assert [m for m in slack_state.messages if m.get("files")] == []
    assert weekly_report(deps, clock.advance(minutes=4))
    assert not weekly_report(deps, clock.advance(minutes=10))
    assert [m["channel"] for m in slack_state.messages if m.get("files")] == ["C0ESCALATE"]


@pytest.mark.settings(REPORT_CHANNEL="C0ESCALATE", TIMEZONE="Europe/Berlin", DELIVERY_LEASE="60s")
def test_a_weekly_report_shared_by_a_worker_that_died_is_not_posted_again(deps, clock, slack_state):
    from bot.desk.report_post import post_report
    at_nine = datetime(2026, 12, 7, 8, 0, tzinfo=timezone.utc)
    clock.now = at_nine
    with deps.sessions() as session:
        assert job_claims.claim_run(session, "weekly-report:2026-12-07", "4242:dead", at_nine, LEASE) == "claimed"
        session.commit()
    # What the dead worker got through: the file is in the channel, the week is not marked posted.
    post_report(deps, at_nine, 7, channel="C0ESCALATE", filename="socialdesk-weekly-2026-12-07.png")
    assert not weekly_report(deps, clock.advance(minutes=5))  # taken over, found, not shared again
    assert not weekly_report(deps, clock.advance(minutes=10))
    assert len([m for m in slack_state.messages if m.get("files")]) == 1


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.settings(SLA_FIRST_RESPONSE="1h", SEND_DELAY="0s")
def test_an_urgent_conversation_answered_after_its_own_sla_is_named_as_missed(bot, deps, clock, x_state, slack_state):
    # A new user's trial (2026-12-07): two urgent cases answered after their 15 min target (a quarter of the 1 h SLA)
    # sat under a median "within the SLA" — a manager read the desk as on time while the safety cases were not.
    for name, text, after in (("sam", "@acme_support my e-bike battery is smoking and melted the plug", 30),
                              ("ann", "@acme_support hello, is the shop open on Sunday?", 20)):
        x_state.customer_mentions(name, text)
        poll(deps, clock())
        root = next(r for r in roots(slack_state) if f"@{name}" in str(r))
        clock.advance(minutes=after)
        bot.staff_says(root["ts"], f"Hi {name}, on it.")
        deliver(deps, clock())
    with deps.sessions() as session:
        figures = gather(session, clock(), 7, deps.policy, "UTC")
    assert figures.within_sla == 1 and figures.missed == {"urgent": 1}
    text = as_text(figures, {"x": "X"})
    assert "(the median is within the normal-priority SLA)" in text and "SLA 1 h at normal priority" in text
    assert "Answered within SLA: 50% (1 of 2) · missed their priority's SLA: 1 urgent" in text
    assert _png_size(render_png(figures, {"x": "X"})) == (1200, 800)
