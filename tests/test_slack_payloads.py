"""Every Slack request body in tests/fixtures/slack/ — written by others:
bolt-python's scenario tests, slack-web's deliveries captured from real
workspaces, Slack's reference examples — sent signed through the real
/slack/events route.

Each is answered 200 (url_verification: the challenge, as Slack requires),
never a 5xx, with no traceback or error in the log; one the bot ignores logs
exactly one line saying why (before issue 19, Bolt answered many of them 404,
which Slack counts toward switching the app's events off). The bodies go as
written, except where the bot needs its own ids, and then structurally: a
staff reply is moved into a conversation the test opened (event.channel →
SLACK_CHANNEL, event.thread_ts and a broadcast's root → that conversation's
root ts; a reply elsewhere is ignored by design) and written by a member of
the emulated workspace (event.user → U0ALICE, event.team/user_team → its team
id: the bot looks every author up before speaking for the brand); the App
Home is opened by that member too (views.publish needs a real user)."""
from __future__ import annotations

import copy
import json
import logging

import pytest
import requests

from bot.outbound.deliver import deliver
from bot.inbound.poll import poll
from sandbox.slack_signing import form_request
from tests.helpers import calls, roots
from tests.payloads import Payload, collect

PAYLOADS = collect("slack")
IGNORED_LOGGER = "handlers.slack_ignored"


def test_the_corpus_is_complete(report_figure):
    """Every file in the folder loads as a Slack request; the shapes asked for are there."""
    assert all(p.kind == "slack_request" and p.route == "/slack/events" and not p.customer for p in PAYLOADS)
    assert len(PAYLOADS) >= 25
    shapes = {_shape(p.body) for p in PAYLOADS}
    for wanted in ("event_callback/message", "event_callback/message/thread_broadcast",
                   "event_callback/message/message_changed", "event_callback/message/message_deleted",
                   "event_callback/message/bot_message", "event_callback/message/file_share",
                   "event_callback/reaction_added", "event_callback/reaction_removed", "event_callback/app_mention",
                   "event_callback/app_home_opened", "app_rate_limited", "url_verification", "block_actions",
                   "view_submission", "view_closed", "shortcut", "message_action", "command"):
        assert wanted in shapes, wanted
    ignored = sum(p.why.startswith("ignored") for p in PAYLOADS)
    report_figure(f"Slack corpus: {len(PAYLOADS)} requests written by others, {len(PAYLOADS) - ignored} acted on, "
                  f"{ignored} ignored with a log line")


def _shape(body: dict) -> str:
    if "command" in body:
        return "command"
    inner = body["payload"] if isinstance(body.get("payload"), dict) else body
    event = inner.get("event") or {}
    return "/".join(part for part in (inner.get("type"), event.get("type"), event.get("subtype")) if part)


def _into_conversation(body: dict, root_ts: str, team: str) -> dict:
    """A staff reply, moved into the thread of the conversation the test opened,
    by a member of the workspace."""
    body = _by_member(body, team)
    event = body["event"]
    event.update(channel="C0SUPPORT", thread_ts=root_ts)
    if isinstance(event.get("root"), dict):
        event["root"].update(ts=root_ts, thread_ts=root_ts)
    return body


def _by_member(body: dict, team: str) -> dict:
    body = copy.deepcopy(body)
    event = body["event"]
    event["user"] = "U0ALICE"
    for name in ("team", "user_team"):
        if name in event:
            event[name] = team
    return body


def _send(bot, slack_state, payload: Payload, body: dict) -> requests.Response:
    if payload.content_type == "application/json":
        return bot.post_json(body)
    fields = {name: json.dumps(value) if isinstance(value, dict) else value for name, value in body.items()}
    data, headers = form_request(slack_state.signing_secret, fields)
    response = requests.post(bot.events_url, data=data, headers=headers, timeout=10)
    bot.executor.drain()
    return response


@pytest.mark.parametrize("payload", PAYLOADS, ids=lambda p: p.path.stem)
def test_slack_request_written_by_others(bot, deps, clock, x_state, slack_state, caplog, payload):
    tweet = x_state.customer_mentions("ola", "@acme_support where is my refund")
    poll(deps, clock())
    root_ts = roots(slack_state)[0]["ts"]
    body = payload.body
    if payload.why.startswith("staff reply"):
        body = _into_conversation(body, root_ts, slack_state.team_id)
    elif payload.why.startswith("App Home"):
        body = _by_member(body, slack_state.team_id)
    caplog.clear()
    with caplog.at_level(logging.DEBUG):
        response = _send(bot, slack_state, payload, body)
    assert response.status_code == 200, (response.status_code, response.text[:300])
    assert b"Traceback" not in response.content
    trouble = [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert not trouble, [r.getMessage() for r in trouble]
    said = [r for r in caplog.records if r.name == IGNORED_LOGGER]

    if payload.why.startswith("ignored"):
        assert len(said) == 1, [r.getMessage() for r in said]
        if body.get("type") == "app_rate_limited":  # events were lost: worth a warning
            assert said[0].levelno == logging.WARNING and "minute_rate_limited 1518467820" in said[0].getMessage()
        else:
            assert said[0].levelno in (logging.DEBUG, logging.INFO) and "ignored Slack" in said[0].getMessage()
    else:
        assert not said, [r.getMessage() for r in said]
    if payload.why.startswith("staff reply"):
        deliver(deps, clock.advance(seconds=5))
        [reply] = x_state.replies_to(tweet["id"])
        assert reply["text"].endswith(body["event"]["text"])
    elif body.get("type") == "url_verification":
        assert response.json() == {"challenge": body["challenge"]}
    elif payload.why.startswith("App Home"):
        assert [c["user_id"] for c in calls(slack_state, "views.publish")] == [body["event"]["user"]]
    elif payload.why.startswith("/social status"):
        assert response.json()["text"].startswith("Open: 1 · Waiting: 1")
    else:
        assert response.text == ""
