"""Trustpilot reviews end to end: a review by webhook (authenticated as the
subscription URL carries it) or by polling becomes one Slack root with its
stars; a revision shows in its thread and reopens it; a deletion is said; a
staff thread reply becomes the company reply exactly once — through a Slack
retry and through an answer Trustpilot lost after storing it. Real `web`,
signed Slack requests, `requests` against the Trustpilot emulator, on SQLite
and PostgreSQL."""
from __future__ import annotations

from datetime import timedelta

import pytest
import requests
from sqlalchemy import select

from bot.inbound.poll import poll
from bot.outbound.deliver import VERIFY_AFTER, deliver
from bot.store.models import ANSWERED, RESOLVED, SENT, WAITING, Message, Outbox, WebhookInbox
from tests.helpers import all_text, roots, thread
from tests.helpers import count_rows as _count, first_conversation as _conversation

TEXT = "We are sorry about the wait — a refund is on its way today."


@pytest.fixture
def tp(bot, trustpilot_state):
    """The bot with Trustpilot's subscription pointed at its /webhooks/trustpilot."""
    trustpilot_state.webhook_url = trustpilot_state.subscription_url(bot.server.url)
    return bot


def _review(tp, trustpilot_state, stars=1, text="Cold food and a rude waiter. Never again.", **kw):
    review = trustpilot_state.review("Dana K", stars, text, title="Disappointing evening", **kw)
    tp.executor.drain()
    return review


@pytest.mark.trustpilot
def test_a_review_by_webhook_is_one_root_with_its_stars_and_polling_it_again_changes_nothing(
        tp, deps, clock, trustpilot_state, slack_state):
    review = _review(tp, trustpilot_state, location={"id": "43f51215", "name": "Leeds, Briggate"})
    assert trustpilot_state.webhook_answers == [200]
    [root] = roots(slack_state)
    shown = all_text(root)
    for part in ("Trustpilot", "★☆☆☆☆", "1/5", "Disappointing evening", "Cold food and a rude waiter",
                 "Dana K", f"https://www.trustpilot.com/reviews/{review['id']}", "priority high (1-star review"):
        assert part in shown, part
    # The webhook carries only the location's id; the root shows what it was given.
    assert "43f51215" in shown
    poll(deps, clock.advance(minutes=1))
    assert _reviews_read(trustpilot_state) == 1
    assert len(roots(slack_state)) == 1 and thread(slack_state, root) == []
    assert _count(deps, Message) == 1


def _reviews_read(trustpilot_state) -> int:
    return sum(path.endswith("/reviews") for method, path in trustpilot_state.calls if method == "GET")


@pytest.mark.trustpilot
def test_polling_keeps_to_trustpilots_yearly_allowance(deps, clock, trustpilot_state):
    poll(deps, clock())
    poll(deps, clock.advance(minutes=4))
    assert _reviews_read(trustpilot_state) == 1   # 200,000 calls a year on the first tier: one pass per 5 minutes
    poll(deps, clock.advance(minutes=1, seconds=1))
    assert _reviews_read(trustpilot_state) == 2


@pytest.mark.trustpilot
def test_a_review_found_by_polling_first_and_then_delivered_by_webhook_shows_once(tp, deps, clock, trustpilot_state,
                                                                                   slack_state):
    review = trustpilot_state.review("Sam", 4, "Lovely staff, slow kitchen.", location={"id": "l2", "name": "York"},
                                     push=False)
    poll(deps, clock())
    [root] = roots(slack_state)
    assert "★★★★☆" in all_text(root) and "📍 York" in all_text(root)
    trustpilot_state.push("service-review-created", review)
    tp.executor.drain()
    assert len(roots(slack_state)) == 1 and _count(deps, Message) == 1


@pytest.mark.trustpilot
def test_a_review_waits_sla_reviews_not_the_general_sla(tp, deps, clock, trustpilot_state):
    _review(tp, trustpilot_state, stars=3, text="It was fine. Parking was hard to find.")
    conv = _conversation(deps)
    assert conv.priority == "normal"
    assert conv.due_at - conv.waiting_since == timedelta(hours=24)  # SLA_REVIEWS' default, not SLA_FIRST_RESPONSE's 1 h


@pytest.mark.trustpilot
@pytest.mark.settings(SLA_REVIEWS="8h")
def test_sla_reviews_sets_the_wait_and_low_stars_shorten_it(tp, deps, trustpilot_state):
    _review(tp, trustpilot_state, stars=2, text="Meh.")
    conv = _conversation(deps)
    assert conv.priority == "high" and conv.due_at - conv.waiting_since == timedelta(hours=4)


@pytest.mark.trustpilot
def test_a_revised_review_shows_in_its_thread_and_reopens_the_conversation(tp, deps, clock, trustpilot_state,
                                                                           slack_state):
    review = _review(tp, trustpilot_state)
    [root] = roots(slack_state)
    tp.staff_says(root["ts"], TEXT)
    assert _conversation(deps).status == ANSWERED
    clock.advance(hours=2)
    trustpilot_state.revise(review["id"], stars=4, text="They called me and made it right. Thank you!")
    tp.executor.drain()
    revision = thread(slack_state, root)[-1]
    assert "revised their review" in all_text(revision) and "★★★★☆" in all_text(revision)
    conv = _conversation(deps)
    assert conv.status == WAITING and conv.waiting_since == clock()
    # Polling sees the same revision (keyed by what changed): nothing new.
    poll(deps, clock.advance(minutes=1))
    assert _reviews_read(trustpilot_state) == 1
    assert len([m for m in thread(slack_state, root) if "revised" in all_text(m)]) == 1


@pytest.mark.trustpilot
def test_a_deleted_review_is_said_in_its_thread(tp, deps, trustpilot_state, slack_state):
    review = _review(tp, trustpilot_state)
    trustpilot_state.delete(review["id"])
    tp.executor.drain()
    [root] = roots(slack_state)
    assert "removed their review" in all_text(thread(slack_state, root)[-1])
    assert "The customer removed this review" in all_text(root)   # the root says it too


@pytest.mark.trustpilot
def test_a_staff_reply_is_the_company_reply_once_through_a_slack_retry(tp, deps, clock, trustpilot_state,
                                                                       slack_state):
    review = _review(tp, trustpilot_state)
    [root] = roots(slack_state)
    message, answer = tp.staff_says(root["ts"], TEXT)
    assert answer.status_code == 200
    retry = tp.event({**message, "event_ts": message["ts"], "channel_type": "channel"},
                     headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
    assert retry.status_code == 200
    deliver(deps, clock.advance(minutes=1))
    assert [body["message"] for _, body in trustpilot_state.reply_posts] == [TEXT]
    assert trustpilot_state.reviews[review["id"]]["companyReply"]["text"] == TEXT
    assert trustpilot_state.reply_posts[0][1]["authorBusinessUserId"] == trustpilot_state.business_user_id
    assert _conversation(deps).status == ANSWERED


@pytest.mark.trustpilot
@pytest.mark.parametrize("lost", ["500", "drop"])
def test_trustpilot_stores_the_reply_then_its_answer_is_lost_and_the_next_pass_finds_it(
        lost, tp, deps, clock, trustpilot_state, slack_state):
    _review(tp, trustpilot_state)
    [root] = roots(slack_state)
    trustpilot_state.fail_next_reply(stored=True, how=lost)
    tp.staff_says(root["ts"], TEXT)
    assert len(trustpilot_state.reply_posts) == 1   # Trustpilot has it; we could not tell
    deliver(deps, clock.advance(seconds=2))
    deliver(deps, clock.advance(seconds=VERIFY_AFTER.total_seconds()))
    assert len(trustpilot_state.reply_posts) == 1
    with deps.sessions() as session:
        assert session.scalar(select(Outbox)).state == SENT
    assert not [m for m in thread(slack_state, root) if "⚠️" in m.get("text", "")]


@pytest.mark.trustpilot
def test_trustpilot_stores_nothing_and_answers_500_then_the_reply_goes_once(tp, deps, clock, trustpilot_state,
                                                                            slack_state):
    _review(tp, trustpilot_state)
    [root] = roots(slack_state)
    trustpilot_state.fail_next_reply(stored=False)
    tp.staff_says(root["ts"], TEXT)
    assert trustpilot_state.reply_posts == []
    deliver(deps, clock.advance(seconds=2))
    deliver(deps, clock.advance(seconds=VERIFY_AFTER.total_seconds()))
    assert [body["message"] for _, body in trustpilot_state.reply_posts] == [TEXT]


@pytest.mark.trustpilot
def test_a_second_staff_reply_replaces_the_company_reply_and_the_thread_is_told(tp, deps, clock, trustpilot_state,
                                                                                slack_state):
    review = _review(tp, trustpilot_state)
    [root] = roots(slack_state)
    tp.staff_says(root["ts"], TEXT)
    deliver(deps, clock.advance(minutes=1))
    told_when_stored = []   # was the thread told when Trustpilot stored the second reply?
    trustpilot_state.on_reply = lambda body: told_when_stored.append(
        any("one company reply per review" in all_text(m) for m in thread(slack_state, root)))
    tp.staff_says(root["ts"], "Update: the refund has been sent.")
    deliver(deps, clock.advance(minutes=1))
    assert told_when_stored == [True]
    assert trustpilot_state.reviews[review["id"]]["companyReply"]["text"] == "Update: the refund has been sent."
    told = [m for m in thread(slack_state, root) if "one company reply per review" in all_text(m)]
    assert len(told) == 1 and "replaces the earlier one (“We are sorry about the wait" in all_text(told[0])
    assert len(trustpilot_state.reply_posts) == 2


@pytest.mark.trustpilot
@pytest.mark.parametrize("secret", [None, "wrong-secret"])
def test_a_delivery_without_the_subscription_secret_is_refused_and_nothing_is_recorded(
        secret, tp, deps, trustpilot_state, slack_state):
    url = f"{tp.server.url}/webhooks/trustpilot"
    if secret:
        url = trustpilot_state.subscription_url(tp.server.url, secret)
    review = trustpilot_state.review("Eve", 1, "fake", push=False)
    body = {"events": [{"eventName": "service-review-created", "version": "1",
                        "eventData": trustpilot_state.event_data(review)}]}
    answer = requests.post(url, json=body, timeout=5)
    tp.executor.drain()
    assert answer.status_code == 401
    assert _count(deps, WebhookInbox) == 0 and _count(deps, Message) == 0 and roots(slack_state) == []


def test_without_trustpilot_credentials_the_route_is_absent(bot):
    answer = requests.post(f"{bot.server.url}/webhooks/trustpilot", json={"events": []}, timeout=5)
    assert answer.status_code == 404


@pytest.mark.trustpilot
def test_a_revision_whose_webhook_was_lost_is_found_by_the_next_poll(tp, deps, clock, trustpilot_state, slack_state):
    review = _review(tp, trustpilot_state, stars=2)
    poll(deps, clock.advance(minutes=1))
    trustpilot_state.revise(review["id"], stars=1, text="Still no refund.", push=False)
    poll(deps, clock.advance(minutes=6))
    [root] = roots(slack_state)
    [revision] = thread(slack_state, root)
    assert "revised their review" in all_text(revision) and "Still no refund." in all_text(revision)


@pytest.mark.trustpilot
def test_a_revision_reopens_a_resolved_review(tp, deps, clock, trustpilot_state, slack_state):
    from bot.desk.actions import resolve
    review = _review(tp, trustpilot_state)
    resolve(deps, _conversation(deps).id, "U0ALICE", clock())
    assert _conversation(deps).status == "resolved"
    trustpilot_state.revise(review["id"], text="Update: still waiting for the refund.")
    tp.executor.drain()
    assert _conversation(deps).status == WAITING


@pytest.mark.trustpilot
def test_a_reply_to_a_deleted_review_is_refused_in_the_thread_and_nothing_is_posted(tp, deps, clock,
                                                                                    trustpilot_state, slack_state):
    review = _review(tp, trustpilot_state)
    trustpilot_state.delete(review["id"])
    tp.executor.drain()
    [root] = roots(slack_state)
    tp.staff_says(root["ts"], TEXT)
    deliver(deps, clock.advance(minutes=1))
    assert trustpilot_state.reply_posts == []
    warnings = [all_text(m) for m in thread(slack_state, root) if "⚠️" in m.get("text", "")]
    assert len(warnings) == 1 and "may have been removed" in warnings[0]
    assert _conversation(deps).status == RESOLVED   # resolved when the deletion came: nothing left to answer


@pytest.mark.trustpilot
def test_a_review_written_in_the_same_second_as_the_last_one_polled_is_not_missed(deps, clock, trustpilot_state,
                                                                                   slack_state):
    trustpilot_state.review("First", 5, "Great!", push=False)
    poll(deps, clock())
    trustpilot_state.review("Second", 1, "Awful.", push=False)   # the same (frozen) second as the cursor
    poll(deps, clock.advance(minutes=6))
    assert sorted(all_text(r).split(" · ")[1].split(":")[0] for r in roots(slack_state)) == ["First", "Second"]


@pytest.mark.trustpilot
def test_the_reply_check_holds_a_company_reply_like_any_public_reply(tp, deps, clock, trustpilot_state, slack_state):
    _review(tp, trustpilot_state)
    [root] = roots(slack_state)
    tp.staff_says(root["ts"], "Dana, I've found your booking under dana.k@gmail.com, refund done")
    deliver(deps, clock.advance(minutes=1))
    assert trustpilot_state.reply_posts == []   # held for its author: a public review is no place for an address


@pytest.mark.trustpilot
@pytest.mark.settings(SEND_DELAY="10s")
def test_a_company_reply_waits_out_send_delay(tp, deps, clock, trustpilot_state, slack_state):
    _review(tp, trustpilot_state)
    [root] = roots(slack_state)
    tp.staff_says(root["ts"], TEXT)
    deliver(deps, clock.advance(seconds=5))
    assert trustpilot_state.reply_posts == []
    deliver(deps, clock.advance(seconds=6))
    assert [body["message"] for _, body in trustpilot_state.reply_posts] == [TEXT]


@pytest.mark.trustpilot
@pytest.mark.settings(BACKFILL="1h")
def test_a_review_revised_long_before_the_desk_started_never_opens_a_conversation(deps, clock, trustpilot_state,
                                                                                   slack_state):
    old = trustpilot_state.review("Long ago", 2, "Slow.", push=False)
    clock.advance(minutes=1)
    trustpilot_state.revise(old["id"], stars=3, push=False)
    clock.advance(days=2)
    trustpilot_state.review("Today", 4, "Nice.", push=False)
    poll(deps, clock())
    poll(deps, clock.advance(minutes=6))
    assert [all_text(r).split(" · ")[1].split(":")[0] for r in roots(slack_state)] == ["Today"]


@pytest.mark.trustpilot
def test_an_expired_token_is_renewed_with_its_refresh_token(deps, clock, trustpilot_state, slack_state):
    trustpilot_state.review("First", 5, "Great!", push=False)
    poll(deps, clock())
    clock.advance(days=5)   # past the token's 359,999 seconds
    trustpilot_state.review("Second", 1, "Awful.", push=False)
    poll(deps, clock())
    assert len(roots(slack_state)) == 2
    paths = [path for method, path in trustpilot_state.calls if method == "POST"]
    assert [p.rsplit("/", 1)[-1] for p in paths] == ["accesstoken", "refresh"]


@pytest.mark.trustpilot
@pytest.mark.settings(TRUSTPILOT_PASSWORD="wrong")
def test_a_refused_business_user_is_one_clear_line_and_nothing_else(deps, clock, trustpilot_state, slack_state,
                                                                    caplog):
    trustpilot_state.review("First", 5, "Great!", push=False)
    poll(deps, clock())
    assert roots(slack_state) == []
    assert any("Trustpilot refused the API key, secret, username or password" in r.getMessage()
               for r in caplog.records)
