"""Delivery: exactly once through 429s, 5xx, permanent errors, edits, deletes
and crashes in the middle of a send."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.outbound.deliver import deliver
from bot.store.models import FAILED, PENDING, SENDING, SENT, Outbox
from bot.inbound.poll import poll
from tests.helpers import all_text, kill_mid_write, roots, thread


def x_state_url(deps) -> str:
    return deps.settings.x.api_url


def _queued_reply(bot, deps, clock, x_state, slack_state, text="We're on it!", deliver_now=False,
                  reachable=True):
    """A customer post in Slack and a staff reply to it. Unless deliver_now, X
    cannot be reached for the attempt right after the ack (connection refused:
    nothing was sent, so the row simply waits for its retry)."""
    tweet = x_state.customer_mentions("carol", "@acme_support help")
    poll(deps, clock())
    root = roots(slack_state)[0]
    session = deps.adapters["x"].client.session
    if not (deliver_now and reachable):
        session.base_url = "http://127.0.0.1:9"  # nothing listens there
    message, _ = bot.staff_says(root["ts"], text)
    if reachable:
        session.base_url = x_state_url(deps)
    return tweet, root, message


def _outbox(deps) -> Outbox:
    with deps.sessions() as session:
        return session.scalar(select(Outbox))


def test_reply_is_sent_right_after_the_ack_without_a_worker(bot, deps, clock, x_state, slack_state):
    tweet, root, message = _queued_reply(bot, deps, clock, x_state, slack_state, deliver_now=True)
    assert [t["text"] for t in x_state.replies_to(tweet["id"])] == ["@carol We're on it!"]  # X adds the @
    assert _outbox(deps).state == SENT
    assert any(r["name"] == "outbox_tray" for r in slack_state.find("C0SUPPORT", message["ts"])["reactions"])


def test_an_unreachable_x_is_retried_with_exponential_backoff(bot, deps, clock, x_state, slack_state):
    """Nothing reached X (connection refused): plain retries, from ~1 s, doubling."""
    tweet, root, _ = _queued_reply(bot, deps, clock, x_state, slack_state, deliver_now=True, reachable=False)
    row = _outbox(deps)
    assert row.state == PENDING and row.attempts == 1 and row.uncertain_since is None
    first_wait = row.next_attempt_at - clock()
    deliver(deps, row.next_attempt_at)
    second_wait = _outbox(deps).next_attempt_at - row.next_attempt_at
    assert timedelta(seconds=0.5) <= first_wait <= timedelta(seconds=2) and second_wait == 2 * first_wait
    deps.adapters["x"].client.session.base_url = x_state_url(deps)  # X is back
    deliver(deps, clock.advance(minutes=10))
    assert len(x_state.replies_to(tweet["id"])) == 1 and _outbox(deps).state == SENT


def test_429_closes_the_window_and_nothing_is_sent_before_it_reopens(bot, deps, clock, x_state, slack_state):
    tweet, root, _ = _queued_reply(bot, deps, clock, x_state, slack_state)
    x_state.fail_next("create", 429)
    deliver(deps, clock.advance(minutes=1))
    assert _outbox(deps).state == PENDING and _outbox(deps).next_attempt_at > clock()
    # A second reply, written while the window is closed, is held without calling X.
    other = x_state.customer_mentions("dave", "@acme_support me too")
    poll(deps, clock.advance(minutes=2))
    other_root = [r for r in roots(slack_state) if r["ts"] != root["ts"]][0]
    calls_before = x_state.used["create"][1]
    bot.staff_says(other_root["ts"], "Looking into it, Dave")
    result = deliver(deps, clock.advance(seconds=30))
    assert result.held == 1 and x_state.used["create"][1] == calls_before  # no self-inflicted 429
    deliver(deps, clock.advance(minutes=16))
    assert len(x_state.replies_to(tweet["id"])) == 1 and len(x_state.replies_to(other["id"])) == 1


def test_too_long_reply_fails_visibly_in_the_thread(bot, deps, clock, x_state, slack_state):
    tweet, root, _ = _queued_reply(bot, deps, clock, x_state, slack_state, text="word " * 70, deliver_now=True)
    assert x_state.replies_to(tweet["id"]) == []
    assert _outbox(deps).state == FAILED
    warning = thread(slack_state, root)[-1]
    assert "⚠️" in warning["text"] and "<@U0ALICE>" in warning["text"] and "limit is 280" in warning["text"]


def test_reply_to_a_deleted_post_fails_visibly(bot, deps, clock, x_state, slack_state):
    tweet, root, _ = _queued_reply(bot, deps, clock, x_state, slack_state)
    del x_state.tweets[tweet["id"]]
    deliver(deps, clock.advance(minutes=1))
    assert _outbox(deps).state == FAILED
    assert "deleted or not visible" in thread(slack_state, root)[-1]["text"]


def test_edit_before_sending_changes_the_reply(bot, deps, clock, x_state, slack_state):
    tweet, root, message = _queued_reply(bot, deps, clock, x_state, slack_state, text="Sorry for teh delay")
    edited = {**message, "text": "Sorry for the delay", "edited": {"user": "U0ALICE", "ts": "1"}}
    bot.event({"type": "message", "subtype": "message_changed", "channel": "C0SUPPORT", "ts": "99.1",
               "message": edited, "previous_message": message, "event_ts": "99.1", "hidden": True})
    deliver(deps, clock.advance(minutes=1))
    assert [t["text"] for t in x_state.replies_to(tweet["id"])] == ["@carol Sorry for the delay"]
    assert "had not been sent yet" in slack_state.ephemerals[-1]["text"]


def test_edit_or_delete_after_sending_tells_staff_it_cannot_change(bot, deps, clock, x_state, slack_state):
    tweet, root, message = _queued_reply(bot, deps, clock, x_state, slack_state, deliver_now=True)
    edited = {**message, "text": "We're on it!!"}
    bot.event({"type": "message", "subtype": "message_changed", "channel": "C0SUPPORT", "ts": "99.2",
               "message": edited, "previous_message": message, "event_ts": "99.2", "hidden": True})
    assert "cannot be changed" in slack_state.ephemerals[-1]["text"]
    bot.event({"type": "message", "subtype": "message_deleted", "channel": "C0SUPPORT", "ts": "99.3",
               "deleted_ts": message["ts"], "previous_message": message, "event_ts": "99.3", "hidden": True})
    assert "does not delete the public reply" in slack_state.ephemerals[-1]["text"]
    assert len(x_state.replies_to(tweet["id"])) == 1


def test_delete_before_sending_cancels_the_reply(bot, deps, clock, x_state, slack_state):
    tweet, root, message = _queued_reply(bot, deps, clock, x_state, slack_state)
    bot.event({"type": "message", "subtype": "message_deleted", "channel": "C0SUPPORT", "ts": "99.4",
               "deleted_ts": message["ts"], "previous_message": message, "event_ts": "99.4", "hidden": True})
    deliver(deps, clock.advance(minutes=1))
    assert x_state.replies_to(tweet["id"]) == []
    assert "nothing went to X" in slack_state.ephemerals[-1]["text"]


def _die_mid_send(deps, clock) -> None:
    """The row as a process leaves it that claimed it and died (lease 60 s)."""
    with deps.sessions() as session:
        row = session.scalar(select(Outbox))
        row.state, row.lease_until, row.lease_owner = SENDING, clock() + timedelta(seconds=60), "dead-process"
        session.commit()


def test_crash_after_x_accepted_does_not_send_twice(bot, deps, clock, x_state, slack_state):
    """A process claimed the row, X created the reply, the process died before
    committing. After the lease, the next claimer finds the reply on X."""
    tweet, root, _ = _queued_reply(bot, deps, clock, x_state, slack_state)
    _die_mid_send(deps, clock)
    # What the dead process got through, as X stores it: "@carol We're on it!".
    x_state.post(x_state.brand_id, x_state.reply_text("We're on it!", tweet), tweet["id"])
    assert deliver(deps, clock.advance(seconds=30)).sent == 0  # lease still held
    result = deliver(deps, clock.advance(seconds=60))
    assert result.sent == 1 and len(x_state.replies_to(tweet["id"])) == 1


def test_crash_after_x_accepted_is_found_behind_a_busy_timeline(bot, deps, clock, x_state, slack_state):
    """Found by the 3-worker scale test: the look for the dead process's reply
    read one page (100) of the brand's posts; with more replies sent since
    (other workers kept going), it was not found, was sent again, and X's
    duplicate refusal marked it failed although the customer had it."""
    tweet, root, _ = _queued_reply(bot, deps, clock, x_state, slack_state)
    _die_mid_send(deps, clock)
    x_state.post(x_state.brand_id, x_state.reply_text("We're on it!", tweet), tweet["id"])
    for n in range(250):  # the rest of the desk's replies, sent while the lease ran out
        other = x_state.customer_mentions(f"busy{n}", "@acme_support hi")
        x_state.post(x_state.brand_id, x_state.reply_text(f"Hello {n}", other), other["id"])
    result = deliver(deps, clock.advance(seconds=61))
    assert result.sent == 1 and len(x_state.replies_to(tweet["id"])) == 1 and _outbox(deps).state == SENT


def test_crash_before_x_accepted_sends_after_the_lease(bot, deps, clock, x_state, slack_state):
    tweet, root, _ = _queued_reply(bot, deps, clock, x_state, slack_state)
    _die_mid_send(deps, clock)
    # Just after the lease: X is asked, the reply is not there, but the dead
    # process's request may still be landing — nothing is sent yet.
    assert deliver(deps, clock.advance(seconds=61)).checking == 1 and x_state.replies_to(tweet["id"]) == []
    assert "⏳ checking whether the reply went out" in all_text(roots(slack_state)[0])
    assert deliver(deps, clock.advance(seconds=30)).sent == 1
    assert len(x_state.replies_to(tweet["id"])) == 1


def test_sigkill_after_x_accepted_the_reply_does_not_send_it_twice(bot, deps, env, clock, x_state, slack_state):
    """A real `socialdesk deliver` process is killed with SIGKILL after X stored
    the reply and before the process could commit; the next process, once the
    lease ran out, finds the reply on X instead of sending it again."""
    tweet, root, _ = _queued_reply(bot, deps, clock, x_state, slack_state)
    bot.executor.drain()
    with deps.sessions() as session:  # due now for the separate process, on its real clock
        session.scalar(select(Outbox)).next_attempt_at = clock() - timedelta(minutes=5)
        session.commit()
    kill_mid_write(x_state, "on_create", "deliver", env)
    assert _outbox(deps).state == SENDING and len(x_state.replies_to(tweet["id"])) == 1
    assert deliver(deps, clock.advance(seconds=30)).sent == 0  # the dead process's lease still holds
    result = deliver(deps, clock.advance(seconds=deps.settings.delivery_lease.total_seconds() + 60))
    assert result.sent == 1 and _outbox(deps).state == SENT
    [reply] = x_state.replies_to(tweet["id"])
    assert _outbox(deps).external_id == reply["id"]
