"""The staff workflow in Slack: SLA sweep, reactions, buttons, /social, App Home."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from sqlalchemy import select

from bot.desk import actions
from bot.desk.escalation import sweep
from bot.store.models import RESOLVED, SNOOZED, WAITING, Conversation
from bot.inbound.poll import poll
from tests.helpers import all_text, roots, thread


def _conversations(deps) -> dict[str, Conversation]:
    with deps.sessions() as session:
        return {c.customer_handle: c for c in session.scalars(select(Conversation))}


def _three_threads(deps, clock, x_state, slack_state):
    for name in ("ann", "ben", "cat"):
        x_state.customer_mentions(name, f"@acme_support {name} needs help", created_at=clock())
    poll(deps, clock())
    return {all_text(r).split("*@")[1].split("*")[0]: r for r in roots(slack_state)}


@pytest.mark.settings(SLA_FIRST_RESPONSE="2s", SLA_WARN_BEFORE="0s", ESCALATION_CHANNEL="C0ESCALATE")
def test_contract_sweep_one_answered_one_resolved_one_overdue(bot, deps, clock, x_state, slack_state):
    by_name = _three_threads(deps, clock, x_state, slack_state)
    bot.staff_says(by_name["ann"]["ts"], "Hi Ann, fixed!")
    slack_state.events_url = bot.events_url
    slack_state.user_reacts("U0BOB", "C0SUPPORT", by_name["ben"]["ts"], "white_check_mark")
    bot.executor.drain()
    clock.advance(seconds=3)
    first = sweep(deps, clock())
    assert [_conversations(deps)["@cat"].id] == first.breached and not first.warned
    overdue_pings = [m for m in thread(slack_state, by_name["cat"]) if "Overdue" in m["text"]]
    assert len(overdue_pings) == 1
    assert all("Overdue" not in m["text"] for n in ("ann", "ben") for m in thread(slack_state, by_name[n]))
    [notice] = slack_state.roots("C0ESCALATE")
    assert f"#{_conversations(deps)['@cat'].id}" in notice["text"] and "open thread" in notice["text"]
    second = sweep(deps, clock.advance(seconds=5))
    assert not (second.breached or second.warned or second.escalated)
    # A new customer post in the answered thread restarts its clock.
    ann_tweet = next(t for t in x_state.tweets.values() if "ann needs" in t["text"])
    posted = clock()
    x_state.customer_mentions("ann", "@acme_support it broke again", in_reply_to=ann_tweet["id"], created_at=posted)
    poll(deps, clock.advance(seconds=61))  # the next poll after POLL_INTERVAL
    ann = _conversations(deps)["@ann"]
    assert ann.status == WAITING and ann.due_at == posted + timedelta(seconds=2)
    assert _conversations(deps)["@ben"].status == RESOLVED


def test_warning_then_breach_then_escalation_each_once(make_deps, clock, x_state, slack_state):
    deps = make_deps(SLA_FIRST_RESPONSE="1h", SLA_WARN_BEFORE="15m", ESCALATE_TO="U0MANAGER",
                     SLACK_ONCALL="S0ONCALL")
    x_state.customer_mentions("dan", "@acme_support hello", created_at=clock())
    poll(deps, clock())
    root = roots(slack_state)[0]
    assert sweep(deps, clock.advance(minutes=44)).warned == []
    assert len(sweep(deps, clock.advance(minutes=1)).warned) == 1
    breach = sweep(deps, clock.advance(minutes=15))
    assert len(breach.breached) == 1
    assert "<!subteam^S0ONCALL>" in thread(slack_state, root)[-1]["text"]
    assert len(sweep(deps, clock.advance(minutes=61)).escalated) == 1
    assert "<@U0MANAGER>" in thread(slack_state, root)[-1]["text"]
    assert sweep(deps, clock.advance(hours=5)).__dict__ == {"warned": [], "breached": [], "escalated": [], "woken": [],
                                                          "windows": []}
    texts = [m["text"] for m in thread(slack_state, root)]
    assert [("Reply due" in t, "Overdue" in t, "Escalated" in t) for t in texts] == [
        (True, False, False), (False, True, False), (False, False, True)]


def test_two_sweepers_at_once_send_each_ping_once(make_deps, clock, x_state, slack_state):
    deps_a, deps_b = make_deps(SLA_FIRST_RESPONSE="1m", SLA_WARN_BEFORE="0s"), make_deps(SLA_FIRST_RESPONSE="1m", SLA_WARN_BEFORE="0s")
    for n in range(6):
        x_state.customer_mentions(f"cust{n}", f"@acme_support {n}", created_at=clock())
    poll(deps_a, clock())
    clock.advance(minutes=2)
    results = []
    threads = [threading.Thread(target=lambda d=d: results.append(sweep(d, clock()))) for d in (deps_a, deps_b)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert sorted(results[0].breached + results[1].breached) == list(range(1, 7))
    pings = [m for r in roots(slack_state) for m in thread(slack_state, r) if "Overdue" in m["text"]]
    assert len(pings) == 6


def test_reactions_claim_resolve_snooze_and_undo(bot, deps, clock, x_state, slack_state):
    x_state.customer_mentions("eve", "@acme_support question", created_at=clock())
    poll(deps, clock())
    root = roots(slack_state)[0]
    slack_state.events_url = bot.events_url
    slack_state.user_reacts("U0ALICE", "C0SUPPORT", root["ts"], "eyes")
    bot.executor.drain()
    assert _conversations(deps)["@eve"].assignee == "U0ALICE" and "<@U0ALICE>" in all_text(root)
    slack_state.user_reacts("U0ALICE", "C0SUPPORT", root["ts"], "zzz")
    bot.executor.drain()
    assert _conversations(deps)["@eve"].status == SNOOZED and "Snoozed" in all_text(root)
    slack_state.user_reacts("U0ALICE", "C0SUPPORT", root["ts"], "zzz", removed=True)
    bot.executor.drain()
    assert _conversations(deps)["@eve"].status == WAITING
    slack_state.user_reacts("U0ALICE", "C0SUPPORT", root["ts"], "white_check_mark")
    bot.executor.drain()
    conv = _conversations(deps)["@eve"]
    assert conv.status == RESOLVED and conv.due_at is None and "Resolved" in all_text(root)
    slack_state.user_reacts("U0ALICE", "C0SUPPORT", root["ts"], "white_check_mark", removed=True)
    bot.executor.drain()
    assert _conversations(deps)["@eve"].status == WAITING
    assert len(roots(slack_state)) == 1  # every change was a chat.update of the root


def test_snooze_pauses_the_clock_and_resumes_with_the_time_left(bot, deps, clock, x_state, slack_state):
    x_state.customer_mentions("fay", "@acme_support hi", created_at=clock())
    poll(deps, clock())  # SLA 1h
    conv_id = _conversations(deps)["@fay"].id
    actions.snooze(deps, conv_id, "U0ALICE", clock.advance(minutes=20), timedelta(hours=2))
    assert sweep(deps, clock.advance(hours=1, minutes=59)).breached == []
    woke = sweep(deps, clock.advance(minutes=1))
    assert woke.woken == [conv_id]
    assert _conversations(deps)["@fay"].due_at == clock() + timedelta(minutes=40)


def test_snoozing_a_snoozed_thread_keeps_the_time_left_and_the_wait(bot, deps, clock, x_state, slack_state):
    posted = clock()
    x_state.customer_mentions("fin", "@acme_support hi", created_at=posted)
    poll(deps, clock())  # SLA 1h: 40 min are left after 20
    conv_id = _conversations(deps)["@fin"].id
    actions.snooze(deps, conv_id, "U0ALICE", clock.advance(minutes=20), timedelta(hours=1))
    actions.snooze(deps, conv_id, "U0BOB", clock.advance(minutes=30), timedelta(hours=2))
    conv = _conversations(deps)["@fin"]
    assert conv.paused_remaining_s == 40 * 60 and conv.waiting_since == posted
    assert conv.snoozed_until == clock() + timedelta(hours=2)
    assert sweep(deps, clock.advance(hours=1, minutes=59)).woken == []  # the first snooze's end is gone
    assert sweep(deps, clock.advance(minutes=1)).woken == [conv_id]
    conv = _conversations(deps)["@fin"]
    assert conv.due_at == clock() + timedelta(minutes=40) and conv.waiting_since == posted


def _button(bot, action_id: str, conv_id: int, user: str, root_ts: str):
    response = bot.slack_state.user_acts(user, "C0SUPPORT", root_ts, {
        "type": "button", "action_id": action_id, "block_id": f"conv_actions_{conv_id}", "value": str(conv_id)})
    bot.executor.drain()  # the private answer and the root refresh run after the ack
    return response


def test_buttons_and_simultaneous_claims_one_wins_the_other_is_told(bot, deps, clock, x_state, slack_state):
    x_state.customer_mentions("gus", "@acme_support hi", created_at=clock())
    poll(deps, clock())
    root, conv_id = roots(slack_state)[0], _conversations(deps)["@gus"].id
    results = []
    threads = [threading.Thread(target=lambda u=u: results.append(_button(bot, "conv_claim", conv_id, u, root["ts"])))
               for u in ("U0ALICE", "U0BOB")]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert all(r.status_code == 200 for r in results)
    winner = _conversations(deps)["@gus"].assignee
    loser = {"U0ALICE", "U0BOB"} - {winner}
    told = [e for e in slack_state.ephemerals if e["user"] in loser]
    assert winner in ("U0ALICE", "U0BOB") and told and "already claimed by" in told[-1]["text"]
    assert _button(bot, "conv_resolve", conv_id, "U0BOB", root["ts"]).status_code == 200
    assert _conversations(deps)["@gus"].status == RESOLVED
    assert _button(bot, "conv_reopen", conv_id, "U0BOB", root["ts"]).status_code == 200
    assert _conversations(deps)["@gus"].status == WAITING


def _command(bot, text: str, user: str = "U0ALICE") -> str:
    response = bot.slack_state.user_runs_command(user, "C0SUPPORT", text)
    bot.executor.drain()
    assert response.status_code == 200
    body = response.json()
    assert body.get("response_type") == "ephemeral"
    return body["text"]


def test_social_commands(bot, deps, clock, x_state, slack_state):
    clock.now = clock.now.replace(hour=10)  # "resolved today" must not cross midnight in the hour below
    for name in ("hal", "ivy", "jon"):
        x_state.customer_mentions(name, f"@acme_support {name} here", created_at=clock())
    poll(deps, clock())
    assert _command(bot, "status").startswith("Open: 3 · Waiting: 3 · Overdue: 0")
    assert _command(bot, "resolve #1") == "#1 is resolved; its timer is stopped."
    assert _command(bot, "assign #2 <@U0BOB|bob>") == "#2 is now assigned to <@U0BOB>."
    assert "#2" in _command(bot, "mine", user="U0BOB")
    assert "snoozed until" in _command(bot, "snooze #3 2h")
    clock.advance(hours=1, minutes=1)
    assert "#2" in _command(bot, "overdue") and "#3" not in _command(bot, "queue")
    assert _command(bot, "status").startswith("Open: 2 · Waiting: 1 · Overdue: 1 · Resolved today: 1")
    assert _command(bot, "reopen #1").startswith("#1 is open again")
    assert _command(bot, "frobnicate") == "Unknown command `frobnicate`. Try `/social help`."
    assert _command(bot, "snooze #3 soon").startswith("`soon` is not a duration")
    assert _command(bot, "assign 2 bob").startswith("`bob` is not a person")
    assert _command(bot, "resolve #999") == "There is no conversation #999."
    assert "/social queue" in _command(bot, "")


def test_app_home_shows_my_threads_queue_and_overdue(bot, deps, clock, x_state, slack_state):
    x_state.customer_mentions("kim", "@acme_support hi", created_at=clock())
    poll(deps, clock())
    actions.claim(deps, 1, "U0ALICE", clock())
    bot.event({"type": "app_home_opened", "user": "U0ALICE", "channel": "D0HOME", "tab": "home",
               "event_ts": "1.1"})
    view = slack_state.views["U0ALICE"]
    text = "\n".join(b["text"]["text"] for b in view["blocks"] if b.get("type") == "section")
    assert "My threads" in text and "@kim" in text and "Queue" in text


def test_long_lists_say_how_many_they_leave_out(bot, deps, clock, x_state, slack_state):
    for i in range(17):
        x_state.customer_mentions(f"c{i:02d}", f"@acme_support number {i}", created_at=clock() + timedelta(seconds=i))
    poll(deps, clock.advance(seconds=20))
    answer = _command(bot, "queue")
    assert answer.splitlines()[0] == "*Waiting on us* (15 of 17, most urgent first)"
    assert len([line for line in answer.splitlines() if line.startswith("• ")]) == 15
    assert "@c00" in answer and "@c16" not in answer  # the oldest waits are due first
