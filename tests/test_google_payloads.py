"""Google's documented payloads (tests/fixtures/google/): each Pub/Sub push goes through the real
`/webhooks/google` route with a Google-signed OIDC token, and either shows its `shows` strings in Slack or is
ignored with one log line saying why; the owner reply Google documents is compared with the PUT socialdesk sends."""
from __future__ import annotations

import logging

import pytest
import requests
from flask import request as flask_request

from bot.outbound.deliver import deliver
from tests.helpers import all_text, roots, thread
from tests.payloads import collect

pytestmark = pytest.mark.google


@pytest.mark.parametrize("payload", collect("google", "webhook"), ids=lambda p: p.name)
def test_a_documented_push_shows_in_slack_or_is_ignored_with_a_reason(payload, bot, google_state, slack_state, caplog):
    if payload.customer:   # the review the notification names, as the API then gives it (Review resource fields)
        import base64
        import json
        name = json.loads(base64.b64decode(payload.body["message"]["data"]))["reviewName"]
        google_state.reviews[name] = {
            "name": name, "reviewId": name.rsplit("/", 1)[-1], "starRating": "TWO",
            "reviewer": {"displayName": "Priya N", "isAnonymous": False},
            "comment": "The table by the window was freezing and nobody came to take our order for 20 minutes.",
            "createTime": "2026-11-30T19:04:11.512348Z", "updateTime": "2026-11-30T19:04:11.512348Z"}
    caplog.set_level(logging.INFO)
    answer = requests.post(bot.server.url + "/webhooks/google", json=payload.body, timeout=5,
                           headers={"Authorization": f"Bearer {google_state.push_token()}"})
    bot.executor.drain()
    assert answer.status_code == 200
    shown = "\n".join(all_text(m) for root in roots(slack_state) for m in [root, *thread(slack_state, root)])
    if payload.customer:
        for part in payload.shows:
            assert part in shown, part
        assert "★★☆☆☆" in shown
    else:
        assert shown == ""
        assert any("not a Business Profile notification" in r.getMessage() for r in caplog.records)


def test_our_reply_request_is_the_documented_one(gbp_bot, deps, clock, google_emulator, google_state, slack_state):
    [doc] = collect("google", "api_request")
    sent = []

    @google_emulator._server.app.before_request
    def capture():
        if flask_request.method == "PUT" and flask_request.path.endswith("/reply"):
            sent.append(flask_request.get_json(silent=True))
    google_state.review("Ana", 2, "Late again.")
    gbp_bot.executor.drain()
    [root] = roots(slack_state)
    gbp_bot.staff_says(root["ts"], "Sorry Ana — we have called the courier.")
    deliver(deps, clock.advance(minutes=1))
    assert [set(body) for body in sent] == [set(doc.body)]
    assert all(isinstance(value, str) for value in sent[0].values())


@pytest.fixture
def gbp_bot(bot, google_state):
    google_state.webhook_url = bot.server.url + "/webhooks/google"
    return bot
