"""An Instagram professional account through the real `web` and the Graph
emulator, Page-linked and through Instagram Login: comments and DMs by signed
webhook (one root within a second, no worker), replies to top-level comments
only (said so in the thread), private replies once per comment, the DM window,
the account's own comments and echoes ignored, polling as the fallback, and
the Instagram Login token refreshed by the worker's job."""
from __future__ import annotations


import pytest
import requests
from sqlalchemy import select

from adapters.base import IDS
from bot.store.models import Conversation, Credential
from bot.inbound.poll import poll
from bot.inbound.tokens import refresh_tokens
from tests.helpers import all_text, roots, thread

pytestmark = pytest.mark.meta
# Real Instagram message ids are ~164 characters; the emulator sends such ids.
# Until adapters/base.py and the columns take them (the lead's change), a DM
# cannot be stored and these tests are expected to fail.
needs_long_ids = pytest.mark.xfail(IDS["external_id"] < 164, reason="Instagram message ids are ~164 characters",
                                   strict=True)


def _conv(deps, handle):
    with deps.sessions() as session:
        return session.scalar(select(Conversation).where(Conversation.customer_handle == handle))


def test_a_comment_is_answered_under_it_and_the_accounts_own_reply_opens_nothing(webhooks_on, deps, graph_state,
                                                                                 slack_state):
    bot = webhooks_on
    comment = graph_state.ig_customer_comments("jane.doe", "where is my order??")
    bot.executor.drain()
    # Posted by web itself right after its answer: no worker runs in this test. How fast is
    # measured by bench/webhook_latency.py, not here (a loaded machine is no evidence).
    [root] = roots(slack_state)
    assert "*Instagram* · *@jane.doe*" in all_text(root)
    bot.staff_says(root["ts"], "Hi Jane, it ships tomorrow!")
    assert graph_state.ig_replies_to(comment["id"]) == ["Hi Jane, it ships tomorrow!"]
    assert len(roots(slack_state)) == 1 and _conv(deps, "@jane.doe").status == "answered"


def test_a_reply_to_a_reply_goes_under_the_top_level_comment_and_the_thread_says_so(webhooks_on, deps,
                                                                                   graph_state, slack_state):
    bot = webhooks_on
    first = graph_state.ig_customer_comments("kai", "my size?")
    graph_state.ig_comment(graph_state.ig_id, first["media_id"], "Which size did you order?", first["id"])
    graph_state.ig_customer_comments("kai", "M, but it is too small", reply_to=first["id"])
    bot.executor.drain()
    [root] = roots(slack_state)
    bot.staff_says(root["ts"], "We will send an L today.")
    assert graph_state.ig_replies_to(first["id"])[-1] == "We will send an L today."
    assert any("only top-level comments" in m.get("text", "") for m in thread(slack_state, root))


@needs_long_ids
def test_an_instagram_dm_is_answered_in_the_window_and_a_comment_privately_once(webhooks_on, deps, clock,
                                                                                graph_state, slack_state):
    bot = webhooks_on
    graph_state.ig_customer_messages("lou", "do you restock the red one?")
    bot.executor.drain()
    [root] = roots(slack_state)
    assert "*Instagram DM*" in all_text(root) and "reply window closes" in all_text(root)
    bot.staff_says(root["ts"], "Yes, on Friday!")
    assert graph_state.ig_sent_to(graph_state.ig_user("lou")) == ["Yes, on Friday!"]
    clock.advance(hours=25)
    bot.staff_says(root["ts"], "It is back!")
    assert any("messaging window closed" in m.get("text", "") for m in thread(slack_state, root))
    comment = graph_state.ig_customer_comments("max", "broken zip")
    bot.executor.drain()
    conv = _conv(deps, "@max")
    for text in ("Sorry Max, DM us your order number", "Hello again?"):
        bot.slack_state.user_runs_command("U0ALICE", "C0SUPPORT", f"private #{conv.id} {text}")
        bot.executor.drain()
    assert [s["recipient"] for s in graph_state.sends if "comment_id" in s["recipient"]] == [{"comment_id": comment["id"]}]
    max_root = next(r for r in roots(slack_state) if "@max" in all_text(r))
    assert any("not sent" in m.get("text", "") for m in thread(slack_state, max_root))


def test_polling_finds_comments_when_webhooks_are_off(deps, clock, graph_state, slack_state):
    graph_state.ig_customer_comments("nia", "love it")
    result = poll(deps, clock())
    assert not result.errors, result.describe()
    assert any("@nia" in all_text(r) for r in roots(slack_state))


@pytest.mark.instagram_login
def test_instagram_login_signs_with_its_own_secret_and_refreshes_its_token(webhooks_on, bot, deps, clock,
                                                                           graph_state, slack_state):
    graph_state.ig_customer_comments("ola", "hello from Instagram Login")
    bot.executor.drain()
    assert len(roots(slack_state)) == 1
    first_token = graph_state.ig_token
    assert refresh_tokens(deps, clock()) == [f"instagram:{graph_state.ig_id}"]
    assert graph_state.ig_token != first_token  # the emulator now only takes the new one
    assert refresh_tokens(deps, clock.advance(hours=2)) == []  # a day between refreshes
    with deps.sessions() as session:
        assert session.get(Credential, f"instagram:{graph_state.ig_id}").token == graph_state.ig_token
    graph_state.webhook_url = None
    graph_state.ig_customer_comments("pia", "polled with the new token")
    assert not poll(deps, clock()).errors and len(roots(slack_state)) == 2
    assert refresh_tokens(deps, clock.advance(days=1)) == [f"instagram:{graph_state.ig_id}"]
    page_signed = requests.post(bot.server.url + "/webhooks/meta", data=b"{}", timeout=5,
                                headers={"content-type": "application/json", "X-Hub-Signature-256": "sha256=00"})
    assert page_signed.status_code == 401


def test_a_page_linked_account_keeps_its_page_token(deps, clock, graph_state, slack_state):
    """Only an Instagram Login token is renewed; a Page-linked account's
    token job does nothing and polling keeps working."""
    assert refresh_tokens(deps, clock()) == []
    graph_state.ig_customer_comments("rui", "hi")
    assert not poll(deps, clock()).errors and any("@rui" in all_text(r) for r in roots(slack_state))


def test_a_mention_in_a_comment_is_answered_there_and_one_with_comments_off_is_read_only(
        webhooks_on, deps, graph_state, slack_state):
    bot = webhooks_on
    comment = graph_state.ig_mentions_account("vera.k", "@acme.shop the zip broke after a week")
    graph_state.ig_mentions_account("wes", "loving my @acme.shop jacket", caption=True, comments_off=True)
    bot.executor.drain()
    vera = next(r for r in roots(slack_state) if "@vera.k" in all_text(r))
    assert "the zip broke after a week" in all_text(vera) and "Read-only" not in all_text(vera)
    bot.staff_says(vera["ts"], "So sorry Vera! DM us and we replace it.")
    assert [r["text"] for r in comment["replies"]] == ["So sorry Vera! DM us and we replace it."]
    wes = next(r for r in roots(slack_state) if r is not vera)
    assert "🔒 *Read-only:* Instagram does not let the desk answer this mention" in all_text(wes)
    bot.staff_says(wes["ts"], "Thanks Wes!")
    assert any("not sent" in m.get("text", "") and "Instagram app" in m.get("text", "")
               for m in thread(slack_state, wes))


@needs_long_ids
def test_a_dm_under_standby_shows_and_the_senders_username_is_looked_up_apart(webhooks_on, deps, graph_state,
                                                                              slack_state):
    bot = webhooks_on
    graph_state.ig_customer_messages_standby("yan", "is anyone there? the bot does not help")
    bot.executor.drain()
    [root] = roots(slack_state)
    assert "the bot does not help" in all_text(root)
    assert deps.adapters["instagram"].find_name(graph_state.ig_user("yan")) == ("@yan", None)
