"""X in private: DMs polled into private threads and answered by DM exactly
once, `/social private` and the Reply privately button (one DM, no public
reply), a customer whose DMs are closed (a clear ⚠️), ❤️ likes, and X's 2026
reply rule — through signed Bolt requests, tweepy and the X emulator."""
from __future__ import annotations

from sqlalchemy import select

from bot.outbound.deliver import deliver
from bot.store.models import WAITING, Conversation, Outbox
from bot.inbound.poll import poll
from tests.helpers import all_text, roots, thread


def _conv(deps, handle: str) -> Conversation:
    with deps.sessions() as session:
        return session.scalar(select(Conversation).where(Conversation.customer_handle == handle))


def _command(bot, text: str, user: str = "U0ALICE") -> str:
    response = bot.slack_state.user_runs_command(user, "C0SUPPORT", text)
    bot.executor.drain()
    assert response.status_code == 200
    return response.json()["text"]


def test_a_polled_dm_opens_a_private_thread_answered_by_exactly_one_dm(bot, deps, clock, x_state, slack_state):
    x_state.customer_dms("hal", "hi, can I change my delivery address?")
    x_state.customer_mentions("ivy", "@acme_support public question")
    result = poll(deps, clock())
    assert "DMs: 1 new post in 1 thread" in result.describe()
    dm_root = next(r for r in roots(slack_state) if "@hal" in all_text(r))
    assert "*X DM*" in all_text(dm_root) and "Private message" in all_text(dm_root)
    hal = x_state.add_user("hal")
    x_state.lose_answer_next("dm_create")  # X stores the DM, then the gateway answers 503
    bot.staff_says(dm_root["ts"], "Sure, send us the new address here.")
    assert x_state.brand_dms_to(hal) == ["Sure, send us the new address here."]
    assert _conv(deps, "@hal").status == WAITING  # not confirmed yet: still waiting
    for _ in range(3):
        deliver(deps, clock.advance(seconds=20))  # looks for it before any resend, finds it
    assert x_state.brand_dms_to(hal) == ["Sure, send us the new address here."]  # exactly once
    assert x_state.created_replies == []  # nothing public
    assert _conv(deps, "@hal").status == "answered"
    poll(deps, clock.advance(minutes=2))  # our own DM comes back in /2/dm_events: no new thread
    assert len(roots(slack_state)) == 2


def test_social_private_sends_one_dm_and_no_public_reply(bot, deps, clock, x_state, slack_state):
    tweet = x_state.customer_mentions("jo", "@acme_support you charged me twice!!")
    poll(deps, clock())
    conv = _conv(deps, "@jo")
    answer = _command(bot, f"private #{conv.id} So sorry Jo, please DM us the order number.")
    assert answer.startswith("🔒 Sending privately to @jo (X DM)")
    jo = x_state.add_user("jo")
    assert x_state.brand_dms_to(jo) == ["So sorry Jo, please DM us the order number."]
    assert x_state.replies_to(tweet["id"]) == []
    [copy] = thread(slack_state, roots(slack_state)[0])
    assert "Private reply" in copy["text"] and "please DM us" in copy["text"]
    assert any(r["name"] == "outbox_tray" for r in copy.get("reactions", []))
    assert _conv(deps, "@jo").status == "answered"
    assert _command(bot, "private #999 hello") == "There is no conversation #999."
    assert _command(bot, "private #1").startswith("Usage: `/social private #42 <text>`")


def test_the_reply_privately_button_sends_the_next_message_as_a_dm_only(bot, deps, clock, x_state, slack_state):
    tweet = x_state.customer_mentions("kim", "@acme_support my account is locked")
    poll(deps, clock())
    root, conv = roots(slack_state)[0], _conv(deps, "@kim")
    assert any(e.get("action_id") == "conv_private" for b in root["attachments"][0]["blocks"]
               for e in b.get("elements", []))
    slack_state.user_acts("U0BOB", "C0SUPPORT", root["ts"], {
        "type": "button", "action_id": "conv_private", "block_id": f"conv_actions_{conv.id}", "value": str(conv.id)})
    bot.executor.drain()
    assert "goes to @kim privately" in slack_state.ephemerals[-1]["text"]
    assert "next message goes privately" in all_text(root)
    message, _ = bot.staff_says(root["ts"], "Hi Kim, I unlocked it; can you try again?", user="U0BOB")
    kim = x_state.add_user("kim")
    assert x_state.brand_dms_to(kim) == ["Hi Kim, I unlocked it; can you try again?"]
    assert x_state.replies_to(tweet["id"]) == []
    shown = slack_state.find("C0SUPPORT", message["ts"])
    assert {"lock", "outbox_tray"} <= {r["name"] for r in shown.get("reactions", [])}
    bot.staff_says(root["ts"], "Glad it works now!", user="U0BOB")  # the next one is public again
    assert len(x_state.replies_to(tweet["id"])) == 1 and x_state.brand_dms_to(kim) == [
        "Hi Kim, I unlocked it; can you try again?"]


def test_a_customer_who_does_not_accept_dms_gets_a_clear_warning(bot, deps, clock, x_state, slack_state):
    x_state.customer_mentions("lou", "@acme_support help")
    poll(deps, clock())
    x_state.dms_closed.add(x_state.add_user("lou"))
    conv = _conv(deps, "@lou")
    _command(bot, f"private #{conv.id} Please send us your email.")
    notices = [m for m in thread(slack_state, roots(slack_state)[0]) if "not sent" in m.get("text", "")]
    assert len(notices) == 1 and "does not accept direct messages from @acme_support" in notices[0]["text"]
    assert _conv(deps, "@lou").status == WAITING
    with deps.sessions() as session:
        assert session.scalar(select(Outbox.state).where(Outbox.kind == "private")) == "failed"


def test_x_refuses_a_reply_where_the_customer_did_not_mention_the_brand(bot, deps, clock, x_state, slack_state):
    tweet = x_state.customer_mentions("max", "@acme_support where is my order")
    poll(deps, clock())
    x_state.tweets[tweet["id"]]["text"] = "where is my order"  # edited: the brand is no longer mentioned
    bot.staff_says(roots(slack_state)[0]["ts"], "Checking now!")
    [notice] = [m for m in thread(slack_state, roots(slack_state)[0]) if "not sent" in m.get("text", "")]
    assert "accepts an app's reply only when the customer @mentioned" in notice["text"]
    assert "Reply privately" in notice["text"] and _conv(deps, "@max").status == WAITING


def test_a_heart_likes_the_customers_post_and_removing_it_unlikes_once_each(bot, deps, clock, x_state, slack_state):
    tweet = x_state.customer_mentions("nia", "@acme_support love the new app!")
    later = x_state.customer_mentions("nia", "@acme_support and the dark mode", in_reply_to=tweet["id"])
    poll(deps, clock())
    root = roots(slack_state)[0]
    [follow_up] = thread(slack_state, root)
    slack_state.events_url = bot.events_url
    slack_state.user_reacts("U0ALICE", "C0SUPPORT", follow_up["ts"], "heart")
    bot.executor.drain()
    slack_state.user_reacts("U0BOB", "C0SUPPORT", follow_up["ts"], "heart")  # already liked: nothing more
    bot.executor.drain()
    assert x_state.like_calls == [("like", later["id"])] and later["id"] in x_state.likes
    slack_state.user_reacts("U0ALICE", "C0SUPPORT", follow_up["ts"], "heart", removed=True)
    bot.executor.drain()
    assert x_state.like_calls == [("like", later["id"]), ("unlike", later["id"])] and not x_state.likes
    slack_state.user_reacts("U0ALICE", "C0SUPPORT", root["ts"], "heart")  # the root is the first post
    bot.executor.drain()
    assert x_state.like_calls[-1] == ("like", tweet["id"])
    assert _conv(deps, "@nia").status == WAITING  # a like is not an answer
