"""Who may speak for the brand: only SLACK_PUBLISHERS (people and user
groups) publish and change conversations; guests, Slack Connect users, bots
and unknown ids never do; a message that addresses a colleague or starts like
a note stays internal — each time the author is told privately why."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.store.models import NOTE, RESOLVED, Conversation, Message
from bot.inbound.poll import poll
from tests.helpers import roots


@pytest.fixture
def carol(deps, clock, x_state, slack_state):
    tweet = x_state.customer_mentions("carol", "@acme_support my parcel is lost")
    poll(deps, clock())
    return tweet, roots(slack_state)[0]


def _told(slack_state, user: str) -> str:
    return " ".join(e["text"] for e in slack_state.ephemerals if e["user"] == user)


def _notes(deps) -> list[str]:
    with deps.sessions() as session:
        return list(session.scalars(select(Message.text).where(Message.direction == NOTE).order_by(Message.id)))


@pytest.mark.settings(SLACK_PUBLISHERS="U0ALICE, S0SUPPORT")
def test_only_publishers_speak_for_the_brand(bot, deps, x_state, slack_state, carol):
    tweet, root = carol
    slack_state.usergroups["S0SUPPORT"] = ["U0MANAGER"]
    bot.staff_says(root["ts"], "Sorry Carol, on it!", user="U0ALICE")
    bot.staff_says(root["ts"], "Carol, a new parcel leaves today.", user="U0MANAGER")  # in the group
    bot.staff_says(root["ts"], "bob here: she is probably lying", user="U0BOB")
    assert [r["text"].split(" ", 1)[1] for r in x_state.replies_to(tweet["id"])] == [
        "Sorry Carol, on it!", "Carol, a new parcel leaves today."]
    assert _notes(deps) == ["bob here: she is probably lying"]
    assert "Kept as an internal note" in _told(slack_state, "U0BOB") and "SLACK_PUBLISHERS" in _told(slack_state, "U0BOB")


def test_guests_slack_connect_users_bots_and_strangers_never_publish(bot, deps, x_state, slack_state, carol):
    tweet, root = carol
    slack_state.users["U0GUEST"] = {"real_name": "Gus Guest", "display_name": "gus", "is_restricted": True}
    slack_state.users["U0EXT"] = {"real_name": "Ext Partner", "display_name": "ext", "team_id": "T0PARTNER"}
    slack_state.users["U0ROBOT"] = {"real_name": "Some Bot", "display_name": "robot", "is_bot": True}
    for user in ("U0GUEST", "U0EXT", "U0ROBOT", "U0NOBODY"):
        bot.staff_says(root["ts"], f"reply from {user}", user=user)
    assert x_state.replies_to(tweet["id"]) == []
    assert len(_notes(deps)) == 4
    assert "guests never speak for the brand" in _told(slack_state, "U0GUEST")
    assert "another organisation" in _told(slack_state, "U0EXT")
    assert "bots never" in _told(slack_state, "U0ROBOT")
    # An id Slack does not know cannot be told anything (ephemerals need a member); it is simply not sent.
    bot.staff_says(root["ts"], "A full member still publishes.", user="U0BOB")  # SLACK_PUBLISHERS unset
    assert len(x_state.replies_to(tweet["id"])) == 1


def test_messages_that_address_a_colleague_or_look_like_notes_stay_internal(bot, deps, x_state, slack_state,
                                                                            carol):
    tweet, root = carol
    noted = ["<@U0BOB> do we refund this one? I think the customer is lying", "Note - check the stock first",
             "internal: VIP customer", "(note) call her tomorrow", "[Internal] she ordered twice", "NOTES: none"]
    for text in noted:
        message, _ = bot.staff_says(root["ts"], text)
    assert x_state.replies_to(tweet["id"]) == []
    assert _notes(deps) == noted
    told = _told(slack_state, "U0ALICE")
    assert "addressing a colleague" in told and "starts like an internal note" in told
    bot.staff_says(root["ts"], "Notably, your parcel was found!")  # a word that merely begins with "note"
    assert len(x_state.replies_to(tweet["id"])) == 1


@pytest.mark.settings(SLACK_PUBLISHERS="U0ALICE")
def test_only_publishers_change_conversations(bot, deps, slack_state, carol):
    _tweet, root = carol
    answer = bot.slack_state.user_runs_command("U0BOB", "C0SUPPORT", "resolve #1").json()["text"]
    assert answer.startswith("Only people who may speak for the brand")
    bot.slack_state.user_acts("U0BOB", "C0SUPPORT", root["ts"], {
        "type": "button", "action_id": "conv_resolve", "block_id": "conv_actions_1", "value": "1"})
    bot.executor.drain()
    slack_state.events_url = bot.events_url
    slack_state.user_reacts("U0BOB", "C0SUPPORT", root["ts"], "white_check_mark")
    bot.executor.drain()
    with deps.sessions() as session:
        assert session.get(Conversation, 1).status != RESOLVED
    assert "Only people who may speak for the brand" in _told(slack_state, "U0BOB")
    status = bot.slack_state.user_runs_command("U0BOB", "C0SUPPORT", "status").json()["text"]
    assert status.startswith("Open: 1")  # reading is for everyone
    assert bot.slack_state.user_runs_command("U0ALICE", "C0SUPPORT", "resolve #1").json()["text"].startswith(
        "#1 is resolved")


@pytest.mark.settings(SLACK_PUBLISHERS="U0ALICE,S0SUPPORT")
def test_app_home_says_who_may_speak_for_the_brand(bot, slack_state):
    bot.event({"type": "app_home_opened", "user": "U0BOB", "channel": "D0HOME", "tab": "home", "event_ts": "1.1"})
    shown = str(slack_state.views["U0BOB"]["blocks"][-1])
    assert "Who may speak for the brand" in shown and "<@U0ALICE>" in shown and "<!subteam^S0SUPPORT>" in shown
