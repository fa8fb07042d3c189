"""The X loop end to end: mentions → Slack thread → staff reply → X reply,
through real tweepy calls, real slack_sdk calls and signed Bolt requests."""
from __future__ import annotations

from sqlalchemy import func, select

from bot.outbound.deliver import deliver
from bot.store.models import Outbox
from bot.inbound.poll import poll
from tests.helpers import all_text, calls, roots, thread


def test_new_mention_becomes_one_root_with_platform_author_and_full_text(deps, clock, x_state, slack_state):
    x_state.customer_mentions("carol", "@acme_support my parcel #991 never arrived")
    poll(deps, clock())
    [root] = roots(slack_state)
    shown = all_text(root)
    assert root["blocks"][0]["elements"][0]["text"].startswith("*X* · *@carol* (carol) · ")
    assert "@acme_support my parcel #991 never arrived" in shown  # leading @mention kept


def test_follow_ups_land_in_the_same_thread_and_update_the_root_in_place(deps, clock, x_state, slack_state):
    first = x_state.customer_mentions("carol", "@acme_support where is my order?")
    poll(deps, clock())
    x_state.customer_mentions("carol", "@acme_support hello?? anyone", in_reply_to=first["id"])
    clock.advance(minutes=5)
    poll(deps, clock())
    [root] = roots(slack_state)
    [reply] = thread(slack_state, root)
    assert "hello?? anyone" in all_text(reply)
    updates = calls(slack_state, "chat.update")
    assert updates and all(u["ts"] == root["ts"] for u in updates)
    assert "posted 2 times" in all_text(root)


def test_a_new_post_by_the_same_customer_collapses_into_their_open_thread(deps, clock, x_state, slack_state):
    x_state.customer_mentions("dave", "@acme_support app crashes on login")
    poll(deps, clock())
    x_state.customer_mentions("dave", "@acme_support STILL crashing, new tweet")  # a new X conversation
    x_state.customer_mentions("erin", "@acme_support love the new colours")
    clock.advance(minutes=1)
    poll(deps, clock())
    dave_roots = [r for r in roots(slack_state) if "@dave" in all_text(r)]
    assert len(dave_roots) == 1 and len(roots(slack_state)) == 2
    assert "STILL crashing" in all_text(thread(slack_state, dave_roots[0])[0])


def test_customer_markup_is_shown_literally_and_pings_nobody(deps, clock, x_state, slack_state):
    x_state.customer_mentions("mallory", "@acme_support <!channel> Fish & Chips <b>now</b>")
    poll(deps, clock())
    [root] = roots(slack_state)
    text = all_text(root)
    assert "<!channel>" not in text and "&lt;!channel&gt;" in text
    assert "Fish &amp; Chips" in text and "&amp;amp;" not in text


def test_refetching_posts_nothing_twice(deps, clock, x_state, slack_state):
    for n in range(3):
        x_state.customer_mentions(f"user{n}", f"@acme_support question {n}")
    poll(deps, clock())
    with deps.sessions() as session:
        from bot.store.models import PollCursor
        session.query(PollCursor).update({"cursor": None, "next_poll_at": None})
        session.commit()
    poll(deps, clock())
    assert len(roots(slack_state)) == 3


def test_slack_outage_loses_nothing_and_the_cursor_waits(deps, clock, x_state, slack_state):
    x_state.customer_mentions("frank", "@acme_support one")
    x_state.customer_mentions("gina", "@acme_support two")
    slack_state.fail_next("chat.postMessage", status=500, error="internal_error", times=3)
    result = poll(deps, clock())
    assert result.errors and len(roots(slack_state)) == 0
    clock.advance(seconds=2)
    poll(deps, clock())
    texts = sorted(all_text(r) for r in roots(slack_state))
    assert len(texts) == 2 and "one" in texts[0] and "two" in texts[1]


def test_backfill_skips_posts_older_than_the_window(make_deps, clock, x_state, slack_state):
    from datetime import timedelta
    deps = make_deps(BACKFILL="24h")
    x_state.customer_mentions("old", "@acme_support from last week", created_at=clock() - timedelta(days=7))
    x_state.customer_mentions("new", "@acme_support from this morning", created_at=clock() - timedelta(hours=2))
    poll(deps, clock())
    assert [("@new" in all_text(r)) for r in roots(slack_state)] == [True]


def _root_after_poll(deps, clock, x_state, slack_state, text="@acme_support help please"):
    tweet = x_state.customer_mentions("carol", text)
    poll(deps, clock())
    return tweet, roots(slack_state)[0]


def test_staff_reply_is_sent_to_x_exactly_once_despite_slack_retries(bot, deps, clock, x_state, slack_state):
    tweet, root = _root_after_poll(deps, clock, x_state, slack_state)
    message, response = bot.staff_says(root["ts"], "So sorry Carol — we're on it")
    assert response.status_code == 200
    envelope = {"type": "event_callback", "event_id": "EvRETRY1", "event_time": 1, "team_id": "T0SANDBOX",
                "api_app_id": "A0SANDBOX", "authorizations": [], "event": {**message, "event_ts": message["ts"]}}
    for retry in ("1", "2", "3"):
        assert bot.post_json(envelope, {"X-Slack-Retry-Num": retry, "X-Slack-Retry-Reason": "http_timeout"}).status_code == 200
    deliver(deps, clock.advance(seconds=5))
    [reply] = x_state.replies_to(tweet["id"])
    assert reply["text"] == "@carol So sorry Carol — we're on it"
    with deps.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Outbox)) == 1


def test_notes_and_bot_messages_stay_internal(bot, deps, clock, x_state, slack_state):
    tweet, root = _root_after_poll(deps, clock, x_state, slack_state)
    bot.staff_says(root["ts"], "NOTE: customer is a VIP, check order system first")
    bot.event({"type": "message", "channel": "C0SUPPORT", "bot_id": "B0OTHER", "subtype": "bot_message",
               "text": "an integration talking", "ts": "1700000000.000900", "thread_ts": root["ts"]})
    bot.event({"type": "message", "channel": "C0SUPPORT", "user": "U0BOT", "bot_id": "B0BOT",
               "text": "our own notice", "ts": "1700000000.000901", "thread_ts": root["ts"]})
    deliver(deps, clock.advance(seconds=5))
    assert x_state.replies_to(tweet["id"]) == []


def test_slack_markup_becomes_plain_text_for_the_customer(bot, deps, clock, x_state, slack_state):
    tweet, root = _root_after_poll(deps, clock, x_state, slack_state)
    bot.staff_says(root["ts"], "Hi! <@U0BOB> in <#C0SUPPORT|social-support> says see "
                               "<https://acme.example/help|our help page> &amp; reply")
    deliver(deps, clock.advance(seconds=5))
    [reply] = x_state.replies_to(tweet["id"])
    assert x_state.sent_texts[-1] == "Hi! bob in #social-support says see https://acme.example/help & reply"
    assert reply["text"].startswith("@") and "https://t.co/" in reply["text"]  # as X stores it


def test_forged_and_stale_signatures_are_rejected_and_nothing_is_relayed(bot, deps, clock, x_state, slack_state):
    import time
    import requests
    tweet, root = _root_after_poll(deps, clock, x_state, slack_state)
    message = slack_state.user_posts("U0ALICE", "C0SUPPORT", "forged reply", thread_ts=root["ts"], deliver=False)
    from sandbox.slack_signing import event_envelope, json_request
    envelope = event_envelope({**message, "event_ts": message["ts"]})
    stale = bot.post_json(envelope, timestamp=int(time.time()) - 600)
    body, headers = json_request("wrong-secret", envelope)
    forged = requests.post(bot.events_url, data=body, headers=headers, timeout=5)
    unsigned = requests.post(bot.events_url, json=envelope, timeout=5)
    assert (stale.status_code, forged.status_code, unsigned.status_code) == (401, 401, 401)
    deliver(deps, clock.advance(seconds=5))
    assert x_state.replies_to(tweet["id"]) == []


def test_a_reply_with_a_file_sends_the_text_and_says_the_file_stays(bot, deps, clock, x_state, slack_state):
    tweet, root = _root_after_poll(deps, clock, x_state, slack_state)
    message = slack_state.user_posts("U0ALICE", "C0SUPPORT", "Here is the label for your return", thread_ts=root["ts"],
                                     deliver=False, escape=False)
    bot.event({**message, "subtype": "file_share", "event_ts": message["ts"], "channel_type": "channel",
               "files": [{"id": "F0LABEL", "name": "return-label.pdf", "mimetype": "application/pdf"}]})
    bot.executor.drain()
    [reply] = x_state.replies_to(tweet["id"])
    assert reply["text"].endswith(" Here is the label for your return")
    told = slack_state.ephemerals[-1]
    assert told["user"] == "U0ALICE" and "attached files are not sent" in told["text"]
