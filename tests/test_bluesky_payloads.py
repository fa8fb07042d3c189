"""Bluesky answers written by others (tests/fixtures/bluesky/, see its README):
each is replayed by the Bluesky emulator to the real atproto SDK and the poll
job, and every customer post in it must show in Slack once."""
from __future__ import annotations

import pytest

from bot.inbound.poll import poll
from bot.outbound.deliver import deliver
from tests.helpers import all_text, latest_outbox, roots, thread
from tests.payloads import collect

pytestmark = pytest.mark.bluesky
NOTIFICATIONS = [p for p in collect("bluesky", "api_response")
                 if p.route.endswith("app.bsky.notification.listNotifications")]


@pytest.mark.parametrize("payload", NOTIFICATIONS, ids=lambda p: p.name)
def test_recorded_notifications_show_each_customer_post_once(payload, deps, clock, bluesky_state, slack_state):
    bluesky_state.recorded["app.bsky.notification.listNotifications"] = [(200, payload.body), (200, payload.body)]
    poll(deps, clock())
    shown = [all_text(m) for r in roots(slack_state) for m in [r, *thread(slack_state, r)]]
    for text in payload.shows:
        assert sum(text in m for m in shown) == 1, (text, shown)
    assert len(shown) == len(payload.shows)  # likes, reposts and follows open nothing
    poll(deps, clock.advance(minutes=2))  # the same answer read again (same instant as the cursor): nothing new
    assert len([m for r in roots(slack_state) for m in [r, *thread(slack_state, r)]]) == len(shown)


@pytest.mark.parametrize("payload", [
    p for p in collect("bluesky", "api_response") if p.route.endswith("com.atproto.repo.createRecord")],
    ids=lambda p: p.name)
def test_the_documented_create_record_answer_is_the_sent_replys_id(payload, bot, deps, clock, bluesky_state,
                                                                    slack_state):
    bluesky_state.customer_mentions("quinn", "@acme.bsky.social hello")
    poll(deps, clock())
    bluesky_state.recorded["com.atproto.repo.createRecord"] = [(200, payload.body)]
    bot.staff_says(roots(slack_state)[0]["ts"], "Hello Quinn, how can we help?")
    sent = latest_outbox(deps)
    assert (sent.state, sent.external_id) == ("sent", payload.body["uri"])
    deliver(deps, clock.advance(minutes=1))
    assert bluesky_state.brand_posts() == []  # the recorded answer stood for the write: nothing sent again
