"""A webhook's posts are claimed for posting in the transaction that records
them (one commit fewer a post, issue 20 item 7), and still reach Slack
exactly once: a claim held through a surge is renewed before its post, one
whose lease ran out and another process took over is left to that process, an
unused one is given back, and a process SIGKILLed between Slack storing the
post and its own commit is found out by the next pass. SQLite and PostgreSQL."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from adapters.base import InboundPost
from bot.inbound.ingest import publish_unposted
from bot.inbound.poll import poll
from bot.inbound.record import record_posts
from bot.store.models import Message
from tests.helpers import killed_on_failure, roots, thread


def _post(n: int, thread_of: int | None = None, customer: str = "dana", at=None) -> InboundPost:
    return InboundPost("x", str(80_000 + n), str(80_000 + (thread_of or n)), f"id-{customer}", f"@{customer}",
                       customer.title(), f"@acme_support part {n} of my question", at,
                       f"https://x.com/{customer}/status/{80_000 + n}", "X", account="1")


def _rows(deps) -> list[Message]:
    with deps.sessions() as session:
        return list(session.scalars(select(Message).order_by(Message.id)))


def _statements(deps) -> list[str]:
    seen: list[str] = []
    event.listen(deps.sessions.kw["bind"], "before_cursor_execute",
                 lambda _c, _cur, statement, *_rest: seen.append(" ".join(statement.split())))
    return seen


def _lookups(slack_state) -> int:
    return sum(method in ("conversations.history", "conversations.replies") for method, _ in slack_state.calls)


def test_a_post_claimed_as_recorded_goes_out_once_with_no_claim_of_its_own(deps, clock, slack_state):
    now = clock()
    claimed: dict = {}
    ids = record_posts(deps, [_post(1, at=now), _post(2, thread_of=1, at=now)], now, claimed)
    assert set(claimed) == set(ids) and all(lease == now + deps.settings.delivery_lease for lease in claimed.values())
    assert [(m.publish_attempts, m.publish_lease_until) for m in _rows(deps)] == [(1, claimed[i]) for i in ids]
    seen = _statements(deps)
    assert publish_unposted(deps, now, only_ids=ids, claimed=claimed) == 2
    assert not [s for s in seen if s.startswith("UPDATE message SET publish_lease_until")]  # no claim, no renewal
    assert sum(s.startswith("BEGIN") for s in seen) <= 2  # a Slack ts each; the rows read outside a transaction
    [root] = roots(slack_state)
    assert len(thread(slack_state, root)) == 1 and _lookups(slack_state) == 0
    assert [(m.slack_ts is not None, m.publish_attempts) for m in _rows(deps)] == [(True, 1), (True, 1)]


def test_posts_recorded_without_a_claim_are_claimed_before_their_post_as_before(deps, clock, slack_state):
    now = clock()
    ids = record_posts(deps, [_post(1, at=now)], now)
    assert [(m.publish_attempts, m.publish_lease_until) for m in _rows(deps)] == [(0, None)]
    assert publish_unposted(deps, now, only_ids=ids) == 1
    assert [m.publish_attempts for m in _rows(deps)] == [1] and len(roots(slack_state)) == 1


@pytest.mark.parametrize("held_for", [timedelta(seconds=45), timedelta(minutes=5)])
def test_a_claim_held_through_a_surge_is_renewed_before_the_post(deps, clock, slack_state, held_for):
    """Half its lease gone, or all of it with nobody taking over: renewed by
    compare-and-swap, then posted as the first attempt it is (no look-up)."""
    now = clock()
    claimed: dict = {}
    ids = record_posts(deps, [_post(1, at=now)], now, claimed)
    seen = _statements(deps)
    later = clock.advance(seconds=held_for.total_seconds())
    assert publish_unposted(deps, later, only_ids=ids, claimed=claimed) == 1
    assert len([s for s in seen if s.startswith("UPDATE message SET publish_lease_until")]) == 1
    [row] = _rows(deps)
    assert row.publish_attempts == 1 and row.publish_lease_until == later + deps.settings.delivery_lease
    assert len(roots(slack_state)) == 1 and _lookups(slack_state) == 0


def test_a_claim_another_process_took_over_is_left_to_it(make_deps, clock, slack_state):
    """The recorder's publisher comes back after its lease ran out, while
    another process that claimed the post is posting it: it posts nothing."""
    recorder, other = make_deps(), make_deps()
    now = clock()
    claimed: dict = {}
    ids = record_posts(recorder, [_post(1, at=now)], now, claimed)
    later = clock.advance(seconds=recorder.settings.delivery_lease.total_seconds() + 1)
    posting, recorder_done = threading.Event(), threading.Event()

    def hold(_message):  # the other process's post reached Slack; its answer waits for the recorder
        posting.set()
        recorder_done.wait(30)
    slack_state.on_post = hold
    counts: dict = {}
    took_over = threading.Thread(target=lambda: counts.setdefault("other", publish_unposted(other, later)))
    took_over.start()
    try:
        assert posting.wait(30)
        slack_state.on_post = None
        counts["recorder"] = publish_unposted(recorder, later, only_ids=ids, claimed=claimed)
    finally:
        recorder_done.set()
        took_over.join(30)
    assert counts == {"other": 1, "recorder": 0} and len(roots(slack_state)) == 1
    [row] = _rows(recorder)
    assert row.publish_attempts == 2 and row.slack_ts == roots(slack_state)[0]["ts"]


def test_claims_a_stopped_pass_did_not_use_are_given_back(deps, clock, slack_state):
    """Slack refuses the first post (the pass stops): the second post's claim is
    freed at once, as if never taken, and the next pass posts both in order."""
    now = clock()
    claimed: dict = {}
    ids = record_posts(deps, [_post(1, at=now), _post(2, customer="erin", at=now)], now, claimed)
    slack_state.fail_next("chat.postMessage", status=200, error="channel_not_found")
    with pytest.raises(Exception, match="channel_not_found"):
        publish_unposted(deps, now, only_ids=ids, claimed=claimed)
    assert [(m.publish_attempts, m.publish_lease_until) for m in _rows(deps)] == [(1, None), (0, None)]
    assert publish_unposted(deps, clock.advance(seconds=1)) == 2
    assert [r["text"] for r in roots(slack_state)] and len(roots(slack_state)) == 2
    assert [m.slack_ts for m in _rows(deps)] == [r["ts"] for r in roots(slack_state)]


def test_a_lost_answer_to_a_post_claimed_as_recorded_is_found_not_posted_again(deps, clock, slack_state):
    now = clock()
    claimed: dict = {}
    ids = record_posts(deps, [_post(1, at=now)], now, claimed)
    slack_state.lose_response_next("chat.postMessage", status=503)
    assert publish_unposted(deps, now, only_ids=ids, claimed=claimed) == 1
    [root] = roots(slack_state)
    assert [m.slack_ts for m in _rows(deps)] == [root["ts"]]


# What handlers/webhooks.py runs after its answer, in a real process of its own.
_WEBHOOK_PASS = """
from adapters.base import InboundPost
from bot.config import load_settings
from bot.inbound.ingest import publish_unposted
from bot.inbound.record import record_posts
from service.wiring import build_deps
import os
deps = build_deps(load_settings(dict(os.environ), "web"))
now = deps.clock()
post = InboundPost("x", "80001", "80001", "id-fay", "@fay", "Fay", "@acme_support my parcel is lost", now,
                   "https://x.com/fay/status/80001", "X", account="1")
claimed = {}
ids = record_posts(deps, [post], now, claimed)
publish_unposted(deps, now, only_ids=ids, claimed=claimed)
"""


def test_sigkill_after_slack_stored_a_post_claimed_as_recorded_does_not_post_it_twice(env, deps, clock,
                                                                                     slack_state):
    stored, release = threading.Event(), threading.Event()

    def kill_point(_message):
        stored.set()
        release.wait(30)
    slack_state.on_post = kill_point
    process = subprocess.Popen([sys.executable, "-c", _WEBHOOK_PASS], env={**os.environ, **env},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with killed_on_failure(process):
            assert stored.wait(60), "the webhook pass never reached Slack"
            os.kill(process.pid, signal.SIGKILL)
            assert process.wait(timeout=30) == -signal.SIGKILL
    finally:
        slack_state.on_post = None
        release.set()
    [orphan] = _rows(deps)
    assert orphan.slack_ts is None and orphan.publish_attempts == 1 and orphan.publish_lease_until is not None
    # Another process, after the dead one's lease ran out: it looks first, and finds the post.
    poll(deps, clock.advance(seconds=deps.settings.delivery_lease.total_seconds() + 61))
    [root] = roots(slack_state)
    assert [m.slack_ts for m in _rows(deps)] == [root["ts"]] and _lookups(slack_state) >= 1


def test_only_the_first_post_of_a_pass_takes_the_turn_read_with_the_rows(deps, clock, slack_state):
    """The channel's shared posting turn comes with the rows read back: fresh
    for the pass's first post, which needs no read of its own; a later post of
    the pass reads the turn again when its own time comes, never the early one."""
    from bot.slack.shared_pace import SharedTurns
    pacer, slept = deps.slack.pacer, []
    pacer.clock = lambda: clock().timestamp()
    pacer.sleep = lambda seconds: (slept.append(seconds), clock.advance(seconds=seconds))
    SharedTurns(deps.sessions).refuse("C0SUPPORT", clock().timestamp(), 10.0, 1.0 / pacer.rate, pacer.burst)
    now = clock()
    claimed: dict = {}
    ids = record_posts(deps, [_post(1, at=now), _post(2, customer="erin", at=now)], now, claimed)
    seen = _statements(deps)
    assert publish_unposted(deps, now, only_ids=ids, claimed=claimed) == 2
    turn_reads = [s for s in seen if s.startswith("SELECT slack_pace.paced_until FROM")]
    assert len(turn_reads) == 1  # the second post's own, at its time
    assert [round(s) for s in slept] == [10, 1] and len(roots(slack_state)) == 2
