"""The Reviews panel's Google and Yelp sites against the real bot: a 1-star review left through the page's route is
one Slack root with its stars — Google's by its signed Pub/Sub push, Yelp's after a poll pass (Yelp has no push) —
and a staff reply in its thread comes back as the owner's answer under the review in the page's /state. The
webhooks checkbox switches Google's push; Yelp offers no delete and says why; bad input is a one-line 4xx.
Real `web`, signed Slack requests, the emulators over HTTP, on SQLite and PostgreSQL."""
from __future__ import annotations

import pytest

from bot.inbound.poll import poll
from bot.outbound.deliver import deliver
from sandbox.page import create_page
from sandbox.page_review_sites import google_site, yelp_site
from sandbox.runner import review_sites, sandbox_environment
from tests.helpers import all_text, roots, thread

pytestmark = [pytest.mark.google, pytest.mark.yelp]
TEXT = "Dana, we are so sorry about Saturday. Our manager will call you today."


@pytest.fixture
def page(bot, slack_state, x_state, google_state, yelp_state):
    sites = [google_site(google_state, bot.server.url), yelp_site(yelp_state)]
    return create_page(slack_state, x_state, reviews=sites).test_client()


def _site(page, platform: str) -> dict:
    [site] = [s for s in page.get("/state").json["reviews"] if s["platform"] == platform]
    return site


def _leave(page, platform: str, stars=1, text="Cold food and we waited an hour for it.") -> str:
    answer = page.post("/review", json={"platform": platform, "name": "Dana K", "stars": stars,
                                        "title": "", "text": text})
    assert answer.status_code == 200, answer.json
    return answer.json["id"]


def test_a_google_review_is_pushed_to_one_root_and_the_staff_reply_shows_under_it(
        page, bot, deps, clock, google_state, slack_state):
    review_id = _leave(page, "google")
    bot.executor.drain()
    assert google_state.webhook_answers == [200]    # the bot took the signed push
    [root] = roots(slack_state)
    assert "★☆☆☆☆" in all_text(root) and "Cold food" in all_text(root) and "Google" in all_text(root)
    [shown] = _site(page, "google")["reviews"]
    assert (shown["id"], shown["stars"], shown["reply"]) == (review_id, 1, None)

    bot.staff_says(root["ts"], TEXT)
    deliver(deps, clock.advance(minutes=1))
    [shown] = _site(page, "google")["reviews"]
    assert shown["reply"]["text"] == TEXT and shown["reply"]["created_at"]
    assert [body["comment"] for _, body in google_state.reply_puts] == [TEXT]


def test_a_google_edit_is_pushed_into_its_thread_and_a_delete_leaves_the_page(
        page, bot, clock, google_state, slack_state):
    review_id = _leave(page, "google")
    bot.executor.drain()
    [root] = roots(slack_state)
    clock.advance(hours=2)   # Google stamps the edit with a later updateTime: that is what makes it a revision
    assert page.post("/review/edit", json={"platform": "google", "id": review_id, "stars": 4,
                                           "text": "They called me and made it right."}).json["ok"]
    bot.executor.drain()
    assert google_state.webhook_answers == [200, 200]
    assert "made it right" in " ".join(all_text(m) for m in thread(slack_state, root))
    [shown] = _site(page, "google")["reviews"]
    assert shown["stars"] == 4 and shown["updated_at"]
    assert page.post("/review/delete", json={"platform": "google", "id": review_id}).json["ok"]
    assert _site(page, "google")["reviews"] == [] and google_state.reviews == {}
    assert "no notice" in _site(page, "google")["deleted_note"]


def test_with_webhooks_off_google_pushes_nothing_and_polling_finds_the_review(
        page, bot, deps, clock, google_state, slack_state):
    assert page.post("/delivery", json={"webhook": False}).json["ok"]
    _leave(page, "google", stars=2, text="Slow service.")
    assert google_state.webhook_answers == [] and roots(slack_state) == []
    poll(deps, clock.advance(minutes=1))
    [root] = roots(slack_state)
    assert "★★☆☆☆" in all_text(root)
    page.post("/delivery", json={"webhook": True})
    _leave(page, "google", stars=5, text="Lovely.")
    bot.executor.drain()
    assert google_state.webhook_answers == [200] and len(roots(slack_state)) == 2


def test_a_yelp_review_is_one_root_after_a_poll_pass_and_the_partner_response_shows_under_it(
        page, bot, deps, clock, yelp_state, slack_state):
    review_id = _leave(page, "yelp")
    assert roots(slack_state) == []     # Yelp pushes nothing: only a poll pass finds it
    poll(deps, clock())
    [root] = roots(slack_state)
    assert "★☆☆☆☆" in all_text(root) and "Cold food" in all_text(root) and "Yelp" in all_text(root)
    site = _site(page, "yelp")
    assert "5 minutes" in site["polled_every"] and "5 minutes" in site["note"] and site["deletable"] is False
    assert [(r["id"], r["stars"], r["reply"]) for r in site["reviews"]] == [(review_id, 1, None)]

    bot.staff_says(root["ts"], TEXT)
    deliver(deps, clock.advance(minutes=1))
    deliver(deps, clock.advance(minutes=1))
    [shown] = _site(page, "yelp")["reviews"]
    assert shown["reply"]["text"] == TEXT
    assert [(rid, body["response_text"]) for rid, body, _ in yelp_state.response_posts] == [(review_id, TEXT)]


def test_a_yelp_edit_is_found_by_the_next_poll_and_delete_is_refused_saying_why(
        page, deps, clock, yelp_state, slack_state):
    review_id = _leave(page, "yelp")
    poll(deps, clock())
    [root] = roots(slack_state)
    assert page.post("/review/edit", json={"platform": "yelp", "id": review_id, "stars": 4,
                                           "text": "They called me and made it right."}).json["ok"]
    assert _site(page, "yelp")["reviews"][0]["stars"] == 4
    poll(deps, clock.advance(minutes=10))
    assert "made it right" in " ".join(all_text(m) for m in thread(slack_state, root))
    refused = page.post("/review/delete", json={"platform": "yelp", "id": review_id})
    assert refused.status_code == 400 and "\n" not in refused.json["error"]
    assert "never tells" in refused.json["error"] and review_id in yelp_state.reviews


@pytest.mark.parametrize("path, body", [
    ("/review", {"platform": "google", "name": "a", "stars": 0, "text": "t"}),
    ("/review", {"platform": "yelp", "name": "a", "stars": 6, "text": "t"}),
    ("/review", {"platform": "google", "name": "", "stars": 1, "text": "t"}),
    ("/review", {"platform": "yelp", "name": "a", "stars": 1, "text": " "}),
    ("/review/edit", {"platform": "google", "id": "accounts/1/locations/2/reviews/nope", "stars": 1, "text": "t"}),
    ("/review/edit", {"platform": "yelp", "id": "nope", "stars": 1, "text": "t"}),
    ("/review/delete", {"platform": "google", "id": "nope"}),
    ("/review/delete", {"platform": "yelp", "id": "nope"})])
def test_bad_input_is_a_one_line_4xx_and_nothing_is_kept(page, path, body, google_state, yelp_state):
    response = page.post(path, json=body)
    assert 400 <= response.status_code < 500
    assert response.json["ok"] is False and "\n" not in response.json["error"]
    assert google_state.reviews == {} and yelp_state.reviews == {}


def test_the_sandbox_runs_google_and_yelp_with_settings_the_bot_reads(slack_state, x_state, graph_state):
    from bot.config import load_settings
    sites = review_sites("http://127.0.0.1:2")
    assert [(s.platform, s.mount) for s in sites] == [("trustpilot", "/trustpilot"), ("google", "/google"),
                                                       ("yelp", "/yelp")]
    env = sandbox_environment("http://127.0.0.1:1", 2, "sqlite://", slack_state, x_state, graph_state, sites)
    assert env["GBP_API_URL"] == "http://127.0.0.1:1/google/v4"
    assert env["GOOGLE_CERTS_URL"] == "http://127.0.0.1:1/google/oauth2/v1/certs"
    assert env["YELP_API_URL"] == env["YELP_PARTNER_API_URL"] == "http://127.0.0.1:1/yelp"
    settings = load_settings(env, "web")
    assert {"trustpilot", "google", "yelp"} <= set(settings.enabled_platforms)
    google, yelp = sites[1].state, sites[2].state
    assert google.webhook_url == "http://127.0.0.1:2/webhooks/google"   # push on by default
    assert env["GOOGLE_PUSH_AUDIENCE"] == google.push_audience and env["YELP_PARTNER_REFRESH_TOKEN"] == yelp.refresh_token
