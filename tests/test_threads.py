"""Threads end to end on both databases: `requests` against the Threads emulator
(sandbox/threads_emulator.py), signed Threads webhooks on /webhooks/meta, signed
Slack events against the Slack emulator. A reply or mention in by webhook, by
poll, or both → one root; a staff reply → exactly one Threads reply (container
with reply_to_id, then publish) through Slack retries, lost answers and a worker
that died between create, publish and our commit; the 500-character limit; a
forged signature; the token refresh; a ❤️ stays among colleagues."""
from __future__ import annotations

import copy
import hashlib
import hmac
import json
from datetime import timedelta

import pytest
import requests
from sqlalchemy import select

from bot.inbound.poll import poll
from bot.inbound.tokens import refresh_tokens, use_stored_tokens
from bot.outbound.deliver import VERIFY_AFTER, deliver
from bot.store.models import (ANSWERED, PENDING, SENDING, SENT, Audit, Conversation, Credential, Message, Outbox,
                              WebhookInbox)
from tests.helpers import all_text, roots, thread
from tests.payloads import FIXTURES, load
from tests.helpers import count_rows as _count

pytestmark = pytest.mark.threads
ADDED = load(FIXTURES / "slack" / "reaction_added_doc.json").body
REMOVED = load(FIXTURES / "slack" / "reaction_removed_doc.json").body
TEXT = "So sorry about that — we have sent a replacement today."


@pytest.fixture
def hooked(bot, threads_state):
    """Threads' webhooks subscribed to the bot's /webhooks/meta."""
    threads_state.webhook_url = bot.server.url + "/webhooks/meta"
    return bot


def _outbox(deps) -> Outbox:
    with deps.sessions() as session:
        return session.scalar(select(Outbox).order_by(Outbox.id.desc()))


def _customer_waits(hooked, threads_state, push: bool = True) -> tuple[dict, dict]:
    post = threads_state.brand_posts("Our winter boots are back in stock")
    reply = threads_state.customer_replies("dana.k", "my order #1234 never arrived", reply_to=post["id"], push=push)
    hooked.executor.drain()
    return post, reply


def test_a_reply_by_webhook_is_one_root_and_polling_it_again_changes_nothing(hooked, deps, clock, threads_state,
                                                                             slack_state):
    _, reply = _customer_waits(hooked, threads_state)
    assert threads_state.webhook_answers == [200]
    [root] = roots(slack_state)
    shown = all_text(root)
    assert "Threads" in shown and "@dana.k" in shown and "my order #1234 never arrived" in shown
    assert len(reply["id"]) == 18   # a real-length Threads media id went all the way through
    result = poll(deps, clock.advance(minutes=1))
    assert "nothing new" in result.describe()
    assert len(roots(slack_state)) == 1 and thread(slack_state, root) == [] and _count(deps, Message) == 1


def test_replies_and_mentions_found_by_polling_are_one_root_each_and_a_later_webhook_adds_nothing(
        hooked, deps, clock, threads_state, slack_state):
    post, reply = _customer_waits(hooked, threads_state, push=False)
    threads_state.customer_replies("dana.k", "hello? anyone?", reply_to=reply["id"], push=False)
    mention = threads_state.customer_mentions("sam.r", "your app logs me out every hour", push=False)
    poll(deps, clock())
    dana = next(r for r in roots(slack_state) if "@dana.k" in all_text(r))
    sam = next(r for r in roots(slack_state) if "@sam.r" in all_text(r))
    assert len(roots(slack_state)) == 2
    assert ["hello? anyone?" in all_text(m) for m in thread(slack_state, dana)] == [True]   # the second one threads
    assert "your app logs me out every hour" in all_text(sam)
    # The same posts pushed now: nothing new anywhere.
    threads_state.push("moderate", "replies", reply["id"], threads_state.shown(reply))
    threads_state.push("interaction", "mentions", threads_state.user_id, threads_state.shown(mention))
    hooked.executor.drain()
    assert threads_state.webhook_answers == [200, 200]
    assert len(roots(slack_state)) == 2 and _count(deps, Message) == 3
    assert "nothing new" in poll(deps, clock.advance(minutes=2)).describe()
    assert post["id"] not in {m.external_id for m in _messages(deps)}   # the brand's own post opens nothing


def _messages(deps) -> list[Message]:
    with deps.sessions() as session:
        return list(session.scalars(select(Message)))


def test_the_brands_own_reply_by_webhook_or_poll_opens_no_thread(hooked, deps, clock, threads_state, slack_state):
    post = threads_state.brand_posts("Ask us anything")
    own = threads_state._add(threads_state.username, "(typed in the Threads app)", reply_to=post["id"],
                             owner=threads_state.user_id)
    threads_state.push("moderate", "replies", own["id"], threads_state.shown(own))
    hooked.executor.drain()
    poll(deps, clock())
    assert roots(slack_state) == [] and _count(deps, Message) == 0


def test_a_forged_or_missing_signature_is_refused_and_nothing_is_recorded(hooked, deps, threads_state, slack_state):
    post = threads_state.brand_posts("Ask us anything")
    reply = threads_state.customer_replies("eve", "hello", reply_to=post["id"], push=False)
    body = json.dumps({"app_id": "1", "topic": "moderate", "target_id": reply["id"], "time": 1,
                       "values": {"field": "replies", "value": threads_state.shown(reply)}}).encode()
    forged = "sha256=" + hmac.new(b"not-the-secret", body, hashlib.sha256).hexdigest()
    url = hooked.server.url + "/webhooks/meta"
    for headers in ({"X-Hub-Signature-256": forged}, {}):
        answer = requests.post(url, data=body, timeout=5, headers={"Content-Type": "application/json", **headers})
        assert answer.status_code == 401
    hooked.executor.drain()
    assert _count(deps, WebhookInbox) == 0 and _count(deps, Message) == 0 and roots(slack_state) == []


def test_the_subscription_check_answers_meta_verify_token(hooked, threads_state):
    url = hooked.server.url + "/webhooks/meta"
    ok = requests.get(url, params={"hub.mode": "subscribe", "hub.verify_token": threads_state.verify_token,
                                   "hub.challenge": "1158201444"}, timeout=5)
    assert (ok.status_code, ok.text) == (200, "1158201444")
    wrong = requests.get(url, params={"hub.mode": "subscribe", "hub.verify_token": "nope", "hub.challenge": "1"},
                         timeout=5)
    assert wrong.status_code == 403


def test_a_staff_reply_is_one_threads_reply_to_the_latest_post_through_a_slack_retry(hooked, deps, clock,
                                                                                     threads_state, slack_state):
    _, reply = _customer_waits(hooked, threads_state)
    later = threads_state.customer_replies("dana.k", "still nothing", reply_to=reply["id"])
    hooked.executor.drain()
    [root] = roots(slack_state)
    message, answer = hooked.staff_says(root["ts"], TEXT)
    assert answer.status_code == 200
    retry = hooked.event({**message, "event_ts": message["ts"], "channel_type": "channel"},
                         headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
    assert retry.status_code == 200
    deliver(deps, clock.advance(minutes=1))
    [sent] = threads_state.brand_replies()
    assert (sent["text"], sent["replied_to"]["id"]) == (TEXT, later["id"])
    assert [(c["text"], c["reply_to_id"]) for c in threads_state.containers.values()] == [(TEXT, later["id"])]
    row = _outbox(deps)
    assert (row.state, row.external_id) == (SENT, sent["id"])
    with deps.sessions() as session:
        assert session.scalar(select(Conversation)).status == ANSWERED


def test_a_reply_over_500_characters_as_threads_counts_them_is_refused_when_written(hooked, deps, clock, threads_state, slack_state):
    _customer_waits(hooked, threads_state)
    [root] = roots(slack_state)
    hooked.staff_says(root["ts"], "x" * 501)
    deliver(deps, clock.advance(minutes=1))
    warning = [all_text(m) for m in thread(slack_state, root) if "⚠️" in all_text(m)]
    assert len(warning) == 1 and "501 characters as Threads counts them" in warning[0]
    hooked.staff_says(root["ts"], "👍" * 125 + "!")   # 126 characters, but each emoji weighs its 4 UTF-8 bytes
    deliver(deps, clock.advance(minutes=1))
    warning = [all_text(m) for m in thread(slack_state, root) if "⚠️" in all_text(m)]
    assert len(warning) == 2 and "501 characters as Threads counts them" in warning[1]
    assert threads_state.containers == {} and threads_state.brand_replies() == []
    hooked.staff_says(root["ts"], "👍" * 125)   # exactly the limit goes
    deliver(deps, clock.advance(minutes=1))
    assert [r["text"] for r in threads_state.brand_replies()] == ["👍" * 125]


@pytest.mark.parametrize("lost", ["500", "drop"])
def test_threads_publishes_then_its_answer_is_lost_and_the_next_pass_finds_it(lost, hooked, deps, clock,
                                                                              threads_state, slack_state):
    _customer_waits(hooked, threads_state)
    [root] = roots(slack_state)
    threads_state.fail_next_publish(stored=True, how=lost)
    hooked.staff_says(root["ts"], TEXT)
    assert len(threads_state.brand_replies()) == 1 and _outbox(deps).uncertain_since is not None
    result = deliver(deps, clock.advance(seconds=2))
    assert (result.sent, result.failed, result.unconfirmed) == (1, 0, 0)
    deliver(deps, clock.advance(seconds=VERIFY_AFTER.total_seconds() + 60))
    assert len(threads_state.brand_replies()) == 1 and _outbox(deps).state == SENT
    assert not [m for m in thread(slack_state, root) if "⚠️" in all_text(m)]


def test_a_publish_refused_with_500_is_sent_once_after_the_look(hooked, deps, clock, threads_state, slack_state):
    _customer_waits(hooked, threads_state)
    [root] = roots(slack_state)
    threads_state.fail_next_publish(stored=False)
    hooked.staff_says(root["ts"], TEXT)
    assert threads_state.brand_replies() == []
    assert deliver(deps, clock.advance(seconds=2)).checking == 1
    assert deliver(deps, clock.advance(seconds=VERIFY_AFTER.total_seconds())).sent == 1
    assert [r["text"] for r in threads_state.brand_replies()] == [TEXT]


def _die_mid_send(deps, clock) -> None:
    """The queued row as a worker leaves it that claimed it (lease 60 s) and died."""
    with deps.sessions() as session:
        row = session.scalar(select(Outbox))
        assert row.state == PENDING
        row.state, row.lease_until, row.lease_owner = SENDING, clock() + timedelta(seconds=60), "dead-process"
        session.commit()


@pytest.mark.settings(SEND_DELAY="30s")  # the reply waits in the outbox, as a busy worker's would
@pytest.mark.parametrize("died", ["after_create", "after_publish"])
def test_a_worker_killed_between_create_publish_and_commit_never_gives_two_replies(
        died, hooked, deps, clock, threads_state, threads_emulator, slack_state):
    _, reply = _customer_waits(hooked, threads_state)
    [root] = roots(slack_state)
    hooked.staff_says(root["ts"], TEXT)
    _die_mid_send(deps, clock)
    # What the dead worker had done on Threads before it died.
    api, auth = f"{threads_emulator.url}/v1.0/{threads_state.user_id}", {"access_token": threads_state.token}
    container = requests.post(f"{api}/threads", params=auth, timeout=5,
                              data={"media_type": "TEXT", "text": TEXT, "reply_to_id": reply["id"]}).json()["id"]
    if died == "after_publish":
        requests.post(f"{api}/threads_publish", params=auth, data={"creation_id": container}, timeout=5)
    assert deliver(deps, clock.advance(seconds=30)).sent == 0   # its lease still holds
    result = deliver(deps, clock.advance(seconds=31))
    if died == "after_create":   # looked for, not there: sent again only once a slow Threads had time to show it
        assert (result.checking, threads_state.brand_replies()) == (1, [])
        result = deliver(deps, clock.advance(seconds=VERIFY_AFTER.total_seconds()))
    assert (result.sent, result.failed, result.unconfirmed) == (1, 0, 0)
    [sent] = threads_state.brand_replies()
    assert (sent["text"], sent["replied_to"]["id"]) == (TEXT, reply["id"])
    assert _outbox(deps).external_id == sent["id"]
    # Resent only when nothing had been published: then the dead worker's container stays unpublished.
    assert len(threads_state.containers) == (2 if died == "after_create" else 1)


def test_the_long_lived_token_is_refreshed_a_day_after_and_used(deps, clock, threads_state):
    adapter = deps.adapters["threads"]
    assert refresh_tokens(deps, clock()) == [adapter.account_key]
    with deps.sessions() as session:
        stored = session.get(Credential, adapter.account_key)
        assert stored.token != threads_state.token and stored.token in threads_state.tokens
        assert stored.expires_at.replace(tzinfo=None) == (clock() + timedelta(days=60)).replace(tzinfo=None)
    assert refresh_tokens(deps, clock.advance(hours=23)) == []   # once a day, not more
    fresh = stored.token
    del threads_state.tokens[threads_state.token]    # the old token no longer works; the stored one does
    other = type(adapter)(adapter._settings)          # another process, started with THREADS_TOKEN
    deps.adapters["threads"] = other
    use_stored_tokens(deps)
    assert other.graph.token == fresh
    assert "nothing new" in poll(deps, clock.advance(minutes=5)).describe()


def test_a_refused_token_says_what_to_set(deps, clock, threads_state):
    threads_state.tokens.clear()
    result = poll(deps, clock())
    assert "THREADS_TOKEN" in result.describe()


def test_a_heart_stays_among_colleagues_on_threads(deps):
    from adapters.base import PostRef, heart_for
    heart = heart_for(deps.adapters["threads"], PostRef("1", "@dana.k", False))
    assert heart.name is None and "Threads offers no like" in heart.why_not


def _react(bot, ts: str, name: str, removed: bool = False, retries: int = 1) -> None:
    """Slack's own reaction example, on a message of this workspace, sent and then retried."""
    body = copy.deepcopy(REMOVED if removed else ADDED)
    state = bot.slack_state
    body.update(team_id=state.team_id, event_id=f"EvHIDE{state.next_ts().replace('.', '')}")
    for auth in body.get("authorizations", []):
        auth.update(team_id=state.team_id, user_id=state.bot_user_id)
    body["event"].update(user="U0ALICE", reaction=name, event_ts=state.next_ts(),
                         item={**body["event"]["item"], "channel": "C0SUPPORT", "ts": ts})
    for attempt in range(retries + 1):
        headers = {"X-Slack-Retry-Num": str(attempt), "X-Slack-Retry-Reason": "http_timeout"} if attempt else {}
        assert bot.post_json(body, headers).status_code == 200


def test_a_staff_see_no_evil_hides_the_customers_reply_on_threads_once_and_removing_it_shows_it(
        hooked, deps, threads_state, slack_state):
    post = threads_state.brand_posts("Ask us anything")
    reply = threads_state.customer_replies("troll", "buy followers at spam.example", reply_to=post["id"])
    hooked.executor.drain()
    [root] = roots(slack_state)
    _react(hooked, root["ts"], "see_no_evil")
    assert threads_state.media[reply["id"]]["hide_status"] == "HIDDEN"
    assert [c for c in threads_state.calls if c[1].endswith("/manage_reply")] == [
        ("POST", f"/v1.0/{reply['id']}/manage_reply")]   # once, through Slack's retry
    _react(hooked, root["ts"], "see_no_evil", removed=True)
    assert threads_state.media[reply["id"]]["hide_status"] == "UNHUSHED"
    with deps.sessions() as session:
        assert session.scalar(select(Conversation)).status == "waiting"   # hiding is not an answer
        trail = [a.action for a in session.scalars(select(Audit).order_by(Audit.id))]
    assert trail.count("hide_sent") == 1 and trail.count("unhide_sent") == 1
    assert threads_state.brand_replies() == []


def test_a_see_no_evil_threads_refuses_is_told_to_its_author_alone(hooked, deps, threads_state, slack_state):
    post = threads_state.brand_posts("Ask us anything")
    first = threads_state.customer_replies("troll", "spam", reply_to=post["id"])
    threads_state.customer_replies("troll", "nested spam", reply_to=first["id"])
    hooked.executor.drain()
    [root] = roots(slack_state)
    [nested] = thread(slack_state, root)
    _react(hooked, nested["ts"], "see_no_evil")
    told = [e["text"] for e in slack_state.ephemerals]
    assert len(told) == 1 and "not passed on" in told[0] and "top-level replies" in told[0]
    assert [m for m in thread(slack_state, root) if "⚠️" in all_text(m)] == []


def test_a_customers_top_level_reply_can_be_hidden_and_nothing_else(deps, threads_state):
    adapter = deps.adapters["threads"]
    post = threads_state.brand_posts("Ask us anything")
    reply = threads_state.customer_replies("troll", "spam spam", reply_to=post["id"], push=False)
    adapter.hide_reply(reply["id"])
    assert threads_state.media[reply["id"]]["hide_status"] == "HIDDEN"
    nested = threads_state.customer_replies("troll", "more spam", reply_to=reply["id"], push=False)
    from adapters.base import PermanentSendError
    with pytest.raises(PermanentSendError, match="top-level replies"):
        adapter.hide_reply(nested["id"])


def test_past_the_daily_reply_quota_the_reply_waits_and_goes_once_threads_allows_it(hooked, deps, clock,
                                                                                    threads_state, slack_state):
    _, reply = _customer_waits(hooked, threads_state)
    [root] = roots(slack_state)
    now = clock().timestamp()
    threads_state.published.extend([(now - 3600, True)] * 1000)   # 1,000 replies in the last 24 hours
    hooked.staff_says(root["ts"], TEXT)
    deliver(deps, clock.advance(minutes=1))
    row = _outbox(deps)
    assert row.state == PENDING and "throttled" in row.last_error and threads_state.brand_replies() == []
    assert not [m for m in thread(slack_state, root) if "⚠️" in all_text(m)]   # waiting is no failure
    assert deliver(deps, clock.advance(hours=23, minutes=30)).sent == 1         # the oldest have left the window
    assert [(r["text"], r["replied_to"]["id"]) for r in threads_state.brand_replies()] == [(TEXT, reply["id"])]


@pytest.mark.settings(THREADS_APP_SECRET="", META_APP_SECRET="sandbox-threads-app-secret")
def test_without_threads_app_secret_the_meta_app_secret_verifies_threads_webhooks(hooked, deps, threads_state,
                                                                                  slack_state):
    _customer_waits(hooked, threads_state)
    assert threads_state.webhook_answers == [200] and len(roots(slack_state)) == 1


def test_a_container_threads_is_still_preparing_is_made_again_and_published_once(hooked, deps, clock,
                                                                                  threads_state, slack_state):
    _, reply = _customer_waits(hooked, threads_state)
    [root] = roots(slack_state)
    threads_state.unready = 1
    hooked.staff_says(root["ts"], TEXT)
    assert threads_state.brand_replies() == [] and _outbox(deps).state == PENDING
    assert not [m for m in thread(slack_state, root) if "⚠️" in all_text(m)]
    assert deliver(deps, clock.advance(minutes=1)).sent == 1
    assert [(r["text"], r["replied_to"]["id"]) for r in threads_state.brand_replies()] == [(TEXT, reply["id"])]
    assert [c["status"] for c in threads_state.containers.values()] == ["IN_PROGRESS", "PUBLISHED"]


def test_the_documentations_token_placeholder_is_refused_at_start():
    from bot.env import ConfigError
    from service.preflight import check_placeholders
    with pytest.raises(ConfigError, match="THREADS_TOKEN"):
        check_placeholders({"THREADS_TOKEN": "<LONG_LIVED_USER_ACCESS_TOKEN>", "THREADS_USER_ID": "17841401234567890"})
    check_placeholders({"THREADS_TOKEN": "THAAJZBZCexampleRealLooking", "THREADS_USER_ID": "17841401234567890"})
