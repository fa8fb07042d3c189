"""One post must not block the others, long posts fit Slack, and a bystander
in the customer's platform thread never becomes the reply target."""
from __future__ import annotations

from sqlalchemy import select

from bot.store.models import Conversation, Message
from bot.inbound.poll import poll
from bot.outbound.deliver import deliver
from bot.slack.render import MAX_SECTIONS
from tests.helpers import all_text, calls, roots, thread


def test_a_post_slack_refuses_for_good_is_parked_and_the_next_customers_flow(deps, clock, x_state, slack_state):
    poison = x_state.customer_mentions("pete", "@acme_support something Slack will not take")
    for name in ("amy", "bo", "cy"):
        x_state.customer_mentions(name, f"@acme_support {name} needs help")
    slack_state.fail_next("chat.postMessage", error="invalid_blocks")  # refused for good, not an outage
    result = poll(deps, clock())
    assert result.errors == () and result.posted == 4
    shown = {all_text(r).split("*@")[1].split("*")[0]: r for r in roots(slack_state)}
    assert sorted(shown) == ["amy", "bo", "cy", "pete"]
    parked = all_text(shown["pete"])
    assert "cannot be shown in Slack" in parked and "invalid_blocks" in parked
    assert f"https://x.com/pete/status/{poison['id']}" in parked  # a link to the original
    assert "Claim" in parked  # still a working conversation with its buttons
    posts = calls(slack_state, "chat.postMessage")
    assert len(posts) == 5  # one refused, one short form, three customers: no retry loop
    with deps.sessions() as session:
        assert session.scalar(select(Message.parked_reason).where(Message.external_id == poison["id"]))
    poll(deps, clock.advance(minutes=2))
    assert len(calls(slack_state, "chat.postMessage")) == 5  # nothing left to retry


def test_an_outage_is_not_a_refusal_nothing_is_parked(deps, clock, x_state, slack_state):
    x_state.customer_mentions("dee", "@acme_support hello")
    slack_state.fail_next("chat.postMessage", error="channel_not_found")  # holds every post: retried
    assert poll(deps, clock()).errors and roots(slack_state) == []
    poll(deps, clock.advance(seconds=5))
    [root] = roots(slack_state)
    assert "hello" in all_text(root) and "cannot be shown" not in all_text(root)


def test_a_long_post_is_shown_whole_up_to_slacks_limits_with_a_link(deps, clock, x_state, slack_state):
    # 12,043 characters, mostly markup that escaping makes over four times longer (52,000+).
    text = "@acme_support " + "<&>" * 4000 + " end of a very long complaint"
    tweet = x_state.customer_mentions("lou", text)
    poll(deps, clock())
    [root] = roots(slack_state)
    sections = [b for b in root["blocks"] if b["type"] == "section"]
    assert len(sections) == MAX_SECTIONS and all(len(b["text"]["text"]) <= 3000 for b in sections)
    assert len(root["blocks"]) <= 50 and len(root["text"]) <= 40000
    assert "&lt;&amp;&gt;" * 100 in sections[-1]["text"]["text"]  # note_tweet: past X's 275-char cut
    assert "Cut to fit Slack: the post has 12,043 characters" in all_text(root)
    assert f"https://x.com/lou/status/{tweet['id']}" in all_text(root)


def test_the_whole_text_of_a_long_post_is_read_from_note_tweet(deps, clock, x_state, slack_state):
    text = "@acme_support " + "my order arrived broken and nobody answers. " * 10  # 454 characters
    x_state.customer_mentions("mo", text)
    poll(deps, clock())
    with deps.sessions() as session:
        assert session.scalar(select(Message.text)) == text
    [root] = roots(slack_state)
    assert text.strip() in all_text(root)  # all 454 characters, not X's 275-character cut


def test_a_bystander_in_the_thread_is_shown_as_someone_else_and_never_answered(bot, deps, clock, x_state,
                                                                                slack_state):
    carol = x_state.customer_mentions("carol", "@acme_support where is my refund?")
    poll(deps, clock())
    troll = x_state.customer_mentions("troll", "@carol @acme_support lol they never pay", in_reply_to=carol["id"])
    poll(deps, clock.advance(minutes=2))
    [root] = roots(slack_state)
    [shown] = thread(slack_state, root)
    assert "Someone else" in all_text(shown) and "@troll" in all_text(shown)
    with deps.sessions() as session:
        conv = session.scalar(select(Conversation))
        assert conv.customer_handle == "@carol" and conv.posts_in_wait == 1  # the clock is Carol's
    bot.staff_says(root["ts"], "Carol, your refund left today")
    [reply] = x_state.created_replies
    assert reply["referenced_tweets"] == [{"type": "replied_to", "id": carol["id"]}]
    assert x_state.replies_to(troll["id"]) == []


def test_customers_answering_the_brands_own_post_are_each_their_own_conversation(bot, deps, clock, x_state,
                                                                                  slack_state):
    announcement = x_state.post(x_state.brand_id, "New opening hours from Monday!")
    carol = x_state.customer_mentions("carol", "@acme_support my order never came", in_reply_to=announcement["id"])
    dave = x_state.customer_mentions("dave", "@acme_support I was charged twice", in_reply_to=announcement["id"])
    poll(deps, clock())
    carols, daves = sorted(roots(slack_state), key=lambda r: "@dave" in all_text(r))
    assert "@carol" in all_text(carols) and "@dave" in all_text(daves)
    bot.staff_says(carols["ts"], "Carol, a new parcel left today")
    bot.staff_says(daves["ts"], "Dave, the second charge is refunded")
    assert [t["text"] for t in x_state.replies_to(carol["id"])] == ["@carol Carol, a new parcel left today"]
    assert [t["text"] for t in x_state.replies_to(dave["id"])] == ["@dave Dave, the second charge is refunded"]
    # Carol's case is resolved; she answers the brand's reply: back in her thread, not a new one, not Dave's.
    deliver(deps, clock.advance(seconds=1))
    slack_state.user_runs_command("U0ALICE", "C0SUPPORT", "resolve #1")
    bot.executor.drain()
    [to_carol] = x_state.replies_to(carol["id"])
    x_state.customer_mentions("carol", "@acme_support thanks, tracking number?", in_reply_to=to_carol["id"])
    poll(deps, clock.advance(minutes=2))
    assert len(roots(slack_state)) == 2
    assert any("tracking number?" in all_text(m) for m in thread(slack_state, carols))
    assert not any("tracking number?" in all_text(m) for m in thread(slack_state, daves))
