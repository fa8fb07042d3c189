"""Bluesky end to end on both databases: the atproto SDK against the Bluesky
emulator (sandbox/bluesky_emulator.py), signed Slack events against the Slack
emulator. Mentions and replies in by polling notifications, DMs through the chat
service, replies as posts with reply.root/parent and facets, exactly once
through a lost answer, the 300-grapheme limit, likes, a bad app password."""
from __future__ import annotations

import copy
from datetime import datetime, timezone
import os
import subprocess
import sys

import pytest

from bot.inbound.poll import poll
from bot.outbound.deliver import deliver
from tests.helpers import all_text, roots, thread
from tests.payloads import FIXTURES, load

pytestmark = pytest.mark.bluesky
ADDED = load(FIXTURES / "slack" / "reaction_added_doc.json").body
REMOVED = load(FIXTURES / "slack" / "reaction_removed_doc.json").body


def _root_of(slack_state, handle: str) -> dict:
    return next(r for r in roots(slack_state) if handle in all_text(r))


def test_a_mention_becomes_one_root_and_stays_one_on_the_next_pass(deps, clock, bluesky_state, slack_state):
    bluesky_state.customer_mentions("carol", "@acme.bsky.social my parcel is lost")
    first = poll(deps, clock())
    assert "Bluesky @acme.bsky.social: 1 new post in 1 thread" in first.describe()
    root = _root_of(slack_state, "@carol.bsky.social")
    assert "my parcel is lost" in all_text(root) and "Bluesky" in all_text(root)
    again = poll(deps, clock.advance(minutes=2))
    assert "Bluesky @acme.bsky.social: nothing new" in again.describe()
    assert len(roots(slack_state)) == 1
    # What the desk showed is marked seen on Bluesky (updateSeen) on the next pass.
    assert bluesky_state.seen_at is not None


def test_a_staff_reply_is_one_reply_post_with_root_parent_and_facets(bot, deps, clock, bluesky_state, slack_state):
    brand = bluesky_state._store(bluesky_state.did, "app.bsky.feed.post",
                                 {"$type": "app.bsky.feed.post", "text": "Our winter sale starts today",
                                  "createdAt": "2026-12-01T09:00:00.000Z"})
    first = bluesky_state.customer_mentions("dave", "does it include boots?", reply_to=brand["uri"])
    latest = bluesky_state.customer_mentions("dave", "and socks?", reply_to=first["uri"])
    bluesky_state.customer("erin")
    poll(deps, clock())
    root = _root_of(slack_state, "@dave.bsky.social")
    assert len(thread(slack_state, root)) == 1 and len(roots(slack_state)) == 1  # the second post threads
    text = "Yes 👍🏽 see https://acme.example/sale and ask @erin.bsky.social"
    bot.staff_says(root["ts"], text)
    [reply] = [p for p in bluesky_state.brand_posts() if p["uri"] != brand["uri"]]
    record = reply["record"]
    assert record["text"] == text
    refs = {k: {"uri": v["uri"], "cid": v["cid"]} for k, v in record["reply"].items() if k != "$type"}  # SDK adds $type
    assert refs == {"root": {"uri": brand["uri"], "cid": brand["cid"]},
                    "parent": {"uri": latest["uri"], "cid": latest["cid"]}}
    data = text.encode()
    shown = {f["features"][0]["$type"].rsplit("#", 1)[1]: data[f["index"]["byteStart"]:f["index"]["byteEnd"]].decode()
             for f in record["facets"]}
    assert shown == {"link": "https://acme.example/sale", "mention": "@erin.bsky.social"}
    assert record["facets"][1]["features"][0]["did"] == bluesky_state.customer("erin")
    deliver(deps, clock.advance(minutes=1))
    assert len(bluesky_state.brand_posts()) == 2  # sent once


def test_a_lost_answer_after_the_record_was_stored_still_sends_once(bot, deps, clock, bluesky_state, slack_state):
    bluesky_state.customer_mentions("fay", "@acme.bsky.social where is my order?")
    poll(deps, clock())
    root = _root_of(slack_state, "@fay.bsky.social")
    bluesky_state.lost_answers["com.atproto.repo.createRecord"] = [500]  # stored, then 500
    bot.staff_says(root["ts"], "On its way, it left our warehouse this morning.")
    assert len(bluesky_state.brand_posts()) == 1
    for _ in range(3):
        deliver(deps, clock.advance(seconds=30))  # looks among the brand's posts before any resend
    assert [p["record"]["text"] for p in bluesky_state.brand_posts()] == [
        "On its way, it left our warehouse this morning."]


def test_a_dm_opens_a_private_thread_answered_by_exactly_one_dm(bot, deps, clock, bluesky_state, slack_state):
    bluesky_state.customer_dms("gus", "hi, can I change my delivery address?")
    result = poll(deps, clock())
    assert "Bluesky @acme.bsky.social DMs: 1 new post in 1 thread" in result.describe()
    root = _root_of(slack_state, "@gus.bsky.social")
    assert "Bluesky DM" in all_text(root)
    bluesky_state.lost_answers["chat.bsky.convo.sendMessage"] = [502]
    bot.staff_says(root["ts"], "Sure, send us the new address here.")
    for _ in range(3):
        deliver(deps, clock.advance(seconds=30))
    assert [m["text"] for m in bluesky_state.brand_messages()] == ["Sure, send us the new address here."]
    assert bluesky_state.brand_posts() == []  # nothing public
    poll(deps, clock.advance(minutes=2))  # our own DM comes back in the chat log: no new thread
    assert len(roots(slack_state)) == 1


def test_a_reply_over_300_graphemes_is_refused_with_a_warning_and_nothing_sent(bot, deps, clock, bluesky_state,
                                                                               slack_state):
    bluesky_state.customer_mentions("hal", "@acme.bsky.social hello")
    poll(deps, clock())
    root = _root_of(slack_state, "@hal.bsky.social")
    bot.staff_says(root["ts"], "👍🏽" * 300)  # 300 graphemes, 600 code points: allowed
    bot.staff_says(root["ts"], "é" * 301)  # 301 graphemes
    deliver(deps, clock.advance(minutes=1))
    assert [len(p["record"]["text"]) for p in bluesky_state.brand_posts()] == [600]
    warnings = [all_text(m) for m in thread(slack_state, root) if "⚠️" in all_text(m)]
    assert len(warnings) == 1 and "301" in warnings[0] and "300" in warnings[0]


def _heart(bot, ts: str, event_id: str, removed: bool = False) -> None:
    """Slack's own example reaction event on this message, sent and then retried."""
    body = copy.deepcopy(REMOVED if removed else ADDED)
    state = bot.slack_state
    body.update(team_id=state.team_id, event_id=event_id)
    for auth in body.get("authorizations", []):
        auth.update(team_id=state.team_id, user_id=state.bot_user_id)
    body["event"].update(user="U0ALICE", reaction="heart", event_ts=state.next_ts(),
                         item={**body["event"]["item"], "channel": "C0SUPPORT", "ts": ts})
    assert bot.post_json(body).status_code == 200
    assert bot.post_json(body, {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}).status_code == 200


def test_a_heart_likes_the_post_once_and_taking_it_back_unlikes(bot, deps, clock, bluesky_state, slack_state):
    post = bluesky_state.customer_mentions("ivy", "@acme.bsky.social love the new app")
    poll(deps, clock())
    root = _root_of(slack_state, "@ivy.bsky.social")
    bluesky_state.lost_answers["com.atproto.repo.createRecord"] = [503]  # the like is stored, its answer lost
    _heart(bot, root["ts"], "EvBSKYLIKE1")
    deliver(deps, clock.advance(minutes=1))
    deliver(deps, clock.advance(minutes=2))
    [like] = bluesky_state.brand_likes()
    subject = like["record"]["subject"]
    assert (subject["uri"], subject["cid"]) == (post["uri"], post["cid"])
    _heart(bot, root["ts"], "EvBSKYLIKE2", removed=True)
    deliver(deps, clock.advance(minutes=3))
    assert bluesky_state.brand_likes() == []
    assert sum(nsid == "com.atproto.repo.deleteRecord" for nsid, _ in bluesky_state.calls) == 1


def test_an_expired_access_token_is_refreshed_and_the_poll_goes_on(deps, clock, bluesky_state, slack_state):
    bluesky_state.customer_mentions("jo", "@acme.bsky.social first")
    poll(deps, clock())
    bluesky_state.expire_access_tokens()  # the server's view: refresh before the next call
    bluesky_state.customer_mentions("kim", "@acme.bsky.social second")
    poll(deps, clock.advance(minutes=2))
    assert len(roots(slack_state)) == 2 and bluesky_state.sessions_created == 1


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_bad_app_password_is_one_line_and_exit_1(env):
    result = subprocess.run([sys.executable, "-m", "bot", "poll"],
                            env={**os.environ, **env, "BLUESKY_APP_PASSWORD": "wrong-pass-word-here"},
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    said = result.stdout + result.stderr
    assert said.count("Bluesky rejected the app password") == 1 and "Traceback" not in said, said


def test_a_429_closes_the_window_until_bluesky_reopens_it_and_nothing_is_lost(deps, clock, bluesky_state,
                                                                               slack_state):
    poll(deps, clock())  # logged in, caught up
    bluesky_state.customer_mentions("lee", "@acme.bsky.social is anyone there?")
    now = clock().timestamp()
    bluesky_state.used["global"] = (now, bluesky_state.limits["global"])  # the PDS's 5-minute window is spent
    closed = poll(deps, clock.advance(seconds=1), paced=False)
    reopens = f"{datetime.fromtimestamp(int(now) + 300, timezone.utc):%H:%M:%S} UTC"
    assert f"Bluesky @acme.bsky.social: rate-limit window closed until {reopens}" in closed.describe()
    assert roots(slack_state) == []
    early = poll(deps, clock.advance(seconds=60), paced=False)  # never a self-inflicted 429: not asked again before the reset
    assert "rate-limit window closed" in early.describe() and bluesky_state.used["global"][1] == 3000
    poll(deps, clock.advance(seconds=300), paced=False)
    assert len(roots(slack_state)) == 1


def test_a_server_error_while_polling_is_retried_later_and_nothing_is_lost(deps, clock, bluesky_state, slack_state):
    poll(deps, clock())
    bluesky_state.customer_mentions("max", "@acme.bsky.social hello?")
    bluesky_state.failures["app.bsky.notification.listNotifications"] = [502]
    failed = poll(deps, clock.advance(seconds=61), paced=False)
    assert "Bluesky @acme.bsky.social: Bluesky server error 502" in failed.describe() and roots(slack_state) == []
    poll(deps, clock.advance(minutes=5), paced=False)
    assert len(roots(slack_state)) == 1


def test_customers_replying_to_a_brand_post_each_get_their_own_conversation(deps, clock, bluesky_state,
                                                                             slack_state):
    brand = bluesky_state._store(bluesky_state.did, "app.bsky.feed.post",
                                 {"$type": "app.bsky.feed.post", "text": "We are open on Sunday",
                                  "createdAt": "2026-12-01T09:00:00.000Z"})
    bluesky_state.customer_mentions("nia", "which store?", reply_to=brand["uri"])
    bluesky_state.customer_mentions("oli", "great, see you there", reply_to=brand["uri"])
    poll(deps, clock())
    assert {"@nia.bsky.social", "@oli.bsky.social"} <= {h for r in roots(slack_state) for h in
                                                         ("@nia.bsky.social", "@oli.bsky.social") if h in all_text(r)}
    assert len(roots(slack_state)) == 2


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_poll_with_bluesky_on_says_one_line_and_no_password(env, bluesky_state):
    bluesky_state.customer_mentions("pat", "@acme.bsky.social hi")
    result = subprocess.run([sys.executable, "-m", "bot", "poll"], env={**os.environ, **env},
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "httpx" not in result.stderr, result.stderr  # no line per request
    assert bluesky_state.app_password not in result.stdout + result.stderr
    assert len(result.stdout.splitlines()) == 1 and "Bluesky @acme.bsky.social: 1 new post" in result.stdout


def test_a_session_is_stored_and_the_next_process_resumes_it_instead_of_logging_in(make_deps, clock, bluesky_state,
                                                                                   slack_state):
    from handlers.jobs import poll_once, run_poll
    bluesky_state.customer_mentions("jo", "@acme.bsky.social first")
    run_poll(make_deps())  # the worker's pass
    bluesky_state.customer_mentions("kim", "@acme.bsky.social second")
    assert poll_once(make_deps()).exit_code == 0  # a new process: `socialdesk poll` from cron
    bluesky_state.expire_access_tokens()  # the stored access token runs out: the SDK refreshes it
    bluesky_state.customer_mentions("lee", "@acme.bsky.social third")
    poll_once(make_deps())
    bluesky_state.customer_mentions("max", "@acme.bsky.social fourth")
    poll_once(make_deps())  # resumes the refreshed session, not the spent one
    assert len(roots(slack_state)) == 4 and bluesky_state.sessions_created == 1


def test_a_stored_session_bluesky_no_longer_takes_means_one_login_and_the_poll_goes_on(make_deps, clock, caplog,
                                                                                       bluesky_state, slack_state):
    from handlers.jobs import poll_once
    caplog.set_level("INFO", logger="adapters.bluesky")
    poll_once(make_deps())
    bluesky_state.revoke_sessions()  # signed out everywhere: the stored refresh token is void
    bluesky_state.customer_mentions("jo", "@acme.bsky.social hello")
    assert poll_once(make_deps()).exit_code == 0
    assert len(roots(slack_state)) == 1 and bluesky_state.sessions_created == 2
    assert sum("stored session was not taken" in r.getMessage() for r in caplog.records) == 1
    bluesky_state.customer_mentions("kim", "@acme.bsky.social again")
    poll_once(make_deps())
    assert len(roots(slack_state)) == 2 and bluesky_state.sessions_created == 2  # the new one was stored
