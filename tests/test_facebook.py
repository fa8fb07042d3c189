"""A Facebook Page through the real `web` and the Graph emulator: comments and
Messenger by signed webhook (one root within a second, no worker) and by
polling, staff replies as exactly one correct Graph call, echoes and the
Page's own comments ignored, Messenger's 24 h / 7 day windows, the one private
reply per comment, ❤️ likes, edits and removals, and throttling."""
from __future__ import annotations

import hashlib
import hmac
import json
import time

import pytest
import requests

from bot.store.models import WAITING
from bot.inbound.poll import poll
from tests.helpers import all_text, roots, thread

pytestmark = pytest.mark.meta


def _state_of(deps, handle, customer_id=None):
    """A conversation by its customer's handle, or (Messenger, whose names are
    looked up after the webhook was answered) by their id."""
    from sqlalchemy import select
    from bot.store.models import Conversation
    with deps.sessions() as session:
        which = Conversation.customer_id == customer_id if customer_id else Conversation.customer_handle == handle
        return session.scalar(select(Conversation).where(which))


def _command(bot, text, user="U0ALICE"):
    response = bot.slack_state.user_runs_command(user, "C0SUPPORT", text)
    bot.executor.drain()
    return response.json()["text"]


def _notices(slack_state, root):
    return [m["text"] for m in thread(slack_state, root) if "not sent" in m.get("text", "")]


def test_the_subscription_check_and_the_signature(bot, graph_state):
    url = bot.server.url + "/webhooks/meta"
    ok = requests.get(url, params={"hub.mode": "subscribe", "hub.verify_token": graph_state.verify_token,
                                   "hub.challenge": "1158201444"}, timeout=5)
    assert ok.status_code == 200 and ok.text == "1158201444"
    wrong = requests.get(url, params={"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1"},
                         timeout=5)
    assert wrong.status_code == 403
    body = json.dumps({"object": "page", "entry": []}).encode()
    forged = "sha256=" + hmac.new(b"not-the-secret", body, hashlib.sha256).hexdigest()
    for headers in ({}, {"X-Hub-Signature-256": forged}):
        answer = requests.post(url, data=body, headers={"content-type": "application/json", **headers}, timeout=5)
        assert answer.status_code == 401


def test_a_comment_by_webhook_is_answered_by_one_comment_reply(webhooks_on, deps, graph_state, slack_state):
    bot = webhooks_on
    comment = graph_state.customer_comments("Jane Doe", "Ordered 2 weeks ago & still nothing!")
    bot.executor.drain()
    # Posted by web itself right after its answer: no worker runs in this test. How fast is
    # measured by bench/webhook_latency.py, not here (a loaded machine is no evidence).
    [root] = roots(slack_state)
    assert "*Facebook* · *Jane Doe*" in all_text(root) and "2 weeks ago &amp; still" in all_text(root)
    bot.staff_says(root["ts"], "So sorry Jane, checking your order now.")
    assert graph_state.page_replies_to(comment["id"]) == ["So sorry Jane, checking your order now."]
    assert _state_of(deps, "Jane Doe").status == "answered"
    # The Page's own reply came back as a feed change: it opened nothing.
    assert len(roots(slack_state)) == 1 and len(thread(slack_state, root)) == 1
    assert all(code == 200 for code in graph_state.webhook_answers)


def test_a_messenger_message_is_answered_in_the_window_and_refused_after_it(webhooks_on, deps, clock, graph_state,
                                                                            slack_state):
    bot = webhooks_on
    graph_state.customer_messages("Sam Lee", "Hi! Is the blue one back in stock?")
    bot.executor.drain()
    [root] = roots(slack_state)
    psid = graph_state.psid("Sam Lee")
    # The webhook names only the PSID: a stand-in until the name is looked up after the answer.
    assert f"*Messenger* · *Messenger user {psid[-4:]}*" in all_text(root) or "*Sam Lee*" in all_text(root)
    assert "Private message" in all_text(root)
    bot.staff_says(root["ts"], "Yes, since this morning!")
    assert graph_state.texts_sent_to(psid) == ["Yes, since this morning!"]
    assert graph_state.sends[-1]["messaging_type"] == "RESPONSE"
    assert len(roots(slack_state)) == 1  # the echo of our send opened nothing
    clock.advance(hours=25)
    bot.staff_says(root["ts"], "Anything else?")
    assert graph_state.texts_sent_to(psid) == ["Yes, since this morning!"]
    [notice] = _notices(slack_state, root)
    assert "24-hour window closed" in notice and "MESSENGER_HUMAN_AGENT=on" in notice


@pytest.mark.settings(MESSENGER_HUMAN_AGENT="on")
def test_human_agent_answers_up_to_seven_days(webhooks_on, deps, clock, graph_state, slack_state):
    bot = webhooks_on
    graph_state.customer_messages("Ola", "my parcel?")
    bot.executor.drain()
    [root] = roots(slack_state)
    clock.advance(days=3)
    bot.staff_says(root["ts"], "It arrives tomorrow.")
    assert graph_state.sends[-1]["messaging_type"] == "MESSAGE_TAG" and graph_state.sends[-1]["tag"] == "HUMAN_AGENT"
    clock.advance(days=5)
    bot.staff_says(root["ts"], "Did it arrive?")
    [notice] = _notices(slack_state, root)
    assert "7-day window closed" in notice and len(graph_state.sends) == 1


def test_one_private_reply_per_comment_and_a_heart_likes_it(webhooks_on, deps, graph_state, slack_state):
    bot = webhooks_on
    comment = graph_state.customer_comments("Kai", "You charged me twice")
    bot.executor.drain()
    [root] = roots(slack_state)
    conv = _state_of(deps, "Kai")
    assert _command(bot, f"private #{conv.id} Sorry Kai, can you send us the order number?").startswith("🔒 Sending")
    assert graph_state.sends[-1]["recipient"] == {"comment_id": comment["id"]}
    assert _command(bot, f"private #{conv.id} Hello again?").startswith("🔒 Sending")
    [notice] = _notices(slack_state, root)
    assert "one private reply per comment" in notice and len(graph_state.sends) == 1
    slack_state.events_url = bot.events_url
    slack_state.user_reacts("U0ALICE", "C0SUPPORT", root["ts"], "heart")
    bot.executor.drain()
    assert graph_state.page_id in graph_state.comments[comment["id"]]["likes"]


def test_polling_finds_comments_and_messages_and_a_webhook_repeat_shows_once(bot, deps, clock, graph_state,
                                                                             slack_state):
    first = graph_state.customer_comments("Mia", "Love it!")
    graph_state.comment(graph_state.user("Noa"), first["id"], "me too")  # a reply under Mia's comment
    graph_state.customer_messages("Pat", "Do you ship to Norway?")
    result = poll(deps, clock())
    assert not result.errors, result.describe()
    shown = {r["ts"]: all_text(r) for r in roots(slack_state)}
    assert len(shown) == 2 and any("Mia" in t for t in shown.values()) and any("Pat" in t for t in shown.values())
    mia_root = next(r for r in roots(slack_state) if "Mia" in all_text(r))
    [bystander] = thread(slack_state, mia_root)
    assert "Someone else" in all_text(bystander) and "me too" in all_text(bystander)
    graph_state.webhook_url = bot.server.url + "/webhooks/meta"
    graph_state.push_change("feed", {"from": first["from"], "post_id": first["post_id"], "comment_id": first["id"],
                                     "parent_id": first["parent_id"], "created_time": 1, "item": "comment",
                                     "verb": "add", "message": first["message"]})
    bot.executor.drain()
    assert len(roots(slack_state)) == 2  # Meta retried / polling saw it first: still one root


def test_edits_and_removals_show_without_restarting_the_clock(webhooks_on, deps, clock, graph_state, slack_state):
    bot = webhooks_on
    comment = graph_state.customer_comments("Rae", "wrong size sent")
    bot.executor.drain()
    due = _state_of(deps, "Rae").due_at
    clock.advance(minutes=10)
    for verb, text in (("edited", "wrong size AND colour sent"), ("remove", "")):
        graph_state.push_change("feed", {"from": comment["from"], "post_id": comment["post_id"],
                                         "comment_id": comment["id"], "parent_id": comment["parent_id"],
                                         "created_time": int(clock().timestamp()), "item": "comment", "verb": verb,
                                         "message": text})
        bot.executor.drain()
    [root] = roots(slack_state)
    edited, removed = thread(slack_state, root)
    assert "edited a post" in all_text(edited) and "AND colour" in all_text(edited)
    assert "removed or hid a post" in all_text(removed)
    conv = _state_of(deps, "Rae")
    assert conv.status == WAITING and conv.due_at == due and conv.posts_in_wait == 1


def test_a_throttled_graph_call_waits_as_the_headers_say(deps, clock, graph_state, slack_state):
    graph_state.customer_comments("Tom", "hello?")
    graph_state.throttled.append((80001, 7))
    result = poll(deps, clock())
    facebook = next(a for a in result.accounts if a.name.startswith("Facebook"))
    # X-Business-Use-Case-Usage said: estimated_time_to_regain_access 7 (minutes).
    wait_until = clock().timestamp() + 7 * 60
    assert facebook.skipped == f"rate-limit window closed until {time.strftime('%H:%M:%S', time.gmtime(wait_until))} UTC"
    assert roots(slack_state) == []
    poll(deps, clock.advance(minutes=8))
    assert len(roots(slack_state)) == 1


def test_the_thread_is_warned_an_hour_before_the_messenger_window_closes(webhooks_on, deps, clock, graph_state,
                                                                          slack_state):

    from bot.desk.escalation import sweep
    bot = webhooks_on
    graph_state.customer_messages("Vic", "is my refund done?")
    bot.executor.drain()
    [root] = roots(slack_state)
    assert "reply window closes" in all_text(root)
    assert sweep(deps, clock.advance(hours=22, minutes=59)).windows == []
    swept = sweep(deps, clock.advance(minutes=1))
    assert swept.windows == [_state_of(deps, None, graph_state.psid("Vic")).id]
    [warning] = [m for m in thread(slack_state, root) if "stops taking replies" in m.get("text", "")]
    assert "Messenger stops taking replies to" in warning["text"]
    assert sweep(deps, clock.advance(minutes=30)).windows == []  # once


def test_the_answer_to_a_private_reply_joins_the_comments_thread_and_is_answered_privately(webhooks_on, deps,
                                                                                            graph_state,
                                                                                            slack_state):
    bot = webhooks_on
    comment = graph_state.customer_comments("Ivy", "wrong item delivered")
    bot.executor.drain()
    [root] = roots(slack_state)
    conv = _state_of(deps, "Ivy")
    _command(bot, f"private #{conv.id} Sorry Ivy! What is your order number?")
    assert graph_state.sends[-1]["recipient"] == {"comment_id": comment["id"]}
    graph_state.customer_messages("Ivy", "It is #5531", attachments=[
        {"type": "image", "payload": {"url": "https://scontent.example/wrong-item.jpg"}},
        {"type": "video", "payload": {"url": "https://scontent.example/unboxing.mp4"}}])
    bot.executor.drain()
    assert len(roots(slack_state)) == 1  # joined Ivy's thread, no new conversation
    answer = [m for m in thread(slack_state, root) if "It is #5531" in all_text(m)]
    assert len(answer) == 1 and "Someone else" not in all_text(answer[0])
    blocks = answer[0]["blocks"]
    assert {"type": "image", "image_url": "https://scontent.example/wrong-item.jpg"}.items() <= blocks[-2].items()
    assert "📎 Video: <https://scontent.example/unboxing.mp4|open>" in all_text(answer[0])
    assert _state_of(deps, "Ivy").status == WAITING
    bot.staff_says(root["ts"], "Thanks, a new one is on its way.")  # answers in Messenger, not in public
    assert graph_state.texts_sent_to(graph_state.psid("Ivy"))[-1] == "Thanks, a new one is on its way."
    assert graph_state.page_replies_to(comment["id"]) == []


def test_a_batched_delivery_is_handled_entry_by_entry_and_a_retry_changes_nothing(bot, deps, graph_state,
                                                                                  slack_state):
    """Meta batches entries and changes in one POST, and retries it."""
    post = graph_state.page_posts("Winter sale!")
    people = [graph_state.user(name) for name in ("Ada", "Ben", "Cy")]
    changes = [{"field": "feed", "value": {
        "from": {"id": uid, "name": name}, "post_id": post["id"], "comment_id": f"{post['id']}_{n}",
        "parent_id": post["id"], "created_time": 1796200000 + n, "item": "comment", "verb": "add",
        "message": f"question {n}"}} for n, (uid, name) in enumerate(zip(people, ("Ada", "Ben", "Cy"), strict=True))]
    messaging = [{"sender": {"id": graph_state.psid("Dee")}, "recipient": {"id": graph_state.page_id},
                  "timestamp": 1796200100000, "message": {"mid": "m_batch_1", "text": "hello from Messenger"}}]
    body = json.dumps({"object": "page", "entry": [
        {"id": graph_state.page_id, "time": 1796200000, "changes": changes[:2]},
        {"id": graph_state.page_id, "time": 1796200001, "changes": changes[2:], "messaging": messaging},
        {"id": "999", "time": 1796200002, "changes": changes}]}).encode()  # another Page's entry: not ours
    signature = "sha256=" + hmac.new(graph_state.app_secret.encode(), body, hashlib.sha256).hexdigest()
    for _attempt in range(2):
        answer = requests.post(bot.server.url + "/webhooks/meta", data=body, timeout=5, headers={
            "content-type": "application/json", "X-Hub-Signature-256": signature})
        bot.executor.drain()
        assert answer.status_code == 200
    assert answer.json()["ok"] is True
    assert len(roots(slack_state)) == 4


def test_a_revoked_page_token_is_a_clear_warning_in_the_thread(webhooks_on, deps, graph_state, slack_state):
    bot = webhooks_on
    graph_state.customer_messages("Uma", "hi", attachments=[
        {"type": "sticker", "payload": {"url": "https://scontent.example/thumbs-up.png", "sticker_id": 369239263222822}}])
    bot.executor.drain()
    [root] = roots(slack_state)
    sticker = [b for b in root["blocks"] if b["type"] == "image"]
    assert sticker and sticker[0]["title"]["text"] == "Sticker"
    graph_state.page_token = "rotated-after-a-password-change"  # ours is now invalid (Graph code 190)
    bot.staff_says(root["ts"], "Hello Uma!")
    [notice] = _notices(slack_state, root)
    assert "Facebook rejected the token" in notice and "create a new Page or Instagram token" in notice
    assert graph_state.sends == []


def test_a_visitors_post_on_the_page_is_a_conversation_answered_by_a_comment_and_privately(
        webhooks_on, deps, graph_state, slack_state):
    bot = webhooks_on
    graph_state.page_posts("Winter sale!")  # the Page's own post opens nothing
    post = graph_state.visitor_posts("Lena Berg", "Third time asking: where is order 7781??")
    bot.executor.drain()
    [root] = roots(slack_state)
    assert "*Facebook* · *Lena Berg*" in all_text(root) and "where is order 7781??" in all_text(root)
    bot.staff_says(root["ts"], "Hi Lena, it left our warehouse today.")
    assert graph_state.page_replies_to(post["id"]) == ["Hi Lena, it left our warehouse today."]
    conv = _state_of(deps, "Lena Berg")
    assert conv.status == "answered"
    assert _command(bot, f"private #{conv.id} Lena, your tracking number is on its way.").startswith("🔒 Sending")
    assert graph_state.sends[-1]["recipient"] == {"post_id": post["id"]}
    assert len(roots(slack_state)) == 1  # our comment came back as a feed change: nothing new


def test_visitor_posts_are_polled_when_webhooks_are_off_and_show_once(bot, deps, clock, graph_state, slack_state):
    post = graph_state.visitor_posts("Omar", "Do you deliver on Sundays?")
    result = poll(deps, clock())
    assert not result.errors, result.describe()
    [root] = roots(slack_state)
    assert "Do you deliver on Sundays?" in all_text(root)
    graph_state.webhook_url = bot.server.url + "/webhooks/meta"
    graph_state.push_change("feed", {"from": post["from"], "post_id": post["id"], "created_time": 1,
                                     "item": "post", "verb": "add", "message": post["message"]})
    bot.executor.drain()
    assert len(roots(slack_state)) == 1


def test_a_mention_of_the_page_reaches_the_desk_and_is_answered_by_a_comment(webhooks_on, deps, graph_state,
                                                                            slack_state):
    bot = webhooks_on
    graph_state.mentions_page("Rita", "@Acme Shop your courier left my parcel in the rain")
    comment = graph_state.mentions_page("Sol", "@Acme Shop same here!", in_comment=True)
    bot.executor.drain()
    texts = [all_text(r) for r in roots(slack_state)]
    assert len(texts) == 2 and any("left my parcel in the rain" in t for t in texts)
    assert any("same here!" in t for t in texts)
    sol = next(r for r in roots(slack_state) if "same here!" in all_text(r))
    bot.staff_says(sol["ts"], "Sorry Sol, we are on it.")
    assert graph_state.page_replies_to(comment["id"]) == ["Sorry Sol, we are on it."]


def test_button_presses_edits_and_unsends_show_without_restarting_the_clock(webhooks_on, deps, clock,
                                                                             graph_state, slack_state):
    bot = webhooks_on
    graph_state.customer_presses("Tia", "Get Started", "GET_STARTED",
                                 referral={"ref": "winter_ad", "source": "ADS", "type": "OPEN_THREAD"})
    message = graph_state.customer_messages("Tia", "my order never came")
    bot.executor.drain()
    psid = graph_state.psid("Tia")
    due = _state_of(deps, None, psid).due_at
    clock.advance(minutes=10)
    graph_state.customer_edits("Tia", message["id"], "my order 5512 never came")
    graph_state.customer_unsends("Tia", message["id"])
    bot.executor.drain()
    [root] = roots(slack_state)
    assert "🔘 Get Started (GET_STARTED) — came from ADS winter_ad" in all_text(root)
    follow = [all_text(m) for m in thread(slack_state, root)]
    assert any("my order never came" in t for t in follow)
    assert any("edited a post" in t and "my order 5512 never came" in t for t in follow)
    assert any("removed or hid a post" in t for t in follow)
    conv = _state_of(deps, None, psid)
    assert conv.status == WAITING and conv.due_at == due


def test_a_messenger_senders_name_is_looked_up_apart_from_the_webhook(deps, graph_state):
    """parse_webhook makes no Graph call (a 1,000-entry batch must answer at
    once); find_name asks Graph afterwards."""
    adapter = deps.adapters["facebook"]
    psid = graph_state.psid("Sam Lee")
    body = {"object": "page", "entry": [{"id": int(graph_state.page_id), "time": 1796200000000, "messaging": [
        {"sender": {"id": int(psid)}, "recipient": {"id": int(graph_state.page_id)}, "timestamp": 1796200000000,
         "message": {"mid": "m_1", "text": "hi"}}]}]}
    calls = len(graph_state.calls)
    [post] = adapter.parse_webhook(body)
    assert len(graph_state.calls) == calls and post.name_pending and post.author_handle.endswith(psid[-4:])
    assert adapter.find_name(psid) == ("Sam Lee", None)
    assert adapter.find_name("1234") is None  # Graph does not know them: the stand-in stays


def test_a_polled_messenger_attachment_of_the_wrong_shape_never_hides_the_conversation(deps, clock, graph_state,
                                                                                      slack_state):
    """Found by probing: an attachment whose title was not text failed every
    poll pass and hid the customer. It is shown without the bad field."""
    graph_state.customer_messages("Zoe", "see the receipt", attachments=[
        {"type": "file", "payload": {"url": "https://scontent.example/receipt.pdf", "title": {"not": "text"}}},
        {"type": "fallback", "title": "Legacy Attachment", "url": "https://www.messenger.com/", "payload": None},
        "junk"])
    for _ in range(2):
        result = poll(deps, clock.advance(minutes=1))
        assert not result.errors, result.describe()
    [root] = roots(slack_state)
    text = all_text(root)
    assert "see the receipt" in text and "https://scontent.example/receipt.pdf" in text
    assert "Legacy Attachment" in text
