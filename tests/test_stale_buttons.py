"""Nothing offers an action that no longer applies (issue 21, item 2), through
signed Slack requests and the X emulator: the Undo under a reply waiting out
SEND_DELAY says "📤 Sent" without its button once the reply left; a held
notice's buttons are replaced by the answer when pressed (its response_url,
the only way to change an ephemeral), and a second press is answered plainly;
a cancelled or undone reply is marked ✖️ in the thread with a line saying it
never left."""
from __future__ import annotations

import pytest

from bot.outbound.deliver import deliver
from bot.store.models import CANCELLED, HELD, SENT
from tests.helpers import latest_outbox as _row
from tests.helpers import thread

FLAGGED = "Calm down, call me on 07700 900123"




def _buttons(message: dict) -> list[str]:
    return [e["text"]["text"] for b in message.get("blocks") or [] for e in b.get("elements", [])
            if e.get("type") == "button"]


def _undo_notices(slack_state, root: dict) -> list[dict]:
    return [m for m in thread(slack_state, root)
            if ((m.get("metadata") or {}).get("event_payload") or {}).get("part") == "undo"]


def _held_notice(slack_state) -> int:
    return max(i for i, e in enumerate(slack_state.ephemerals) if e["text"].startswith("✋ *Held"))


def _reactions(slack_state, message: dict) -> set[str]:
    return {r["name"] for r in slack_state.find("C0SUPPORT", message["ts"]).get("reactions", [])}


def _press_in_thread(bot, notice: dict, user: str = "U0ALICE"):
    button = next(e for b in notice["blocks"] for e in b.get("elements", []) if e.get("type") == "button")
    bot.slack_state.user_acts(user, "C0SUPPORT", notice["ts"], {
        "type": "button", "action_id": button["action_id"], "block_id": f"undo_{button['value']}",
        "value": button["value"]})
    bot.executor.drain()


@pytest.mark.settings(SEND_DELAY="10s")
def test_the_undo_disappears_once_the_reply_is_sent(bot, deps, clock, x_state, slack_state, carol):
    tweet, root = carol
    bot.staff_says(root["ts"], "Sorry Carol, refund on its way")
    [notice] = _undo_notices(slack_state, root)
    assert "in 10 s" in notice["text"] and _buttons(notice) == ["Undo"]
    deliver(deps, clock.advance(seconds=11))
    assert [t["text"] for t in x_state.replies_to(tweet["id"])] == ["@carol Sorry Carol, refund on its way"]
    [notice] = _undo_notices(slack_state, root)
    assert _buttons(notice) == [] and notice["text"] == "📤 Sent to X."
    _press_in_thread(bot, {**notice, "blocks": [{"type": "actions", "elements": [
        {"type": "button", "action_id": "reply_undo", "value": str(_row(deps).id), "text": {"text": "Undo"}}]}]})
    assert slack_state.ephemerals[-1]["text"] == "Too late: it was already sent to X."  # a press from a stale client


@pytest.mark.settings(SEND_DELAY="10s")
def test_an_undone_reply_is_marked_in_the_thread(bot, deps, clock, x_state, slack_state, carol):
    tweet, root = carol
    message, _ = bot.staff_says(root["ts"], "Sorry Carol, refund on its way")
    [notice] = _undo_notices(slack_state, root)
    _press_in_thread(bot, notice, user="U0BOB")  # not the author: told so, the Undo stays for Alice
    assert "Only <@U0ALICE>" in slack_state.ephemerals[-1]["text"]
    assert _buttons(_undo_notices(slack_state, root)[0]) == ["Undo"]
    _press_in_thread(bot, notice)
    deliver(deps, clock.advance(seconds=30))
    assert x_state.replies_to(tweet["id"]) == [] and _row(deps).state == CANCELLED
    [notice] = _undo_notices(slack_state, root)
    assert _buttons(notice) == [] and notice["text"].startswith("✖️ *Not sent* to X") and "undone" in notice["text"]
    assert "heavy_multiplication_x" in _reactions(slack_state, message)


def test_after_cancel_the_held_notice_has_no_buttons_and_a_second_press_is_answered_plainly(
        bot, deps, clock, x_state, slack_state, carol):
    tweet, root = carol
    message, _ = bot.staff_says(root["ts"], FLAGGED)
    held = _held_notice(slack_state)
    # "Calm down" is tone: a DM would not fix it, so Send privately is not offered.
    assert _buttons(slack_state.ephemerals[held]) == ["Send anyway", "Cancel"]
    slack_state.user_presses_ephemeral("U0ALICE", held, "reply_cancel")
    bot.executor.drain()
    shown = slack_state.ephemerals[held]
    assert shown["text"].startswith("↩️ Cancelled: nothing was sent to X") and _buttons(shown) == []
    # Another client still showing the old buttons: the press is answered plainly, in place.
    slack_state.ephemerals[held]["blocks"] = slack_state.ephemerals[held]["replaced"][0]["blocks"]
    slack_state.user_presses_ephemeral("U0ALICE", held, "reply_send_anyway")
    bot.executor.drain()
    shown = slack_state.ephemerals[held]
    assert (shown["text"], _buttons(shown)) == ("It was already cancelled: nothing was sent.", [])
    deliver(deps, clock.advance(minutes=5))
    assert x_state.replies_to(tweet["id"]) == [] and _row(deps).state == CANCELLED
    # The thread shows it never left: ✖️ on the message, ✋ gone, and one line saying so.
    assert "heavy_multiplication_x" in _reactions(slack_state, message)
    assert "raised_hand" not in _reactions(slack_state, message)
    notes = [m["text"] for m in thread(slack_state, root) if m["text"].startswith("✖️")]
    assert notes == ["✖️ *Not sent* to X: the reply marked ✖️ was held, then cancelled by its author. "
                     "The customer never saw it."]


def test_send_privately_on_an_older_notice_keeps_a_tone_finding_held_and_its_other_buttons(
        bot, deps, clock, x_state, slack_state, carol):
    """A notice from before the rule still shows Send privately: pressed, it says why the reply stays held and
    keeps Send anyway and Cancel; nothing goes out, publicly or in a DM."""
    tweet, root = carol
    bot.staff_says(root["ts"], FLAGGED)
    held = _held_notice(slack_state)
    [actions] = [b for b in slack_state.ephemerals[held]["blocks"] if b.get("type") == "actions"]
    actions["elements"].insert(1, {"type": "button", "text": {"type": "plain_text", "text": "Send privately"},
                                   "action_id": "reply_send_privately", "value": str(_row(deps).id)})
    slack_state.user_presses_ephemeral("U0ALICE", held, "reply_send_privately")
    bot.executor.drain()
    shown = slack_state.ephemerals[held]
    assert shown["text"].startswith("✋ Still held: sending it privately hides personal data, not its tone")
    assert _buttons(shown) == ["Send anyway", "Cancel"]
    deliver(deps, clock.advance(minutes=5))
    assert _row(deps).state == HELD and x_state.replies_to(tweet["id"]) == []
    assert x_state.brand_dms_to(x_state.add_user("carol")) == []


def test_send_anyway_replaces_the_held_notice_with_its_answer(bot, deps, clock, x_state, slack_state, carol):
    tweet, root = carol
    bot.staff_says(root["ts"], FLAGGED)
    held = _held_notice(slack_state)
    slack_state.user_presses_ephemeral("U0ALICE", held, "reply_send_anyway")
    bot.executor.drain()
    assert [t["text"] for t in x_state.replies_to(tweet["id"])] == [f"@carol {FLAGGED}"]
    shown = slack_state.ephemerals[held]
    assert (shown["text"], _buttons(shown)) == ("📤 Sending it to X as written.", [])
    assert _row(deps).state == SENT


def _edit(bot, message: dict, text: str) -> None:
    edited = {**message, "text": text, "edited": {"user": "U0ALICE", "ts": "1"}}
    bot.event({"type": "message", "subtype": "message_changed", "channel": "C0SUPPORT", "ts": "99.1",
               "message": edited, "previous_message": message, "event_ts": "99.1", "hidden": True})


@pytest.mark.settings(SEND_DELAY="10s")
def test_a_reply_deleted_during_the_delay_leaves_no_live_undo(bot, deps, clock, x_state, slack_state, carol):
    tweet, root = carol
    message, _ = bot.staff_says(root["ts"], "Sorry Carol, refund on its way")
    bot.event({"type": "message", "subtype": "message_deleted", "channel": "C0SUPPORT", "ts": "99.2",
               "deleted_ts": message["ts"], "previous_message": message, "event_ts": "99.2", "hidden": True})
    [notice] = _undo_notices(slack_state, root)
    assert _buttons(notice) == [] and notice["text"] == ("🗑️ *Not sent* to X: its author deleted the reply "
                                                          "before it left.")
    deliver(deps, clock.advance(seconds=30))
    assert x_state.replies_to(tweet["id"]) == []


@pytest.mark.settings(SEND_DELAY="10s")
def test_a_reply_held_after_an_edit_loses_its_undo_until_it_is_released_again(bot, deps, clock, x_state,
                                                                               slack_state, carol):
    tweet, root = carol
    message, _ = bot.staff_says(root["ts"], "Sorry Carol, refund on its way")
    _edit(bot, message, FLAGGED)
    [notice] = _undo_notices(slack_state, root)
    assert _buttons(notice) == [] and notice["text"].startswith("✋ *Held after an edit*")
    held = _held_notice(slack_state)
    slack_state.user_presses_ephemeral("U0ALICE", held, "reply_send_anyway")
    bot.executor.drain()
    [notice] = _undo_notices(slack_state, root)  # the same notice offers the Undo again
    assert _buttons(notice) == ["Undo"] and "in 10 s" in notice["text"]
    deliver(deps, clock.advance(seconds=11))
    assert [t["text"] for t in x_state.replies_to(tweet["id"])] == [f"@carol {FLAGGED}"]
    assert [n["text"] for n in _undo_notices(slack_state, root)] == ["📤 Sent to X."]


@pytest.mark.settings(SEND_DELAY="10s")
def test_a_reply_the_platform_refuses_leaves_no_live_undo(bot, deps, clock, x_state, slack_state, carol):
    tweet, root = carol
    bot.staff_says(root["ts"], "Sorry Carol, refund on its way")
    x_state.fail_next("create", 403)  # X refuses it for good
    deliver(deps, clock.advance(seconds=11))
    assert _row(deps).state == "failed"
    [notice] = _undo_notices(slack_state, root)
    assert _buttons(notice) == [] and notice["text"] == "⚠️ *Not sent* to X: the ⚠️ in this thread says why."
