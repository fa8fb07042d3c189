"""Yelp's payloads written by others (tests/fixtures/yelp/): the Yelp emulator
answers with each documented or recorded body as is, and socialdesk's real
poll shows the reviews in Slack (stars, reviewer, excerpt, link, the business
from the recorded lookup as location) or says an error in one line and polls
on; socialdesk's response request is compared with the one Yelp documents."""
from __future__ import annotations

import pytest
from flask import request as flask_request

from bot.inbound.poll import poll
from bot.outbound.deliver import deliver
from tests.helpers import all_text, roots, thread
from tests.payloads import collect

pytestmark = pytest.mark.yelp
REVIEWS = [p for p in collect("yelp", "api_response") if p.route.endswith("/reviews") and p.customer]
BUSINESSES = [p for p in collect("yelp", "api_response") if p.route == "GET /v3/businesses/{id}" and "status" not in
              p.path.read_text(encoding="utf-8")]
ERRORS = [p for p in collect("yelp", "api_response") if p.name.split("/")[1].startswith("error_")]


def _shown(slack_state) -> str:
    return "\n".join(all_text(m) for root in roots(slack_state) for m in [root, *thread(slack_state, root)])


@pytest.mark.parametrize("business", BUSINESSES, ids=lambda p: p.name)
@pytest.mark.parametrize("payload", REVIEWS, ids=lambda p: p.name)
def test_the_documented_reviews_show_in_slack_with_the_recorded_business(payload, business, make_deps, clock,
                                                                         yelp_state, slack_state):
    alias = payload.account
    yelp_state.replay[f"/v3/businesses/{alias}"] = (200, business.body)
    yelp_state.replay[f"/v3/businesses/{alias}/reviews"] = (200, payload.body)
    deps = make_deps(YELP_BUSINESS_IDS=alias)
    poll(deps, clock())
    shown = _shown(slack_state)
    assert len(roots(slack_state)) == len(payload.body["reviews"]) == 3
    for part in payload.shows:
        assert part in shown, part
    city = business.body["location"]["city"]
    assert f"📍 {business.body['name']}, {city}".replace("&", "&amp;") in shown
    poll(deps, clock.advance(minutes=6))
    assert len(roots(slack_state)) == 3   # the same excerpts again: nothing new


@pytest.mark.parametrize("payload", ERRORS, ids=lambda p: p.name)
def test_each_documented_error_is_one_line_and_polling_goes_on(payload, deps, clock, yelp_state, slack_state, caplog):
    import json
    status = json.loads(payload.path.read_text(encoding="utf-8"))["status"]
    business = next(iter(yelp_state.businesses))
    yelp_state.review(business, "Dana K.", 2, "Slow service.")
    yelp_state.replay[f"/v3/businesses/{business}/reviews"] = (status, payload.body)
    said = poll(deps, clock()).describe()
    code = payload.body["error"]["code"]
    # A 429 (per second or per day) closes the read window until Yelp says it reopens: the line says until when.
    assert ("rate-limit window closed until" if status == 429 else code) in said and roots(slack_state) == []
    assert not [r for r in caplog.records if r.exc_info]
    del yelp_state.replay[f"/v3/businesses/{business}/reviews"]
    if code == "TOKEN_INVALID":
        return   # the key itself was refused: nothing more to read until an operator fixes it
    poll(deps, clock.advance(days=1))   # past any backoff or closed window (a used-up quota resets at midnight)
    assert len(roots(slack_state)) == 1


def test_our_response_request_is_the_documented_one(bot, deps, clock, yelp_emulator, yelp_state, slack_state):
    [documented] = collect("yelp", "api_request")
    captured = []

    @yelp_emulator._server.app.before_request
    def capture():
        if flask_request.path.startswith("/reviews/v1/"):
            captured.append(flask_request.get_json(silent=True))
    yelp_state.review(next(iter(yelp_state.businesses)), "Ana", 2, "Late again.")
    poll(deps, clock())
    [root] = roots(slack_state)
    bot.staff_says(root["ts"], "Sorry Ana, we have spoken to the kitchen.")
    deliver(deps, clock.advance(minutes=1))
    [sent] = captured
    assert set(sent) == set(documented.body)
    assert sent["response_type"] == documented.body["response_type"]
    assert sent["response_text"] == "Sorry Ana, we have spoken to the kitchen."
