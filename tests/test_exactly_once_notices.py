"""The 🔒 copy of a private message and the ℹ️ note on how a reply went out
appear once, like the root and the pings: Slack may store a message and lose
its answer (a 5xx from a proxy, a timeout), and the retrying client then
posted it a second time. They are posted with a marker and looked for."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.store.models import Conversation
from bot.inbound.poll import poll
from tests.helpers import roots, thread


def test_the_private_copy_appears_once_when_slack_loses_its_answer(bot, deps, clock, x_state, slack_state):
    x_state.customer_mentions("jo", "@acme_support you charged me twice!!")
    poll(deps, clock())
    with deps.sessions() as session:
        conv_id = session.scalar(select(Conversation.id).where(Conversation.customer_handle == "@jo"))
    slack_state.lose_response_next("chat.postMessage")  # Slack stores the copy; the answer is a 503
    response = slack_state.user_runs_command("U0ALICE", "C0SUPPORT", f"private #{conv_id} So sorry Jo, DM us.")
    bot.executor.drain()
    assert response.status_code == 200
    assert x_state.brand_dms_to(x_state.add_user("jo")) == ["So sorry Jo, DM us."]
    copies = [m for m in thread(slack_state, roots(slack_state)[0]) if "Private reply" in m["text"]]
    assert len(copies) == 1
    assert any(r["name"] == "outbox_tray" for r in copies[0].get("reactions", []))  # 📤 on the one copy


@pytest.mark.meta
def test_the_note_on_how_a_reply_went_out_appears_once_when_slack_loses_its_answer(webhooks_on, deps,
                                                                                   graph_state, slack_state):
    bot = webhooks_on
    first = graph_state.ig_customer_comments("kai", "my size?")
    graph_state.ig_comment(graph_state.ig_id, first["media_id"], "Which size did you order?", first["id"])
    graph_state.ig_customer_comments("kai", "M, but it is too small", reply_to=first["id"])
    bot.executor.drain()
    [root] = roots(slack_state)
    slack_state.lose_response_next("chat.postMessage")  # Slack stores the ℹ️ note; the answer is a 503
    bot.staff_says(root["ts"], "We will send an L today.")
    assert graph_state.ig_replies_to(first["id"])[-1] == "We will send an L today."
    notes = [m for m in thread(slack_state, root) if "only top-level comments" in m.get("text", "")]
    assert len(notes) == 1
