"""Search answers written by others (tests/fixtures/x/api_search_recent_*.json,
tests/fixtures/bluesky/api_search_posts_*.json) replayed by the emulators to
the real clients and the listen job: every post in them is a customer's post
naming the brand, shown once as a 👂 root; X's reads are counted as the
answer's posts."""
from __future__ import annotations

import pytest

from bot.inbound.listen import listen
from bot.store.listen_reads import reads_on, utc_day
from tests.helpers import all_text, roots, thread
from tests.payloads import collect

X_SEARCH = [p for p in collect("x", "api_response") if p.route == "GET /2/tweets/search/recent"]
SKY_SEARCH = [p for p in collect("bluesky", "api_response") if p.route.endswith("app.bsky.feed.searchPosts")]


def _shown(slack_state) -> list[str]:
    """Roots and their threads (one author's posts join their open conversation)."""
    return [all_text(m) for r in roots(slack_state) for m in [r, *thread(slack_state, r)]]


@pytest.mark.parametrize("payload", X_SEARCH, ids=lambda p: p.name)
@pytest.mark.settings(LISTEN_TERMS="Acme")
def test_recorded_x_search_pages_show_each_post_once(payload, deps, clock, x_state, slack_state):
    assert X_SEARCH  # the corpus holds them
    x_state.answer_next("search", payload.body)
    result = listen(deps, clock())
    assert result.posted == len(payload.body["data"]), result.describe()
    shown = _shown(slack_state)
    for text in payload.shows:
        assert sum(text.split("\n")[0].replace("&", "&amp;") in s for s in shown) == 1, (text, shown)
    assert all("👂" in all_text(r) for r in roots(slack_state))
    with deps.sessions() as session:  # the recorded page, and the emulator's own for a next_token
        assert reads_on(session, "x", utc_day(clock())) == len(payload.body["data"])
    listen(deps, clock.advance(minutes=2))  # since_id = the page's newest_id: nothing again
    assert _shown(slack_state) == shown


@pytest.mark.bluesky
@pytest.mark.parametrize("payload", SKY_SEARCH, ids=lambda p: p.name)
@pytest.mark.settings(LISTEN_TERMS="Acme")
def test_recorded_bluesky_search_pages_show_each_post_once(payload, deps, clock, bluesky_state, slack_state):
    bluesky_state.recorded["app.bsky.feed.searchPosts"] = [(200, payload.body), (200, payload.body)]
    listen(deps, clock())
    shown = _shown(slack_state)
    for text in payload.shows:
        assert sum(text in s for s in shown) == 1, (text, shown)
    assert len(shown) == len(payload.shows) and all("👂" in all_text(r) for r in roots(slack_state))
    listen(deps, clock.advance(minutes=2))  # the same answer again: the same rows, nothing new
    assert _shown(slack_state) == shown
