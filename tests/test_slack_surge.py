"""A surge of customers at Slack's own limit: the Slack emulator enforcing one
chat.postMessage a second per channel (a short burst allowed), answering 429
with Retry-After as Slack does. Customers arrive by signed X webhooks at the
real `web`; every post shows once, in the order it came, with none left to a
later pass; a Retry-After is honoured; a staff member's private answer gets
its 🔒 copy in the thread while customer posts are still queued; a burst of
follow-ups repaints its root once. Slack's clock, the bot's and the pacer's
are one injected clock: the pacer's waits advance it, nobody sleeps."""
from __future__ import annotations

import threading
from concurrent.futures import wait

import pytest
from sqlalchemy import func, select

from bot.inbound import inbox
from bot.store.models import IN, Conversation, Message
from sandbox.slack_ratelimit import floor
from tests.helpers import all_text, calls, roots, thread


@pytest.fixture
def limited(bot, deps, clock, slack_state, x_state):
    """Slack limits posts to 1/s per channel with a burst of 3; X pushes
    customers' posts to the bot's webhook."""
    slack_state.rate_limit_per_channel, slack_state.burst = 1.0, 3
    pacer = getattr(deps.slack, "pacer", None)
    if pacer is not None:
        pacer.clock = lambda: clock().timestamp()
        pacer.sleep = lambda seconds: clock.advance(seconds=seconds)
    x_state.webhook_url = bot.server.url + "/webhooks/x"
    return slack_state


def unposted(deps) -> int:
    with deps.sessions() as session:
        return session.scalar(select(func.count()).select_from(Message)
                              .where(Message.direction == IN, Message.slack_ts.is_(None)))


def test_a_surge_shows_every_post_once_in_order_with_none_left_to_a_later_pass(bot, deps, clock, limited, x_state):
    started = clock().timestamp()
    names = [f"surge{i:02d}" for i in range(15)]
    for name in names:  # all within the same second
        x_state.customer_mentions(name, f"@acme_support {name}: where is my parcel?")
    bot.executor.drain()
    assert x_state.webhook_answers == [200] * len(names)
    shown = [next(n for n in names if f"*@{n}*" in all_text(root)) for root in roots(limited)]
    assert shown == names  # each once, in the order they came
    assert unposted(deps) == 0  # nothing given up to the worker's next pass
    took = clock().timestamp() - started
    assert took <= floor([started] * len(names), 1.0, 3) + 3  # the limit's own pace, give or take the burst
    assert limited.ratelimited <= 1


def test_a_retry_after_is_honoured(bot, deps, clock, limited, x_state):
    posted_at = []
    limited.on_post = lambda message: posted_at.append(clock().timestamp())
    limited.fail_next("chat.postMessage", status=429, retry_after=7)
    started = clock().timestamp()
    x_state.customer_mentions("kim", "@acme_support my refund?")
    bot.executor.drain()
    [root] = roots(limited)
    assert "*@kim*" in all_text(root) and unposted(deps) == 0
    assert 7 <= posted_at[0] - started < 9  # not before Slack said, and not much after


def test_a_private_answer_is_copied_to_its_thread_while_customer_posts_queue(bot, deps, clock, limited, x_state):
    x_state.customer_mentions("jo", "@acme_support you charged me twice!!")
    bot.executor.drain()
    [jo_root] = roots(limited)
    conv_id = _conv_id(deps)
    # Slack holds its answer to the second surge post: the publisher waits, the rest queue behind it.
    held, release = threading.Event(), threading.Event()

    def hold(message: dict) -> None:
        if "surge01" in all_text(message):
            held.set()
            release.wait(30)
    limited.on_post = hold
    names = [f"surge{i:02d}" for i in range(8)]
    for name in names:
        x_state.customer_mentions(name, f"@acme_support {name}: hello?")
    assert held.wait(30)
    since = len(bot.executor.futures)
    answer = limited.user_runs_command("U0ALICE", "C0SUPPORT", f"private #{conv_id} So sorry Jo, DM us please.")
    assert answer.status_code == 200
    wait(bot.executor.futures[since:], timeout=30)  # the command's own work, not the held publisher
    try:
        assert x_state.brand_dms_to(x_state.add_user("jo")) == ["So sorry Jo, DM us please."]
        [copy] = thread(limited, jo_root)
        assert "Private reply" in copy["text"]
        assert len(roots(limited)) < 1 + len(names)  # customer posts still queued meanwhile
    finally:
        release.set()
        bot.executor.drain()
    shown = [next(n for n in names if f"*@{n}*" in all_text(root)) for root in roots(limited)[1:]]
    assert shown == names and unposted(deps) == 0


def test_a_burst_of_follow_ups_repaints_its_root_once(bot, deps, clock, limited, x_state, monkeypatch):
    limited.rate_limit_per_channel = None  # this one is about the repaints alone
    first = x_state.customer_mentions("lee", "@acme_support my order is late")
    bot.executor.drain()
    [root] = roots(limited)
    updates_before = len(calls(limited, "chat.update"))
    # Slack holds its answer to the first follow-up until the four after it are recorded.
    held, release, recorded = threading.Event(), threading.Event(), threading.Semaphore(0)
    record = inbox.record

    def counted(*args, **kwargs):
        try:
            return record(*args, **kwargs)
        finally:
            recorded.release()
    monkeypatch.setattr(inbox, "record", counted)

    def hold(message: dict) -> None:
        if "one of five" in all_text(message):
            held.set()
            release.wait(30)
    limited.on_post = hold
    words = ["one of five", "two of five", "three of five", "four of five", "five of five"]
    x_state.customer_mentions("lee", f"@acme_support {words[0]}", in_reply_to=first["id"])
    assert held.wait(30)
    for word in words[1:]:
        x_state.customer_mentions("lee", f"@acme_support {word}", in_reply_to=first["id"])
    try:
        assert all(recorded.acquire(timeout=30) for _ in range(len(words)))
    finally:
        release.set()
    bot.executor.drain()
    shown = [next(w for w in words if w in all_text(m)) for m in thread(limited, root)]
    assert shown == words and unposted(deps) == 0
    repaints = [c for c in calls(limited, "chat.update")[updates_before:] if c.get("ts") == root["ts"]]
    assert len(repaints) == 2  # after the held one, then once for the four behind it — not once each


def _conv_id(deps) -> int:
    with deps.sessions() as session:
        return session.scalar(select(Conversation.id).where(Conversation.customer_handle == "@jo"))


def test_the_emulator_refuses_as_slack_does_per_channel_and_only_when_asked(slack_emulator, slack_state, clock):
    from slack_sdk import WebClient
    from slack_sdk.errors import SlackApiError
    client = WebClient(token=slack_state.token, base_url=slack_emulator.url + "/api/", retry_handlers=[])
    for _ in range(5):  # off by default
        client.chat_postMessage(channel="C0SUPPORT", text="hi")
    slack_state.rate_limit_per_channel, slack_state.burst = 1.0, 2
    client.chat_postMessage(channel="C0SUPPORT", text="one")
    client.chat_postMessage(channel="C0SUPPORT", text="two")
    with pytest.raises(SlackApiError) as refused:
        client.chat_postMessage(channel="C0SUPPORT", text="three")
    assert refused.value.response.status_code == 429
    assert refused.value.response.data == {"ok": False, "error": "ratelimited"}
    assert refused.value.response.headers["Retry-After"] == "1"
    client.chat_postMessage(channel="C0ESCALATE", text="another channel has its own limit")
    client.chat_update(channel="C0SUPPORT", ts=roots(slack_state)[0]["ts"], text="updates are not posts")
    clock.advance(seconds=1)
    client.chat_postMessage(channel="C0SUPPORT", text="three, a second later")
    assert slack_state.ratelimited == 1 and len(roots(slack_state)) == 8


def test_the_pacer_interleaves_callers_one_turn_each_after_a_refusal():
    from bot.slack.slack_pace import ChannelPacer
    now = [0.0]
    pacer = ChannelPacer(clock=lambda: now[0], sleep=lambda s: now.__setitem__(0, now[0] + s))
    pacer.wait_turn("C")
    assert now[0] == 0.0  # not refused yet: at once
    pacer.refused("C", 3)
    turns = []
    for caller in ("customer", "customer", "staff", "customer"):
        pacer.wait_turn("C")
        turns.append((caller, now[0]))
    assert turns == [("customer", 3.0), ("customer", 4.0), ("staff", 5.0), ("customer", 6.0)]
    now[0] += 100  # quiet for a while: at once again
    before = now[0]
    pacer.wait_turn("C")
    assert now[0] == before
