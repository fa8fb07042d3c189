"""A reply written in the composer, held and cancelled, comes back when its author opens ✍️ Reply again (a new
user's trial, 2026-12-07: the held notice said "Edit your message", which a composer reply — shown in the thread as
the bot's message — cannot be, and Cancel left an empty box). Signed requests, the Slack emulator's views."""
from __future__ import annotations

from bot.desk.composer import CANCELLED_KEPT_FOR, TEXT_ACTION
from bot.outbound.deliver import deliver
from bot.store.models import CANCELLED
from tests.test_composer import _outbox, check_lines, press_reply, submits, types

FLAGGED = "Calm down & call me on 07700 900123 <today>"


def _text_element(modal: dict) -> dict:
    return next(b["element"] for b in modal["view"]["blocks"]
                if b["type"] == "input" and b["element"].get("action_id") == TEXT_ACTION)


def _held_then_cancelled(bot, deps, slack_state, root) -> None:
    modal = press_reply(bot, slack_state, root)
    types(bot, slack_state, modal, FLAGGED)
    submits(bot, slack_state, modal)
    held = max(i for i, e in enumerate(slack_state.ephemerals) if e["text"].startswith("✋ *Held"))
    assert "To change it, *Cancel*: ✍️ Reply opens with your words again" in slack_state.ephemerals[held]["text"]
    assert "Edit your message" not in slack_state.ephemerals[held]["text"]
    slack_state.user_presses_ephemeral("U0ALICE", held, "reply_cancel")
    bot.executor.drain()
    assert [row.state for row in _outbox(deps)] == [CANCELLED]


def test_a_cancelled_composer_reply_opens_again_with_its_words(bot, deps, x_state, slack_state, carol):
    tweet, root = carol
    _held_then_cancelled(bot, deps, slack_state, root)
    again = press_reply(bot, slack_state, root)
    assert _text_element(again).get("initial_value") == FLAGGED  # as typed: & < > not escaped
    assert "↩️ Your reply cancelled after it was held" in str(again["view"]["blocks"])
    assert "a phone number" in check_lines(again["view"])  # its findings shown at once, before a keystroke
    other = press_reply(bot, slack_state, root, user="U0BOB")  # only its author's words come back
    assert "initial_value" not in _text_element(other)
    assert x_state.replies_to(tweet["id"]) == []


def test_an_old_cancelled_reply_does_not_come_back(bot, deps, clock, slack_state, carol):
    _, root = carol
    _held_then_cancelled(bot, deps, slack_state, root)
    clock.advance(seconds=CANCELLED_KEPT_FOR.total_seconds() + 1)
    assert "initial_value" not in _text_element(press_reply(bot, slack_state, root))


def test_the_words_brought_back_changed_and_sent_go_out_once(bot, deps, clock, x_state, slack_state, carol):
    tweet, root = carol
    _held_then_cancelled(bot, deps, slack_state, root)
    again = press_reply(bot, slack_state, root)
    types(bot, slack_state, again, "Sorry Carol, your parcel is out for delivery today.")
    assert submits(bot, slack_state, again).status_code == 200
    deliver(deps, clock())
    assert [r["text"] for r in x_state.replies_to(tweet["id"])] == ["@carol Sorry Carol, your parcel is out for delivery today."]
