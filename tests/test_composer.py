"""The composer (issue 22, items 2 and 3): the ✍️ Reply button opens a modal
with the platform's count and the reply check's findings while typing; a
submitted reply goes out once as its author's and shows in the thread; the
root says who is writing until submit, close or expiry. Through signed
block_actions, view_submission and view_closed requests from the Slack
emulator (sandbox/slack_views.py), the X emulator, time injected."""
from __future__ import annotations

import json

import pytest

from bot.desk.composer import COMPOSING_FOR, TEXT_ACTION, TEXT_BLOCK, KIND_ACTION, sweep_composing
from bot.store.models import HELD, Outbox
from handlers.jobs import run_sweep
from sandbox.slack_views import open_modals, user_closes, user_edits, user_submits
from tests.helpers import all_text, thread

FLAGGED = "Calm down, call me on 07700 900123"


def _root(slack_state, root: dict) -> dict:
    return slack_state.find(root["channel"], root["ts"])


def press_reply(bot, slack_state, root: dict, user: str = "U0ALICE"):
    """The ✍️ Reply button on the root, pressed as Slack sends it; the modal it opened (or None)."""
    current = _root(slack_state, root)
    block = next(b for a in current["attachments"] for b in a["blocks"] if b["type"] == "actions")
    button = next(e for e in block["elements"] if e.get("action_id") == "conv_compose")
    slack_state.user_acts(user, root["channel"], root["ts"], {
        "type": "button", "action_id": "conv_compose", "block_id": block["block_id"], "value": button["value"],
        "text": button["text"]})
    bot.executor.drain()
    modals = open_modals(slack_state, user)
    return modals[-1] if modals else None


def types(bot, slack_state, modal: dict, text: str) -> dict:
    user_edits(slack_state, modal["view"]["id"], TEXT_ACTION, text)
    bot.executor.drain()
    return modal["view"]


def check_lines(view: dict) -> str:
    block = next((b for b in view["blocks"] if b.get("block_id") == "composer_check"), None)
    return "\n".join(e["text"] for e in block["elements"]) if block else ""


def submits(bot, slack_state, modal: dict):
    response = user_submits(slack_state, modal["view"]["id"])
    bot.executor.drain()
    return response


def _outbox(deps) -> list[Outbox]:
    with deps.sessions() as session:
        return list(session.query(Outbox).order_by(Outbox.id))


def test_the_button_opens_a_composer_for_its_conversation_and_the_root_says_who_writes(bot, slack_state, carol):
    _, root = carol
    modal = press_reply(bot, slack_state, root)
    assert modal is not None and modal["view"]["callback_id"] == "composer"
    conv_id = json.loads(modal["view"]["private_metadata"])["conversation"]
    assert f"#{conv_id}" in all_text(_root(slack_state, root))
    assert modal["view"]["notify_on_close"] is True
    assert "@acme_support my parcel is lost" in json.dumps(modal["view"]["blocks"])  # what is being answered
    assert "✍️ <@U0ALICE> is writing" in all_text(_root(slack_state, root))


def test_typing_shows_x_weighted_count_and_the_reply_checks_findings(bot, slack_state, carol):
    _, root = carol
    modal = press_reply(bot, slack_state, root)
    view = types(bot, slack_state, modal, "Sorry! 🙂 See https://example.com/help")
    # twitter-text: the emoji weighs 2, the link 23 — 7 + 2 + 5 + 23 (the reply is not signed)
    assert "37 of 280 characters as X counts them" in check_lines(view)
    assert "The reply check found nothing" in check_lines(view)
    view = types(bot, slack_state, modal, FLAGGED)
    assert "The reply check found" in check_lines(view) and "phone" in check_lines(view).lower()
    view = types(bot, slack_state, modal, "x" * 300)
    assert "300 of 280 characters as X counts them — *20 too many*" in check_lines(view)
    assert slack_state.modals[modal["view"]["id"]]["updates"] == 3


def test_a_submitted_reply_goes_out_once_as_its_authors_and_shows_in_the_thread(bot, deps, x_state, slack_state,
                                                                                 carol):
    tweet, root = carol
    modal = press_reply(bot, slack_state, root)
    types(bot, slack_state, modal, "Sorry Carol, a new parcel <leaves> today & it's tracked.")
    response = submits(bot, slack_state, modal)
    assert response.status_code == 200 and not response.content  # a plain 200 closes the modal
    assert [t["text"] for t in x_state.replies_to(tweet["id"])] == [
        "@carol Sorry Carol, a new parcel <leaves> today & it's tracked."]
    [copy] = [m for m in thread(slack_state, root) if m["text"].startswith("✍️")]
    assert copy["text"] == ("✍️ *Reply* by <@U0ALICE> (X):\n"
                            "> Sorry Carol, a new parcel &lt;leaves&gt; today &amp; it's tracked.")
    assert any(r["name"] == "outbox_tray" for r in copy.get("reactions", []))  # 📤 once sent
    [row] = _outbox(deps)
    assert row.staff_user == "U0ALICE" and row.idempotency_key == f"slack:view:{modal['view']['id']}:reply"
    assert "is writing" not in all_text(_root(slack_state, root))
    # The same submission again (a double click, a retry): nothing more.
    user_submits(slack_state, modal["view"]["id"])
    bot.executor.drain()
    assert len(x_state.replies_to(tweet["id"])) == 1 and len(_outbox(deps)) == 1
    assert len([m for m in thread(slack_state, root) if m["text"].startswith("✍️")]) == 1


def test_a_reply_too_long_is_refused_in_place_and_nothing_is_recorded(bot, deps, x_state, slack_state, carol):
    tweet, root = carol
    modal = press_reply(bot, slack_state, root)
    types(bot, slack_state, modal, "x" * 300)
    response = submits(bot, slack_state, modal)
    answer = response.json()
    assert answer["response_action"] == "errors"
    assert answer["errors"][TEXT_BLOCK].startswith("The reply is 300 characters by X's count; the limit is 280.")
    assert modal["open"] and _outbox(deps) == [] and x_state.replies_to(tweet["id"]) == []
    types(bot, slack_state, modal, "Sorry Carol, on its way.")  # fixed in place, then sent
    submits(bot, slack_state, modal)
    assert [t["text"] for t in x_state.replies_to(tweet["id"])] == ["@carol Sorry Carol, on its way."]


def test_a_flagged_reply_submitted_is_held_for_send_anyway_like_a_typed_one(bot, deps, x_state, slack_state, carol):
    tweet, root = carol
    modal = press_reply(bot, slack_state, root)
    types(bot, slack_state, modal, FLAGGED)
    assert submits(bot, slack_state, modal).status_code == 200
    [row] = _outbox(deps)
    assert row.state == HELD and x_state.replies_to(tweet["id"]) == []
    held = [e for e in slack_state.ephemerals if e["text"].startswith("✋ *Held")]
    assert len(held) == 1 and held[0]["user"] == "U0ALICE"
    [copy] = [m for m in thread(slack_state, root) if m["text"].startswith("✍️")]
    assert [r["name"] for r in copy.get("reactions", [])] == ["raised_hand"]  # the team sees it is held


def test_sent_privately_when_chosen(bot, deps, x_state, slack_state, carol):
    tweet, root = carol
    modal = press_reply(bot, slack_state, root)
    user_edits(slack_state, modal["view"]["id"], KIND_ACTION, "private")
    bot.executor.drain()
    view = types(bot, slack_state, modal, "Here is your tracking link.")
    assert "of 10,000 characters as X DM counts them" in check_lines(view)
    submits(bot, slack_state, modal)
    carol_id = x_state.add_user("carol")
    assert x_state.brand_dms_to(carol_id) == ["Here is your tracking link."]
    assert x_state.replies_to(tweet["id"]) == []
    assert any(m["text"].startswith("✍️ 🔒 *Private reply* by <@U0ALICE> (X DM)") for m in thread(slack_state, root))


def test_closing_the_composer_clears_who_is_writing(bot, slack_state, carol):
    _, root = carol
    modal = press_reply(bot, slack_state, root)
    press_reply(bot, slack_state, root, user="U0BOB")
    assert "✍️ <@U0ALICE> and <@U0BOB> are writing" in all_text(_root(slack_state, root))
    user_closes(slack_state, modal["view"]["id"])
    bot.executor.drain()
    assert "✍️ <@U0BOB> is writing" in all_text(_root(slack_state, root))
    assert "U0ALICE> is" not in all_text(_root(slack_state, root))


def test_who_is_writing_expires_without_a_keystroke(bot, deps, clock, slack_state, carol):
    _, root = carol
    modal = press_reply(bot, slack_state, root)
    clock.advance(seconds=COMPOSING_FOR.total_seconds() - 10)
    types(bot, slack_state, modal, "Sorry")  # typing keeps it
    clock.advance(seconds=30)
    assert sweep_composing(deps, clock()) == 0
    assert "is writing" in all_text(_root(slack_state, root))
    clock.advance(seconds=COMPOSING_FOR.total_seconds())
    run_sweep(deps)  # the worker's sweep pass, every 5 s
    assert "is writing" not in all_text(_root(slack_state, root))
    assert sweep_composing(deps, clock()) == 0


@pytest.mark.settings(SLACK_PUBLISHERS="U0ALICE")
def test_someone_who_may_not_publish_is_told_privately_and_no_composer_opens(bot, slack_state, carol):
    _, root = carol
    assert press_reply(bot, slack_state, root, user="U0BOB") is None
    told = [e for e in slack_state.ephemerals if e["user"] == "U0BOB"]
    assert len(told) == 1 and "speak for the brand" in told[0]["text"]
    assert "is writing" not in all_text(_root(slack_state, root))


def test_a_trigger_slack_calls_expired_tells_the_person_to_press_again(bot, slack_state, carol):
    _, root = carol
    slack_state.fail_next("views.open", error="expired_trigger_id")
    assert press_reply(bot, slack_state, root) is None
    assert slack_state.ephemerals[-1]["text"].startswith("⏱️ Slack took too long to open the composer")
    assert "is writing" not in all_text(_root(slack_state, root))


def _modal(title: str = "✍️ Reply #1") -> dict:
    return {"type": "modal", "callback_id": "composer", "title": {"type": "plain_text", "text": title},
            "submit": {"type": "plain_text", "text": "Send"},
            "blocks": [{"type": "input", "block_id": "b", "label": {"type": "plain_text", "text": "Text"},
                        "element": {"type": "plain_text_input", "action_id": "a"}}]}


def test_the_slack_emulator_answers_views_calls_as_slack_does(slack_emulator, slack_state, clock):
    """views.open: a trigger is good for 3 s, an unknown one is invalid_arguments; views.update: a stale hash
    is hash_conflict, an unknown view not_found; a person's input survives an update of the same block."""
    from slack_sdk import WebClient
    from slack_sdk.errors import SlackApiError
    from sandbox.slack_views import new_trigger
    client = WebClient(token=slack_state.token, base_url=slack_emulator.url + "/api/")
    with pytest.raises(SlackApiError) as unknown:
        client.views_open(trigger_id="12345.98765.abcd2358fdea", view=_modal())
    assert unknown.value.response.data == {"ok": False, "error": "invalid_arguments",
                                           "response_metadata": {"messages": ["invalid `trigger_id`"]}}
    late = new_trigger(slack_state, "U0ALICE")
    clock.advance(seconds=4)
    with pytest.raises(SlackApiError, match="expired_trigger_id"):
        client.views_open(trigger_id=late, view=_modal())
    with pytest.raises(SlackApiError, match="invalid_arguments"):
        client.views_open(trigger_id=new_trigger(slack_state, "U0ALICE"), view=_modal("x" * 25))
    view = client.views_open(trigger_id=new_trigger(slack_state, "U0ALICE"), view=_modal())["view"]
    assert view["id"].startswith("V") and view["hash"] and view["state"] == {"values": {"b": {"a": {
        "type": "plain_text_input", "value": None}}}}
    slack_state.modals[view["id"]]["view"]["state"]["values"]["b"]["a"]["value"] = "typed"
    updated = client.views_update(view_id=view["id"], hash=view["hash"], view=_modal("Again"))["view"]
    assert updated["state"]["values"]["b"]["a"]["value"] == "typed" and updated["hash"] != view["hash"]
    with pytest.raises(SlackApiError, match="hash_conflict"):
        client.views_update(view_id=view["id"], hash=view["hash"], view=_modal())
    with pytest.raises(SlackApiError, match="not_found"):
        client.views_update(view_id="V0NOPE", view=_modal())


def _saves(bot, text: str) -> None:
    response = bot.slack_state.user_runs_command("U0ALICE", "C0SUPPORT", f"saved add {text}")
    bot.executor.drain()
    assert response.status_code == 200 and "Saved reply" in response.json()["text"]


def test_the_saved_reply_picker_is_absent_without_saved_replies_and_fills_the_text_when_picked(
        bot, x_state, slack_state, carol):
    """No saved replies, no picker; with one, picking it fills the text box
    with its variables filled for this customer (a new block_id, as Slack
    keeps what was typed in a known one), and Send relays what the box holds."""
    from bot.desk import composer
    tweet, root = carol
    modal = press_reply(bot, slack_state, root)
    assert "composer_saved" not in json.dumps(modal["view"]["blocks"])
    user_closes(slack_state, modal["view"]["id"])
    bot.executor.drain()
    _saves(bot, "parcel Sorry {handle}, a new parcel leaves today (ref {id}).")
    modal = press_reply(bot, slack_state, root)
    assert "composer_saved" in json.dumps(modal["view"]["blocks"])
    types(bot, slack_state, modal, "something else")
    user_edits(slack_state, modal["view"]["id"], composer.SAVED_ACTION, "parcel")
    bot.executor.drain()
    values = modal["view"]["state"]["values"]
    conv_id = int(json.loads(modal["view"]["private_metadata"])["conversation"])
    filled = f"Sorry @carol, a new parcel leaves today (ref #{conv_id})."
    assert values["composer_text:parcel"][TEXT_ACTION]["value"] == filled
    submits(bot, slack_state, modal)
    assert [t["text"] for t in x_state.replies_to(tweet["id"])] == [f"@carol {filled}"]


def test_a_private_only_saved_reply_picked_in_the_composer_goes_privately(bot, x_state, slack_state, carol):
    from bot.desk import composer
    tweet, root = carol
    _saves(bot, "dm --private Please DM us your order number, {handle}.")
    modal = press_reply(bot, slack_state, root)
    user_edits(slack_state, modal["view"]["id"], composer.SAVED_ACTION, "dm")
    bot.executor.drain()
    submits(bot, slack_state, modal)
    assert x_state.replies_to(tweet["id"]) == []
    assert x_state.brand_dms_to(x_state.add_user("carol")) == ["Please DM us your order number, @carol."]


def test_slacks_documented_submission_and_close_payloads_are_understood(bot, x_state, slack_state, carol):
    """bolt-python's view_submission and view_closed bodies (tests/fixtures/slack/), their view swapped for the
    composer Slack holds — every other field as Slack documents it, signed as Slack signs."""
    import requests

    from sandbox.slack_signing import form_request
    from tests.payloads import FIXTURES, load
    tweet, root = carol
    modal = press_reply(bot, slack_state, root)
    view = types(bot, slack_state, modal, "Sorry Carol, it is on its way.")

    def send(name: str) -> requests.Response:
        body = json.loads(json.dumps(load(FIXTURES / "slack" / f"{name}.json").body))
        body["payload"]["view"].update({k: view[k] for k in ("id", "callback_id", "private_metadata", "state",
                                                             "hash", "notify_on_close", "blocks")})
        body["payload"]["user"].update(id="U0ALICE", team_id=slack_state.team_id)
        data, headers = form_request(slack_state.signing_secret, {"payload": json.dumps(body["payload"])})
        response = requests.post(bot.events_url, data=data, headers=headers, timeout=10)
        bot.executor.drain()
        return response

    assert send("view_closed").status_code == 200
    assert "is writing" not in all_text(_root(slack_state, root))
    assert send("view_submission").status_code == 200
    assert [t["text"] for t in x_state.replies_to(tweet["id"])] == ["@carol Sorry Carol, it is on its way."]
