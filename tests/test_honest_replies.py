"""A reply that did not reach the customer is not an answer, and a send that
may have landed is never repeated blind. Flow tests: X emulator → Slack
emulator → signed Bolt requests → deliver/sweep, on SQLite and PostgreSQL."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.outbound.deliver import VERIFY_AFTER, deliver
from bot.desk.escalation import sweep
from bot.store.models import FAILED, PENDING, SENT, WAITING, Outbox
from bot.inbound.poll import poll
from tests.helpers import all_text, roots, thread
from tests.test_workflow import _command
from tests.helpers import first_conversation as _conversation

ZERO_WIDTH = "\u200b\u200d\u2060 \ufeff"


def _outboxes(deps) -> list[Outbox]:
    with deps.sessions() as session:
        return list(session.scalars(select(Outbox).order_by(Outbox.id)))


def _not_sent_notices(slack_state, root) -> list[dict]:
    return [m for m in thread(slack_state, root) if m.get("bot_id") and "not sent" in m["text"]]


def _customer_waits(deps, clock, x_state, slack_state):
    tweet = x_state.customer_mentions("carol", "@acme_support where is my refund?", created_at=clock())
    poll(deps, clock())
    return tweet, roots(slack_state)[0]


def _file_only(bot, slack_state, root):
    message = slack_state.user_posts("U0ALICE", "C0SUPPORT", "", thread_ts=root["ts"], deliver=False)
    bot.event({**message, "subtype": "file_share", "event_ts": message["ts"], "channel_type": "channel",
               "files": [{"id": "F0SHOT", "name": "screenshot.png", "mimetype": "image/png"}]})


REFUSED_WHEN_WRITTEN = {
    "281 characters by X's count": lambda bot, s, root: bot.staff_says(root["ts"], "a" * 281),
    "whitespace only": lambda bot, s, root: bot.staff_says(root["ts"], "   \n  "),
    "zero-width characters only": lambda bot, s, root: bot.staff_says(root["ts"], ZERO_WIDTH),
    "a file with no text": _file_only,
}


@pytest.mark.parametrize("case", list(REFUSED_WHEN_WRITTEN))
def test_a_reply_refused_when_written_keeps_the_customer_waiting(case, bot, deps, clock, x_state, slack_state):
    tweet, root = _customer_waits(deps, clock, x_state, slack_state)
    due = _conversation(deps).due_at
    clock.advance(minutes=5)
    REFUSED_WHEN_WRITTEN[case](bot, slack_state, root)
    # Refused at once: the ⚠️ is in the thread, X was never called, nothing is queued.
    [notice] = _not_sent_notices(slack_state, root)
    assert "<@U0ALICE>" in notice["text"] and "still waiting" in notice["text"]
    assert "create" not in x_state.used and [o.state for o in _outboxes(deps)] == [FAILED]
    assert deliver(deps, clock.advance(minutes=1)).sent == 0
    conv = _conversation(deps)
    assert (conv.status, conv.due_at, conv.first_response_at) == (WAITING, due, None)
    assert _command(bot, "status").startswith("Open: 1 · Waiting: 1 · Overdue: 0")
    assert f"#{conv.id}" in _command(bot, "queue")
    assert "Waiting on us" in all_text(roots(slack_state)[0])
    # The clock runs on: the sweep pings it at its due time, and it is in /social overdue.
    clock.now = due
    assert sweep(deps, clock()).breached == [conv.id]
    assert f"#{conv.id}" in _command(bot, "overdue")
    assert "Median first response today: —" in _command(bot, "status")
    # A reply X accepts answers it, and is what first response measures.
    answered_at = clock.advance(minutes=10)
    bot.staff_says(root["ts"], "Sorry Carol, the refund left today.")
    conv = _conversation(deps)
    assert conv.status == "answered" and conv.first_response_at == answered_at
    assert conv.first_response_s == int((answered_at - tweet_time(tweet)).total_seconds())
    assert len(x_state.replies_to(tweet["id"])) == 1 and len(_not_sent_notices(slack_state, root)) == 1


def tweet_time(tweet):
    from datetime import datetime
    return datetime.fromisoformat(tweet["created_at"].replace("Z", "+00:00"))


def test_a_reply_x_refuses_keeps_the_customer_waiting(bot, deps, clock, x_state, slack_state):
    tweet, root = _customer_waits(deps, clock, x_state, slack_state)
    x_state.post(x_state.brand_id, x_state.reply_text("Thanks!", tweet), tweet["id"])  # posted before, by hand
    bot.staff_says(root["ts"], "Thanks!")
    assert x_state.used["create"][1] == 1  # X was asked, and said duplicate
    [notice] = _not_sent_notices(slack_state, root)
    assert "duplicate" in notice["text"]
    conv = _conversation(deps)
    assert conv.status == WAITING and conv.due_at is not None and conv.first_response_at is None
    assert "📤" not in all_text(roots(slack_state)[0])  # nothing in flight any more


def test_while_a_reply_is_on_its_way_the_root_says_so_and_the_wait_goes_on(bot, deps, clock, x_state,
                                                                             slack_state):
    tweet, root = _customer_waits(deps, clock, x_state, slack_state)
    x_state.fail_next("create", 429)  # X's window is closed: the reply waits for it
    bot.staff_says(root["ts"], "On it!")
    assert "📤 reply sending" in all_text(roots(slack_state)[0])
    assert _conversation(deps).status == WAITING
    deliver(deps, clock.advance(minutes=16))
    assert _conversation(deps).status == "answered" and "📤" not in all_text(roots(slack_state)[0])
    assert "Answered" in all_text(roots(slack_state)[0])


def test_a_customer_post_after_the_reply_was_written_starts_the_next_wait(bot, deps, clock, x_state,
                                                                           slack_state):
    tweet, root = _customer_waits(deps, clock, x_state, slack_state)
    x_state.fail_next("create", 429)
    bot.staff_says(root["ts"], "Checking with the warehouse")
    later = x_state.customer_mentions("carol", "@acme_support also, wrong size", in_reply_to=tweet["id"],
                                      created_at=clock.advance(minutes=2))
    poll(deps, clock.advance(minutes=1))
    deliver(deps, clock.advance(minutes=16))
    conv = _conversation(deps)
    assert conv.status == WAITING and conv.waiting_since == tweet_time(later)
    assert conv.first_response_at == clock()


def test_the_not_sent_notice_appears_once_when_slacks_answer_is_lost(bot, deps, clock, x_state, slack_state):
    tweet, root = _customer_waits(deps, clock, x_state, slack_state)
    slack_state.lose_response_next("chat.postMessage", status=503)
    bot.staff_says(root["ts"], "x" * 300)
    assert len(_not_sent_notices(slack_state, root)) == 1
    deliver(deps, clock.advance(minutes=5))  # the deliver pass retries owed notices: none is owed
    assert len(_not_sent_notices(slack_state, root)) == 1


def test_a_not_sent_notice_survives_a_slack_outage(bot, deps, clock, x_state, slack_state):
    tweet, root = _customer_waits(deps, clock, x_state, slack_state)
    slack_state.fail_next("chat.postMessage", status=500, error="internal_error", times=3)
    bot.staff_says(root["ts"], "x" * 300)
    assert _not_sent_notices(slack_state, root) == []
    assert _outboxes(deps)[0].notice_due_at is not None
    assert deliver(deps, clock.advance(minutes=5)).notices == 1
    assert len(_not_sent_notices(slack_state, root)) == 1 and _outboxes(deps)[0].notice_due_at is None


# -- ambiguous sends ---------------------------------------------------------------

def test_x_stores_the_reply_then_answers_503_one_public_reply(bot, deps, clock, x_state, slack_state):
    tweet, root = _customer_waits(deps, clock, x_state, slack_state)
    x_state.lose_answer_next("create", 503)
    message, _ = bot.staff_says(root["ts"], "We're on it, Carol")
    [row] = _outboxes(deps)
    assert row.state == PENDING and row.uncertain_since is not None
    staff_message = slack_state.find("C0SUPPORT", message["ts"])
    assert [r["name"] for r in staff_message["reactions"]] == ["hourglass_flowing_sand"]  # still checking
    assert "⏳ checking" in all_text(roots(slack_state)[0]) and _conversation(deps).status == WAITING
    assert deliver(deps, clock.advance(seconds=2)).sent == 1  # found on X, not sent again
    assert len(x_state.replies_to(tweet["id"])) == 1 and x_state.used["create"][1] == 1
    assert [r["name"] for r in staff_message["reactions"]] == ["outbox_tray"]  # sent
    assert _not_sent_notices(slack_state, root) == [] and _conversation(deps).status == "answered"


def test_x_slower_than_the_timeout_gets_one_public_reply(bot, deps, clock, x_state, slack_state):
    """X stores the reply only after the client gave up (read timeout). Looks
    in between find nothing, and nothing is resent until VERIFY_AFTER."""
    tweet, root = _customer_waits(deps, clock, x_state, slack_state)
    adapter_session = deps.adapters["x"].client.session
    adapter_session.timeout = 0.3
    arrived, release = threading.Event(), threading.Event()

    def slow_x(_payload):
        arrived.set()
        release.wait(30)
    x_state.before_create = slow_x
    bot.staff_says(root["ts"], "Refund is on its way")
    assert arrived.is_set() and x_state.replies_to(tweet["id"]) == []  # X has not stored it yet
    result = deliver(deps, clock.advance(seconds=2))
    assert result.checking == 1 and result.sent == 0  # looked, not there, not resent
    x_state.before_create = None
    adapter_session.timeout = 10
    stored = threading.Event()
    x_state.on_create = lambda _tweet: stored.set()
    release.set()  # X finally stores the first attempt
    assert stored.wait(10) and len(x_state.replies_to(tweet["id"])) == 1
    result = deliver(deps, clock.advance(seconds=VERIFY_AFTER.total_seconds()))
    assert result.sent == 1 and len(x_state.replies_to(tweet["id"])) == 1
    assert _outboxes(deps)[0].state == SENT and _conversation(deps).status == "answered"


def test_a_5xx_where_x_stored_nothing_is_sent_once_after_the_checks(bot, deps, clock, x_state, slack_state):
    tweet, root = _customer_waits(deps, clock, x_state, slack_state)
    x_state.fail_next("create", 503)  # refused before storing
    bot.staff_says(root["ts"], "Looking into it")
    waits = []
    for _ in range(4):  # lookups back off exponentially from ~1 s; none resends
        row = _outboxes(deps)[0]
        waits.append(row.next_attempt_at - clock())
        clock.now = row.next_attempt_at
        assert deliver(deps, clock()).sent == 0
    assert waits == [timedelta(seconds=s) for s in (1, 2, 4, 8)]
    assert x_state.replies_to(tweet["id"]) == []
    assert deliver(deps, clock.advance(seconds=VERIFY_AFTER.total_seconds())).sent == 1
    assert len(x_state.replies_to(tweet["id"])) == 1
