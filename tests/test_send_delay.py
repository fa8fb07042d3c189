"""Every reply waits out SEND_DELAY (issue 21, item 3): a held reply released
with Send anyway or Send privately gets the same Undo window as any other
reply, through signed Slack requests and the X emulator, time injected."""
from __future__ import annotations

import pytest

from bot.outbound.deliver import deliver
from bot.store.models import CANCELLED, SENT
from tests.helpers import latest_outbox as _row
from tests.helpers import thread

FLAGGED = "Calm down, call me on 07700 900123"
# Only personal data: a DM is its fix, so the held notice offers Send privately (never for tone).
PERSONAL_ONLY = "Sorry Carol, call me on 07700 900123"


def _undo_notices(slack_state, root: dict) -> list[dict]:
    return [m for m in thread(slack_state, root)
            if ((m.get("metadata") or {}).get("event_payload") or {}).get("part") == "undo"]


def _release(bot, slack_state, root: dict, text: str, action_id: str) -> int:
    bot.staff_says(root["ts"], text)
    held = max(i for i, e in enumerate(slack_state.ephemerals) if e["text"].startswith("✋ *Held"))
    slack_state.user_presses_ephemeral("U0ALICE", held, action_id)
    bot.executor.drain()
    return held


@pytest.mark.settings(SEND_DELAY="10s")
def test_send_anyway_waits_send_delay_and_can_be_undone(bot, deps, clock, x_state, slack_state, carol):
    tweet, root = carol
    held = _release(bot, slack_state, root, FLAGGED, "reply_send_anyway")
    assert slack_state.ephemerals[held]["text"] == ("📤 Sending it to X as written in 10 s; Undo in the thread "
                                                    "until then.")
    assert x_state.replies_to(tweet["id"]) == []  # not at once
    deliver(deps, clock.advance(seconds=5))
    assert x_state.replies_to(tweet["id"]) == []
    [notice] = _undo_notices(slack_state, root)
    assert "in 10 s" in notice["text"]
    # The held reply, released, is quoted under its Undo: the one to re-read (a new user's trial, 2026-12-07).
    assert notice["text"].endswith(f"\n> {FLAGGED}")
    undo = notice["blocks"][-1]["elements"][0]
    slack_state.user_acts("U0ALICE", "C0SUPPORT", notice["ts"], {
        "type": "button", "action_id": undo["action_id"], "block_id": notice["blocks"][-1]["block_id"],
        "value": undo["value"]})
    bot.executor.drain()
    assert slack_state.ephemerals[-1]["text"].startswith("↩️ Undone: nothing was sent to X")
    from tests.helpers import all_text, roots
    assert "reply sending" not in all_text(roots(slack_state)[0])  # the root says so at once, not at its next repaint
    deliver(deps, clock.advance(seconds=30))
    assert x_state.replies_to(tweet["id"]) == [] and _row(deps).state == CANCELLED


@pytest.mark.settings(SEND_DELAY="10s")
def test_send_anyway_leaves_once_the_delay_is_over(bot, deps, clock, x_state, slack_state, carol):
    tweet, root = carol
    _release(bot, slack_state, root, FLAGGED, "reply_send_anyway")
    deliver(deps, clock.advance(seconds=9))
    assert x_state.replies_to(tweet["id"]) == []
    deliver(deps, clock.advance(seconds=2))
    deliver(deps, clock.advance(seconds=30))
    assert [t["text"] for t in x_state.replies_to(tweet["id"])] == [f"@carol {FLAGGED}"]
    assert _row(deps).state == SENT and [n["text"] for n in _undo_notices(slack_state, root)] == ["📤 Sent to X."]


@pytest.mark.settings(SEND_DELAY="10s")
def test_send_privately_waits_send_delay_too(bot, deps, clock, x_state, slack_state, carol):
    tweet, root = carol
    held = _release(bot, slack_state, root, PERSONAL_ONLY, "reply_send_privately")
    assert slack_state.ephemerals[held]["text"].endswith("instead of publicly in 10 s; Undo in the thread until then.")
    carol_id = x_state.add_user("carol")
    assert x_state.brand_dms_to(carol_id) == []
    assert len(_undo_notices(slack_state, root)) == 1
    deliver(deps, clock.advance(seconds=11))
    assert x_state.brand_dms_to(carol_id) == [PERSONAL_ONLY] and x_state.replies_to(tweet["id"]) == []


@pytest.mark.settings(SEND_DELAY="10s")
def test_a_held_reply_edited_clean_waits_send_delay_with_its_undo(bot, deps, clock, x_state, slack_state, carol):
    tweet, root = carol
    message, _ = bot.staff_says(root["ts"], FLAGGED)
    edited = {**message, "text": "Sorry Carol, a new parcel leaves today.", "edited": {"user": "U0ALICE", "ts": "1"}}
    bot.event({"type": "message", "subtype": "message_changed", "channel": "C0SUPPORT", "ts": "99.1",
               "message": edited, "previous_message": message, "event_ts": "99.1", "hidden": True})
    assert x_state.replies_to(tweet["id"]) == []  # not at once
    [notice] = _undo_notices(slack_state, root)
    assert "in 10 s" in notice["text"]
    deliver(deps, clock.advance(seconds=11))
    assert [t["text"] for t in x_state.replies_to(tweet["id"])] == ["@carol Sorry Carol, a new parcel leaves today."]
    assert [n["text"] for n in _undo_notices(slack_state, root)] == ["📤 Sent to X."]


def _warnings(slack_state, root: dict) -> list[str]:
    return [m["text"] for m in thread(slack_state, root) if m.get("text", "").startswith("⏳ Reply due")]


@pytest.mark.settings(SEND_DELAY="10s", SLA_FIRST_RESPONSE="1h", SLA_WARN_BEFORE="15m")
def test_no_sla_warning_while_a_reply_counts_down_its_undo_window(bot, deps, clock, x_state, slack_state, carol):
    from bot.desk.escalation import sweep
    tweet, root = carol
    clock.advance(minutes=45, seconds=-5)
    bot.staff_says(root["ts"], "Sorry Carol, a new parcel leaves today.")
    bot.executor.drain()
    assert sweep(deps, clock.advance(seconds=6)).warned == []  # the warning is due, the reply leaves in 4 s
    assert _warnings(slack_state, root) == []
    deliver(deps, clock.advance(seconds=5))
    assert [t["text"] for t in x_state.replies_to(tweet["id"])] == ["@carol Sorry Carol, a new parcel leaves today."]
    assert sweep(deps, clock.advance(minutes=2)).warned == [] and _warnings(slack_state, root) == []


@pytest.mark.settings(SEND_DELAY="10s", SLA_FIRST_RESPONSE="1h", SLA_WARN_BEFORE="15m")
def test_an_undone_reply_lets_the_deferred_warning_go_out(bot, deps, clock, x_state, slack_state, carol):
    from bot.desk.escalation import sweep
    tweet, root = carol
    clock.advance(minutes=45, seconds=-5)
    bot.staff_says(root["ts"], "Sorry Carol, a new parcel leaves today.")
    bot.executor.drain()
    assert sweep(deps, clock.advance(seconds=6)).warned == []
    from tests.helpers import all_text, roots
    assert "reply sending" in all_text(roots(slack_state)[0])
    [notice] = _undo_notices(slack_state, root)
    undo = notice["blocks"][-1]["elements"][0]
    slack_state.user_acts("U0ALICE", "C0SUPPORT", notice["ts"], {
        "type": "button", "action_id": undo["action_id"], "block_id": notice["blocks"][-1]["block_id"],
        "value": undo["value"]})
    bot.executor.drain()
    assert _row(deps).state == CANCELLED
    assert "reply sending" not in all_text(roots(slack_state)[0])  # said at once, not at the next repaint
    assert sweep(deps, clock.advance(seconds=deps.settings.delivery_lease.total_seconds() + 10)).warned != []
    assert len(_warnings(slack_state, root)) == 1 and x_state.replies_to(tweet["id"]) == []
