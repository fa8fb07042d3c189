"""X payloads written by others (tests/fixtures/x/*.json: X's documentation,
tweepy's recorded answers, another project's captured delivery) through the
real routes: every webhook delivery signed and posted to `/webhooks/x` with the
fixture's account as the brand — customer payloads shown in Slack, the rest
ignored with a log line saying why, never a 5xx — and every recorded API
answer replayed by the X emulator and polled."""
from __future__ import annotations

import json
import logging

import pytest
import requests

from bot.inbound.poll import poll
from sandbox.serve import BackgroundServer
from tests.conftest import DrainableExecutor
from tests.helpers import all_text, roots, thread
from tests.payloads import collect
from tests.test_x_webhooks import sign

WEBHOOKS = collect("x", "webhook")
ANSWERS = collect("x", "api_response")
FEEDS = {"GET /2/users/:id/mentions": "mentions", "GET /2/tweets/:id/quote_tweets": "quotes",
         "GET /2/dm_events": "dm_read", "GET /2/dm_conversations/:dm_conversation_id/dm_events": "dm_read",
         # a look-up page with partial errors has a timeline page's shape: replayed as mentions
         "GET /2/tweets (several ids: a page of what was found, errors for the rest)": "mentions"}
DEFAULT_BRAND = "1500000000000000001"


def test_the_corpus_is_real_and_large_enough():
    every = collect("x")
    assert len(every) >= 20 and {p.kind for p in every} == {"webhook", "api_response"}
    assert all(p.route == "/webhooks/x" for p in WEBHOOKS)
    assert any(p.customer for p in WEBHOOKS) and any(not p.customer for p in WEBHOOKS)


@pytest.fixture
def brand_bot(make_deps, slack_state):
    """The real web app with X_USER_ID set to a fixture's account."""
    from service.bolt_app import build_bolt_app
    from service.web import create_web_app
    started = []

    def start(account: str | None):
        deps = make_deps(X_USER_ID=account or DEFAULT_BRAND)
        executor = DrainableExecutor(echoes=slack_state.flush_echoes)
        server = BackgroundServer(create_web_app(deps, build_bolt_app(deps, executor=executor),
                                                 executor=executor)).start()
        started.append((server, executor))
        return deps, server, executor

    yield start
    for server, executor in started:
        executor.drain()
        server.stop()
        executor.shutdown()


def shown_in_slack(slack_state) -> str:
    return "\n".join(all_text(m) for root in roots(slack_state) for m in [root, *thread(slack_state, root)])


@pytest.mark.parametrize("payload", WEBHOOKS, ids=lambda p: p.name)
def test_each_documented_webhook_is_shown_or_ignored_with_a_reason(payload, brand_bot, x_state, slack_state, caplog):
    caplog.set_level(logging.DEBUG)
    _deps, server, executor = brand_bot(payload.account)
    raw = json.dumps(payload.body).encode()  # what X sends, and signs
    response = requests.post(server.url + "/webhooks/x", data=raw, timeout=10,
                             headers={"content-type": "application/json",
                                      "x-twitter-webhooks-signature": sign(x_state.api_secret, raw)})
    executor.drain()
    assert response.status_code == 200, response.text
    shown = shown_in_slack(slack_state)
    if payload.customer:
        assert response.json() == {"ok": True} and roots(slack_state)
        for text in payload.shows:
            assert text in shown, (text, shown)
    else:
        assert response.json() == {"ok": True} and roots(slack_state) == []
        assert any(payload.why in r.getMessage() for r in caplog.records), [r.getMessage() for r in caplog.records]


@pytest.mark.parametrize("name", ["x/xaa_post_reply_create", "x/xaa_post_quote_create"])
def test_an_event_with_empty_includes_shows_the_authors_handle(name, brand_bot, x_state, slack_state):
    [payload] = [p for p in WEBHOOKS if p.name == name]
    author = payload.body["data"]["payload"]["author_id"]
    # X's docs name this author @OtherUser (their post.mention.create example): X — the emulator — knows them so.
    x_state.users[author] = {"id": author, "username": "OtherUser", "name": "OtherUser"}
    _deps, server, executor = brand_bot(payload.account)
    raw = json.dumps(payload.body).encode()
    requests.post(server.url + "/webhooks/x", data=raw, timeout=10, headers={
        "content-type": "application/json", "x-twitter-webhooks-signature": sign(x_state.api_secret, raw)})
    executor.drain()
    [root] = roots(slack_state)
    assert "*@OtherUser*" in all_text(root) and f"@{author}" not in all_text(root)


@pytest.mark.parametrize("payload", [p for p in ANSWERS if p.route in FEEDS], ids=lambda p: p.name)
def test_each_recorded_page_is_polled_into_slack(payload, make_deps, x_state, slack_state):
    deps = make_deps(X_USER_ID=payload.account)
    x_state.post(payload.account, "the brand's own post, whose quotes are polled")
    x_state.answer_next(FEEDS[payload.route], payload.body)
    result = poll(deps, deps.clock(), paced=False)
    assert not result.errors, result.describe()
    shown = shown_in_slack(slack_state)
    for text in payload.shows:
        assert text.replace("&", "&amp;") in shown, (text, shown)
    # The cursor moved on: the emulator's own (empty) pages bring nothing back.
    again = poll(deps, deps.clock(), paced=False)
    assert not again.errors and again.posted == 0


def test_the_recorded_account_answer_names_the_brand(make_deps, x_state):
    [me] = [p for p in ANSWERS if p.route == "GET /2/users/me"]
    x_state.answer_next("me", me.body)
    deps = make_deps()  # no X_USER_ID: looked up once
    adapter = deps.adapters["x"]
    assert adapter.account_id() == me.account and adapter.account_name() == "@TweepyDev"


def test_a_recorded_user_answer_gives_find_name_the_handle(make_deps, x_state):
    [user] = [p for p in ANSWERS if p.route == "GET /2/users/by/username/:username"]
    x_state.answer_next("users", user.body)
    adapter = make_deps().adapters["x"]
    assert adapter.find_name(user.account) == ("@Twitter", "Twitter")


def test_a_recorded_create_answer_is_the_sent_reply(make_deps, x_state):
    from adapters.base import ActionKind, OutboundAction
    [created] = [p for p in ANSWERS if p.route == "POST /2/tweets"]
    x_state.answer_next("create", created.body, status=201)
    adapter = make_deps().adapters["x"]
    sent = adapter.send_reply(OutboundAction("x", ActionKind.REPLY, "1578516295611748353", "Thanks!", "k1"))
    assert sent.external_id == created.body["data"]["id"]


def test_a_documented_error_answer_is_said_and_retried(make_deps, x_state, slack_state):
    [error] = [p for p in ANSWERS if p.route == "any X API v2 request answered 400"]
    deps = make_deps()
    x_state.answer_next("mentions", error.body, status=400)
    result = poll(deps, deps.clock(), paced=False)
    [said] = result.errors  # X's own words, and when it is tried again
    assert said.startswith("X refused it: The 'query' parameter is required.; retrying after ")
    assert roots(slack_state) == []
