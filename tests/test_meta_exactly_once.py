"""A Meta send that may have landed is never repeated blind and never
misreported: after Graph stored a reply and then answered 500 (or dropped the
connection), after a 500 where it stored nothing, and after a worker died
mid-send, the next attempt looks first — a Page's comment replies, a Messenger
or Instagram DM conversation, an Instagram comment's replies — and the
customer gets the reply exactly once. Where nobody can look, the thread says
it may or may not have reached the customer. Real `web`, the Graph emulator,
signed webhooks and the deliver pass, on SQLite and PostgreSQL."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

import pytest
import requests
from sqlalchemy import select

from bot.outbound.deliver import VERIFY_AFTER, deliver
from bot.store.models import FAILED, PENDING, SENDING, SENT, WAITING, Outbox
from tests.helpers import all_text, kill_mid_write, roots, thread
from tests.helpers import first_conversation as _conversation

pytestmark = pytest.mark.meta
TEXT = "So sorry, it ships today."


@dataclass(frozen=True)
class Channel:
    """How a customer writes on one Meta channel, how many times our reply is
    there, and the request a worker that died mid-send had made."""
    writes: Callable           # (graph_state) -> what the customer wrote (ids)
    copies: Callable           # (graph_state, written, text) -> how many times the customer has our text
    sent_by_dead_worker: Callable  # (graph_state, graph_url, written, text) -> None: the write, over HTTP


def _post(graph_state, url: str, body: dict) -> None:
    answer = requests.post(url, json=body, timeout=5, headers={"Authorization": f"Bearer {graph_state.page_token}"})
    assert answer.status_code == 200, answer.text


CHANNELS = {
    "facebook comment reply": Channel(
        writes=lambda g: g.customer_comments("Jane Doe", "Ordered 2 weeks ago and still nothing!"),
        copies=lambda g, w, text: g.page_replies_to(w["id"]).count(text),
        sent_by_dead_worker=lambda g, url, w, text: _post(g, f"{url}/{w['id']}/comments", {"message": text})),
    "messenger message": Channel(
        writes=lambda g: g.customer_messages("Sam Lee", "Is the blue one back in stock?"),
        copies=lambda g, w, text: g.texts_sent_to(g.psid("Sam Lee")).count(text),
        sent_by_dead_worker=lambda g, url, w, text: _post(g, f"{url}/{g.page_id}/messages", {
            "recipient": {"id": g.psid("Sam Lee")}, "messaging_type": "RESPONSE", "message": {"text": text}})),
    "instagram comment reply": Channel(
        writes=lambda g: g.ig_customer_comments("jane.doe", "where is my order??"),
        copies=lambda g, w, text: g.ig_replies_to(w["id"]).count(text),
        sent_by_dead_worker=lambda g, url, w, text: _post(g, f"{url}/{w['id']}/replies", {"message": text})),
    "instagram dm": Channel(
        writes=lambda g: g.ig_customer_messages("lou", "do you restock the red one?"),
        copies=lambda g, w, text: g.ig_sent_to(g.ig_user("lou")).count(text),
        sent_by_dead_worker=lambda g, url, w, text: _post(g, f"{url}/me/messages", {
            "recipient": {"id": g.ig_user("lou")}, "message": {"text": text}})),
}


def _outbox(deps) -> Outbox:
    with deps.sessions() as session:
        return session.scalar(select(Outbox))


def _warnings(slack_state, root) -> list[str]:
    return [m["text"] for m in thread(slack_state, root) if m.get("bot_id") and "⚠️" in m.get("text", "")]


def _reactions(slack_state, message) -> list[str]:
    return [r["name"] for r in slack_state.find("C0SUPPORT", message["ts"]).get("reactions", [])]


def _die_mid_send(deps, clock) -> None:
    """The queued row as a worker leaves it that claimed it (lease 60 s) and died."""
    with deps.sessions() as session:
        row = session.scalar(select(Outbox))
        assert row.state == PENDING
        row.state, row.lease_until, row.lease_owner = SENDING, clock() + timedelta(seconds=60), "dead-process"
        session.commit()


def _customer_waits(bot, graph_state, channel: Channel):
    written = channel.writes(graph_state)
    bot.executor.drain()
    [root] = roots(slack_state := bot.slack_state)
    return written, root, slack_state


def _went_out_once(deps, graph_state, slack_state, channel, written, root, message) -> None:
    """Exactly one copy reached the customer, and staff were told it went out."""
    assert channel.copies(graph_state, written, TEXT) == 1
    row = _outbox(deps)
    assert row.state == SENT and row.external_id and row.uncertain_since is None
    assert _reactions(slack_state, message) == ["outbox_tray"]  # 📤, the ⏳ gone
    assert _warnings(slack_state, root) == []  # no "not sent", no "may or may not"
    assert _conversation(deps).status == "answered" and "Answered" in all_text(roots(slack_state)[0])


@pytest.mark.parametrize("lost", ["500", "drop"])
@pytest.mark.parametrize("name", list(CHANNELS))
def test_graph_stores_it_then_the_answer_is_lost_and_the_next_pass_finds_it(name, lost, webhooks_on, deps, clock,
                                                                             graph_state, slack_state):
    channel = CHANNELS[name]
    written, root, _ = _customer_waits(webhooks_on, graph_state, channel)
    graph_state.fail_next_write(stored=True, how=lost)
    message, _ = webhooks_on.staff_says(root["ts"], TEXT)
    row = _outbox(deps)
    assert row.state == PENDING and row.uncertain_since is not None  # may have landed: being checked
    assert _reactions(slack_state, message) == ["hourglass_flowing_sand"]
    assert "⏳ checking" in all_text(roots(slack_state)[0]) and _conversation(deps).status == WAITING
    assert channel.copies(graph_state, written, TEXT) == 1  # Graph has it
    result = deliver(deps, clock.advance(seconds=2))
    assert (result.sent, result.failed, result.unconfirmed) == (1, 0, 0)  # found, not sent again
    _went_out_once(deps, graph_state, slack_state, channel, written, root, message)
    assert deliver(deps, clock.advance(minutes=5)).sent == 0  # and never again


@pytest.mark.parametrize("name", list(CHANNELS))
def test_graph_stores_nothing_and_answers_500_then_it_is_sent_once(name, webhooks_on, deps, clock, graph_state,
                                                                     slack_state):
    channel = CHANNELS[name]
    written, root, _ = _customer_waits(webhooks_on, graph_state, channel)
    graph_state.fail_next_write(stored=False)
    message, _ = webhooks_on.staff_says(root["ts"], TEXT)
    assert _outbox(deps).uncertain_since is not None and channel.copies(graph_state, written, TEXT) == 0
    # Looked for, not there, and too soon to send again: a slow Graph may still store it.
    assert deliver(deps, clock.advance(seconds=2)).checking == 1
    assert channel.copies(graph_state, written, TEXT) == 0
    result = deliver(deps, clock.advance(seconds=VERIFY_AFTER.total_seconds()))
    assert result.sent == 1
    _went_out_once(deps, graph_state, slack_state, channel, written, root, message)


@pytest.mark.settings(SEND_DELAY="30s")  # the reply waits in the outbox, as a busy worker's would
@pytest.mark.parametrize("name", list(CHANNELS))
def test_a_worker_killed_after_graph_stored_it_is_followed_by_a_look_not_a_resend(name, webhooks_on, deps, clock,
                                                                                   graph_state, graph_emulator,
                                                                                   slack_state):
    channel = CHANNELS[name]
    written, root, _ = _customer_waits(webhooks_on, graph_state, channel)
    message, _ = webhooks_on.staff_says(root["ts"], TEXT)
    webhooks_on.executor.drain()
    # A worker claimed the row (lease 60 s), Graph stored its write, and it died
    # before it could record the answer.
    _die_mid_send(deps, clock)
    channel.sent_by_dead_worker(graph_state, f"{graph_emulator.url}/v26.0", written, TEXT)
    assert deliver(deps, clock.advance(seconds=30)).sent == 0  # its lease still holds
    result = deliver(deps, clock.advance(seconds=31))
    assert (result.sent, result.failed, result.unconfirmed) == (1, 0, 0)
    assert channel.copies(graph_state, written, TEXT) == 1
    row = _outbox(deps)
    assert row.state == SENT and _warnings(slack_state, root) == []
    assert "outbox_tray" in _reactions(slack_state, message) and _conversation(deps).status == "answered"


@pytest.mark.settings(SEND_DELAY="30s")
def test_a_reply_graph_stored_with_other_spacing_is_still_recognised(webhooks_on, deps, clock, graph_state,
                                                                    graph_emulator, slack_state):
    """Meta trims a message's ends and may change its line ends: the look
    compares words, not whitespace."""
    channel = CHANNELS["facebook comment reply"]
    written, root, _ = _customer_waits(webhooks_on, graph_state, channel)
    webhooks_on.staff_says(root["ts"], "So sorry,\nit ships today.")
    _die_mid_send(deps, clock)
    channel.sent_by_dead_worker(graph_state, f"{graph_emulator.url}/v26.0", written, "So sorry,\r\n it ships today.\n")
    assert deliver(deps, clock.advance(seconds=61)).sent == 1
    assert len(graph_state.page_replies_to(written["id"])) == 1 and _outbox(deps).state == SENT


@pytest.mark.settings(SEND_DELAY="30s")
@pytest.mark.parametrize("name", ["messenger message", "instagram comment reply"])
def test_sigkill_after_graph_stored_it_does_not_send_it_twice(name, webhooks_on, deps, env, clock, graph_state,
                                                              slack_state):
    """A real `socialdesk deliver` process is killed with SIGKILL once Graph
    stored its write and before it got the answer; the next pass, once the
    lease ran out, finds the reply instead of sending it again."""
    channel = CHANNELS[name]
    written, root, _ = _customer_waits(webhooks_on, graph_state, channel)
    webhooks_on.staff_says(root["ts"], TEXT)
    webhooks_on.executor.drain()
    with deps.sessions() as session:  # due now for the separate process, on its real clock
        session.scalar(select(Outbox)).next_attempt_at = clock() - timedelta(minutes=5)
        session.commit()
    kill_mid_write(graph_state, "on_write", "deliver", env)
    assert _outbox(deps).state == SENDING and channel.copies(graph_state, written, TEXT) == 1
    assert deliver(deps, clock.advance(seconds=30)).sent == 0  # the dead process's lease still holds
    result = deliver(deps, clock.advance(seconds=deps.settings.delivery_lease.total_seconds() + 60))
    assert result.sent == 1 and _outbox(deps).state == SENT
    assert channel.copies(graph_state, written, TEXT) == 1


# -- private replies to comments ---------------------------------------------------------------

def _private(bot, deps, text: str) -> None:
    response = bot.slack_state.user_runs_command("U0ALICE", "C0SUPPORT", f"private #{_conversation(deps).id} {text}")
    bot.executor.drain()
    assert response.json()["text"].startswith("🔒 Sending")


def test_a_facebook_private_reply_whose_answer_was_lost_is_found_and_the_customers_answer_joins(
        webhooks_on, deps, clock, graph_state, slack_state):
    bot = webhooks_on
    comment = graph_state.customer_comments("Kai", "You charged me twice")
    bot.executor.drain()
    [root] = roots(slack_state)
    graph_state.fail_next_write(stored=True)
    _private(bot, deps, TEXT)
    psid = graph_state.psid("Kai")
    assert graph_state.texts_sent_to(psid) == [TEXT] and _outbox(deps).uncertain_since is not None
    assert deliver(deps, clock.advance(seconds=2)).sent == 1  # in the comment's private_reply_conversation
    assert graph_state.texts_sent_to(psid) == [TEXT] and _outbox(deps).state == SENT
    assert graph_state.sends[-1]["recipient"] == {"comment_id": comment["id"]} and len(graph_state.sends) == 1
    # The customer answers in Messenger: it joins this thread (found sends open it as sent ones do).
    graph_state.customer_messages("Kai", "Order 4471, thanks")
    bot.executor.drain()
    assert len(roots(slack_state)) == 1 and "Order 4471" in " ".join(all_text(m) for m in thread(slack_state, root))
    assert _warnings(slack_state, root) == []


def test_an_instagram_private_reply_whose_answer_was_lost_is_found_in_the_commenters_dms(
        webhooks_on, deps, clock, graph_state, slack_state):
    bot = webhooks_on
    graph_state.ig_customer_comments("mo", "never arrived")
    bot.executor.drain()
    [root] = roots(slack_state)
    graph_state.fail_next_write(stored=True, how="drop")
    _private(bot, deps, TEXT)
    assert deliver(deps, clock.advance(seconds=2)).sent == 1
    assert graph_state.ig_sent_to(graph_state.ig_user("mo")) == [TEXT] and _outbox(deps).state == SENT
    assert _warnings(slack_state, root) == []


def test_a_private_reply_nobody_can_look_up_is_said_to_be_unconfirmed_never_not_sent(
        webhooks_on, deps, clock, graph_state, slack_state):
    """The customer deleted their comment after our private reply went out
    with its answer lost: nothing says who wrote it, so the DM cannot be
    looked for. Not sent again; the thread says it may or may not have
    reached the customer and how to check."""
    bot = webhooks_on
    comment = graph_state.ig_customer_comments("pia", "wrong colour")
    bot.executor.drain()
    [root] = roots(slack_state)
    graph_state.fail_next_write(stored=True)
    _private(bot, deps, TEXT)
    del graph_state.ig_comments[comment["id"]]
    result = deliver(deps, clock.advance(seconds=2))
    assert (result.sent, result.failed, result.unconfirmed) == (0, 0, 1)
    assert "1 unconfirmed (may have gone out" in result.describe()
    [warning] = _warnings(slack_state, root)
    assert "*may or may not have reached* the customer" in warning and "not sent to" not in warning
    assert "*not sent*" not in warning and "look at the account's Instagram DMs" in warning
    assert graph_state.ig_sent_to(graph_state.ig_user("pia")) == [TEXT]  # once, not resent
    assert deliver(deps, clock.advance(minutes=5)).sent == 0 and _outbox(deps).state == FAILED
    assert _conversation(deps).status == WAITING  # unknown: it stays on the desk's list
    audit = bot.slack_state.user_runs_command("U0ALICE", "C0SUPPORT", f"audit #{_conversation(deps).id}")
    bot.executor.drain()
    assert "may or may not have gone out" in audit.json()["text"] and "❌ not sent" not in audit.json()["text"]


# -- Instagram Login: its own token and URL ---------------------------------------------------------

@pytest.mark.instagram_login
@pytest.mark.parametrize("name", ["instagram comment reply", "instagram dm"])
def test_with_instagram_login_a_lost_answer_is_looked_for_with_the_instagram_token(name, webhooks_on, deps, clock,
                                                                                    graph_state, slack_state):
    channel = CHANNELS[name]
    written, root, _ = _customer_waits(webhooks_on, graph_state, channel)
    graph_state.fail_next_write(stored=True)
    message, _ = webhooks_on.staff_says(root["ts"], TEXT)
    assert deliver(deps, clock.advance(seconds=2)).sent == 1
    _went_out_once(deps, graph_state, slack_state, channel, written, root, message)


# -- the emulator answers the look-ups as Graph documents them ------------------------------------------

def _covers(actual, documented, where: str = "body") -> list[str]:
    """Where `actual` lacks the structure of `documented`: every documented key
    (recursively), a list's first item, and each leaf's JSON type."""
    if isinstance(documented, dict):
        if not isinstance(actual, dict):
            return [f"{where} is not an object"]
        return [problem for key, value in documented.items()
                for problem in ([f"{where}.{key} is missing"] if key not in actual
                                else _covers(actual[key], value, f"{where}.{key}"))]
    if isinstance(documented, list):
        if not documented:
            return [] if isinstance(actual, list) else [f"{where} is not a list"]
        if not isinstance(actual, list) or not actual:
            return [f"{where} is not a non-empty list"]
        return _covers(actual[0], documented[0], f"{where}[0]")
    return [] if type(actual) is type(documented) else [f"{where} is {type(actual).__name__}, "
                                                        f"documented {type(documented).__name__}"]


def test_the_emulator_answers_the_look_ups_in_the_shapes_graph_documents(graph_state, graph_emulator):
    from tests.payloads import FIXTURES, load
    url, auth = f"{graph_emulator.url}/v26.0", {"Authorization": f"Bearer {graph_state.page_token}"}

    def get(path: str, **params) -> dict:
        answer = requests.get(f"{url}/{path}", params=params, headers=auth, timeout=5)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def documented(name: str):
        return load(FIXTURES / f"{name}.json").body

    comment = graph_state.customer_comments("Jane Doe", "where is it?")
    graph_state.comment(graph_state.page_id, comment["id"], TEXT)
    replies = get(f"{comment['id']}/comments", fields="id,from,message,created_time", order="reverse_chronological")
    assert _covers(replies, documented("facebook/comment_replies_page")) == []
    graph_state.customer_messages("Sam Lee", "in stock?")
    _post(graph_state, f"{url}/{graph_state.page_id}/messages", {
        "recipient": {"id": graph_state.psid("Sam Lee")}, "messaging_type": "RESPONSE", "message": {"text": TEXT}})
    [thread_] = get(f"{graph_state.page_id}/conversations", platform="messenger",
                    user_id=graph_state.psid("Sam Lee"))["data"]
    messages = get(f"{thread_['id']}/messages", fields="id,message,from,to,created_time")
    assert _covers(messages["data"][0], documented("facebook/conversation_message")) == []

    ig_comment = graph_state.ig_customer_comments("jane.doe", "size?")
    graph_state.ig_comment(graph_state.ig_id, ig_comment["media_id"], TEXT, ig_comment["id"])
    assert _covers(get(f"{ig_comment['id']}/replies", fields="timestamp,text,id"),
                   documented("instagram/comment_replies")) == []
    graph_state.ig_customer_messages("lou", "restock?")
    _post(graph_state, f"{url}/me/messages", {"recipient": {"id": graph_state.ig_user("lou")},
                                               "message": {"text": TEXT}})
    found = get("me/conversations", platform="instagram", user_id=graph_state.ig_user("lou"))
    assert _covers(found, documented("instagram/conversation_with_user")) == []
    messages = get(f"{found['data'][0]['id']}/messages", fields="id,message,from,to,created_time")
    assert _covers(messages["data"][0], documented("instagram/conversation_message")) == []

    graph_state.fail_next_write(stored=False)
    refused = requests.post(f"{url}/{comment['id']}/comments", json={"message": TEXT}, headers=auth, timeout=5)
    assert refused.status_code == 500
    assert _covers(refused.json(), documented("facebook/graph_transient_error")) == []
    assert refused.json()["error"]["code"] == 2 and refused.json()["error"]["is_transient"] is True


def test_a_reply_whose_comment_is_gone_is_unconfirmed_and_an_edit_or_delete_is_answered_so(
        webhooks_on, deps, clock, graph_state, slack_state):
    """Facebook stored the comment reply, the answer was lost, then the
    customer deleted their comment: Graph refuses to list its replies. The
    reply is not sent again, and neither the ⚠️ nor what an edit or a delete
    of the staff message is told says "not sent"."""
    bot = webhooks_on
    written, root, _ = _customer_waits(bot, graph_state, CHANNELS["facebook comment reply"])
    graph_state.fail_next_write(stored=True)
    message, _ = bot.staff_says(root["ts"], TEXT)
    del graph_state.comments[written["id"]]
    assert deliver(deps, clock.advance(seconds=2)).unconfirmed == 1
    [warning] = _warnings(slack_state, root)
    assert "*may or may not have reached* the customer" in warning and "look-up was refused" in warning
    assert "look at the conversation on Facebook" in warning
    edited = {**message, "text": "So sorry!!"}
    bot.event({"type": "message", "subtype": "message_changed", "channel": "C0SUPPORT", "ts": "99.2",
               "message": edited, "previous_message": message, "event_ts": "99.2", "hidden": True})
    assert "may or may not have reached Facebook" in slack_state.ephemerals[-1]["text"]
    bot.event({"type": "message", "subtype": "message_deleted", "channel": "C0SUPPORT", "ts": "99.3",
               "deleted_ts": message["ts"], "previous_message": message, "event_ts": "99.3", "hidden": True})
    assert "may or may not have reached Facebook" in slack_state.ephemerals[-1]["text"]
    assert "nothing went to" not in slack_state.ephemerals[-1]["text"]
    assert _outbox(deps).state == FAILED and deliver(deps, clock.advance(minutes=5)).sent == 0
