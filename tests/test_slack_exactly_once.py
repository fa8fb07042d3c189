"""Every customer post shows in Slack once: through lost answers (5xx after
Slack stored the message), two replicas at once, and a process killed with
SIGKILL between Slack's answer and our commit."""
from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.inbound.ingest import publish_unposted
from bot.inbound.record import record_post
from bot.store.models import Message
from bot.inbound.poll import poll
from tests.helpers import kill_mid_write, roots, thread


def _messages(deps) -> list[Message]:
    with deps.sessions() as session:
        return list(session.scalars(select(Message).order_by(Message.id)))


def _marker(message: dict) -> dict:
    return (message.get("metadata") or {}).get("event_payload")


# 503: the answer was lost on the way; 200 with ok=false "internal_error":
# Slack itself says the post may have happened.
@pytest.mark.parametrize("status", [503, 200])
def test_a_lost_answer_to_a_root_post_is_found_not_posted_again(deps, clock, x_state, slack_state, status):
    tweet = x_state.customer_mentions("amy", "@acme_support my card was charged twice")
    slack_state.lose_response_next("chat.postMessage", status=status)
    result = poll(deps, clock())
    assert not result.errors
    [root] = roots(slack_state)
    assert _marker(root) == {"platform": "x", "external_id": tweet["id"]}
    assert [m.slack_ts for m in _messages(deps)] == [root["ts"]]
    looked = [params for method, params in slack_state.calls if method == "conversations.history"]
    assert looked and all(p.get("include_all_metadata") in (True, "true", "1") for p in looked)


def test_a_lost_answer_to_a_follow_up_is_found_in_the_thread(deps, clock, x_state, slack_state):
    first = x_state.customer_mentions("bea", "@acme_support hello")
    poll(deps, clock())
    x_state.customer_mentions("bea", "@acme_support anyone?", in_reply_to=first["id"])
    slack_state.lose_response_next("chat.postMessage", status=500)
    poll(deps, clock.advance(seconds=61))
    [root] = roots(slack_state)
    [follow_up] = [m for m in thread(slack_state, root) if "anyone" in str(m.get("blocks") or m["text"])]
    assert _messages(deps)[1].slack_ts == follow_up["ts"]
    assert any(method == "conversations.replies" for method, _ in slack_state.calls)


def test_a_refused_post_is_not_looked_up_and_stays_queued(deps, clock, x_state, slack_state):
    x_state.customer_mentions("cid", "@acme_support hi")
    slack_state.fail_next("chat.postMessage", status=200, error="channel_not_found")
    assert poll(deps, clock()).errors
    assert roots(slack_state) == [] and _messages(deps)[0].slack_ts is None
    poll(deps, clock.advance(seconds=2))
    assert len(roots(slack_state)) == 1


def test_two_replicas_never_post_the_same_message(make_deps, clock, x_state, slack_state):
    from adapters.base import InboundPost
    replica_a, replica_b = make_deps(), make_deps()
    post = InboundPost("x", "9001", "9001", "77", "@dee", "Dee", "@acme_support help", clock(), None, "X")
    with replica_a.sessions() as session:
        record_post(session, replica_a.channel, replica_a, post, clock())
        session.commit()
    a_is_posting, b_is_done = threading.Event(), threading.Event()

    def hold(message):  # replica A's post reached Slack; its answer waits for B
        a_is_posting.set()
        b_is_done.wait(30)
    slack_state.on_post = hold
    counts = {}
    a = threading.Thread(target=lambda: counts.setdefault("a", publish_unposted(replica_a, clock())))
    a.start()
    assert a_is_posting.wait(30)
    slack_state.on_post = None
    counts["b"] = publish_unposted(replica_b, clock())
    b_is_done.set()
    a.join(30)
    assert counts == {"a": 1, "b": 0} and len(roots(slack_state)) == 1


def test_sigkill_after_slack_stored_the_post_does_not_post_it_twice(env, deps, clock, x_state, slack_state):
    tweet = x_state.customer_mentions("eli", "@acme_support where is my refund")
    kill_mid_write(slack_state, "on_post", "poll", env)
    [orphan] = _messages(deps)
    assert orphan.slack_ts is None and orphan.publish_attempts == 1
    # Another process, after the dead one's lease ran out.
    poll(deps, clock.advance(seconds=deps.settings.delivery_lease.total_seconds() + 61))
    [root] = roots(slack_state)
    assert _marker(root)["external_id"] == tweet["id"]
    assert [m.slack_ts for m in _messages(deps)] == [root["ts"]]


def test_a_live_lease_keeps_other_processes_off(deps, clock, x_state, slack_state):
    from bot.store import queries as store
    x_state.customer_mentions("fin", "@acme_support hey")
    post_time = clock()
    with deps.sessions() as session:
        from adapters.base import InboundPost
        record_post(session, deps.channel, deps,
                    InboundPost("x", "9100", "9100", "78", "@fin", "Fin", "hey", post_time, None, "X"), post_time)
        session.commit()
        message_id = session.scalar(select(Message.id))
        assert store.claim_publish(session, message_id, post_time, post_time + timedelta(seconds=60)) == 1
        session.commit()
    assert publish_unposted(deps, post_time + timedelta(seconds=30)) == 0
    assert publish_unposted(deps, post_time + timedelta(seconds=61)) == 1


# -- SLA pings: at most once per wait, and not lost ----------------------------------

def _overdue_in(slack_state, channel: str | None = None, root=None) -> list[dict]:
    source = thread(slack_state, root) if root else slack_state.roots(channel)
    return [m for m in source if "overdue" in m["text"].lower()]


def test_a_lost_answer_to_an_overdue_ping_does_not_ping_twice(make_deps, clock, x_state, slack_state):
    from bot.desk.escalation import sweep
    deps = make_deps(SLA_FIRST_RESPONSE="1m", SLA_WARN_BEFORE="0s")
    x_state.customer_mentions("gil", "@acme_support hello")
    poll(deps, clock())
    slack_state.lose_response_next("chat.postMessage", status=502)
    assert len(sweep(deps, clock.advance(minutes=2)).breached) == 1
    assert len(_overdue_in(slack_state, root=roots(slack_state)[0])) == 1


def test_a_failed_channel_notice_is_retried_without_repeating_the_thread_ping(make_deps, clock, x_state,
                                                                              slack_state):
    from bot.desk.escalation import sweep
    deps = make_deps(SLA_FIRST_RESPONSE="1m", SLA_WARN_BEFORE="0s", ESCALATION_CHANNEL="C0NOTYET")
    x_state.customer_mentions("hal", "@acme_support hello")
    poll(deps, clock())
    assert sweep(deps, clock.advance(minutes=2)).breached == []  # the channel does not exist (yet)
    [root] = roots(slack_state)
    assert len(_overdue_in(slack_state, root=root)) == 1
    slack_state.channels["C0NOTYET"] = "escalations"  # someone invited the bot / created it
    assert len(sweep(deps, clock.advance(seconds=30)).breached) == 1
    assert len(_overdue_in(slack_state, root=root)) == 1 and len(_overdue_in(slack_state, "C0NOTYET")) == 1
    assert sweep(deps, clock.advance(seconds=30)).breached == []


def test_slack_unreachable_keeps_the_ping_for_the_next_sweep(make_deps, env, clock, x_state, slack_state):
    from bot.desk.escalation import sweep
    deps = make_deps(SLA_FIRST_RESPONSE="1m", SLA_WARN_BEFORE="0s")
    x_state.customer_mentions("ida", "@acme_support hello")
    poll(deps, clock())
    down = make_deps(SLA_FIRST_RESPONSE="1m", SLA_WARN_BEFORE="0s", SLACK_API_URL="http://127.0.0.1:9/api/")
    assert sweep(down, clock.advance(minutes=2)).breached == []  # no traceback, nothing lost
    assert len(sweep(deps, clock.advance(seconds=30)).breached) == 1
    assert len(_overdue_in(slack_state, root=roots(slack_state)[0])) == 1


def test_the_normal_path_costs_no_lookups(deps, clock, x_state, slack_state):
    first = x_state.customer_mentions("pia", "@acme_support hi")
    poll(deps, clock())
    x_state.customer_mentions("pia", "@acme_support hello?", in_reply_to=first["id"])
    poll(deps, clock.advance(seconds=61))
    methods = [method for method, _ in slack_state.calls]
    assert methods.count("chat.postMessage") == 2
    assert "conversations.history" not in methods and "conversations.replies" not in methods


def test_a_first_ping_attempt_costs_no_lookups(make_deps, clock, x_state, slack_state):
    from bot.desk.escalation import sweep
    deps = make_deps(SLA_FIRST_RESPONSE="1m", SLA_WARN_BEFORE="0s", ESCALATION_CHANNEL="C0ESCALATE")
    x_state.customer_mentions("quy", "@acme_support hello")
    poll(deps, clock())
    assert len(sweep(deps, clock.advance(minutes=2)).breached) == 1
    methods = [method for method, _ in slack_state.calls]
    assert "conversations.history" not in methods and "conversations.replies" not in methods


# -- a ping claimed by a sweeper that dies: retried after its lease, never twice ----

def _breach_alarm(deps):
    from bot.store.models import Alarm
    with deps.sessions() as session:
        return session.scalars(select(Alarm).where(Alarm.kind == "breach")).one()


def _breach_claimed_and_abandoned(deps, clock, x_state, handle: str):
    """A customer waits past the SLA; a sweeper claims the ping and never
    posts it (killed, or slow): (conversation id, the claim's time)."""
    from bot.desk.escalation import claim_level
    x_state.customer_mentions(handle, "@acme_support hello")
    poll(deps, clock())
    claimed_at = clock.advance(minutes=2)
    with deps.sessions() as session:
        [conv_id], _ = claim_level(session, "breach", claimed_at, claimed_at + deps.settings.delivery_lease)
        session.commit()
    return conv_id, claimed_at


def _make_overdue(deps, clock) -> None:
    """The customer's breach alarm is due now in real time (the subprocess's clock)."""
    from sqlalchemy import update
    from bot.store.models import Alarm
    poll(deps, clock())
    with deps.sessions() as session:
        session.execute(update(Alarm).where(Alarm.kind == "breach").values(due_at=clock() - timedelta(minutes=5)))
        session.commit()


@pytest.mark.settings(SLA_FIRST_RESPONSE="1h", SLA_WARN_BEFORE="0s")
def test_sigkill_after_slack_stored_the_ping_does_not_ping_twice(env, deps, clock, x_state, slack_state):
    from bot.desk.escalation import sweep
    x_state.customer_mentions("jon", "@acme_support anyone there?")
    _make_overdue(deps, clock)
    kill_mid_write(slack_state, "on_post", "sweep", env)
    [root] = roots(slack_state)
    assert len(_overdue_in(slack_state, root=root)) == 1
    leased = _breach_alarm(deps)
    assert leased.fired_at is not None and leased.due_at is not None  # claimed, never cleared
    # Within the dead sweeper's lease nobody touches it; after it, the retry looks first.
    assert sweep(deps, clock.advance(seconds=30)).breached == []
    assert len(sweep(deps, clock.advance(seconds=deps.settings.delivery_lease.total_seconds() + 60)).breached) == 1
    assert len(_overdue_in(slack_state, root=root)) == 1
    assert _breach_alarm(deps).due_at is None
    assert sweep(deps, clock.advance(minutes=5)).breached == []


@pytest.mark.settings(SLA_FIRST_RESPONSE="1m", SLA_WARN_BEFORE="0s")
def test_a_ping_claimed_by_a_sweeper_that_died_is_posted_after_its_lease(deps, clock, x_state, slack_state):
    from bot.desk.escalation import sweep
    _breach_claimed_and_abandoned(deps, clock, x_state, "kim")
    assert sweep(deps, clock.advance(seconds=1)).breached == []
    assert _overdue_in(slack_state, root=roots(slack_state)[0]) == []
    assert len(sweep(deps, clock.advance(seconds=deps.settings.delivery_lease.total_seconds())).breached) == 1
    assert len(_overdue_in(slack_state, root=roots(slack_state)[0])) == 1


@pytest.mark.settings(SLA_FIRST_RESPONSE="1m", SLA_WARN_BEFORE="0s")
def test_a_slow_sweeper_does_not_post_a_ping_another_took_over(deps, clock, x_state, slack_state):
    from bot.desk.escalation import _still_ours, sweep
    conv_id, slow_claim = _breach_claimed_and_abandoned(deps, clock, x_state, "lou")
    # The slow one's batch outlives its lease; another sweeper takes the ping over and posts it.
    assert sweep(deps, clock.advance(seconds=deps.settings.delivery_lease.total_seconds() + 1)).breached == [conv_id]
    with deps.sessions() as session:  # the slow one reaches that ping at last: it is not its own any more
        assert not _still_ours(session, deps, conv_id, "breach", slow_claim)
    assert len(_overdue_in(slack_state, root=roots(slack_state)[0])) == 1


def _all_overdue(slack_state) -> list[dict]:
    with slack_state.lock:
        return [m for m in slack_state.messages if "*Overdue*" in (m.get("text") or "")]


def test_a_slow_sweeper_claims_only_what_it_can_post_within_its_lease(make_deps, clock, x_state, slack_state):
    """Found by the scale test on a slow host: a sweeper claimed every due ping at
    once; its lease ran out long before it reached the last, and the other
    workers took the rest over as retries (a Slack lookup before each ping).
    Here each ping takes a second and the lease is five: a second worker that
    sweeps midway shares the unclaimed pings and takes none of the first's over."""
    from bot.desk.escalation import sweep
    settings = dict(SLA_FIRST_RESPONSE="1m", SLA_WARN_BEFORE="0s", DELIVERY_LEASE="5s")
    slow, other = make_deps(**settings), make_deps(**settings)
    for n in range(12):
        x_state.customer_mentions(f"cus{n}", f"@acme_support hello {n}")
    poll(slow, clock())
    clock.advance(minutes=2)
    midway = {}

    def one_second_a_ping(message: dict) -> None:
        if "*Overdue*" not in message["text"] or "result" in midway:
            return  # the other worker's own pings take no time
        clock.advance(seconds=1)
        if len(_all_overdue(slack_state)) == 6:
            midway["result"] = sweep(other, clock())

    slack_state.on_post = one_second_a_ping
    first = sweep(slow, clock()).breached
    second = midway["result"].breached
    assert first and second and not set(first) & set(second)
    pinged = Counter(m["thread_ts"] for m in _all_overdue(slack_state))
    assert len(pinged) == 12 and set(pinged.values()) == {1}
    methods = [method for method, _ in slack_state.calls]
    assert "conversations.replies" not in methods and "conversations.history" not in methods  # nothing taken over


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_no_transaction_stays_open_while_the_root_is_updated(deps, clock, x_state, slack_state, database_url):
    """The root refresh renders, then commits, then calls Slack: a read after
    the commit would open a new transaction — on SQLite the write lock, held
    across chat.update while every Slack ack waits on it."""
    import sqlite3
    locked_during_update = []

    def try_to_write(_message: dict) -> None:
        other = sqlite3.connect(database_url.removeprefix("sqlite:///"), timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
        except sqlite3.OperationalError as exc:  # "database is locked"
            locked_during_update.append(str(exc))
        finally:
            other.close()
    first = x_state.customer_mentions("ned", "@acme_support hi")
    poll(deps, clock())
    slack_state.on_update = try_to_write
    x_state.customer_mentions("ned", "@acme_support anyone?", in_reply_to=first["id"])
    poll(deps, clock.advance(seconds=61))  # the follow-up, then the root's "posted 2 times"
    slack_state.on_update = None
    assert [m for m in slack_state.calls if m[0] == "chat.update"] and locked_during_update == []


@pytest.mark.settings(SLA_FIRST_RESPONSE="1m", SLA_WARN_BEFORE="0s")
def test_a_sweep_asked_to_stop_leaves_its_other_pings_due_at_once(deps, clock, x_state, slack_state):
    """The worker's SIGTERM mid-sweep: the ping being posted goes out, the
    other claimed ones are due again at once (not after DELIVERY_LEASE) and
    each is posted exactly once by the next sweep."""
    from bot.desk.escalation import sweep
    for name in ("mo", "nia", "oz"):
        x_state.customer_mentions(name, "@acme_support anyone?")
    poll(deps, clock())
    posted = []
    slack_state.on_post = posted.append
    deps.stopping = lambda: len(posted) >= 1
    assert len(sweep(deps, clock.advance(minutes=2)).breached) == 1
    slack_state.on_post = None
    deps.stopping = lambda: False
    assert len(sweep(deps, clock.advance(seconds=1)).breached) == 2
    for root in roots(slack_state):
        assert len(_overdue_in(slack_state, root=root)) == 1
    assert sweep(deps, clock.advance(minutes=5)).breached == []
