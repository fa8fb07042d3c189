"""Google Business Profile reviews end to end: a review by Pub/Sub push (its OIDC token verified by google-auth
against the emulator's signing certificates) or by polling becomes one Slack root with its stars; an updated
review shows in its thread and reopens it; a removed one is said; a staff thread reply becomes the owner reply
with one PUT — through a Slack retry and through an answer Google lost after storing it; a second staff reply
replaces it, the thread told first; deleting the reply in Slack deletes it on Google. Real `web`, signed Slack
requests, google-auth and `requests` against the Google emulator, on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import timedelta

import pytest
import requests
from sqlalchemy import select

from bot.inbound.poll import poll
from bot.outbound.deliver import VERIFY_AFTER, deliver
from bot.store.models import ANSWERED, RESOLVED, SENT, WAITING, Message, Outbox, WebhookInbox
from tests.helpers import SQLITE_ONLY, all_text, roots, thread
from tests.helpers import count_rows as _count, first_conversation as _conversation

TEXT = "We are sorry about the wait — a refund is on its way today."
pytestmark = pytest.mark.google


@pytest.fixture
def gbp(bot, google_state):
    """The bot with the Pub/Sub push subscription pointed at its /webhooks/google."""
    google_state.webhook_url = bot.server.url + "/webhooks/google"
    return bot


def _review(gbp, google_state, stars=1, text="Cold food and a rude waiter. Never again.", **kw):
    review = google_state.review("Dana K", stars, text, **kw)
    gbp.executor.drain()
    return review


def _lists(google_state) -> int:
    return sum(path.endswith("/reviews") for method, path in google_state.calls if method == "GET")


def _puts(google_state) -> list[str]:
    return [body["comment"] for _, body in google_state.reply_puts]


def test_a_review_by_push_is_one_root_with_its_stars_and_polling_it_again_changes_nothing(
        gbp, deps, clock, google_state, slack_state):
    _review(gbp, google_state)
    assert google_state.webhook_answers == [200]
    [root] = roots(slack_state)
    shown = all_text(root)
    for part in ("Google", "★☆☆☆☆", "Cold food and a rude waiter", "Dana K", google_state.location_ids[0],
                 "priority high (1-star review"):
        assert part in shown, part
    poll(deps, clock.advance(minutes=1))
    assert _lists(google_state) == 2   # one per location
    assert len(roots(slack_state)) == 1 and thread(slack_state, root) == []
    assert _count(deps, Message) == 1


def test_an_anonymous_reviewer_is_shown_as_such(gbp, google_state, slack_state):
    _review(gbp, google_state, stars=5, text="Great!", anonymous=True)
    assert "An anonymous Google reviewer" in all_text(roots(slack_state)[0])


@pytest.mark.parametrize("token", [None, "not-a-jwt", "wrong-audience", "wrong-account", "unverified",
                                   "foreign-key", "wrong-issuer", "expired"])
def test_a_push_without_googles_token_for_our_subscription_is_refused_and_nothing_is_recorded(
        token, gbp, deps, google_state, slack_state):
    review = google_state.review("Eve", 1, "fake", push=False)
    tokens = {"not-a-jwt": "abc.def.ghi", "wrong-audience": google_state.push_token(audience="https://evil.example"),
              "wrong-account": google_state.push_token(email="attacker@evil.iam.gserviceaccount.com"),
              "unverified": google_state.push_token(verified=False),
              "foreign-key": google_state.push_token(key="someone-else"),
              "wrong-issuer": google_state.push_token(issuer="https://evil.example"),
              "expired": google_state.push_token(lifetime=-400)}
    headers = {"Authorization": f"Bearer {tokens[token]}"} if token else {}
    answer = requests.post(gbp.server.url + "/webhooks/google", json=google_state.envelope("NEW_REVIEW", review),
                           headers=headers, timeout=5)
    gbp.executor.drain()
    assert answer.status_code == 401
    assert _count(deps, WebhookInbox) == 0 and _count(deps, Message) == 0 and roots(slack_state) == []
    assert ("GET", "/v4/" + review["name"]) not in google_state.calls   # nothing read on an unverified push


def test_polling_first_then_the_push_of_the_same_review_shows_once(gbp, deps, clock, google_state, slack_state):
    review = google_state.review("Sam", 4, "Lovely staff, slow kitchen.", location=1, push=False)
    poll(deps, clock())
    [root] = roots(slack_state)
    assert "★★★★☆" in all_text(root) and google_state.location_ids[1] in all_text(root)
    google_state.push("NEW_REVIEW", review)
    gbp.executor.drain()
    assert len(roots(slack_state)) == 1 and _count(deps, Message) == 1


def test_polling_follows_next_page_tokens(deps, clock, google_state, slack_state):
    for n in range(53):
        google_state.review(f"Guest {n}", 5, f"Visit {n} was great", push=False)
    poll(deps, clock())
    assert len(roots(slack_state)) == 53
    assert sum(1 for m, p in google_state.calls if m == "GET" and p.endswith(google_state.location_ids[0] + "/reviews")) == 2


def test_a_review_waits_sla_reviews(gbp, deps, google_state):
    _review(gbp, google_state, stars=3, text="It was fine.")
    conv = _conversation(deps)
    assert conv.priority == "normal" and conv.due_at - conv.waiting_since == timedelta(hours=24)


def test_an_updated_review_shows_in_its_thread_and_reopens_the_conversation(gbp, deps, clock, google_state,
                                                                            slack_state):
    review = _review(gbp, google_state)
    [root] = roots(slack_state)
    gbp.staff_says(root["ts"], TEXT)
    deliver(deps, clock.advance(seconds=1))
    assert _conversation(deps).status == ANSWERED
    clock.advance(hours=2)
    google_state.update(review["name"], stars=4, text="They called me and made it right. Thank you!")
    gbp.executor.drain()
    revision = thread(slack_state, root)[-1]
    assert "revised their review" in all_text(revision) and "★★★★☆" in all_text(revision)
    conv = _conversation(deps)
    assert conv.status == WAITING and conv.waiting_since == clock()
    poll(deps, clock.advance(minutes=1))   # polling sees the same revision: nothing new
    assert len([m for m in thread(slack_state, root) if "revised" in all_text(m)]) == 1


def test_an_update_whose_push_was_lost_is_found_by_the_next_poll(gbp, deps, clock, google_state, slack_state):
    review = _review(gbp, google_state, stars=2)
    poll(deps, clock.advance(minutes=1))
    google_state.update(review["name"], stars=1, text="Still no refund.", push=False)
    poll(deps, clock.advance(minutes=2))
    [root] = roots(slack_state)
    [revision] = thread(slack_state, root)
    assert "revised their review" in all_text(revision) and "Still no refund." in all_text(revision)


def test_a_review_removed_before_its_update_was_read_is_said(gbp, deps, google_state, slack_state):
    review = _review(gbp, google_state)
    google_state.remove(review["name"])
    google_state.push("UPDATED_REVIEW", review)
    gbp.executor.drain()
    [root] = roots(slack_state)
    assert "removed their review" in all_text(thread(slack_state, root)[-1])


def test_a_staff_reply_is_one_put_through_a_slack_retry(gbp, deps, clock, google_state, slack_state):
    review = _review(gbp, google_state)
    [root] = roots(slack_state)
    message, answer = gbp.staff_says(root["ts"], TEXT)
    assert answer.status_code == 200
    retry = gbp.event({**message, "event_ts": message["ts"], "channel_type": "channel"},
                      headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
    assert retry.status_code == 200
    deliver(deps, clock.advance(minutes=1))
    assert _puts(google_state) == [TEXT]
    assert google_state.reviews[review["name"]]["reviewReply"]["comment"] == TEXT
    assert _conversation(deps).status == ANSWERED


@pytest.mark.parametrize("lost", ["500", "drop"])
def test_google_stores_the_reply_then_its_answer_is_lost_and_the_next_pass_finds_it(
        lost, gbp, deps, clock, google_state, slack_state):
    _review(gbp, google_state)
    [root] = roots(slack_state)
    google_state.fail_next_reply(stored=True, how=lost)
    gbp.staff_says(root["ts"], TEXT)
    assert len(google_state.reply_puts) == 1   # Google has it; we could not tell
    deliver(deps, clock.advance(seconds=2))
    deliver(deps, clock.advance(seconds=VERIFY_AFTER.total_seconds()))
    assert len(google_state.reply_puts) == 1
    with deps.sessions() as session:
        assert session.scalar(select(Outbox)).state == SENT
    assert not [m for m in thread(slack_state, root) if "⚠️" in m.get("text", "")]


def test_google_stores_nothing_and_answers_500_then_the_reply_goes_once(gbp, deps, clock, google_state, slack_state):
    _review(gbp, google_state)
    [root] = roots(slack_state)
    google_state.fail_next_reply(stored=False)
    gbp.staff_says(root["ts"], TEXT)
    assert google_state.reply_puts == []
    deliver(deps, clock.advance(seconds=2))
    deliver(deps, clock.advance(seconds=VERIFY_AFTER.total_seconds()))
    assert _puts(google_state) == [TEXT]


def test_a_second_staff_reply_replaces_the_owner_reply_and_the_thread_is_told_first(gbp, deps, clock, google_state,
                                                                                   slack_state):
    review = _review(gbp, google_state)
    [root] = roots(slack_state)
    gbp.staff_says(root["ts"], TEXT)
    deliver(deps, clock.advance(minutes=1))
    told_when_stored = []
    google_state.on_reply = lambda body: told_when_stored.append(
        any("one owner reply per review" in all_text(m) for m in thread(slack_state, root)))
    gbp.staff_says(root["ts"], "Update: the refund has been sent.")
    deliver(deps, clock.advance(minutes=1))
    assert told_when_stored == [True]
    assert google_state.reviews[review["name"]]["reviewReply"]["comment"] == "Update: the refund has been sent."
    told = [m for m in thread(slack_state, root) if "one owner reply per review" in all_text(m)]
    assert len(told) == 1 and "replaces the earlier one (“We are sorry about the wait" in all_text(told[0])
    assert _puts(google_state) == [TEXT, "Update: the refund has been sent."]


def test_a_reply_to_a_removed_review_is_refused_in_the_thread(gbp, deps, clock, google_state, slack_state):
    review = _review(gbp, google_state)
    google_state.remove(review["name"])
    [root] = roots(slack_state)
    gbp.staff_says(root["ts"], TEXT)
    deliver(deps, clock.advance(minutes=1))
    assert google_state.reply_puts == []
    warnings = [all_text(m) for m in thread(slack_state, root) if "⚠️" in m.get("text", "")]
    assert len(warnings) == 1 and "may have removed it" in warnings[0]
    assert _conversation(deps).status == RESOLVED   # the 404 said the review is gone: nothing left to answer


def test_a_reply_over_googles_4096_bytes_is_refused_at_once(gbp, deps, clock, google_state, slack_state):
    _review(gbp, google_state)
    [root] = roots(slack_state)
    gbp.staff_says(root["ts"], "é" * 2100)   # 2,100 characters, 4,200 bytes
    deliver(deps, clock.advance(minutes=1))
    assert google_state.reply_puts == []
    assert any("at most 4096 bytes" in all_text(m) for m in thread(slack_state, root))


def test_a_quota_429_is_waited_out_and_nothing_is_lost(deps, clock, google_state, slack_state):
    google_state.review("Late", 2, "Slow service.", push=False)
    google_state.throttle(1)
    poll(deps, clock())
    google_state.throttle(0)
    poll(deps, clock.advance(minutes=2))
    assert len(roots(slack_state)) == 1


@pytest.mark.settings(GOOGLE_PUSH_AUDIENCE="", GOOGLE_PUSH_SERVICE_ACCOUNT="")
def test_without_push_settings_the_route_is_absent_and_polling_still_works(bot, deps, clock, google_state,
                                                                          slack_state):
    answer = requests.post(f"{bot.server.url}/webhooks/google", json={"message": {}}, timeout=5)
    assert answer.status_code == 404
    google_state.review("Poll", 3, "OK.", push=False)
    poll(deps, clock())
    assert len(roots(slack_state)) == 1


@pytest.mark.settings(GOOGLE_REFRESH_TOKEN="1//revoked")
def test_a_revoked_refresh_token_is_one_clear_line(deps, clock, google_state, slack_state, caplog):
    google_state.review("First", 5, "Great!", push=False)
    poll(deps, clock())
    assert roots(slack_state) == []
    assert any("Google refused the credentials" in r.getMessage() for r in caplog.records)




@SQLITE_ONLY
@pytest.mark.parametrize("access, said", [
    ("pending", "socialdesk poll: Google Business Profile: this Google Cloud project's quota is 0 requests per minute"),
    ("denied", "socialdesk poll: Google Business Profile refused access (PERMISSION_DENIED: ")])
def test_a_project_without_access_stops_the_command_in_one_line(access, said, env, google_state):
    from tests.test_one_line_commands import _run
    google_state.access = access
    result = _run(["poll"], env)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith(said) and result.stderr.count("\n") == 1, result.stderr


@SQLITE_ONLY
def test_an_approved_project_starts_and_polls(env, google_state):
    from tests.test_one_line_commands import _run
    google_state.review("Ann", 5, "Lovely.", push=False)
    result = _run(["poll"], env)
    assert result.returncode == 0, result.stderr
    assert "Google Ann: new conversation posted to Slack" in result.stderr
    assert result.stdout.count("\n") == 1


@pytest.mark.settings(GOOGLE_CLIENT_ID="", GOOGLE_CLIENT_SECRET="", GOOGLE_REFRESH_TOKEN="")
def test_a_service_account_key_signs_its_own_token_request(make_deps, clock, google_state, slack_state, tmp_path):
    import json
    key = tmp_path / "key.json"
    key.write_text(json.dumps(google_state.service_account_info()))
    deps = make_deps(GOOGLE_APPLICATION_CREDENTIALS=str(key))
    google_state.review("Ann", 5, "Lovely.", push=False)
    poll(deps, clock())
    assert len(roots(slack_state)) == 1
    assert ("POST", "/token") in google_state.calls


def test_a_foreign_service_account_key_is_refused_in_one_line(make_deps, clock, google_state, slack_state, tmp_path,
                                                             caplog):
    import json
    key = tmp_path / "key.json"
    key.write_text(json.dumps({**google_state.service_account_info(), "client_email": "x@other.iam.gserviceaccount.com"}))
    deps = make_deps(GOOGLE_APPLICATION_CREDENTIALS=str(key))
    google_state.review("Ann", 5, "Lovely.", push=False)
    poll(deps, clock())
    assert roots(slack_state) == []
    assert any("Google refused the credentials" in r.getMessage() for r in caplog.records)


def _delete_in_slack(gbp, message: dict, event_ts: str):
    return gbp.event({"type": "message", "subtype": "message_deleted", "channel": "C0SUPPORT", "ts": event_ts,
                      "deleted_ts": message["ts"], "previous_message": message, "event_ts": event_ts, "hidden": True})


def test_deleting_a_sent_reply_in_slack_deletes_the_owner_reply_on_google_once(gbp, deps, clock, google_state,
                                                                              slack_state):
    review = _review(gbp, google_state)
    [root] = roots(slack_state)
    message, _ = gbp.staff_says(root["ts"], TEXT)
    deliver(deps, clock.advance(minutes=1))
    assert google_state.reviews[review["name"]]["reviewReply"]["comment"] == TEXT
    _delete_in_slack(gbp, message, "99.3")
    gbp.executor.drain()
    assert "reviewReply" not in google_state.reviews[review["name"]]
    assert google_state.reply_deletes == [review["name"]]
    assert "Deleted on Google too" in slack_state.ephemerals[-1]["text"]
    _delete_in_slack(gbp, message, "99.3")   # Slack retries the event: nothing more
    gbp.executor.drain()
    assert google_state.reply_deletes == [review["name"]]


def test_deleting_an_older_reply_in_slack_leaves_the_newer_owner_reply(gbp, deps, clock, google_state, slack_state):
    review = _review(gbp, google_state)
    [root] = roots(slack_state)
    first, _ = gbp.staff_says(root["ts"], TEXT)
    deliver(deps, clock.advance(minutes=1))
    gbp.staff_says(root["ts"], "Update: the refund has been sent.")
    deliver(deps, clock.advance(minutes=1))
    _delete_in_slack(gbp, first, "99.5")
    gbp.executor.drain()
    assert google_state.reply_deletes == []
    assert google_state.reviews[review["name"]]["reviewReply"]["comment"] == "Update: the refund has been sent."
    assert "a later reply has replaced this one on Google" in slack_state.ephemerals[-1]["text"]


def test_a_crash_between_googles_answer_and_our_commit_does_not_put_twice(gbp, deps, clock, google_state,
                                                                          slack_state):
    """A process claimed the row, Google stored the reply, the process died before committing: after the
    lease, the next claimer reads the review back, finds our text and marks it sent — no second PUT."""
    from dataclasses import replace

    from bot.store.models import SENDING
    review = _review(gbp, google_state)
    [root] = roots(slack_state)
    adapter = deps.adapters["google"]
    reachable, adapter._settings = adapter._settings, replace(adapter._settings, api_url="http://127.0.0.1:9/v4")
    gbp.staff_says(root["ts"], TEXT)   # the attempt right after the ack finds nobody listening: nothing sent
    gbp.executor.drain()
    adapter._settings = reachable
    with deps.sessions() as session:   # the row as a process leaves it that claimed it, PUT it, and died
        row = session.scalar(select(Outbox))
        row.state, row.lease_until, row.lease_owner = SENDING, clock() + timedelta(seconds=60), "dead-process"
        session.commit()
    google_state.reviews[review["name"]]["reviewReply"] = {"comment": TEXT, "updateTime": "2026-12-06T09:00:00Z"}
    google_state.reply_puts.append((review["name"], {"comment": TEXT}))   # what the dead process got through
    assert deliver(deps, clock.advance(seconds=30)).sent == 0   # its lease still holds
    assert deliver(deps, clock.advance(seconds=61)).sent == 1
    assert len(google_state.reply_puts) == 1
    with deps.sessions() as session:
        assert session.scalar(select(Outbox)).state == SENT


def test_googles_certificates_are_kept_between_pushes_and_a_rotated_key_is_still_accepted(gbp, google_state,
                                                                                          slack_state):
    def fetched() -> int:
        return sum(path == "/oauth2/v1/certs" for _, path in google_state.calls)
    _review(gbp, google_state, stars=4, text="Nice.")
    _review(gbp, google_state, stars=5, text="Lovely.")
    assert fetched() == 1 and len(roots(slack_state)) == 2
    google_state.signing_key = "pubsub-rotated"   # Google signs with a new key: the kept certificates lack it
    _review(gbp, google_state, stars=3, text="Fine.")
    assert google_state.webhook_answers == [200, 200, 200] and len(roots(slack_state)) == 3
    assert fetched() == 2


@pytest.mark.parametrize("change, named", [
    ({"GBP_LOCATION_IDS": "3184902244750127893,Leeds"}, "GBP_LOCATION_IDS"),
    ({"GBP_ACCOUNT_ID": "acme"}, "GBP_ACCOUNT_ID"),
    ({"GOOGLE_PUSH_SERVICE_ACCOUNT": ""}, "GOOGLE_PUSH_SERVICE_ACCOUNT"),
    ({"GOOGLE_CLIENT_ID": "", "GOOGLE_CLIENT_SECRET": "", "GOOGLE_REFRESH_TOKEN": ""}, "GOOGLE_APPLICATION_CREDENTIALS"),
    ({"GOOGLE_APPLICATION_CREDENTIALS": "/nonexistent/key.json"}, "GOOGLE_APPLICATION_CREDENTIALS")])
def test_a_malformed_google_setting_is_a_configuration_error_naming_it(change, named, env):
    from bot.config import load_settings
    from bot.env import ConfigError
    with pytest.raises(ConfigError) as error:
        load_settings({**env, **change}, "web")
    assert named in str(error.value) and "\n" not in str(error.value)


def test_a_lost_reply_never_overwrites_a_newer_one_sent_meanwhile(gbp, deps, clock, google_state, slack_state):
    """Reply A's PUT answered 500 without storing it; reply B went out meanwhile. A is not PUT again over B:
    the thread is told A did not go out."""
    review = _review(gbp, google_state)
    [root] = roots(slack_state)
    google_state.fail_next_reply(stored=False)
    gbp.staff_says(root["ts"], TEXT)
    gbp.executor.drain()
    clock.advance(seconds=5)
    gbp.staff_says(root["ts"], "Update: the refund has been sent.")
    gbp.executor.drain()
    deliver(deps, clock.advance(seconds=5))
    deliver(deps, clock.advance(seconds=VERIFY_AFTER.total_seconds() + 5))
    deliver(deps, clock.advance(minutes=5))
    assert google_state.reviews[review["name"]]["reviewReply"]["comment"] == "Update: the refund has been sent."
    assert _puts(google_state) == ["Update: the refund has been sent."]
    assert any("newer owner reply" in all_text(m) for m in thread(slack_state, root))
