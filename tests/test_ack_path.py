"""The ack path never waits on Slack: a staff reply is recorded and acked
while users.info (who may speak for the brand) is refused, slow, past its
timeout or failing — each measured on the real HTTP route, on the response
arriving — and the reply is then relayed exactly once, or held with its
author told; never a note, never lost. A reply in a thread whose root the
bot posted but has not stored yet is kept and matched once the root is."""
from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest
import requests
from sqlalchemy import select

from bot.store.models import NOTE, Message, Outbox
from bot.inbound.poll import poll
from sandbox.slack_signing import event_envelope, json_request
from tests.helpers import roots

FIXTURES = Path(__file__).parent / "fixtures" / "slack"
ACK_WITHIN = 3.0  # seconds: Slack's own limit


@pytest.fixture
def carol(deps, clock, x_state, slack_state):
    tweet = x_state.customer_mentions("carol", "@acme_support my parcel is lost")
    poll(deps, clock())
    return tweet, roots(slack_state)[0]


@pytest.fixture
def waits(deps):
    """The publisher look-up's waits between tries, recorded instead of slept."""
    waited: list[float] = []
    deps.publishers.sleep = waited.append
    return waited


def _reply(bot, root_ts: str, text: str, user: str = "U0ALICE") -> tuple[requests.Response, float]:
    """A staff thread reply as Slack delivers it: the signed POST, timed until
    its answer arrives (the lazy work is not waited for)."""
    state = bot.slack_state
    message = state.user_posts(user, "C0SUPPORT", text, thread_ts=root_ts, deliver=False, escape=False)
    payload = event_envelope({**message, "event_ts": message["ts"], "channel_type": "channel"}, state.team_id,
                             state.bot_user_id)
    body, headers = json_request(state.signing_secret, payload)
    start = time.perf_counter()
    response = requests.post(bot.events_url, data=body, headers=headers, timeout=60)
    return response, time.perf_counter() - start


def _notes(deps) -> list[str]:
    with deps.sessions() as session:
        return list(session.scalars(select(Message.text).where(Message.direction == NOTE)))


def _told(slack_state, user: str = "U0ALICE") -> str:
    return "\n".join(e["text"] for e in slack_state.ephemerals if e["user"] == user)


def _relayed(x_state, tweet) -> list[str]:
    return [r["text"] for r in x_state.replies_to(tweet["id"])]


def _deliver(bot, deps, clock):
    from bot.outbound.deliver import deliver
    bot.executor.drain()
    deliver(deps, clock.advance(minutes=1))  # a worker's pass finds nothing more to send


@pytest.mark.settings(SLACK_PUBLISHERS="U0ALICE")
def test_users_info_refused_three_times_neither_delays_the_ack_nor_downgrades_the_reply(
        bot, deps, clock, x_state, slack_state, carol, waits):
    tweet, root = carol
    slack_state.fail_next("users.info", status=429, times=3, retry_after=2)
    response, took = _reply(bot, root["ts"], "Carol, a new parcel leaves today.")
    assert response.status_code == 200 and took < ACK_WITHIN, f"ack took {took:.1f} s"
    _deliver(bot, deps, clock)
    assert _relayed(x_state, tweet) == ["@carol Carol, a new parcel leaves today."]
    assert _notes(deps) == [] and "internal note" not in _told(slack_state)
    assert waits == [2.0, 2.0, 2.0]  # Slack's Retry-After, honoured after the ack


class _SlowPeople(dict):
    """The emulator's users: users.info for Alice answers only when `release`
    is set (or `wait_s` passed) — a slow Slack. The test's own reads (its
    Slack client building a message) are not slowed."""

    def __init__(self, users: dict, wait_s: float):
        super().__init__(users)
        self.wait_s, self.test = wait_s, threading.current_thread()
        self.release, self.calls = threading.Event(), 0

    def get(self, key, default=None):
        if key == "U0ALICE" and threading.current_thread() is not self.test:
            self.calls += 1
            if self.calls == 2:
                self.release.set()  # the first call was given up: its answer comes too late
            else:
                self.release.wait(self.wait_s)
        return super().get(key, default)


@pytest.mark.settings(SLACK_PUBLISHERS="U0ALICE")
def test_a_slow_users_info_does_not_delay_the_ack(bot, deps, clock, x_state, slack_state, carol, waits):
    tweet, root = carol
    people = slack_state.users = _SlowPeople(slack_state.users, wait_s=6)
    response, took = _reply(bot, root["ts"], "Sorry Carol, on it!")
    assert response.status_code == 200 and took < ACK_WITHIN, f"ack took {took:.1f} s"
    people.release.set()  # Slack answers now that the ack is out
    _deliver(bot, deps, clock)
    assert _relayed(x_state, tweet) == ["@carol Sorry Carol, on it!"]
    assert _notes(deps) == []


@pytest.fixture
def one_second_lookups(monkeypatch):
    """The look-up's own timeout, short, so the test does not wait 5 s for it
    (set before the deps are built)."""
    from bot.slack import publishers
    monkeypatch.setattr(publishers, "LOOKUP_TIMEOUT", 1, raising=False)


@pytest.mark.settings(SLACK_PUBLISHERS="U0ALICE")
def test_users_info_past_its_timeout_is_asked_again_after_the_ack(one_second_lookups, bot, deps, clock, x_state,
                                                                  slack_state, carol, waits):
    tweet, root = carol
    # The first users.info answers only after the bot has asked a second time.
    people = slack_state.users = _SlowPeople(slack_state.users, wait_s=30)
    response, took = _reply(bot, root["ts"], "Carol, your refund is on its way.")
    assert response.status_code == 200 and took < ACK_WITHIN, f"ack took {took:.1f} s"
    _deliver(bot, deps, clock)
    assert people.calls == 2
    assert _relayed(x_state, tweet) == ["@carol Carol, your refund is on its way."]
    assert _notes(deps) == []


@pytest.mark.settings(SLACK_PUBLISHERS="U0ALICE")
def test_users_info_failing_holds_the_reply_and_tells_its_author(bot, deps, clock, x_state, slack_state, carol,
                                                                 waits):
    from bot.slack import publishers
    tweet, root = carol
    tries = getattr(publishers, "LOOKUP_TRIES", 6)
    slack_state.fail_next("users.info", status=503, error="service_unavailable", times=tries)
    response, took = _reply(bot, root["ts"], "Carol, we found it!")
    assert response.status_code == 200 and took < ACK_WITHIN, f"ack took {took:.1f} s"
    _deliver(bot, deps, clock)
    assert _relayed(x_state, tweet) == [] and _notes(deps) == []  # held: not sent, not a note
    told = _told(slack_state)
    assert "Held — not sent to X" in told and "Slack could not say whether you may speak for the brand" in told
    with deps.sessions() as session:
        row = session.scalars(select(Outbox)).one()
    # Slack answers again: the author sends it, once, however often they press.
    for _ in range(2):
        slack_state.user_acts("U0ALICE", "C0SUPPORT", root["ts"], {
            "type": "button", "action_id": "reply_send_anyway", "block_id": f"held_{row.id}", "value": str(row.id)})
        bot.executor.drain()
    _deliver(bot, deps, clock)
    assert _relayed(x_state, tweet) == ["@carol Carol, we found it!"]


@pytest.mark.settings(SLACK_PUBLISHERS="U0ALICE")
def test_someone_who_may_not_publish_is_still_kept_as_a_note_after_the_ack(bot, deps, clock, x_state, slack_state,
                                                                           carol, waits):
    tweet, root = carol
    response, took = _reply(bot, root["ts"], "bob here: she is probably lying", user="U0BOB")
    assert response.status_code == 200 and took < ACK_WITHIN
    _deliver(bot, deps, clock)
    assert _relayed(x_state, tweet) == []
    assert _notes(deps) == ["bob here: she is probably lying"]
    assert "Kept as an internal note" in _told(slack_state, "U0BOB")


def test_a_reply_to_a_root_posted_but_not_yet_stored_is_relayed(bot, deps, clock, x_state, slack_state):
    """Staff answer the instant the root appears, before poll has stored its
    ts: the event (parent_user_id is the bot) is kept and matched after."""
    tweet = x_state.customer_mentions("dana", "@acme_support my order never came")
    answered: list[tuple[int, float]] = []

    def staff_answers_at_once(root: dict) -> None:
        slack_state.on_post = None
        response, took = _reply(bot, root["ts"], "Dana, looking into it now.")
        answered.append((response.status_code, took))
    slack_state.on_post = staff_answers_at_once
    poll(deps, clock())
    [(status, took)] = answered
    assert status == 200 and took < ACK_WITHIN
    _deliver(bot, deps, clock)
    assert _relayed(x_state, tweet) == ["@dana Dana, looking into it now."]


def test_a_reply_under_a_bot_message_that_is_no_conversation_is_ignored_in_one_line(bot, deps, slack_state,
                                                                                   monkeypatch, caplog):
    import handlers.after_ack
    monkeypatch.setattr(handlers.after_ack, "ROOT_WAITS", (0.0, 0.0), raising=False)
    other = slack_state.next_ts()
    slack_state.messages.append({"type": "message", "channel": "C0SUPPORT", "user": slack_state.bot_user_id,
                                 "bot_id": slack_state.bot_id, "text": "Weekly report", "ts": other})
    with caplog.at_level("INFO"):
        response, _ = _reply(bot, other, "nice chart")
        bot.executor.drain()
    assert response.status_code == 200
    lines = [r.getMessage() for r in caplog.records if other in r.getMessage()]
    assert len(lines) == 1 and "no conversation" in lines[0]


# -- Slack retries of an edit or a delete --------------------------------------------

def _captured(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())["body"]


def _queued(bot, deps, slack_state, root):
    message, _ = bot.staff_says(root["ts"], "Sorry for teh delay")
    return message


def _retried(bot, payload: dict) -> None:
    """Slack's delivery and its retry of one event (same event_id)."""
    for retry in (None, "1"):
        headers = {"X-Slack-Retry-Num": retry, "X-Slack-Retry-Reason": "http_timeout"} if retry else None
        assert bot.post_json(payload, headers).status_code == 200


def _audited(deps, action: str) -> int:
    from bot.store.models import Audit
    with deps.sessions() as session:
        return len(session.scalars(select(Audit).where(Audit.action == action)).all())


@pytest.mark.settings(SEND_DELAY="10m")
def test_a_retried_edit_writes_one_audit_row_and_one_notice(bot, deps, slack_state, carol):
    _tweet, root = carol
    message = _queued(bot, deps, slack_state, root)
    before = len(slack_state.ephemerals)
    # The captured message_changed delivery (MercuryTechnologies/slack-web), carrying our message.
    payload = _captured("message_changed_captured.json")
    payload["event"].update(channel="C0SUPPORT", ts=slack_state.next_ts(), event_ts=slack_state.next_ts(),
                            message={**message, "text": "Sorry for the delay", "edited": {"user": "U0ALICE",
                                                                                          "ts": "1"}},
                            previous_message=message)
    _retried(bot, payload)
    assert _audited(deps, "reply_edited") == 1
    assert [e["text"] for e in slack_state.ephemerals[before:]].count(
        "✏️ Your edit was taken: it had not been sent yet, so X will get the new text.") == 1
    assert len(slack_state.ephemerals) == before + 1


@pytest.mark.settings(SEND_DELAY="10m")
def test_a_retried_delete_writes_one_audit_row_and_one_notice(bot, deps, clock, x_state, slack_state, carol):
    tweet, root = carol
    message = _queued(bot, deps, slack_state, root)
    before = len(slack_state.ephemerals)
    payload = _captured("message_deleted_captured.json")  # MercuryTechnologies/slack-web's capture
    payload["event"].update(channel="C0SUPPORT", previous_message=message, deleted_ts=message["ts"],
                            ts=slack_state.next_ts(), event_ts=slack_state.next_ts())
    _retried(bot, payload)
    assert _audited(deps, "reply_deleted") == 1
    assert [e["text"] for e in slack_state.ephemerals[before:]] == ["🗑️ Deleted before sending: nothing went to X."]
    _deliver(bot, deps, clock)
    assert _relayed(x_state, tweet) == []


# -- reactions and buttons: who acted is asked after the ack too ---------------------

def _timed(bot, payload: dict) -> tuple[requests.Response, float]:
    body, headers = json_request(bot.slack_state.signing_secret, payload)
    start = time.perf_counter()
    response = requests.post(bot.events_url, data=body, headers=headers, timeout=60)
    return response, time.perf_counter() - start


def _status(deps, conv_id: int = 1) -> str:
    from bot.store.models import Conversation
    with deps.sessions() as session:
        return session.get(Conversation, conv_id).status


@pytest.mark.settings(SLACK_PUBLISHERS="U0ALICE")
def test_a_resolve_reaction_while_users_info_is_refused_is_done_after_the_ack(bot, deps, slack_state, carol,
                                                                              waits):
    _tweet, root = carol
    slack_state.fail_next("users.info", status=429, times=3, retry_after=2)
    payload = _captured("reaction_added_doc.json")  # Slack's documented reaction_added, on our root
    payload["event"].update(user="U0ALICE", reaction="white_check_mark", item_user=slack_state.bot_user_id,
                            item={"type": "message", "channel": "C0SUPPORT", "ts": root["ts"]},
                            event_ts=slack_state.next_ts())
    payload.update(team_id=slack_state.team_id, event_id="Ev0RESOLVE1")
    response, took = _timed(bot, payload)
    assert response.status_code == 200 and took < ACK_WITHIN, f"ack took {took:.1f} s"
    bot.executor.drain()
    assert _status(deps) == "resolved"
    assert waits == [2.0, 2.0, 2.0]


@pytest.mark.settings(SLACK_PUBLISHERS="U0ALICE")
def test_a_button_pressed_by_someone_slack_cannot_place_yet_is_decided_after_the_ack(bot, deps, slack_state, carol,
                                                                                    waits):
    _tweet, root = carol
    slack_state.fail_next("users.info", status=429, times=3, retry_after=2)
    start = time.perf_counter()
    slack_state.user_acts("U0BOB", "C0SUPPORT", root["ts"], {
        "type": "button", "action_id": "conv_resolve", "block_id": "conv_actions_1", "value": "1"})
    took = time.perf_counter() - start
    assert took < ACK_WITHIN, f"ack took {took:.1f} s"
    bot.executor.drain()
    assert _status(deps) != "resolved"  # Bob is not among SLACK_PUBLISHERS: told, once Slack could say
    assert "Only people who may speak for the brand" in _told(slack_state, "U0BOB")


@pytest.mark.settings(SLACK_PUBLISHERS="U0ALICE")
def test_a_slash_command_that_changes_a_conversation_answers_at_once_and_acts_after(bot, deps, slack_state, carol,
                                                                                    waits):
    slack_state.fail_next("users.info", status=429, times=3, retry_after=2)
    start = time.perf_counter()
    answered = slack_state.user_runs_command("U0ALICE", "C0SUPPORT", "resolve #1")
    took = time.perf_counter() - start
    assert answered.status_code == 200 and took < ACK_WITHIN, f"ack took {took:.1f} s"
    bot.executor.drain()
    assert _status(deps) == "resolved"
    assert "#1 is resolved" in _told(slack_state)


def test_a_reply_whose_look_up_a_stopped_process_left_unfinished_is_settled(bot, deps, clock, x_state, slack_state,
                                                                            carol, monkeypatch):
    """A web process died after acking a reply and before asking Slack who
    wrote it: the next Slack event this process handles settles it."""
    from handlers import after_ack
    from bot.outbound.relay import record_staff_message
    monkeypatch.setattr(after_ack, "_leftovers_at", [])
    tweet, root = carol
    orphan = slack_state.user_posts("U0ALICE", "C0SUPPORT", "Carol, it ships today.", thread_ts=root["ts"],
                                    deliver=False)
    with deps.sessions() as session:  # what the dead process had committed before its ack
        record_staff_message(session, deps, "C0SUPPORT", root["ts"], orphan["ts"], "U0ALICE", orphan["text"],
                             clock(), author_known=False)
        session.commit()
    clock.advance(minutes=5)
    bot.staff_says(root["ts"], "note: chasing the warehouse")
    _deliver(bot, deps, clock)
    assert _relayed(x_state, tweet) == ["@carol Carol, it ships today."]
