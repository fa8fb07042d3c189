"""Slack's per-channel posting limit met by several processes at once: every
replica takes its turns from the database (slack_pace), so a second replica
that has never met a 429 itself still waits for the turn the first one was
given, and no surge multiplies by the number of replicas. One injected clock
for Slack and every pacer; nobody sleeps."""
from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from bot.slack.shared_pace import SharedTurns
from bot.slack.slack_pace import ChannelPacer, LocalTurns
from bot.store.db import make_engine, make_session_factory
from bot.store.models import SlackPace
from tests.helpers import roots


def _on(clock, pacer: ChannelPacer) -> ChannelPacer:
    pacer.clock = lambda: clock().timestamp()
    pacer.sleep = lambda seconds: clock.advance(seconds=seconds)
    return pacer


def test_replicas_take_their_turns_from_one_queue_per_channel(database_url, clock):
    engine = make_engine(database_url)
    try:
        a, b = (_on(clock, ChannelPacer(turns=SharedTurns(make_session_factory(engine)))) for _ in range(2))
        start = clock().timestamp()
        a.wait_turn("C0SUPPORT")
        b.wait_turn("C0SUPPORT")
        assert clock().timestamp() == start  # nobody refused yet: both at once
        a.refused("C0SUPPORT", 3)
        turns = []
        for name, pacer in (("b", b), ("a", a), ("b", b), ("a", a)):
            pacer.wait_turn("C0SUPPORT")
            turns.append((name, clock().timestamp() - start))
        assert turns == [("b", 3.0), ("a", 4.0), ("b", 5.0), ("a", 6.0)]
        before = clock().timestamp()
        b.wait_turn("C0ESCALATE")  # another channel has its own limit
        assert clock().timestamp() == before
        clock.advance(seconds=100)  # quiet for a while: at once again, in either replica
        before = clock().timestamp()
        a.wait_turn("C0SUPPORT")
        b.wait_turn("C0SUPPORT")
        assert clock().timestamp() == before
    finally:
        engine.dispose()


def test_a_second_replica_meets_no_429_after_the_first_was_refused(make_deps, clock, slack_state):
    slack_state.rate_limit_per_channel, slack_state.burst = 1.0, 3
    first, second = make_deps(), make_deps()
    for deps in (first, second):
        _on(clock, deps.slack.pacer)
    for i in range(4):  # the burst, then a 429 waited out
        first.slack.post("C0SUPPORT", {"text": f"first replica {i}"})
    assert slack_state.ratelimited == 1
    for i in range(4):  # a replica that has never met a 429 itself waits its turn too
        second.slack.post("C0SUPPORT", {"text": f"second replica {i}"})
    assert slack_state.ratelimited == 1
    assert len(roots(slack_state)) == 8


def test_a_replica_alone_would_have_met_the_limit(make_deps, clock, slack_state):
    """The same run with each replica keeping its own turns: the second one's
    first post is refused — the fault the shared turns remove."""
    slack_state.rate_limit_per_channel, slack_state.burst = 1.0, 3
    first, second = make_deps(), make_deps()
    for deps in (first, second):
        deps.slack.pacer.turns = LocalTurns()
        _on(clock, deps.slack.pacer)
    for i in range(4):
        first.slack.post("C0SUPPORT", {"text": f"first replica {i}"})
    second.slack.post("C0SUPPORT", {"text": "second replica"})
    assert slack_state.ratelimited == 2


def test_the_database_away_never_holds_a_post_back(tmp_path, caplog):
    away = make_engine(f"sqlite:///{tmp_path}/no/such/dir/socialdesk.db")
    now = [0.0]
    pacer = ChannelPacer(clock=lambda: now[0], sleep=lambda s: now.__setitem__(0, now[0] + s),
                         turns=SharedTurns(make_session_factory(away)))
    with caplog.at_level(logging.INFO, logger="bot.slack.shared_pace"):
        pacer.wait_turn("C")
        assert now[0] == 0.0
        pacer.refused("C", 2)  # kept by this process alone
        pacer.wait_turn("C")
        pacer.wait_turn("C")
    assert now[0] == 3.0
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "paces itself" in warnings[0].getMessage()
    away.dispose()


@pytest.mark.parametrize("wait", [1, 30])
def test_a_refusal_is_kept_in_the_database(database_url, clock, wait):
    engine = make_engine(database_url)
    try:
        pacer = _on(clock, ChannelPacer(turns=SharedTurns(make_session_factory(engine))))
        now = clock().timestamp()
        pacer.refused("C0SUPPORT", wait)
        with make_session_factory(engine)() as session:
            row = session.scalar(select(SlackPace).where(SlackPace.channel == "C0SUPPORT"))
        assert row.due == pytest.approx(now + wait) and row.paced_until > now + wait
    finally:
        engine.dispose()
