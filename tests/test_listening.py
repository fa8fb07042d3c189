"""Listening (LISTEN_TERMS), end to end on both databases: X recent search and
Bluesky searchPosts through their real clients against the emulators, the
listen job, Slack's emulator. A post naming the brand without tagging it is
one 👂 root in LISTEN_CHANNEL at low priority; a post that tags the brand, and
the brand's own, come by the normal path or not at all; the same match on two
passes shows once; X's reads are capped per UTC day and counted in /metrics;
an X match is never answered publicly, a Bluesky match is."""
from __future__ import annotations

import logging
from datetime import timedelta

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from bot.inbound.listen import listen
from bot.inbound.poll import poll
from bot.outbound.deliver import deliver
from bot.rules import urgency_model
from bot.store.models import Conversation, Message
from tests.helpers import all_text, roots, thread

LISTEN = dict(LISTEN_TERMS="Acme, Acme Cloud", LISTEN_CHANNEL="C0LISTEN")


@pytest.fixture(autouse=True)
def listen_channel(slack_state):
    slack_state.channels["C0LISTEN"] = "social-listening"


def _conversations(deps) -> list[Conversation]:
    with deps.sessions() as session:
        return list(session.query(Conversation).order_by(Conversation.id))


def _staff_says(bot, slack_state, channel: str, root_ts: str, text: str, user: str = "U0ALICE"):
    message = slack_state.user_posts(user, channel, text, thread_ts=root_ts, deliver=False, escape=False)
    return bot.event({**message, "event_ts": message["ts"], "channel_type": "channel"})


def _samples(text: str) -> dict:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


@pytest.mark.settings(**LISTEN)
def test_an_x_match_is_one_low_priority_ear_root_in_the_listen_channel(deps, clock, x_state, slack_state, monkeypatch):
    # The flow, not the reading: the words alone leave the tagged post normal. The optional MiniLM reader reads
    # "Acme Cloud is down for me" as praise (low) — a known misreading (docs/benchmarks.md, "A different reader").
    monkeypatch.setattr(urgency_model, "likeness", lambda plain: None)
    x_state.customer_mentions("nina", "Acme & their new app look different today")
    tagged = x_state.customer_mentions("omar", "@acme_support Acme Cloud is down for me")
    x_state.post(x_state.brand_id, "Acme Cloud: scheduled maintenance tonight")
    x_state.customer_mentions("pia", "my parcel arrived, thanks postman")  # names nothing: not found
    result = listen(deps, clock())
    assert "1 new post in 1 thread" in result.describe(), result.describe()
    [root] = roots(slack_state, "C0LISTEN")
    text = all_text(root)
    assert "👂" in text and "*@nina*" in text and "Acme &amp; their new app look different today" in text
    assert "No public reply" in text and "Reply privately" in text
    [query, size] = x_state.search_calls[0]
    assert query == '("Acme" OR "Acme Cloud") -from:acme_support -@acme_support -is:retweet' and size == 100
    assert roots(slack_state) == []  # nothing of it in SLACK_CHANNEL
    poll(deps, clock.advance(minutes=1))  # the tagged post comes by the mentions timeline, as a normal root
    [normal] = roots(slack_state)
    assert "Acme Cloud is down" in all_text(normal) and "👂" not in all_text(normal)
    assert [c.priority for c in _conversations(deps)] == ["low", "normal"]
    with deps.sessions() as session:
        assert session.query(Message).filter_by(external_id=tagged["id"]).one().listened is False
    listen(deps, clock.advance(minutes=2))  # the same match on the next pass: nothing new
    assert len(roots(slack_state, "C0LISTEN")) == 1 and len(roots(slack_state)) == 1
    assert x_state.search_calls[1][0] == query  # asked since the cursor (since_id)


@pytest.mark.settings(**LISTEN)
def test_words_may_raise_a_match_above_low(deps, clock, x_state, slack_state):
    x_state.customer_mentions("quin", "Acme charged me twice, this is fraud, I want a refund now")
    listen(deps, clock())
    [conv] = _conversations(deps)
    assert conv.priority in ("high", "urgent"), conv.priority


@pytest.mark.settings(**LISTEN)
def test_a_staff_reply_on_an_x_match_stays_a_note_and_never_goes_public(bot, deps, clock, x_state, slack_state):
    match = x_state.customer_mentions("rosa", "Acme's app keeps logging me out")
    listen(deps, clock())
    [root] = roots(slack_state, "C0LISTEN")
    _staff_says(bot, slack_state, "C0LISTEN", root["ts"], "Sorry Rosa, we are on it.")
    deliver(deps, clock.advance(minutes=1))
    assert x_state.sent_texts == [] and x_state.replies_to(match["id"]) == []  # no POST /2/tweets at all
    [told] = [e["text"] for e in slack_state.ephemerals if e["user"] == "U0ALICE" and "note" in e["text"]]
    assert told.startswith("🔒 Kept as an internal note") and "X accepts an app's public reply only" in told
    with deps.sessions() as session:
        assert [m.direction for m in session.query(Message).filter_by(author_id="U0ALICE")] == ["note"]
    # Reply privately: the next message goes as a DM.
    conv = _conversations(deps)[0]
    slack_state.user_acts("U0ALICE", "C0LISTEN", root["ts"], {
        "type": "button", "action_id": "conv_private", "block_id": f"conv_actions_{conv.id}", "value": str(conv.id)})
    bot.executor.drain()
    _staff_says(bot, slack_state, "C0LISTEN", root["ts"], "Could you DM us your account e-mail?")
    deliver(deps, clock.advance(minutes=2))
    assert x_state.sent_texts == []
    assert x_state.brand_dms_to(x_state.add_user("rosa")) == ["Could you DM us your account e-mail?"]


@pytest.mark.settings(**LISTEN, LISTEN_X_MAX_READS="25")
def test_the_read_cap_stops_the_pass_until_the_next_utc_day_and_metrics_show_it(bot, deps, clock, x_state,
                                                                               slack_state, caplog):
    for n in range(30):
        x_state.customer_mentions(f"fan{n}", f"Acme number {n} is great")
    first = listen(deps, clock())
    assert x_state.search_calls == [(x_state.search_calls[0][0], 25)]  # never asks past the cap
    assert first.posted == 25
    with caplog.at_level(logging.WARNING, logger="bot.inbound.listen"):
        second = listen(deps, clock.advance(minutes=1))
        third = listen(deps, clock.advance(minutes=1))
    assert "read cap" in second.describe() or "until" in second.describe()
    assert len(x_state.search_calls) == 1  # the cap reached: X not asked again today
    said = [r for r in caplog.records if r.levelno >= logging.WARNING and "read cap" in r.getMessage()]
    assert len(said) == 1 and "stops until" in said[0].getMessage()  # one line, not one per pass
    assert third.posted == 0
    found = _samples(requests.get(bot.server.url + "/metrics", timeout=5).text)
    assert found[("socialdesk_listen_reads_total", (("platform", "x"),))] == 25
    assert found[("socialdesk_listen_reads_today", (("platform", "x"),))] == 25
    assert found[("socialdesk_listen_reads_cap", (("platform", "x"),))] == 25
    midnight = clock().replace(hour=0, minute=0, second=0) + timedelta(days=1, seconds=1)
    clock.advance(seconds=(midnight - clock()).total_seconds())
    x_state.customer_mentions("late", "Acme at midnight")
    listen(deps, clock())
    assert len(x_state.search_calls) == 2  # a new UTC day: searching again
    assert len(roots(slack_state, "C0LISTEN")) == 26


@pytest.mark.settings(**LISTEN)
def test_a_429_closes_the_search_window_and_loses_nothing(deps, clock, x_state, slack_state):
    x_state.customer_mentions("sol", "Acme delivery was late")
    x_state.fail_next("search", 429)
    first = listen(deps, clock())
    assert "rate-limit window closed" in first.describe() and roots(slack_state, "C0LISTEN") == []
    listen(deps, clock.advance(minutes=16))
    assert len(roots(slack_state, "C0LISTEN")) == 1


@pytest.mark.bluesky
@pytest.mark.settings(LISTEN_TERMS="Acme", LISTEN_X_MAX_READS="0")
def test_a_bluesky_match_is_an_ear_root_and_can_be_answered_publicly(bot, deps, clock, bluesky_state, slack_state):
    match = bluesky_state.customer_mentions("tara", "Acme support never calls back")
    bluesky_state.customer_mentions("uma", "@acme.bsky.social Acme invoice is wrong")  # tagged: notifications
    bluesky_state._store(bluesky_state.did, "app.bsky.feed.post",
                         {"$type": "app.bsky.feed.post", "text": "Acme news", "createdAt": "2026-12-01T09:00:00.000Z"})
    listen(deps, clock())
    [root] = [r for r in roots(slack_state) if "👂" in all_text(r)]  # LISTEN_CHANNEL unset: SLACK_CHANNEL
    assert "Acme support never calls back" in all_text(root) and "answers it publicly" in all_text(root)
    assert "invoice" not in " ".join(all_text(r) for r in roots(slack_state))
    assert ("app.bsky.feed.searchPosts" in {c[0] for c in bluesky_state.calls})
    bot.staff_says(root["ts"], "Sorry Tara, calling you today.")
    deliver(deps, clock.advance(minutes=1))
    [reply] = bluesky_state.brand_posts()[1:]
    assert reply["record"]["reply"]["parent"]["uri"] == match["uri"]
    listen(deps, clock.advance(minutes=3))  # seen again (the index-lag look-back): still one root
    assert len([r for r in roots(slack_state) if "👂" in all_text(r)]) == 1
    assert len(thread(slack_state, root)) == 1  # only the staff reply


def test_listening_is_off_without_terms(deps, clock, x_state, slack_state):
    x_state.customer_mentions("vic", "Acme is fine")
    assert listen(deps, clock()).searches == () and x_state.search_calls == []
    assert roots(slack_state) == []


def test_a_term_x_cannot_quote_stops_the_command_with_one_line(env):
    from bot.config import load_settings
    from bot.env import ConfigError
    with pytest.raises(ConfigError) as refused:
        load_settings({**env, "LISTEN_TERMS": 'Acme, "Acme" Cloud'}, "web")
    assert "LISTEN_TERMS" in str(refused.value)
    assert load_settings({**env, "LISTEN_TERMS": " Acme ,, Acme Cloud , Acme"}, "web").listen_terms == (
        "Acme", "Acme Cloud")


@pytest.mark.settings(**LISTEN)
def test_the_composers_public_reply_to_an_x_match_is_refused_before_anything_is_sent(deps):
    from adapters.base import ActionKind, PostRef
    adapter = deps.adapters["x"]
    match = PostRef("1800000000000000001", "42", private=False, listened=True)
    refused = adapter.check_reply("On it!", ActionKind.REPLY, match)
    assert refused and "X accepts an app's public reply only" in refused
    assert adapter.check_reply("On it!", ActionKind.PRIVATE, match) is None  # a DM may go
    assert adapter.check_reply("On it!", ActionKind.REPLY, PostRef("1800000000000000001", "42", False)) is None
