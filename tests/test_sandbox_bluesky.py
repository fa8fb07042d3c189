"""The page's Bluesky side and its staff side, as a new user met them: Bluesky
posts, the brand's replies and likes, and DMs showed nowhere on the right and
there was no way to DM on Bluesky; `/react` took only ❤️ and 🙈; and "@alice do
we refund this one?" typed as staff went out as plain text, queued for the
customer, where Slack's client would have sent a mention that stays internal."""
from __future__ import annotations

import threading

import pytest

from bot.inbound.poll import poll
from bot.outbound.deliver import deliver
from sandbox.page import create_page, mention_colleagues
from tests.helpers import all_text, first_conversation, roots

pytestmark = pytest.mark.bluesky


@pytest.fixture
def page(bot, slack_state, x_state, bluesky_state):
    return create_page(slack_state, x_state, bluesky=bluesky_state).test_client()


@pytest.fixture
def sent_to_bot(monkeypatch, slack_state):
    """The page hands a press to Slack's emulator in a thread, as Slack is
    asynchronous: `wait()` returns once that person's message or reaction has
    reached the bot (an event to wait on, never a sleep)."""
    done = threading.Event()

    def through(name):
        original = getattr(slack_state, name)

        def call(*args, **kwargs):
            try:
                return original(*args, **kwargs)
            finally:
                done.set()
        monkeypatch.setattr(slack_state, name, call)
    through("user_posts")
    through("user_reacts")

    def wait():
        assert done.wait(30), "the page never passed it on"
        done.clear()
    return wait


def _says(page, kind: str, who: str, text: str) -> str:
    answer = page.post("/customer", json={"username": who, "text": text, "kind": kind})
    assert answer.status_code == 200 and answer.json["ok"], answer.json
    return answer.json["id"]


def test_bluesky_posts_dms_replies_and_likes_show_on_the_customer_side(page, bot, deps, clock, bluesky_state,
                                                                       slack_state, sent_to_bot):
    post = _says(page, "bluesky", "wren", "my order never came")      # the @ added by the page
    _says(page, "bluesky_dm", "gus", "can I change my address?")
    assert bluesky_state.records[post]["record"]["text"] == "@acme.bsky.social my order never came"
    poll(deps, clock())
    assert len(roots(slack_state)) == 2
    wren = next(r for r in roots(slack_state) if "@wren.bsky.social" in all_text(r))
    gus = next(r for r in roots(slack_state) if "@gus.bsky.social" in all_text(r))

    assert page.post("/staff", json={"user": "U0ALICE", "thread_ts": wren["ts"], "text": "Sorry Wren, on it."}).json["ok"]
    sent_to_bot()
    assert page.post("/staff", json={"user": "U0ALICE", "thread_ts": gus["ts"], "text": "Sure, send it here."}).json["ok"]
    sent_to_bot()
    assert page.post("/react", json={"user": "U0ALICE", "ts": wren["ts"], "name": "heart"}).json["ok"]
    sent_to_bot()
    bot.executor.drain()
    deliver(deps, clock.advance(minutes=1))

    view = page.get("/state").json["bluesky"]
    shown = {(i["author"], i["where"], i["to"], i["text"]) for i in view}
    assert shown == {
        ("@wren.bsky.social", "Bluesky", "public post mentioning @acme.bsky.social · ❤️ liked by @acme.bsky.social",
         "@acme.bsky.social my order never came"),
        ("@gus.bsky.social", "Bluesky DM", "DM to @acme.bsky.social", "can I change my address?"),
        ("@acme.bsky.social", "Bluesky", "public reply to @wren.bsky.social", "Sorry Wren, on it."),
        ("@acme.bsky.social", "Bluesky DM", "DM to @gus.bsky.social", "Sure, send it here.")}, shown
    assert [i["brand"] for i in view if i["author"] == "@acme.bsky.social"] == [True, True]
    # On the left, a ❤️ on the DM's root stays among colleagues: a Bluesky DM has no like.
    channel = {r["ts"]: r for r in page.get("/state").json["channel"]}
    assert channel[wren["ts"]]["heart"] == "Like on Bluesky" and channel[gus["ts"]]["heart"] == "(colleagues only)"


def test_the_page_offers_a_bluesky_dm_beside_the_other_customer_options(page):
    html = page.get("/").get_data(as_text=True)
    assert '<option value="bluesky_dm">' in html and 'id="bluesky"' in html


def test_addressing_a_colleague_from_the_page_stays_internal(page, bot, deps, clock, bluesky_state, slack_state,
                                                             sent_to_bot):
    _says(page, "bluesky", "wren", "do you refund shipping?")
    poll(deps, clock())
    [root] = roots(slack_state)
    assert page.post("/staff", json={"user": "U0BOB", "thread_ts": root["ts"],
                                     "text": "@alice do we refund this one? <b>&"}).json["ok"]
    sent_to_bot()
    bot.executor.drain()
    deliver(deps, clock.advance(minutes=1))
    assert bluesky_state.brand_posts() == []   # nothing queued for the customer
    [said] = [m for m in slack_state.messages if m.get("thread_ts") == root["ts"] and m.get("user") == "U0BOB"]
    assert said["text"] == "<@U0ALICE> do we refund this one? &lt;b&gt;&amp;"  # as Slack's client sends it
    told = [e.get("text", "") for e in slack_state.ephemerals if e["user"] == "U0BOB"]
    assert any("addressing a colleague" in t for t in told), told


def test_a_mention_is_made_only_of_a_known_name_not_inside_a_word():
    from sandbox.slack_emulator import SlackState
    slack = SlackState()
    assert mention_colleagues(slack, "@Bob, ask @mia; mail x@bob.example or @nobody") == \
        "<@U0BOB>, ask <@U0MANAGER>; mail x@bob.example or @nobody"


@pytest.mark.parametrize("name, field, value", [("eyes", "assignee", "U0ALICE"), ("white_check_mark", "status",
                                                                                  "resolved")])
def test_claim_and_resolve_reactions_from_the_page_act_as_in_slack(page, bot, deps, clock, bluesky_state,
                                                                   slack_state, sent_to_bot, name, field, value):
    _says(page, "bluesky", "wren", "where is my parcel?")
    poll(deps, clock())
    [root] = roots(slack_state)
    assert page.post("/react", json={"user": "U0ALICE", "ts": root["ts"], "name": name}).json["ok"]
    sent_to_bot()
    bot.executor.drain()
    assert getattr(first_conversation(deps), field) == value


def test_snooze_is_a_reaction_the_page_takes_and_a_made_up_one_is_refused(page):
    for name, status in (("zzz", 200), ("eyes", 200), ("white_check_mark", 200), ("thumbsup", 400), (None, 400)):
        answer = page.post("/react", json={"user": "U0ALICE", "ts": "1.000001", "name": name})
        assert answer.status_code == status, name
    html = page.get("/").get_data(as_text=True)
    assert all(label in html for label in ('"+ 👀", "− 👀"', '"+ ✅", "− ✅"', '"+ 💤", "− 💤"', '"🙈 " + (m.hide'))
