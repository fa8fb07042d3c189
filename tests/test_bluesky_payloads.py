"""Bluesky answers written by others (tests/fixtures/bluesky/, see its README):
each is replayed by the Bluesky emulator to the real atproto SDK and the poll
job, and every customer post in it must show in Slack once."""
from __future__ import annotations

import pytest

from bot.inbound.poll import poll
from tests.helpers import all_text, roots, thread
from tests.payloads import collect

pytestmark = pytest.mark.bluesky
NOTIFICATIONS = [p for p in collect("bluesky", "api_response")
                 if p.route.endswith("app.bsky.notification.listNotifications")]


@pytest.mark.parametrize("payload", NOTIFICATIONS, ids=lambda p: p.name)
def test_recorded_notifications_show_each_customer_post_once(payload, deps, clock, bluesky_state, slack_state):
    bluesky_state.recorded["app.bsky.notification.listNotifications"] = [(200, payload.body)]
    poll(deps, clock())
    shown = [all_text(m) for r in roots(slack_state) for m in [r, *thread(slack_state, r)]]
    for text in payload.shows:
        assert sum(text in m for m in shown) == 1, (text, shown)
    assert len(shown) == len(payload.shows)  # likes, reposts and follows open nothing
    poll(deps, clock.advance(minutes=2))  # the same answer again would change nothing: nothing new is said
    assert len([m for r in roots(slack_state) for m in [r, *thread(slack_state, r)]]) == len(shown)
