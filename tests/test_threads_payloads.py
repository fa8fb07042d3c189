"""Threads payloads written by others (tests/fixtures/threads/: Meta's Threads
documentation examples): each webhook goes signed through the real
/webhooks/meta route; each API answer is replayed by the Threads emulator to
the adapter and the jobs that read it."""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
from datetime import timedelta

import pytest
import requests
from sqlalchemy import select

from adapters.base import ActionKind, OutboundAction
from bot.inbound.poll import poll
from bot.inbound.tokens import refresh_tokens
from bot.store.models import Credential, Message
from tests.helpers import roots
from tests.payloads import collect

pytestmark = pytest.mark.threads
WEBHOOKS = collect("threads", "webhook")
ANSWERS = {p.route: p for p in collect("threads", "api_response")}


def _texts(deps) -> list[str]:
    with deps.sessions() as session:
        return sorted(m.text for m in session.scalars(select(Message)))


@pytest.mark.parametrize("payload", WEBHOOKS, ids=lambda p: p.name)
def test_documented_webhooks_show_each_customer_post_once_and_ignore_the_rest(payload, request, database_url,
                                                                              threads_state, caplog):
    caplog.set_level(logging.INFO, logger="adapters.threads")
    threads_state.user_id = payload.account   # the account the delivery is addressed to
    bot = request.getfixturevalue("bot")
    deps, slack_state = bot.deps, request.getfixturevalue("slack_state")
    body = json.dumps(payload.body).encode()
    signature = "sha256=" + hmac.new(threads_state.app_secret.encode(), body, hashlib.sha256).hexdigest()
    for _ in range(2):   # Meta retries: the second delivery changes nothing
        answer = requests.post(bot.server.url + "/webhooks/meta", data=body, timeout=5,
                               headers={"Content-Type": "application/json", "X-Hub-Signature-256": signature})
        assert answer.status_code == 200
        bot.executor.drain()
    if payload.customer:
        assert _texts(deps) == sorted(payload.shows) and len(roots(slack_state)) == 1
    else:
        assert _texts(deps) == [] and roots(slack_state) == []
        assert any("nothing for a customer thread" in r.getMessage() for r in caplog.records)


def test_the_documented_conversation_listing_shows_each_reply_once(deps, clock, threads_state, slack_state):
    payload = ANSWERS["GET /{media-id}/conversation"]
    threads_state.brand_posts("Our winter boots are back in stock")
    threads_state.recorded["conversation"] = [(200, payload.body), (200, payload.body)]
    poll(deps, clock())
    assert _texts(deps) == sorted(payload.shows)
    assert len(roots(slack_state)) == len(payload.shows)   # no username given: each its own thread
    poll(deps, clock.advance(minutes=5))                    # the same answer again: nothing new
    assert len(roots(slack_state)) == len(payload.shows)


def test_the_documented_replies_listing_holds_nothing_of_the_brands(deps, threads_state):
    payload = ANSWERS["GET /{media-id}/replies"]
    post = threads_state.brand_posts("Ask us anything")
    threads_state.recorded["replies"] = [(200, payload.body)]
    action = OutboundAction("threads", ActionKind.REPLY, post["id"], "First Reply", "slack:C0:1.0:reply")
    assert deps.adapters["threads"].find_sent(action) is None   # "First Reply" is there, but not the brand's
    assert ("GET", f"/v1.0/{post['id']}/replies") in threads_state.calls


def test_the_documented_refresh_answer_is_stored_as_the_new_token(deps, clock, threads_state):
    payload = ANSWERS["GET /refresh_access_token"]
    threads_state.recorded["refresh_access_token"] = [(200, payload.body)]
    adapter = deps.adapters["threads"]
    assert refresh_tokens(deps, clock()) == [adapter.account_key]
    with deps.sessions() as session:
        stored = session.get(Credential, adapter.account_key)
        assert stored.token == payload.body["access_token"] and adapter.graph.token == stored.token
        expected = clock() + timedelta(seconds=payload.body["expires_in"])
        assert stored.expires_at.replace(tzinfo=None) == expected.replace(tzinfo=None)


def test_the_documented_manage_reply_answer_is_a_hidden_reply(deps, threads_state):
    threads_state.recorded["manage_reply"] = [(200, ANSWERS["POST /{reply-id}/manage_reply"].body)]
    deps.adapters["threads"].hide_reply("18000000000000001")   # no error: Threads said success
    assert ("POST", "/v1.0/18000000000000001/manage_reply") in threads_state.calls
