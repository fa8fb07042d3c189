"""Speaking for the brand, the check and the undo window, end to end through
signed Bolt requests and the X emulator: a flagged reply is held and its
author decides (Send anyway exactly once, Cancel sends nothing, Send privately
goes as a DM), `warn` sends and tells, Undo within SEND_DELAY sends nothing even
racing the sender, and `/social audit` shows the exact text that went out."""
from __future__ import annotations

import pytest

from bot.outbound.deliver import deliver
from bot.store.models import CANCELLED, HELD, SENDING, SENT
from tests.helpers import latest_outbox as _row
from tests.helpers import roots, thread

FLAGGED = "Carol, we'll call you at 555-123-4567 — stop whining"




def _press(bot, action_id: str, outbox_id: int, user: str = "U0ALICE", root_ts: str = ""):
    bot.slack_state.user_acts(user, "C0SUPPORT", root_ts, {
        "type": "button", "action_id": action_id, "block_id": f"held_{outbox_id}", "value": str(outbox_id)})
    bot.executor.drain()


def _told(slack_state, user: str = "U0ALICE") -> list[dict]:
    return [e for e in slack_state.ephemerals if e["user"] == user]


def _buttons(ephemeral: dict) -> list[str]:
    return [e["text"]["text"] for b in ephemeral.get("blocks") or [] for e in b.get("elements", [])
            if e.get("type") == "button"]


def _audit(bot, conv_id: int = 1) -> str:
    return bot.slack_state.user_runs_command("U0ALICE", "C0SUPPORT", f"audit #{conv_id}").json()["text"]


def test_a_flagged_reply_is_held_and_send_anyway_sends_it_exactly_once(bot, deps, clock, x_state, slack_state,
                                                                      carol):
    tweet, root = carol
    message, _ = bot.staff_says(root["ts"], FLAGGED)
    assert x_state.replies_to(tweet["id"]) == []
    notice = _told(slack_state)[-1]
    assert "Held — not sent to X" in notice["text"] and "•••• 4567" in notice["text"] and "stop whining" in notice["text"]
    assert "555-123-4567" not in notice["text"]  # the notice does not repeat the personal data
    # Its tone ("stop whining") is no less rude in a DM: Send privately is not offered.
    assert _buttons(notice) == ["Send anyway", "Cancel"]
    assert "raised_hand" in {r["name"] for r in slack_state.find("C0SUPPORT", message["ts"]).get("reactions", [])}
    row = _row(deps)
    assert row.state == HELD
    deliver(deps, clock.advance(minutes=5))  # the worker does not send a held reply
    assert x_state.replies_to(tweet["id"]) == []

    _press(bot, "reply_send_anyway", row.id, user="U0BOB")  # not the author: refused
    assert "Only <@U0ALICE>" in _told(slack_state, "U0BOB")[-1]["text"]
    _press(bot, "reply_send_anyway", row.id)
    _press(bot, "reply_send_anyway", row.id)  # a second click
    deliver(deps, clock.advance(minutes=1))
    assert [t["text"] for t in x_state.replies_to(tweet["id"])] == [f"@carol {FLAGGED}"]
    # The first click's after-ack work sent it before the second click was read.
    assert [e["text"] for e in _told(slack_state)[-2:]] == ["📤 Sending it to X as written.",
                                                            "Too late: it was already sent to X."]
    assert "raised_hand" not in {r["name"] for r in slack_state.find("C0SUPPORT", message["ts"]).get("reactions", [])}
    audit = _audit(bot)
    assert "overrode the check" in audit and "stop whining" in audit and "<@U0ALICE>" in audit


def test_cancel_sends_nothing_and_cannot_be_undone_by_a_late_send_anyway(bot, deps, clock, x_state, slack_state,
                                                                         carol):
    tweet, root = carol
    bot.staff_says(root["ts"], "Typical. Read the label next time.")
    row = _row(deps)
    _press(bot, "reply_cancel", row.id)
    assert "Cancelled: nothing was sent" in _told(slack_state)[-1]["text"]
    _press(bot, "reply_send_anyway", row.id)
    assert "already cancelled" in _told(slack_state)[-1]["text"]
    deliver(deps, clock.advance(minutes=5))
    assert x_state.replies_to(tweet["id"]) == [] and _row(deps).state == CANCELLED
    assert "cancelled a held reply" in _audit(bot)


def test_send_privately_turns_a_held_public_reply_into_one_dm(bot, deps, clock, x_state, slack_state, carol):
    tweet, root = carol
    bot.staff_says(root["ts"], "Carol, I've found your order under carol.smith@gmail.com, refund done")
    row = _row(deps)
    _press(bot, "reply_send_privately", row.id)
    _press(bot, "reply_send_privately", row.id)
    assert x_state.replies_to(tweet["id"]) == []
    assert x_state.brand_dms_to(x_state.add_user("carol")) == [
        "Carol, I've found your order under carol.smith@gmail.com, refund done"]


def test_send_privately_is_offered_only_when_every_finding_is_personal_data(bot, deps, clock, x_state,
                                                                             slack_state, carol):
    tweet, root = carol
    bot.staff_says(root["ts"], "Sure, call me on 07700 900123")
    assert _buttons(_told(slack_state)[-1]) == ["Send anyway", "Send privately", "Cancel"]
    _press(bot, "reply_cancel", _row(deps).id)
    bot.staff_says(root["ts"], "Calm down, call me on 07700 900123")
    notice = _told(slack_state)[-1]
    assert "•••• 0123" in notice["text"] and "Calm down" in notice["text"]
    assert _buttons(notice) == ["Send anyway", "Cancel"]


def test_send_privately_pressed_on_a_stale_notice_with_tone_findings_keeps_it_held(bot, deps, clock, x_state,
                                                                                   slack_state, carol):
    """A notice posted before this rule still shows Send privately: pressing it sends nothing and says why."""
    tweet, root = carol
    bot.staff_says(root["ts"], "Calm down, call me on 07700 900123")
    row = _row(deps)
    _press(bot, "reply_send_privately", row.id)
    told = _told(slack_state)[-1]["text"]
    assert told.startswith("✋ Still held: sending it privately hides personal data, not its tone") and "Calm down" in told
    deliver(deps, clock.advance(minutes=5))
    assert _row(deps).state == HELD and _row(deps).kind == "reply"
    assert x_state.replies_to(tweet["id"]) == [] and x_state.brand_dms_to(x_state.add_user("carol")) == []


def test_editing_a_held_reply_checks_it_again(bot, deps, clock, x_state, slack_state, carol):
    tweet, root = carol
    message, _ = bot.staff_says(root["ts"], "Calm down, it's just a late parcel.")
    assert _row(deps).state == HELD
    edited = {**message, "text": "Sorry Carol, a new parcel leaves today.", "edited": {"user": "U0ALICE", "ts": "1"}}
    bot.event({"type": "message", "subtype": "message_changed", "channel": "C0SUPPORT", "ts": "99.1",
               "message": edited, "previous_message": message, "event_ts": "99.1", "hidden": True})
    assert [t["text"] for t in x_state.replies_to(tweet["id"])] == ["@carol Sorry Carol, a new parcel leaves today."]
    audit = _audit(bot)
    assert "edited before sending" in audit and "Sorry Carol, a new parcel leaves today." in audit


@pytest.mark.settings(REPLY_CHECK="warn")
def test_warn_sends_and_tells_the_author(bot, deps, x_state, slack_state, carol):
    tweet, root = carol
    bot.staff_says(root["ts"], "Good luck with that.")
    assert len(x_state.replies_to(tweet["id"])) == 1
    assert "Sent with a warning" in _told(slack_state)[-1]["text"] and "good luck with that" in \
        _told(slack_state)[-1]["text"].lower()


@pytest.mark.settings(REPLY_CHECK="off")
def test_off_sends_without_a_word(bot, deps, x_state, slack_state, carol):
    tweet, root = carol
    bot.staff_says(root["ts"], "Good luck with that.")
    assert len(x_state.replies_to(tweet["id"])) == 1 and _told(slack_state) == []


@pytest.mark.settings(SEND_DELAY="10s")
def test_undo_within_send_delay_sends_nothing(bot, deps, clock, x_state, slack_state, carol):
    tweet, root = carol
    bot.staff_says(root["ts"], "Sorry Carol, refund on its way")
    notice = thread(slack_state, root)[-1]  # in the thread, so that it can change once its moment has passed
    assert "in 10 s" in notice["text"] and _buttons(notice) == ["Undo"]
    deliver(deps, clock.advance(seconds=5))
    assert x_state.replies_to(tweet["id"]) == []
    _press(bot, "reply_undo", _row(deps).id)
    assert "Undone: nothing was sent" in _told(slack_state)[-1]["text"]
    deliver(deps, clock.advance(seconds=30))
    assert x_state.replies_to(tweet["id"]) == []
    assert "undid a reply" in _audit(bot)


@pytest.mark.settings(SEND_DELAY="10s")
def test_without_undo_the_reply_leaves_after_the_delay_once(bot, deps, clock, x_state, slack_state, carol):
    tweet, root = carol
    message, _ = bot.staff_says(root["ts"], "Sorry Carol, refund on its way")
    edited = {**message, "text": "Sorry Carol, the refund is on its way", "edited": {"user": "U0ALICE", "ts": "1"}}
    bot.event({"type": "message", "subtype": "message_changed", "channel": "C0SUPPORT", "ts": "99.1",
               "message": edited, "previous_message": message, "event_ts": "99.1", "hidden": True})
    deliver(deps, clock.advance(seconds=11))
    deliver(deps, clock.advance(seconds=11))
    assert [t["text"] for t in x_state.replies_to(tweet["id"])] == ["@carol Sorry Carol, the refund is on its way"]
    _press(bot, "reply_undo", _row(deps).id)
    assert "already sent" in _told(slack_state)[-1]["text"]
    assert _row(deps).state == SENT and _row(deps).sent_text == "Sorry Carol, the refund is on its way"
    audit = _audit(bot)
    assert "replied publicly" in audit and "Sorry Carol, the refund is on its way" in audit


@pytest.mark.settings(SEND_DELAY="10s")
def test_undo_racing_the_sender_one_of_them_wins(bot, deps, clock, x_state, slack_state, carol):
    """The sender has claimed the row (attempts > 0) when Undo arrives: Undo
    loses and says so; the reply goes out once."""
    from bot.outbound.deliver import _claim
    tweet, root = carol
    bot.staff_says(root["ts"], "Sorry Carol, refund on its way")
    row_id, now = _row(deps).id, clock.advance(seconds=11)
    with deps.sessions() as session:
        assert _claim(session, row_id, "racer", now, deps)
        session.commit()
    _press(bot, "reply_undo", row_id)
    assert _told(slack_state)[-1]["text"] == "Too late: it is being sent to X right now."
    assert (_row(deps).state, _row(deps).lease_owner) == (SENDING, "racer")  # Undo changed nothing
    deliver(deps, clock.advance(minutes=2))  # the racer died mid-send: looked for, then sent, once
    assert [t["text"] for t in x_state.replies_to(tweet["id"])] == ["@carol Sorry Carol, refund on its way"]
    assert _row(deps).state == SENT


def test_social_private_is_checked_for_tone_not_for_personal_data(bot, deps, clock, x_state, slack_state, carol):
    answer = bot.slack_state.user_runs_command("U0ALICE", "C0SUPPORT",
                                               "private #1 Your login is carol.smith@gmail.com").json()["text"]
    assert answer.startswith("🔒 Sending privately")
    answer = bot.slack_state.user_runs_command("U0ALICE", "C0SUPPORT", "private #1 Nice try, Carol.").json()["text"]
    assert answer.startswith("✋ Held")
    bot.executor.drain()
    notice = _told(slack_state)[-1]
    assert _buttons(notice) == ["Send anyway", "Cancel"]
    assert "Held — not sent to X DM" in notice["text"]  # where it would have gone, as people call it
    assert "goes public" not in notice["text"]  # a DM is never public: "Every message to a customer is checked"
    _press(bot, "reply_send_anyway", _row(deps).id)
    carol_id = x_state.add_user("carol")
    assert x_state.brand_dms_to(carol_id) == ["Your login is carol.smith@gmail.com", "Nice try, Carol."]
    copies = [m["text"] for m in thread(slack_state, roots(slack_state)[0]) if "Private reply" in m["text"]]
    assert [c.rsplit("\n> ", 1)[-1] for c in copies] == ["Your login is carol.smith@gmail.com", "Nice try, Carol."]


@pytest.mark.meta
def test_a_held_messenger_reply_is_named_for_where_it_would_have_gone(webhooks_on, deps, graph_state, slack_state):
    """A Messenger thread's reply goes to Messenger: the notices say so, not "Facebook"."""
    graph_state.customer_messages("Nina", "my parcel never came")
    webhooks_on.executor.drain()
    [root] = roots(slack_state)
    webhooks_on.staff_says(root["ts"], "Typical. Read the label next time.")
    assert "Held — not sent to Messenger" in _told(slack_state)[-1]["text"]
    _press(webhooks_on, "reply_cancel", _row(deps).id, root_ts=root["ts"])
    assert "Cancelled: nothing was sent to Messenger" in _told(slack_state)[-1]["text"]
    assert graph_state.texts_sent_to(graph_state.psid("Nina")) == []
