"""`GET /metrics`: Prometheus text that prometheus_client's own parser reads,
with figures taken from the database (the same whichever worker answers), and
METRICS_TOKEN enforced."""
from __future__ import annotations

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from bot.desk.escalation import sweep
from bot.inbound.poll import poll
from tests.helpers import roots


def _samples(text: str) -> dict:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


@pytest.mark.settings(METRICS_TOKEN="scrape-me-please", SLA_FIRST_RESPONSE="1h")
def test_metrics_parse_and_count_from_the_database(bot, deps, clock, x_state, slack_state):
    url = bot.server.url + "/metrics"
    assert requests.get(url, timeout=5).status_code == 401
    assert requests.get(url, headers={"Authorization": "Bearer wrong"}, timeout=5).status_code == 401
    # The contract says Bearer: the bare token, or another scheme, is refused.
    for refused in ("scrape-me-please", "Basic scrape-me-please", "Bearerscrape-me-please"):
        assert requests.get(url, headers={"Authorization": refused}, timeout=5).status_code == 401, refused
    assert requests.get(url, headers={"Authorization": "bearer scrape-me-please"}, timeout=5).status_code == 200
    x_state.customer_mentions("ann", "@acme_support one")
    x_state.customer_mentions("bo", "@acme_support two")
    poll(deps, clock())
    bot.staff_says(roots(slack_state)[0]["ts"], "Hi Ann, on it.")
    sweep(deps, clock.advance(hours=2))
    answer = requests.get(url, headers={"Authorization": "Bearer scrape-me-please"}, timeout=5)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/plain")
    found = _samples(answer.text)
    assert found[("socialdesk_posts_ingested_total", (("platform", "x"),))] == 2
    assert found[("socialdesk_replies_total", (("kind", "reply"), ("platform", "x"), ("state", "sent")))] == 1
    assert found[("socialdesk_outbox_depth", ())] == 0
    assert found[("socialdesk_overdue_conversations", ())] == 1
    assert found[("socialdesk_sla_breaches_total", ())] == 1
    assert found[("socialdesk_oldest_waiting_seconds", ())] == pytest.approx(2 * 3600, abs=5)


def test_webhook_deliveries_and_held_replies_are_counted_by_result(bot, deps, clock, x_state, slack_state):
    from tests.test_x_webhooks import deliver_event, sign  # noqa: F401 - the real signed route
    x_state.webhook_url = None
    mention = {"data": {"event_type": "post.mention.create", "tag": "t", "payload": {
        "data": {"id": "1800000000000000001", "text": "@acme_support help", "author_id": "2244994945",
                 "created_at": "2026-12-01T10:00:00.000Z", "conversation_id": "1800000000000000001"},
        "includes": {"users": [{"id": "2244994945", "username": "carol", "name": "Carol"}]}}}}
    assert deliver_event(bot, x_state, mention).status_code == 200
    assert deliver_event(bot, x_state, mention).status_code == 200  # a retry: nothing new
    assert deliver_event(bot, x_state, mention, signature="sha256=forged").status_code == 401
    assert deliver_event(bot, x_state, b"[1, 2", content_type="application/json").status_code == 400
    bot.staff_says(roots(slack_state)[0]["ts"], "Typical. Read the label next time.")
    found = _samples(requests.get(bot.server.url + "/metrics", timeout=5).text)
    counted = {dict(labels)["result"]: value for (name, labels), value in found.items()
               if name == "socialdesk_webhook_events_total"}
    assert counted == {"accepted": 1, "nothing_new": 1, "unsigned": 1, "malformed": 1}
    assert found[("socialdesk_replies_total", (("kind", "reply"), ("platform", "x"), ("state", "held")))] == 1
