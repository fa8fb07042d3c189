"""Signed Slack requests nested deeper than Bolt can take are a 400, not a 500.

Bolt deep-copies every request it hands to a lazy listener; before
service/slack_shape.MAX_DEPTH, a signed body nested 500 levels deep (the probe
of issue 19 sent 900) ran Python out of recursion inside copy.deepcopy and
answered 500 with a traceback in the log. json.loads itself gives up near
1,000 levels. Every depth the bot cannot take is now refused before Bolt."""
from __future__ import annotations

import json
import logging
from urllib.parse import urlencode

import pytest
import requests

from sandbox.slack_signing import event_envelope, sign
from service.slack_shape import MAX_DEPTH

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # refused before the database


def _nested_list(depth: int) -> str:
    """A JSON list nested `depth` levels, written out (json.dumps itself gives up near 1,000)."""
    return "[" * depth + "1" + "]" * depth


def _event_body(inner_depth: int) -> bytes:
    """A documented-shape thread message whose event carries one deep field;
    the whole body nests 2 + inner_depth levels."""
    envelope = event_envelope({"type": "message", "channel": "C0SUPPORT", "user": "U0ALICE", "text": "hi",
                               "ts": "1700000001.000100", "thread_ts": "1700000000.000100", "deep": None})
    return json.dumps(envelope).replace('"deep": null', '"deep": ' + _nested_list(inner_depth)).encode()


def _form_body(inner_depth: int) -> bytes:
    """An interactivity payload nesting 1 + inner_depth levels."""
    payload = {"type": "block_actions", "user": {"id": "U0ALICE"}, "channel": {"id": "C0SUPPORT"},
               "actions": [{"type": "button", "action_id": "conv_claim", "value": "1"}], "deep": None}
    text = json.dumps(payload).replace('"deep": null', '"deep": ' + _nested_list(inner_depth))
    return urlencode({"payload": text}).encode()


def _post(bot, slack_state, body: bytes, content_type: str):
    response = requests.post(bot.events_url, data=body, timeout=30,
                             headers={"Content-Type": content_type, **sign(slack_state.signing_secret, body)})
    bot.executor.drain()
    return response


@pytest.mark.parametrize("depth", [500, 900, 990, 1000, 5000])
@pytest.mark.parametrize("form", [False, True], ids=["json", "form_payload"])
def test_deeper_than_bolt_can_take_is_a_400(bot, slack_state, caplog, depth, form):
    body = _form_body(depth) if form else _event_body(depth)
    kind = "application/x-www-form-urlencoded" if form else "application/json"
    with caplog.at_level(logging.DEBUG):
        response = _post(bot, slack_state, body, kind)
    assert response.status_code == 400, response.text[:200]
    assert f"nested at most {MAX_DEPTH} deep" in response.json()["error"]
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


@pytest.mark.parametrize("form", [False, True], ids=["json", "form_payload"])
def test_depth_up_to_the_limit_is_served(bot, slack_state, caplog, form):
    """MAX_DEPTH levels in all (far more than any Slack body has) reach the listeners."""
    body = _form_body(MAX_DEPTH - 1) if form else _event_body(MAX_DEPTH - 2)
    kind = "application/x-www-form-urlencoded" if form else "application/json"
    with caplog.at_level(logging.DEBUG):
        response = _post(bot, slack_state, body, kind)
    assert response.status_code == 200, response.text[:200]
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    one_deeper = _form_body(MAX_DEPTH) if form else _event_body(MAX_DEPTH - 1)
    assert _post(bot, slack_state, one_deeper, kind).status_code == 400
