"""Slack's documented payloads (tests/fixtures/slack/, format in
tests/fixtures/README.md) through the real Bolt endpoint: the full shapes, with
fields our emulator does not send (a broadcast's root, enterprise ids), must
work as the emulator's leaner ones do. Each test puts its own channel, thread,
user and reaction in place of the example's."""
from __future__ import annotations

import copy

from bot.outbound.deliver import deliver
from bot.store.models import Conversation
from bot.inbound.poll import poll
from tests.helpers import roots
from tests.payloads import FIXTURES, load


def _fixture(name: str) -> dict:
    return copy.deepcopy(load(FIXTURES / "slack" / name).body)


def _root(deps, clock, x_state, slack_state):
    tweet = x_state.customer_mentions("ola", "@acme_support where is my refund")
    poll(deps, clock())
    return tweet, roots(slack_state)[0]


def test_documented_thread_broadcast_is_relayed_to_the_customer(bot, deps, clock, x_state, slack_state):
    tweet, root = _root(deps, clock, x_state, slack_state)
    payload = _fixture("thread_broadcast_doc.json")
    event = payload["event"]
    event.update(channel="C0SUPPORT", user="U0ALICE", thread_ts=root["ts"], ts="1900000000.000100",
                 event_ts="1900000000.000100")
    event["root"].update(ts=root["ts"], thread_ts=root["ts"])
    assert bot.post_json(payload).status_code == 200
    deliver(deps, clock.advance(seconds=5))
    [reply] = x_state.replies_to(tweet["id"])
    assert reply["text"].endswith(" broadcasting this reply")


def test_documented_reaction_added_claims_with_eyes_and_ignores_others(bot, deps, clock, x_state, slack_state):
    _tweet, root = _root(deps, clock, x_state, slack_state)
    for reaction, event_id in (("thumbsup", "EvDOC1"), ("eyes", "EvDOC2")):
        payload = _fixture("reaction_added_doc.json")
        payload["event_id"] = event_id
        payload["event"].update(user="U0BOB", reaction=reaction)
        payload["event"]["item"].update(channel="C0SUPPORT", ts=root["ts"])
        assert bot.post_json(payload).status_code == 200
        with deps.sessions() as session:
            assignee = session.query(Conversation).one().assignee
        assert assignee == (None if reaction == "thumbsup" else "U0BOB")


def test_documented_slash_command_fields_get_a_private_status(bot, deps, clock, x_state, slack_state):
    _root(deps, clock, x_state, slack_state)
    fields = _fixture("slash_command_social_status.json")
    fields.update(channel_id="C0SUPPORT", user_id="U0ALICE")
    response = slack_state.deliver_form(fields)
    assert response.status_code == 200
    assert response.json() == {"response_type": "ephemeral", "text": response.json()["text"]}
    assert response.json()["text"].startswith("Open: 1 · Waiting: 1 · Overdue: 0")
