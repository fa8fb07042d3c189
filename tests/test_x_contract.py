"""The X adapter against X's payload shape and the emulator's wire behaviour."""
from __future__ import annotations

import pytest

from adapters.base import AdapterError, RateLimited
from adapters.x import XAdapter
from adapters import _x_wire as wire
from adapters.x import XSettings
from tests.payloads import collect


@pytest.fixture
def adapter(x_emulator, x_state):
    return XAdapter(XSettings(x_emulator.url, x_state.api_key, x_state.api_secret, x_state.access_token,
                              x_state.access_token_secret, None, None))


def test_documented_payload_becomes_posts(adapter):
    [page] = [p for p in collect("x") if p.name == "x/api_mentions_docs"]  # X's own example answer
    users = wire.users_by_id(page.body["includes"]["users"])
    [tweet] = page.body["data"]
    post = wire.post_from_v2(tweet, users, page.account)
    assert post.author_handle == "@developer" and post.author_name == "Dev Person" and not post.name_pending
    assert post.thread_id == "1301573587187331074" and post.created_at.isoformat() == "2024-01-15T10:30:00+00:00"
    assert post.text == "Hey @XDevelopers, love the new API!"
    assert post.url == "https://x.com/developer/status/1301573587187331074"
    assert wire.post_from_v2(tweet, users, tweet["author_id"]) is None  # the brand's own post is not a customer's


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


def test_dm_polling_pages_newest_first_and_stops_at_the_cursor(adapter, x_state, clock):
    events = [x_state.customer_dms(f"d{i}", f"question {i} &") for i in range(130)]
    x_state.add_dm(x_state.brand_id, "our answer", recipient_id=x_state.add_user("d0"))  # our own: never a post
    first = adapter.fetch_dms(None, None)
    assert [p.external_id for p in first.posts] == [e["id"] for e in events]  # two pages, oldest first
    assert all(p.private and p.thread_id.startswith("dm:") for p in first.posts)
    assert first.posts[0].text == "question 0 &" and first.posts[0].author_handle == "@d0"
    later = x_state.customer_dms("d5", "one more")
    again = adapter.fetch_dms(first.cursor, None)
    assert [p.external_id for p in again.posts] == [later["id"]] and again.cursor == later["id"]
    assert adapter.fetch_dms(again.cursor, None).posts == []
    assert x_state.used["dm_read"][1] == 4  # 2 pages, then one small page each


def test_dm_backfill_skips_older_messages(adapter, x_state, clock):
    from datetime import timedelta
    old = x_state.customer_dms("e1", "last week", created_at=clock() - timedelta(days=7))
    new = x_state.customer_dms("e2", "today")
    result = adapter.fetch_dms(None, clock() - timedelta(hours=24))
    assert [p.external_id for p in result.posts] == [new["id"]] and old["id"] != new["id"]


def test_dm_and_like_errors_are_clear(adapter, x_state):
    from adapters.base import ActionKind, OutboundAction, PermanentSendError
    customer = x_state.add_user("closed")
    x_state.dms_closed.add(customer)
    with pytest.raises(PermanentSendError) as refused:
        adapter.send_private(OutboundAction("x", ActionKind.PRIVATE, customer, "hello", "k1"))
    assert "does not accept direct messages from @acme_support" in str(refused.value)
    assert "10,001 characters" in adapter.check_reply("x" * 10_001, ActionKind.PRIVATE)
    assert adapter.check_reply("x" * 300, ActionKind.PRIVATE) is None  # a DM is not held to 280
    with pytest.raises(PermanentSendError) as missing:
        adapter.like(OutboundAction("x", ActionKind.LIKE, "123", "", "k2"))
    assert "does not exist" in str(missing.value)


def test_the_emulator_sends_what_x_sends(adapter, x_state):
    import tweepy
    ids = [x_state.add_user(f"len{i}") for i in range(12)]
    assert {1, 8, 10, 19} <= {len(i) for i in ids} and all(1 <= len(i) <= 19 for i in ids)  # X user ids
    tweet = x_state.customer_mentions("len0", "@acme_support fish & chips")
    assert len(tweet["id"]) == 19 and int(tweet["id"]) >> 22 > 0  # a snowflake of X's epoch
    [post] = adapter.fetch_since(None, None).posts
    assert post.text == "@acme_support fish & chips"  # X sent &amp;, decoded once
    adapter.client.create_tweet(text="Hello there", user_auth=True)
    try:
        adapter.client.create_tweet(text="Hello there", user_auth=True)
    except tweepy.Forbidden as exc:
        refused = exc.response
    assert refused.json() == {"detail": "You are not allowed to create a Tweet with duplicate content.",
                              "type": "about:blank", "title": "Forbidden", "status": 403}
    assert refused.headers["x-rate-limit-remaining"] == "98"  # X counts its refusals too


def test_a_post_whose_author_x_did_not_name_cannot_be_answered_privately(adapter):
    from adapters.base import ActionKind, PostRef
    unknown = PostRef("1578516295611748353", "unknown:1578516295611748353", private=False)
    assert "did not say who wrote this post" in adapter.check_reply("Hi!", ActionKind.PRIVATE, unknown)
    assert adapter.check_reply("Hi!", ActionKind.REPLY, unknown) is None  # a public reply needs only the post
