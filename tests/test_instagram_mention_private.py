"""An Instagram @-mention takes no private reply: Meta's Private Replies reach
comments on the account's own media only, and answer any other comment id with
"(#100) Invalid parameter: comment_id". So the desk never offers one there —
no 🔒 Reply privately button on the root, no private kind in the composer — and
refuses `/social private`, the button and a private-only saved reply at once,
in one line that says what to do instead; nothing reaches Meta. A comment on
the account's own media keeps all of them."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.store.models import Conversation, Message, Outbox
from tests.helpers import all_text, roots

pytestmark = pytest.mark.meta
WHY = "Instagram sends private replies only to comments on the account's own posts"


def _conv(deps, handle):
    with deps.sessions() as session:
        return session.scalar(select(Conversation).where(Conversation.customer_handle == handle))


def _root(slack_state, handle):
    return next(r for r in roots(slack_state) if handle in all_text(r))


def _offers_private(root) -> bool:
    return any(e.get("action_id") == "conv_private" for a in root.get("attachments", [])
               for b in a.get("blocks", []) for e in b.get("elements", []))


def _command(bot, text: str) -> str:
    response = bot.slack_state.user_runs_command("U0ALICE", "C0SUPPORT", text)
    bot.executor.drain()
    assert response.status_code == 200
    return response.json()["text"]


def _private_sends(graph_state) -> list[dict]:
    return [s for s in graph_state.sends if "comment_id" in (s.get("recipient") or {})]


def test_a_mention_root_offers_no_private_reply_and_a_comment_root_does(webhooks_on, deps, graph_state, slack_state):
    bot = webhooks_on
    graph_state.ig_mentions_account("vera.k", "@acme.shop the zip broke after a week")
    graph_state.ig_customer_comments("max", "broken zip")
    bot.executor.drain()
    assert not _offers_private(_root(slack_state, "@vera.k"))
    assert _offers_private(_root(slack_state, "@max"))


def test_social_private_and_the_button_on_a_mention_are_refused_at_once(webhooks_on, deps, graph_state,
                                                                        slack_state):
    bot = webhooks_on
    graph_state.ig_mentions_account("vera.k", "@acme.shop the zip broke after a week")
    bot.executor.drain()
    conv = _conv(deps, "@vera.k")
    answer = _command(bot, f"private #{conv.id} Sorry Vera, DM us your order number")
    assert answer.startswith(WHY) and "answer it publicly in the thread" in answer and "\n" not in answer
    root = _root(slack_state, "@vera.k")
    slack_state.user_acts("U0BOB", "C0SUPPORT", root["ts"], {
        "type": "button", "action_id": "conv_private", "block_id": f"conv_actions_{conv.id}", "value": str(conv.id)})
    bot.executor.drain()
    assert slack_state.ephemerals[-1]["text"].startswith(WHY)
    assert _conv(deps, "@vera.k").reply_privately_by is None
    with deps.sessions() as session:
        assert session.scalars(select(Outbox)).all() == []
    assert _private_sends(graph_state) == []


def test_a_private_only_saved_reply_on_a_mention_stays_a_note_and_says_why(webhooks_on, deps, graph_state,
                                                                           slack_state):
    bot = webhooks_on
    comment = graph_state.ig_mentions_account("vera.k", "@acme.shop the zip broke after a week")
    bot.executor.drain()
    _command(bot, "saved add --private order Please DM us your order number.")
    before = len(slack_state.ephemerals)
    bot.staff_says(_root(slack_state, "@vera.k")["ts"], "!order")
    [told] = [e["text"] for e in slack_state.ephemerals[before:]]
    assert "*not sent*" in told and WHY in told
    with deps.sessions() as session:
        assert session.scalars(select(Outbox)).all() == []
        assert session.scalar(select(Message.direction).where(Message.text == "!order")) == "note"
    assert _private_sends(graph_state) == [] and comment["replies"] == []


def test_a_private_reply_to_a_comment_on_the_accounts_media_still_goes(webhooks_on, deps, graph_state, slack_state):
    bot = webhooks_on
    comment = graph_state.ig_customer_comments("max", "broken zip")
    bot.executor.drain()
    answer = _command(bot, f"private #{_conv(deps, '@max').id} Sorry Max, DM us your order number")
    assert answer.startswith("🔒 Sending privately to @max")
    assert [s["recipient"] for s in _private_sends(graph_state)] == [{"comment_id": comment["id"]}]


def test_the_composer_offers_send_as_private_on_a_comment_and_not_on_a_mention(webhooks_on, deps, clock,
                                                                               graph_state, slack_state):
    from bot.desk.composer import build_view
    bot = webhooks_on
    graph_state.ig_mentions_account("vera.k", "@acme.shop the zip broke after a week")
    graph_state.ig_customer_comments("max", "broken zip")
    bot.executor.drain()

    def send_as(handle):
        view = build_view(deps, _conv(deps, handle).id, "U0ALICE", None, clock())
        return [b for b in view["blocks"] if b.get("label", {}).get("text") == "Send as"]
    assert send_as("@vera.k") == [] and len(send_as("@max")) == 1


def test_a_mention_thread_the_customer_then_comments_in_offers_the_private_reply_the_command_takes(
        webhooks_on, deps, graph_state, slack_state):
    """The root decided the 🔒 button from the conversation's first message (a mention: none) while
    `/social private` answers the latest (a comment on our own media: it may): the button follows the latest."""
    bot = webhooks_on
    graph_state.ig_mentions_account("vera.k", "@acme.shop the zip broke after a week")
    bot.executor.drain()
    graph_state.ig_customer_comments("vera.k", "and the pocket tore too")
    bot.executor.drain()
    assert len([r for r in roots(slack_state) if "@vera.k" in all_text(r)]) == 1  # one conversation
    assert _offers_private(_root(slack_state, "@vera.k"))
    conv = _conv(deps, "@vera.k")
    answer = _command(bot, f"private #{conv.id} Sorry Vera, DM us your order number")
    assert not answer.startswith(WHY)
