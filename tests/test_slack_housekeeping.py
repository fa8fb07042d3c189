"""A press on a button of an older version of a message: Slack delivers it
long after the bot changed what its buttons carry. Bolt's documented
block_actions body (tests/fixtures/slack/block_actions_unknown_button.json,
bolt-python's value "click_me_123") is sent with each action_id this bot
registers — the action_id the only field changed — and with one it no longer
has: every press is answered 200 with one log line, changes nothing, and tells
nobody anything (there is nothing to tell)."""
from __future__ import annotations

import copy
import json
import logging

import pytest
import requests

from bot.store.models import Conversation
from bot.inbound.poll import poll
from handlers.slack_actions import BUTTONS
from handlers.slack_replies import DECISIONS
from sandbox.slack_signing import form_request
from tests.helpers import calls
from tests.payloads import FIXTURES, load

PRESS = load(FIXTURES / "slack" / "block_actions_unknown_button.json").body["payload"]


@pytest.mark.parametrize("action_id", sorted(BUTTONS) + sorted(DECISIONS) + ["conv_priority", "conv_escalate_v1"])
def test_a_button_from_an_older_message_is_answered_and_logged(bot, deps, clock, x_state, slack_state, caplog,
                                                               action_id):
    x_state.customer_mentions("ola", "@acme_support where is my refund")
    poll(deps, clock())
    before = _state(deps)
    press = copy.deepcopy(PRESS)
    press["actions"][0]["action_id"] = action_id
    if action_id == "conv_priority":  # a select: its value is in selected_option
        press["actions"][0]["selected_option"] = {"value": press["actions"][0]["value"]}
    body, headers = form_request(slack_state.signing_secret, {"payload": json.dumps(press)})
    with caplog.at_level(logging.DEBUG):
        response = requests.post(bot.events_url, data=body, headers=headers, timeout=10)
        bot.executor.drain()
    assert response.status_code == 200 and response.text == ""
    said = [r.getMessage() for r in caplog.records if r.name == "handlers.slack_ignored"]
    assert len(said) == 1 and "ignored Slack" in said[0], said
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert _state(deps) == before
    assert calls(slack_state, "chat.postEphemeral") == []


def _state(deps) -> tuple:
    with deps.sessions() as session:
        conv = session.query(Conversation).one()
        return conv.status, conv.assignee, conv.priority, conv.reply_privately_by
