"""Yelp reviews end to end: the three excerpts a business's reviews read gives
become one Slack root each (stars, excerpt said, link to the full review, the
business as location); the same review next poll changes nothing; an edited
one shows in its thread and reopens it. With Respond-to-Reviews access a staff
thread reply is the review's public response exactly once — through a Slack
retry, a lost answer and a crash — and without it the reply stays an internal
note, its author told why. Yelp's errors are one line and polling goes on.
Real `web`, signed Slack requests, `requests` against the Yelp emulator, on
SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.inbound.poll import poll
from bot.outbound.deliver import VERIFY_AFTER, deliver
from bot.store.models import ANSWERED, FAILED, NOTE, SENDING, WAITING, Message, Outbox
from tests.helpers import all_text, roots, thread
from tests.helpers import first_conversation as _conversation

pytestmark = pytest.mark.yelp
TEXT = "We are sorry about the wait. The manager will call you today."
LONG = ("Waited forty minutes for a table we had booked, then the soup came cold and nobody came back to ask how "
        "it was. The dessert was lovely but it does not make up for the evening.")


def _business(yelp_state) -> str:
    return next(iter(yelp_state.businesses))


def _review(deps, clock, yelp_state, stars=1, text=LONG, name="Dana K."):
    review = yelp_state.review(_business(yelp_state), name, stars, text)
    poll(deps, clock())
    return review


def _count(deps, model, *where) -> int:
    with deps.sessions() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def _reviews_read(yelp_state) -> int:
    return sum(path.endswith("/reviews") for _, path in yelp_state.calls)


def _warnings(slack_state, root) -> list[str]:
    return [all_text(m) for m in thread(slack_state, root) if "⚠️" in m.get("text", "")]


def test_a_review_is_one_root_with_its_stars_the_excerpt_said_and_the_link_and_the_next_poll_adds_nothing(
        deps, clock, yelp_state, slack_state):
    review = _review(deps, clock, yelp_state)
    [root] = roots(slack_state)
    shown = all_text(root)
    assert review["text"].endswith("...") and len(review["text"]) == 160   # the API's excerpt, not the review
    for part in ("Yelp", "★☆☆☆☆", "1/5", "Dana K.", review["text"][:60], "only an excerpt", review["url"],
                 "📍 Acme Diner, San Francisco", "priority high (1-star review"):
        assert part in shown, part
    assert "Read-only" not in shown   # Respond-to-Reviews access: answered from the thread
    # time_created is the business's wall time (America/Los_Angeles): the wait starts when the review was written.
    assert _conversation(deps).waiting_since == clock()
    poll(deps, clock.advance(minutes=6))
    assert _reviews_read(yelp_state) == 2
    assert len(roots(slack_state)) == 1 and thread(slack_state, root) == [] and _count(deps, Message) == 1


def test_a_new_review_shows_though_yelps_own_order_ranks_three_better_ones_first(deps, clock, yelp_state,
                                                                                 slack_state):
    for name in ("Ann", "Ben", "Cat"):
        yelp_state.review(_business(yelp_state), name, 5, "Wonderful!")
    poll(deps, clock())
    yelp_state.review(_business(yelp_state), "Dan", 1, "Awful.")
    poll(deps, clock.advance(minutes=6))
    assert len(roots(slack_state)) == 4 and "Dan" in all_text(roots(slack_state)[-1])


def test_a_key_refused_newest_first_reads_yelps_own_order_and_says_so_once(deps, clock, yelp_state, slack_state,
                                                                           caplog):
    yelp_state.newest_sort = False
    _review(deps, clock, yelp_state)
    poll(deps, clock.advance(minutes=6))
    assert len(roots(slack_state)) == 1
    assert len([r for r in caplog.records if "refused sort_by=newest" in r.getMessage()]) == 1


def test_a_review_waits_sla_reviews(deps, clock, yelp_state):
    _review(deps, clock, yelp_state, stars=3, text="It was fine.")
    conv = _conversation(deps)
    assert conv.priority == "normal" and conv.due_at - conv.waiting_since == timedelta(hours=24)


def test_an_edited_review_shows_in_its_thread_and_reopens_the_answered_conversation(bot, deps, clock, yelp_state,
                                                                                   slack_state):
    review = _review(deps, clock, yelp_state)
    [root] = roots(slack_state)
    bot.staff_says(root["ts"], TEXT)
    deliver(deps, clock.advance(minutes=1))
    assert _conversation(deps).status == ANSWERED
    yelp_state.edit(review["id"], rating=4, text="They called me and made it right. Thank you!")
    poll(deps, clock.advance(hours=2))
    revision = thread(slack_state, root)[-1]
    assert "revised their review" in all_text(revision) and "★★★★☆" in all_text(revision)
    assert "made it right" in all_text(revision)
    conv = _conversation(deps)
    assert conv.status == WAITING and conv.waiting_since == clock()
    poll(deps, clock.advance(minutes=6))
    assert len([m for m in thread(slack_state, root) if "revised" in all_text(m)]) == 1


def test_polling_spreads_the_days_quota_and_a_used_up_quota_waits_for_midnight(deps, clock, yelp_state, caplog):
    poll(deps, clock())
    poll(deps, clock.advance(minutes=4))
    assert _reviews_read(yelp_state) == 1   # never more often than every 5 minutes
    poll(deps, clock.advance(minutes=1, seconds=1))
    assert _reviews_read(yelp_state) == 2
    yelp_state.fail_next_reviews("ACCESS_LIMIT_REACHED")
    said = poll(deps, clock.advance(minutes=6)).describe()
    assert "rate-limit window closed until 00:00:00 UTC" in said
    before = yelp_state.places_calls()
    poll(deps, clock.advance(minutes=10))
    assert yelp_state.places_calls() == before   # no self-inflicted 429 until the quota resets
    assert not [r for r in caplog.records if r.exc_info]


@pytest.mark.settings(YELP_API_KEY="revoked-key")
def test_a_refused_api_key_is_one_clear_line_and_nothing_else(deps, clock, yelp_state, slack_state, caplog):
    yelp_state.review(_business(yelp_state), "Dana K.", 1, "Cold soup.")
    said = poll(deps, clock()).describe()
    assert "Yelp refused YELP_API_KEY (TOKEN_INVALID: Invalid access token or authorization header.)" in said
    assert roots(slack_state) == [] and not [r for r in caplog.records if r.exc_info]


def test_an_unknown_business_is_said_and_the_others_are_still_polled(make_deps, env, clock, yelp_state, slack_state):
    deps = make_deps(YELP_BUSINESS_IDS=f"no-such-business,{env['YELP_BUSINESS_IDS']}")
    yelp_state.review(_business(yelp_state), "Dana K.", 2, "Slow service.")
    said = poll(deps, clock()).describe()
    assert "Yelp does not know business 'no-such-business' (BUSINESS_NOT_FOUND): check YELP_BUSINESS_IDS" in said
    assert len(roots(slack_state)) == 1


def test_an_outage_is_one_line_and_the_next_poll_brings_the_review(deps, clock, yelp_state, slack_state):
    yelp_state.review(_business(yelp_state), "Dana K.", 2, "Slow service.")
    yelp_state.fail_next_reviews("INTERNAL_ERROR")
    said = poll(deps, clock()).describe()
    assert "Yelp answered 500 (INTERNAL_ERROR: Something went wrong internally" in said and not roots(slack_state)
    poll(deps, clock.advance(minutes=1))
    assert len(roots(slack_state)) == 1


@pytest.mark.settings(BACKFILL="1h")
def test_reviews_older_than_the_backfill_are_not_shown(deps, clock, yelp_state, slack_state):
    yelp_state.review(_business(yelp_state), "Long ago", 2, "Slow.")
    clock.advance(days=2)
    yelp_state.review(_business(yelp_state), "Today", 4, "Nice.")
    poll(deps, clock())
    poll(deps, clock.advance(minutes=6))
    assert [all_text(r).split(" · ")[1].split(":")[0] for r in roots(slack_state)] == ["Today"]


# -- the public response (Respond-to-Reviews) -------------------------------------------------------------------

def test_a_staff_reply_is_the_public_response_once_through_a_slack_retry(bot, deps, clock, yelp_state, slack_state):
    review = _review(deps, clock, yelp_state)
    [root] = roots(slack_state)
    message, answer = bot.staff_says(root["ts"], TEXT)
    retry = bot.event({**message, "event_ts": message["ts"], "channel_type": "channel"},
                      headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
    assert answer.status_code == retry.status_code == 200
    deliver(deps, clock.advance(minutes=1))
    deliver(deps, clock.advance(minutes=1))
    assert [(rid, body) for rid, body, _ in yelp_state.response_posts] == [
        (review["id"], {"response_text": TEXT, "response_type": "public_comment"})]
    assert _conversation(deps).status == ANSWERED


@pytest.mark.parametrize("lost", ["500", "drop"])
def test_yelp_stores_the_response_then_its_answer_is_lost_and_it_is_never_sent_again(
        lost, bot, deps, clock, yelp_state, slack_state):
    _review(deps, clock, yelp_state)
    [root] = roots(slack_state)
    yelp_state.fail_next_response(stored=True, how=lost)
    bot.staff_says(root["ts"], TEXT)
    deliver(deps, clock.advance(seconds=2))
    deliver(deps, clock.advance(seconds=VERIFY_AFTER.total_seconds() + 1))
    assert len(yelp_state.response_posts) == 1
    # Yelp documents no way to read a response back: staff are told it may have gone out, and how to check.
    [warning] = _warnings(slack_state, root)
    assert "Yelp did not confirm whether it published this reply" in warning and "not sent again" in warning


def test_a_crash_between_yelps_answer_and_our_commit_sends_nothing_twice(bot, deps, clock, yelp_state, slack_state):
    _review(deps, clock, yelp_state)
    [root] = roots(slack_state)
    bot.staff_says(root["ts"], TEXT)
    deliver(deps, clock.advance(minutes=1))
    assert len(yelp_state.response_posts) == 1
    with deps.sessions() as session:   # as a process leaves the row that sent it and died before committing
        row = session.scalar(select(Outbox))
        row.state, row.lease_until, row.lease_owner = SENDING, clock() + timedelta(seconds=60), "dead-process"
        session.commit()
    result = deliver(deps, clock.advance(seconds=61))
    assert result.unconfirmed == 1 and len(yelp_state.response_posts) == 1
    deliver(deps, clock.advance(minutes=5))
    assert len(yelp_state.response_posts) == 1


def test_a_second_staff_reply_is_announced_in_the_thread_before_it_goes_out(bot, deps, clock, yelp_state,
                                                                           slack_state):
    review = _review(deps, clock, yelp_state)
    [root] = roots(slack_state)
    bot.staff_says(root["ts"], TEXT)
    deliver(deps, clock.advance(minutes=1))
    bot.staff_says(root["ts"], "Update: your refund went out this morning.")
    deliver(deps, clock.advance(minutes=1))
    told = [all_text(m) for m in thread(slack_state, root) if "one public business response per review" in all_text(m)]
    assert len(told) == 1 and "after the earlier one (“We are sorry about the wait" in told[0]
    assert yelp_state.responses[review["id"]] == "Update: your refund went out this morning."
    assert len(yelp_state.response_posts) == 2


def test_a_reply_with_emoji_is_refused_at_once_and_nothing_is_posted(bot, deps, clock, yelp_state, slack_state):
    _review(deps, clock, yelp_state)
    [root] = roots(slack_state)
    bot.staff_says(root["ts"], "So sorry 🙏 we will call you")
    deliver(deps, clock.advance(minutes=1))
    assert yelp_state.response_posts == []
    [warning] = _warnings(slack_state, root)
    assert "does not take emoji" in warning and _conversation(deps).status == WAITING


def test_a_client_without_respond_to_reviews_access_is_told_in_the_thread(bot, deps, clock, yelp_state, slack_state):
    yelp_state.partner_access = False
    _review(deps, clock, yelp_state)
    [root] = roots(slack_state)
    bot.staff_says(root["ts"], TEXT)
    deliver(deps, clock.advance(minutes=1))
    assert yelp_state.response_posts == []
    [warning] = _warnings(slack_state, root)
    assert "no Respond-to-Reviews access (UNAUTHORIZED_CLIENT" in warning and "biz.yelp.com" in warning
    assert _count(deps, Outbox, Outbox.state == FAILED) == 1


def test_a_partner_token_past_its_seven_days_is_got_again_with_the_refresh_token(bot, deps, clock, yelp_state,
                                                                                 slack_state):
    _review(deps, clock, yelp_state)
    [first] = roots(slack_state)
    bot.staff_says(first["ts"], TEXT)
    deliver(deps, clock.advance(minutes=1))
    yelp_state.review(_business(yelp_state), "Sam P.", 2, "Noisy room.")
    poll(deps, clock.advance(days=8))
    second = roots(slack_state)[-1]
    bot.staff_says(second["ts"], "Thank you Sam, we have moved your next booking to the quiet room.")
    deliver(deps, clock.advance(minutes=1))
    assert len(yelp_state.response_posts) == 2
    assert [path for _, path in yelp_state.calls if path == "/oauth2/token"] == ["/oauth2/token"] * 2


@pytest.mark.settings(YELP_PARTNER_REFRESH_TOKEN="revoked")
def test_a_refused_refresh_token_is_said_in_the_thread_and_nothing_is_posted(bot, deps, clock, yelp_state,
                                                                            slack_state):
    _review(deps, clock, yelp_state)
    [root] = roots(slack_state)
    bot.staff_says(root["ts"], TEXT)
    deliver(deps, clock.advance(minutes=1))
    assert yelp_state.response_posts == []
    [warning] = _warnings(slack_state, root)
    assert "Yelp refused the partner credentials (TOKEN_NOT_FOUND" in warning and "YELP_PARTNER_REFRESH_TOKEN" in warning


# -- without partner access ---------------------------------------------------------------------------------------

NO_PARTNER = dict(YELP_PARTNER_CLIENT_ID="", YELP_PARTNER_CLIENT_SECRET="", YELP_PARTNER_REFRESH_TOKEN="")


@pytest.mark.settings(**NO_PARTNER)
def test_without_partner_access_the_root_says_where_to_answer_and_a_reply_stays_a_note_its_author_told(
        bot, deps, clock, yelp_state, slack_state):
    _review(deps, clock, yelp_state)
    [root] = roots(slack_state)
    assert "Read-only" in all_text(root) and "answer on Yelp for Business (https://biz.yelp.com)" in all_text(root)
    assert "no link given" not in all_text(root)   # the read-only line is said once, not also as a file
    message, answer = bot.staff_says(root["ts"], TEXT)
    deliver(deps, clock.advance(minutes=1))
    assert answer.status_code == 200 and yelp_state.response_posts == []
    assert not [path for _, path in yelp_state.calls if path.startswith(("/reviews/", "/oauth2/"))]
    assert _count(deps, Outbox) == 0 and _count(deps, Message, Message.direction == NOTE) == 1
    [told] = [e for e in slack_state.ephemerals if "Kept as an internal note" in e["text"]]
    assert told["user"] == "U0ALICE" and "answer the review on Yelp for Business (https://biz.yelp.com)" in told["text"]
    assert _conversation(deps).status == WAITING   # nobody answered the customer yet
    assert not _warnings(slack_state, root)


# -- configuration ------------------------------------------------------------------------------------------------

YELP = {"YELP_API_KEY": "k", "YELP_BUSINESS_IDS": "WavvLdfdP6g8aZTtbBQHTw, gary-danko-san-francisco"}


def test_yelp_is_on_with_a_key_and_businesses_and_answers_only_with_partner_access():
    from adapters.base import Replier
    from adapters.registry import build_adapters
    from bot.config import load_settings
    settings = load_settings(YELP)
    assert settings.platforms["yelp"].business_ids == ("WavvLdfdP6g8aZTtbBQHTw", "gary-danko-san-francisco")
    assert settings.sla_overrides["first:yelp"] == timedelta(hours=24)
    assert not isinstance(build_adapters(settings.platforms)["yelp"], Replier)
    partner = load_settings({**YELP, "YELP_PARTNER_CLIENT_ID": "c", "YELP_PARTNER_CLIENT_SECRET": "s",
                             "YELP_PARTNER_REFRESH_TOKEN": "r"})
    assert isinstance(build_adapters(partner.platforms)["yelp"], Replier)
    for name in YELP:
        assert "yelp" not in load_settings({k: v for k, v in YELP.items() if k != name}).platforms


@pytest.mark.parametrize("extra, variable", [
    ({"YELP_PARTNER_CLIENT_ID": "c", "YELP_PARTNER_CLIENT_SECRET": "s"}, "YELP_PARTNER_REFRESH_TOKEN"),
    ({"YELP_TIMEZONE": "Mars/Olympus"}, "YELP_TIMEZONE"),
    ({"YELP_BUSINESS_IDS": "a/b"}, "YELP_BUSINESS_IDS"),
])
def test_a_partial_or_malformed_yelp_setting_is_one_line_naming_the_variable(extra, variable):
    from bot.config import load_settings
    from bot.env import ConfigError
    with pytest.raises(ConfigError) as error:
        load_settings({**YELP, **extra})
    assert error.value.variable == variable and "\n" not in str(error.value)


@pytest.mark.settings(**NO_PARTNER)
def test_without_partner_access_the_composer_says_where_to_answer_and_records_nothing(bot, deps, clock, yelp_state,
                                                                                     slack_state):
    from bot.desk.composer import TEXT_BLOCK
    from tests.test_composer import press_reply, submits, types
    _review(deps, clock, yelp_state)
    [root] = roots(slack_state)
    modal = press_reply(bot, slack_state, root)
    types(bot, slack_state, modal, TEXT)
    answer = submits(bot, slack_state, modal).json()
    assert answer["response_action"] == "errors"
    assert "answer the review on Yelp for Business (https://biz.yelp.com)" in answer["errors"][TEXT_BLOCK]
    assert _count(deps, Outbox) == 0 and yelp_state.response_posts == []


@pytest.mark.parametrize("name", ["YELP_API_KEY", "YELP_PARTNER_CLIENT_SECRET", "YELP_PARTNER_REFRESH_TOKEN"])
def test_yelps_secrets_are_hidden_in_every_log_line(name, monkeypatch):
    import logging
    from service.logs import RedactSecrets
    monkeypatch.setenv(name, "yelp-secret-value-123")
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "sent Bearer %s", ("yelp-secret-value-123",), None)
    RedactSecrets().filter(record)
    assert record.getMessage() == "sent Bearer ***"
