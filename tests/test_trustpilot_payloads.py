"""Trustpilot's documented payloads (tests/fixtures/trustpilot/): each
webhook delivery goes through the real `/webhooks/trustpilot` route with the
subscription URL's credentials and shows its `shows` strings in Slack; the
requests Trustpilot documents for calls socialdesk makes (the token, the
company reply) are compared with what socialdesk sends the emulator."""
from __future__ import annotations

import pytest
import requests
from flask import request as flask_request

from bot.outbound.deliver import deliver
from tests.helpers import all_text, roots, thread
from tests.payloads import collect

pytestmark = pytest.mark.trustpilot


@pytest.mark.parametrize("payload", collect("trustpilot", "webhook"), ids=lambda p: p.name)
def test_a_documented_delivery_shows_in_slack(payload, bot, trustpilot_state, slack_state):
    answer = requests.post(trustpilot_state.subscription_url(bot.server.url), json=payload.body, timeout=5)
    bot.executor.drain()
    assert answer.status_code == 200
    shown = "\n".join(all_text(m) for root in roots(slack_state) for m in [root, *thread(slack_state, root)])
    assert payload.customer and shown
    for part in payload.shows:
        assert part in shown, part


def _seen(trustpilot_emulator, path: str) -> list:
    """What socialdesk sent to one emulator path: the Flask request's form and JSON, captured."""
    captured = []
    app = trustpilot_emulator._server.app

    @app.before_request
    def capture():
        if flask_request.path.endswith(path):
            captured.append({"form": dict(flask_request.form), "json": flask_request.get_json(silent=True),
                             "basic": flask_request.authorization and flask_request.authorization.type})
    return captured


def test_our_token_and_reply_requests_are_the_documented_ones(bot, deps, clock, trustpilot_emulator,
                                                               trustpilot_state, slack_state):
    [token_doc] = [p for p in collect("trustpilot", "api_request") if p.name.endswith("get_access_token_request")]
    [reply_doc] = [p for p in collect("trustpilot", "api_request") if p.name.endswith("reply_to_review_request")]
    tokens, replies = _seen(trustpilot_emulator, "/accesstoken"), _seen(trustpilot_emulator, "/reply")
    trustpilot_state.webhook_url = trustpilot_state.subscription_url(bot.server.url)
    trustpilot_state.review("Ana", 2, "Late again.")
    bot.executor.drain()
    [root] = roots(slack_state)
    bot.staff_says(root["ts"], "Sorry Ana — we have called the courier.")
    deliver(deps, clock.advance(minutes=1))
    assert tokens and tokens[0]["basic"] == token_doc.body["auth"]
    assert set(tokens[0]["form"]) == set(token_doc.body["form"]) and tokens[0]["form"]["grant_type"] == "password"
    [sent] = replies
    # submittedAt is optional in the documentation; socialdesk lets Trustpilot stamp the time.
    assert set(sent["json"]) == set(reply_doc.body) - {"submittedAt"}
    assert all(isinstance(sent["json"][k], str) for k in sent["json"])
