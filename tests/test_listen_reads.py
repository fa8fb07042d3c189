"""A listening pass reads only what is new, on both databases: X's recent
search from since_id, Bluesky's searchPosts from just past its newest match.
Bluesky's one look-back per INDEX_LAG (its index can take a post in after its
sortAt) still finds a late-indexed post, and reads a quiet term's match again
at most a couple of times — not on every pass (one match read 242 times in
~10 min on /metrics before)."""
from __future__ import annotations

from datetime import timedelta

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from adapters._bluesky_search import INDEX_LAG
from bot.inbound.listen import listen
from bot.store.listen_reads import reads_on, utc_day
from tests.helpers import all_text, roots


def _reads(deps, clock, platform: str) -> int:
    with deps.sessions() as session:
        return reads_on(session, platform, utc_day(clock()))


def _listened(slack_state) -> list[dict]:
    return [r for r in roots(slack_state) if "👂" in all_text(r)]


@pytest.mark.bluesky
@pytest.mark.settings(LISTEN_TERMS="Acme", LISTEN_X_MAX_READS="0")
def test_bluesky_passes_with_nothing_new_read_nothing(bot, deps, clock, bluesky_state, slack_state):
    bluesky_state.customer_mentions("tara", "Acme support never calls back")
    listen(deps, clock())
    assert _reads(deps, clock, "bluesky") == 1
    for _ in range(3):  # a pass a minute (POLL_INTERVAL), within INDEX_LAG of the first: no look-back yet
        listen(deps, clock.advance(minutes=1))
    assert _reads(deps, clock, "bluesky") == 1
    bluesky_state.customer_mentions("uli", "Acme parcel is late")
    listen(deps, clock.advance(minutes=1))
    assert _reads(deps, clock, "bluesky") == 2 and len(_listened(slack_state)) == 2
    for _ in range(20):  # 20 more minutes of quiet passes
        listen(deps, clock.advance(minutes=1))
    total = _reads(deps, clock, "bluesky")
    # Measured 6: each look-back reads the matches since INDEX_LAG before the last one — each match twice at most.
    assert total <= 2 + 2 * 2, total
    samples = {(s.name, tuple(s.labels.items())): s.value for family in text_string_to_metric_families(
        requests.get(bot.server.url + "/metrics", timeout=5).text) for s in family.samples}
    assert samples[("socialdesk_listen_reads_total", (("platform", "bluesky"),))] == total
    assert len(_listened(slack_state)) == 2


@pytest.mark.bluesky
@pytest.mark.settings(LISTEN_TERMS="Acme", LISTEN_X_MAX_READS="0")
def test_a_bluesky_post_indexed_after_its_time_is_found_by_the_look_back(deps, clock, bluesky_state, slack_state):
    bluesky_state.customer_mentions("tara", "Acme support never calls back")
    listen(deps, clock())
    listen(deps, clock.advance(minutes=1))
    late = bluesky_state.customer_mentions("vic", "Acme lost my order")
    late["record"]["createdAt"] = (clock() - timedelta(minutes=2)).isoformat().replace("+00:00", "Z")
    listen(deps, clock.advance(minutes=1))  # its sortAt is before the newest match's: a quiet pass may miss it
    listen(deps, clock.advance(seconds=INDEX_LAG.total_seconds()))
    assert any("lost my order" in all_text(r) for r in _listened(slack_state))


@pytest.mark.settings(LISTEN_TERMS="Acme", LISTEN_CHANNEL="C0LISTEN")
def test_x_passes_with_nothing_new_read_nothing(deps, clock, x_state, slack_state):
    slack_state.channels["C0LISTEN"] = "social-listening"
    x_state.customer_mentions("rosa", "Acme billing charged me twice")
    listen(deps, clock())
    assert _reads(deps, clock, "x") == 1
    for _ in range(3):
        listen(deps, clock.advance(minutes=1))
    assert _reads(deps, clock, "x") == 1 and len(roots(slack_state, "C0LISTEN")) == 1
