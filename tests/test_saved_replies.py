"""Saved replies (issue 22 item 1): `/social saved add|list|remove` and `!name`
in a thread, through signed Slack requests, the X and Graph emulators, on
SQLite and PostgreSQL. A saved reply goes out exactly as if its expanded text
had been typed: the platform's length, REPLY_CHECK, SEND_DELAY with Undo,
publishers and the audit all see the expanded text."""
from __future__ import annotations

import threading

import pytest
import requests
from sqlalchemy import select

from bot.outbound.deliver import deliver
from bot.store.models import NOTE, SENT, Audit, Message, Outbox
from sandbox.slack_signing import event_envelope, json_request
from tests.helpers import latest_outbox, thread

THANKS = "Hi {first_name} ({handle}), thanks for writing! {agent} here, about {id}."


def _command(bot, text: str, user: str = "U0ALICE") -> str:
    response = bot.slack_state.user_runs_command(user, "C0SUPPORT", text)
    bot.executor.drain()
    assert response.status_code == 200
    return response.json()["text"]


def _dana(deps, clock, x_state, slack_state):
    """A customer with a display name on X: (tweet, root)."""
    from bot.inbound.poll import poll
    x_state.add_user("dana", "Dana Scully")
    tweet = x_state.customer_mentions("dana", "@acme_support where is my parcel?")
    poll(deps, clock())
    return tweet, slack_state.roots("C0SUPPORT")[0]


def _sent(x_state, tweet) -> list[str]:
    return [t["text"] for t in x_state.replies_to(tweet["id"])]


def _audit(deps, action: str) -> list[str]:
    with deps.sessions() as session:
        return [a.detail for a in session.scalars(select(Audit).where(Audit.action == action).order_by(Audit.id))]


def _copies(slack_state, root) -> list[str]:
    return [m["text"] for m in thread(slack_state, root)
            if ((m.get("metadata") or {}).get("event_payload") or {}).get("part") == "saved"]


def test_add_list_replace_and_remove(bot):
    assert _command(bot, f"saved add thanks {THANKS}") == (
        "💾 Saved reply `thanks` added. Send it with `!thanks` in a conversation's thread.")
    assert _command(bot, "saved add --private dm Please send us your order number here.").startswith(
        "💾 Saved reply `dm` added. It always goes privately.")
    assert _command(bot, "saved list") == (
        "*Saved replies* (2; send one with `!name` in a thread)\n"
        "• `!dm` 🔒 — Please send us your order number here.\n"
        "• `!thanks` — Hi {first_name} ({handle}), thanks for writing! {agent} here, …")
    assert _command(bot, "saved add thanks Thanks, {first_name}!").startswith("💾 Saved reply `thanks` replaced.")
    assert "• `!thanks` — Thanks, {first_name}!" in _command(bot, "saved list")
    assert _command(bot, "saved remove thanks") == "🗑️ Saved reply `thanks` removed."
    assert _command(bot, "saved remove thanks") == "There is no saved reply `thanks`."
    assert "!thanks" not in _command(bot, "saved list")
    assert "`/social saved add NAME [--private] TEXT`" in _command(bot, "help")


def test_a_bad_name_or_an_unknown_variable_is_refused_in_one_line(bot):
    assert _command(bot, "saved add Thanks! Hi") == (
        "`Thanks!` is not a saved reply name: use 1–32 of a-z, 0-9 and -, e.g. `thanks`.")
    assert _command(bot, "saved add hi Hi {firstname}!") == (
        "Not saved: `{firstname}` is no variable; a saved reply may use `{first_name}`, `{name}`, `{handle}`, "
        "`{agent}`, `{id}`.")
    assert _command(bot, "saved frobnicate").startswith("Usage: `/social saved add NAME TEXT`")
    assert _command(bot, "saved list").startswith("*Saved replies*: none yet.")


@pytest.mark.settings(SLACK_PUBLISHERS="U0ALICE")
def test_only_publishers_add_or_remove(bot, slack_state):
    assert _command(bot, "saved add hi Hello!") .startswith("💾 Saved reply `hi` added.")
    for text in ("saved add hi Bye!", "saved remove hi"):
        answer = _command(bot, text, user="U0BOB")
        if answer.startswith("⏳"):  # Slack could not say at once: the answer follows privately
            answer = slack_state.ephemerals[-1]["text"]
        assert answer.startswith("Only people who may speak for the brand can add or remove saved replies")
    assert "• `!hi` — Hello!" in _command(bot, "saved list", user="U0BOB")  # anyone may look


def test_bang_name_sends_the_expanded_text_once_through_slack_retries(bot, deps, clock, x_state, slack_state):
    tweet, root = _dana(deps, clock, x_state, slack_state)
    _command(bot, f"saved add thanks {THANKS}")
    message = slack_state.user_posts("U0ALICE", "C0SUPPORT", "!thanks We ship on Monday.", thread_ts=root["ts"],
                                     deliver=False, escape=False)
    envelope = event_envelope({**message, "event_ts": message["ts"], "channel_type": "channel"},
                              slack_state.team_id, slack_state.bot_user_id)
    for retry in (None, "1", "2"):  # Slack's delivery and its retries of the same event
        headers = {"X-Slack-Retry-Num": retry, "X-Slack-Retry-Reason": "http_timeout"} if retry else None
        assert bot.post_json(envelope, headers).status_code == 200
    conv_id = latest_outbox(deps).conversation_id
    expanded = f"Hi Dana (@dana), thanks for writing! alice here, about #{conv_id}. We ship on Monday."
    assert _sent(x_state, tweet) == [f"@dana {expanded}"]
    deliver(deps, clock.advance(minutes=5))
    assert _sent(x_state, tweet) == [f"@dana {expanded}"]
    assert latest_outbox(deps).state == SENT and latest_outbox(deps).slack_text == expanded
    assert [d.endswith(f"“{expanded}”") for d in _audit(deps, "reply_queued")] == [True]
    assert _copies(slack_state, root) == [f"💬 `!thanks` by <@U0ALICE>, for X:\n> {expanded}"]
    trail = _command(bot, f"audit #{conv_id}")
    assert "💬 sent a saved reply: !thanks" in trail and "We ship on Monday." in trail


def test_slack_markup_in_a_saved_text_reaches_the_customer_as_plain_text(bot, deps, clock, x_state, slack_state):
    tweet, root = _dana(deps, clock, x_state, slack_state)
    # As Slack sends a command's text with should_escape: &, < and > escaped, links and people as markup.
    _command(bot, "saved add menu Fish &amp; chips &lt;3 — ask <@U0BOB> in <#C0SHOP|shop> <https://acme.example/menu>")
    bot.staff_says(root["ts"], "!menu")
    [sent] = _sent(x_state, tweet)  # X shortens the link (t.co), as it does every link
    assert sent.startswith("@dana Fish & chips <3 — ask bob in #shop https://t.co/")


@pytest.mark.meta
def test_on_facebook_the_name_is_the_commenters(webhooks_on, deps, graph_state, slack_state):
    bot = webhooks_on
    comment = graph_state.customer_comments("Jane Doe", "Ordered 2 weeks ago & still nothing!")
    bot.executor.drain()
    root = slack_state.roots("C0SUPPORT")[0]
    _command(bot, "saved add sorry So sorry {first_name} — {name}, we are on it.")
    bot.staff_says(root["ts"], "!sorry")
    assert graph_state.page_replies_to(comment["id"]) == ["So sorry Jane — Jane Doe, we are on it."]


def test_too_long_on_x_after_expansion_is_refused_like_a_typed_reply(bot, deps, clock, x_state, slack_state):
    tweet, root = _dana(deps, clock, x_state, slack_state)
    _command(bot, "saved add long " + "word " * 54 + "{name}")  # 270 characters before the name is filled
    bot.staff_says(root["ts"], "!long")
    deliver(deps, clock.advance(minutes=5))
    assert _sent(x_state, tweet) == []
    [warning] = [m["text"] for m in thread(slack_state, root) if m["text"].startswith("⚠️")]
    assert "*not sent* to the customer" in warning and "280" in warning
    assert latest_outbox(deps).slack_text.endswith("word Dana Scully")


def test_held_by_reply_check_its_notice_shows_the_expanded_text(bot, deps, clock, x_state, slack_state):
    tweet, root = _dana(deps, clock, x_state, slack_state)
    _command(bot, "saved add calm Calm down {first_name}, call me on 07700 900123")
    bot.staff_says(root["ts"], "!calm")
    [held] = [e["text"] for e in slack_state.ephemerals if e["text"].startswith("✋ *Held")]
    assert "It would send:\n> Calm down Dana, call me on 07700 900123" in held
    deliver(deps, clock.advance(minutes=5))
    assert _sent(x_state, tweet) == []


@pytest.mark.settings(SEND_DELAY="10s")
def test_the_expansion_is_fixed_once_whatever_the_saved_reply_becomes(bot, deps, clock, x_state, slack_state):
    tweet, root = _dana(deps, clock, x_state, slack_state)
    _command(bot, "saved add thanks Thanks {first_name}!")
    bot.staff_says(root["ts"], "!thanks")
    [undo] = [m["text"] for m in thread(slack_state, root) if "Undo" in m["text"]]  # waiting, undoable
    assert undo.endswith("Its author can Undo it until then.\n> Thanks Dana!")
    _command(bot, "saved add thanks Something else entirely.")
    deliver(deps, clock.advance(seconds=11))
    assert _sent(x_state, tweet) == ["@dana Thanks Dana!"]


def test_a_private_only_saved_reply_goes_as_a_dm(bot, deps, clock, x_state, slack_state):
    tweet, root = _dana(deps, clock, x_state, slack_state)
    _command(bot, "saved add --private order Please DM us your order number, {first_name}.")
    bot.staff_says(root["ts"], "!order")
    dana = x_state.add_user("dana")
    assert x_state.brand_dms_to(dana) == ["Please DM us your order number, Dana."]
    assert _sent(x_state, tweet) == []


def test_an_unknown_name_sends_nothing_and_tells_the_author_the_names(bot, deps, clock, x_state, slack_state):
    tweet, root = _dana(deps, clock, x_state, slack_state)
    _command(bot, "saved add thanks Thanks!")
    _command(bot, "saved add sorry Sorry!")
    before = len(slack_state.ephemerals)
    bot.staff_says(root["ts"], "!thank you")
    told = slack_state.ephemerals[before:]
    assert [(e["user"], e["text"]) for e in told] == [
        ("U0ALICE", "Nothing was sent: there is no saved reply `thank`. Saved replies: `!sorry`, `!thanks`.")]
    deliver(deps, clock.advance(minutes=5))
    assert _sent(x_state, tweet) == []
    with deps.sessions() as session:
        assert session.scalars(select(Outbox)).all() == []
        assert session.scalar(select(Message.direction).where(Message.text == "!thank you")) == NOTE


@pytest.mark.settings(SLACK_PUBLISHERS="U0ALICE")
def test_a_non_publishers_bang_name_stays_a_note(bot, deps, clock, x_state, slack_state):
    tweet, root = _dana(deps, clock, x_state, slack_state)
    _command(bot, "saved add thanks Thanks {first_name}!")
    bot.staff_says(root["ts"], "!thanks", user="U0BOB")
    deliver(deps, clock.advance(minutes=5))
    assert _sent(x_state, tweet) == []
    assert slack_state.ephemerals[-1]["user"] == "U0BOB"
    assert slack_state.ephemerals[-1]["text"].startswith("🔒 Kept as an internal note — *not sent*")
    bot.staff_says(root["ts"], "!thanks")  # a publisher's goes
    assert _sent(x_state, tweet) == ["@dana Thanks Dana!"]


def _edit(bot, message: dict, text: str, ts: str) -> dict:
    edited = {**message, "text": text, "edited": {"user": message["user"], "ts": ts}}
    bot.event({"type": "message", "subtype": "message_changed", "channel": "C0SUPPORT", "ts": ts,
               "message": edited, "previous_message": message, "event_ts": ts, "hidden": True})
    return edited


@pytest.mark.settings(SEND_DELAY="10m")
def test_a_waiting_reply_edited_to_a_bang_name_sends_the_expansion(bot, deps, clock, x_state, slack_state):
    tweet, root = _dana(deps, clock, x_state, slack_state)
    _command(bot, "saved add thanks Thanks {first_name}, from {agent}!")
    message, _ = bot.staff_says(root["ts"], "Thanks")
    _edit(bot, message, "!thanks See you.", "99.1")
    # Edits are taken before the ack: {agent} not cached yet is the mention, named by the send.
    assert latest_outbox(deps).slack_text == "Thanks Dana, from <@U0ALICE>! See you."
    deliver(deps, clock.advance(minutes=11))
    assert _sent(x_state, tweet) == ["@dana Thanks Dana, from alice! See you."]


@pytest.mark.settings(SEND_DELAY="10m")
def test_an_edit_to_an_unknown_name_is_held_never_sent_as_typed(bot, deps, clock, x_state, slack_state):
    tweet, root = _dana(deps, clock, x_state, slack_state)
    message, _ = bot.staff_says(root["ts"], "Thanks")
    _edit(bot, message, "!nosuch", "99.1")
    assert latest_outbox(deps).state == "held"
    assert "there is no saved reply `nosuch`" in latest_outbox(deps).check_findings
    assert slack_state.ephemerals[-1]["text"].startswith("✋ *Held — not sent to X.*")
    deliver(deps, clock.advance(minutes=20))
    assert _sent(x_state, tweet) == []


def test_a_call_whose_process_died_after_the_ack_is_expanded_by_the_next(deps, clock, x_state, slack_state,
                                                                        monkeypatch):
    """The web process recorded `!thanks` and died before its after-ack work:
    the row waits, invisible to deliver, until a later pass settles it once."""
    from bot.outbound.relay import AUTHOR_CHECK, Relay, record_staff_message
    from bot.store.saved_replies import put_saved_reply
    from handlers import after_ack
    from handlers.after_ack import settle_leftovers
    monkeypatch.setattr(after_ack, "_leftovers_at", [])  # this process has settled none yet
    tweet, root = _dana(deps, clock, x_state, slack_state)
    with deps.sessions() as session:
        put_saved_reply(session, "thanks", "Thanks {first_name}!", False, "U0ALICE", clock())
        result = record_staff_message(session, deps, "C0SUPPORT", root["ts"], "1700000001.000100", "U0ALICE",
                                      "!thanks", clock())
        session.commit()
    assert result.outcome is Relay.CHECKING and latest_outbox(deps).state == AUTHOR_CHECK
    deliver(deps, clock.advance(seconds=1))
    assert _sent(x_state, tweet) == []  # not before it is expanded
    assert settle_leftovers(deps, clock.advance(minutes=5)) == 1  # once its look-up is surely over
    assert settle_leftovers(deps, clock.advance(minutes=2)) == 0
    deliver(deps, clock.advance(minutes=1))
    assert _sent(x_state, tweet) == ["@dana Thanks Dana!"]


class _GatedPeople(dict):
    """The emulator's users: users.info about Alice answers only once the
    test opens the gate — Slack that has not answered yet. The test's own
    reads are not gated."""

    def __init__(self, users: dict):
        super().__init__(users)
        self.test, self.gate, self.asked = threading.current_thread(), threading.Event(), threading.Event()

    def get(self, key, default=None):
        if key == "U0ALICE" and threading.current_thread() is not self.test:
            self.asked.set()
            self.gate.wait(60)  # bounded, so a broken product fails the test rather than hang it
        return super().get(key, default)


def test_the_ack_of_a_bang_name_never_waits_for_slack(bot, deps, clock, x_state, slack_state):
    """{agent} is asked of Slack after the ack: the answer to Slack's delivery
    arrives while users.info has not answered."""
    tweet, root = _dana(deps, clock, x_state, slack_state)
    _command(bot, "saved add thanks Thanks {first_name}, {agent} here.")
    people = slack_state.users = _GatedPeople(slack_state.users)
    message = slack_state.user_posts("U0ALICE", "C0SUPPORT", "!thanks", thread_ts=root["ts"], deliver=False,
                                     escape=False)
    body, headers = json_request(slack_state.signing_secret, event_envelope(
        {**message, "event_ts": message["ts"], "channel_type": "channel"}, slack_state.team_id,
        slack_state.bot_user_id))
    response = requests.post(bot.events_url, data=body, headers=headers, timeout=30)
    assert response.status_code == 200 and not people.gate.is_set()
    assert people.asked.wait(30)  # asked after the ack …
    people.gate.set()  # … and answered now
    bot.executor.drain()
    assert _sent(x_state, tweet) == ["@dana Thanks Dana, alice here."]


@pytest.mark.meta
def test_in_messenger_the_window_applies_as_to_a_typed_reply(webhooks_on, deps, clock, graph_state, slack_state):
    bot = webhooks_on
    graph_state.customer_messages("Sam Lee", "Hi! Is the blue one back in stock?")
    bot.executor.drain()
    root = slack_state.roots("C0SUPPORT")[0]
    psid = graph_state.psid("Sam Lee")
    _command(bot, "saved add hours We are open 9–17, {name}.")
    bot.staff_says(root["ts"], "!hours")
    [sent] = graph_state.texts_sent_to(psid)
    assert sent.startswith("We are open 9–17, ") and "{name}" not in sent
    clock.advance(hours=25)
    bot.staff_says(root["ts"], "!hours Sorry for the wait.")
    assert graph_state.texts_sent_to(psid) == [sent]
    [notice] = [m["text"] for m in thread(slack_state, root) if "not sent" in m["text"]]
    assert "24-hour window closed" in notice
