"""The sandbox's Reviews panel: a customer leaves, edits and deletes a review on
each review platform the sandbox runs; each change goes to the bot as the
platform's own webhook (Trustpilot: the subscription URL's basic auth), and the
page's state shows the review with the owner's answer under it. Bad input is a
one-line 4xx. The browser test drives the whole loop through the real bot."""
from __future__ import annotations

import base64
import json
import threading

import pytest
import requests
from flask import Flask, request

from sandbox.page import create_page
from sandbox.page_reviews import trustpilot_site
from sandbox.runner import review_sites, sandbox_environment
from sandbox.serve import BackgroundServer
from sandbox.trustpilot_emulator import TrustpilotState


@pytest.fixture
def webhook_receiver():
    """Stands where the bot's /webhooks/trustpilot is: keeps each delivery and its Authorization header."""
    got, arrived = [], threading.Event()
    app = Flask("recorded-bot")

    @app.post("/webhooks/trustpilot")
    def delivery():
        got.append((request.headers.get("Authorization"), json.loads(request.get_data())))
        arrived.set()
        return ""
    server = BackgroundServer(app).start()
    yield server.url, got
    server.stop()


@pytest.fixture
def panel(slack_state, x_state, webhook_receiver, clock):
    state = TrustpilotState(clock=lambda: clock().timestamp())
    site = trustpilot_site(state, webhook_receiver[0])
    return create_page(slack_state, x_state, reviews=[site]).test_client(), state


def _events(got) -> list[tuple[str, str]]:
    return [(event["eventName"], event["eventData"]["id"]) for _, body in got for event in body["events"]]


def test_a_review_left_on_the_panel_is_pushed_as_trustpilot_does_and_shown(panel, webhook_receiver):
    page, state = panel
    answer = page.post("/review", json={"platform": "trustpilot", "name": "Dana K", "stars": 1,
                                        "title": "Disappointing", "text": "Cold food."}).json
    assert answer["ok"] and answer["id"] in state.reviews
    [(authorization, body)] = webhook_receiver[1]
    user, _, secret = base64.b64decode(authorization.removeprefix("Basic ")).decode().partition(":")
    assert (user, secret) == ("trustpilot", state.webhook_secret)
    assert body["events"][0]["eventData"]["stars"] == 1
    [site] = page.get("/state").json["reviews"]
    assert site["platform"] == "trustpilot" and site["label"] == "Trustpilot"
    assert site["url"].endswith("/trustpilot/v1") and "5 minutes" in site["polled_every"]
    [shown] = site["reviews"]
    assert (shown["name"], shown["stars"], shown["title"], shown["text"], shown["reply"]) == (
        "Dana K", 1, "Disappointing", "Cold food.", None)


def test_the_owners_answer_shows_under_the_review(panel):
    page, state = panel
    review_id = page.post("/review", json={"platform": "trustpilot", "name": "Dana K", "stars": "2",
                                           "title": "", "text": "Slow."}).json["id"]
    with state.lock:  # what the bot's company reply (POST /v1/private/reviews/{id}/reply) stores
        state.reviews[review_id]["companyReply"] = {"text": "Sorry Dana, we called you.",
                                                    "createdAt": "2026-12-06T10:00:00.000Z", "updatedAt": None}
    [shown] = page.get("/state").json["reviews"][0]["reviews"]
    assert shown["stars"] == 2 and shown["reply"] == {"text": "Sorry Dana, we called you.",
                                                      "created_at": "2026-12-06T10:00:00.000Z"}


def test_editing_and_deleting_my_review_are_pushed_as_updated_and_deleted(panel, webhook_receiver):
    page, state = panel
    review_id = page.post("/review", json={"platform": "trustpilot", "name": "Dana K", "stars": 1,
                                           "title": "Bad", "text": "Cold food."}).json["id"]
    assert page.post("/review/edit", json={"platform": "trustpilot", "id": review_id, "stars": 4,
                                           "title": "Made right", "text": "They called me."}).json["ok"]
    [shown] = page.get("/state").json["reviews"][0]["reviews"]
    assert (shown["stars"], shown["title"], shown["text"]) == (4, "Made right", "They called me.")
    assert shown["updated_at"]
    assert page.post("/review/delete", json={"platform": "trustpilot", "id": review_id}).json["ok"]
    assert page.get("/state").json["reviews"][0]["reviews"] == []
    assert _events(webhook_receiver[1]) == [("service-review-created", review_id),
                                            ("service-review-updated", review_id),
                                            ("service-review-deleted", review_id)]
    # Deleted already (a double click): said, not a 500.
    again = page.post("/review/delete", json={"platform": "trustpilot", "id": review_id})
    assert again.status_code == 404 and "\n" not in again.json["error"]


def test_with_webhooks_off_a_review_waits_for_polling(panel, webhook_receiver):
    page, state = panel
    assert page.post("/delivery", json={"webhook": False}).json["webhook"] is False
    page.post("/review", json={"platform": "trustpilot", "name": "Lee", "stars": 5, "text": "Lovely."})
    assert webhook_receiver[1] == [] and len(state.reviews) == 1   # on the platform, found by the bot's next poll
    page.post("/delivery", json={"webhook": True})
    page.post("/review", json={"platform": "trustpilot", "name": "Kim", "stars": 3, "text": "Fine."})
    assert len(webhook_receiver[1]) == 1


@pytest.mark.parametrize("path, body", [
    ("/review", {}), ("/review", {"platform": "yelp", "name": "a", "stars": 1, "text": "t"}),
    ("/review", {"platform": "trustpilot", "name": "a", "stars": 0, "text": "t"}),
    ("/review", {"platform": "trustpilot", "name": "a", "stars": 6, "text": "t"}),
    ("/review", {"platform": "trustpilot", "name": "a", "stars": True, "text": "t"}),
    ("/review", {"platform": "trustpilot", "name": "a", "stars": "2.5", "text": "t"}),
    ("/review", {"platform": "trustpilot", "name": " ", "stars": 1, "text": "t"}),
    ("/review", {"platform": "trustpilot", "name": "a", "stars": 1, "text": ""}),
    ("/review", {"platform": ["trustpilot"], "name": "a", "stars": 1, "text": "t"}),
    ("/review/edit", {"platform": "trustpilot", "id": "nope", "stars": 1, "text": "t"}),
    ("/review/delete", {"platform": "trustpilot", "id": "nope"}), ("/review/delete", {})])
def test_bad_review_input_is_a_4xx_with_one_line(panel, path, body):
    page, state = panel
    response = page.post(path, json=body)
    assert 400 <= response.status_code < 500
    assert response.json["ok"] is False and "\n" not in response.json["error"]
    assert state.reviews == {}


def test_editing_with_bad_stars_is_refused_and_changes_nothing(panel):
    page, state = panel
    review_id = page.post("/review", json={"platform": "trustpilot", "name": "a", "stars": 2, "text": "t"}).json["id"]
    response = page.post("/review/edit", json={"platform": "trustpilot", "id": review_id, "stars": 9, "text": "x"})
    assert response.status_code == 400 and state.reviews[review_id]["stars"] == 2


def test_the_sandbox_runs_trustpilot_with_settings_the_bot_reads(slack_state, x_state, graph_state):
    """The sandbox's environment turns Trustpilot on against its emulator, mounted under the page."""
    from bot.config import load_settings
    sites = review_sites("http://127.0.0.1:2")
    env = sandbox_environment("http://127.0.0.1:1", 2, "sqlite://", slack_state, x_state, graph_state, sites)
    assert env["TRUSTPILOT_API_URL"] == "http://127.0.0.1:1/trustpilot/v1"
    assert sites[0].mount == "/trustpilot"
    settings = load_settings(env, "web")
    assert "trustpilot" in settings.enabled_platforms
    assert settings.platforms["trustpilot"].webhook_secret == env["TRUSTPILOT_WEBHOOK_SECRET"]
    # The subscription the emulator pushes to carries that secret, to the bot's web.
    pushed_to = requests.utils.urlparse(sites[0].state.webhook_url)
    assert (pushed_to.password, pushed_to.port, pushed_to.path) == (env["TRUSTPILOT_WEBHOOK_SECRET"], 2,
                                                                  "/webhooks/trustpilot")
    assert env["SLA_REVIEWS"] == "5m"
