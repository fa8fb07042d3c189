"""The X adapter against X's payload shape and the emulator's wire behaviour."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from adapters.base import AdapterError, RateLimited
from adapters.x import XAdapter
from adapters import _x_wire as wire
from adapters.x import XSettings

FIXTURES = Path(__file__).parent / "fixtures" / "x"


@pytest.fixture
def adapter(x_emulator, x_state):
    return XAdapter(XSettings(x_emulator.url, x_state.api_key, x_state.api_secret, x_state.access_token,
                              x_state.access_token_secret, None, None))


def test_documented_payload_becomes_posts(adapter):
    body = json.loads((FIXTURES / "mentions_page.json").read_text())
    users = {u["id"]: u for u in body["includes"]["users"]}
    posts = [wire.post_from_v2(t, users, "1500000000000000001") for t in body["data"]]
    [post] = [p for p in posts if p]  # our own post is not a customer post
    assert post.author_handle == "@TwitterDev" and post.author_name == "X Dev"
    assert post.thread_id == "1346889436626259968" and post.created_at.isoformat() == "2021-01-06T18:40:40+00:00"
    assert "timeline & mention" in post.text  # &amp; decoded once
    assert post.url == "https://x.com/TwitterDev/status/1346889436626259968"


def test_pagination_collects_every_page_oldest_first(adapter, x_state):
    tweets = [x_state.customer_mentions(f"u{i}", f"@acme_support n{i}") for i in range(150)]
    result = adapter.fetch_since(None, None)
    assert [p.external_id for p in result.posts] == [t["id"] for t in tweets]
    assert result.cursor == tweets[-1]["id"] and result.rate_limit.remaining == 178  # two requests
    assert adapter.fetch_since(result.cursor, None).posts == []


def test_only_requested_fields_come_back(x_emulator, x_state, adapter):
    import requests
    x_state.customer_mentions("u", "@acme_support hi")
    body = requests.get(f"{x_emulator.url}/2/users/{x_state.brand_id}/mentions",
                        headers={"Authorization": f"Bearer {x_state.bearer_token}"}, timeout=5).json()
    assert set(body["data"][0]) == {"id", "text", "edit_history_tweet_ids"} and "includes" not in body


def test_errors_map_into_the_adapter_family(adapter, x_state):
    adapter.user_id()
    x_state.fail_next("mentions", 429)
    with pytest.raises(RateLimited) as limited:
        adapter.fetch_since(None, None)
    window_start, _count = x_state.used["mentions"]
    assert limited.value.retry_at.timestamp() == int(window_start + 15 * 60)  # X's x-rate-limit-reset
    x_state.fail_next("mentions", 503)
    with pytest.raises(AdapterError):
        adapter.fetch_since(None, None)


def test_weighted_length_counts_like_x(adapter):
    assert adapter.check_reply("日" * 140) is None           # CJK counts 2: 280 weighted
    assert "281 characters" in adapter.check_reply("日" * 140 + "a")
    assert adapter.check_reply("see https://example.com/" + "x" * 200 + " " + "y" * 250) is None
