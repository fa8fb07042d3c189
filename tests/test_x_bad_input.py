"""One bad X post never stops a feed: through `socialdesk poll` and the real
signed `/webhooks/x` route, a post or event that cannot be built is logged in
one line and skipped (or shown as "author unknown"), the rest of its page or
delivery flows, the cursor moves on, and times X could never have given
(year 9999, huge epochs) give the post no platform time instead of an error."""
from __future__ import annotations

import copy
import json
import logging
import os
import subprocess
import sys

from hypothesis import given

from bot.inbound.poll import poll
from tests.helpers import all_text, roots
from tests.payloads import collect
from tests.test_properties import PROPS, json_values
from tests.test_x_webhooks import deliver_event, mention_event, stored_messages

PAYLOADS = {p.name: p for p in collect("x")}


def _poll_command(env):
    return subprocess.run([sys.executable, "-m", "bot", "poll"], env={**os.environ, **env},
                          capture_output=True, text=True, timeout=60)


def test_a_recorded_page_without_author_ids_is_shown_and_the_cursor_moves_on(env, x_state, slack_state):
    page = PAYLOADS["x/api_mentions_tweepy_no_author"]  # tweepy asked without tweet.fields: no author_id at all
    x_state.answer_next("mentions", page.body)
    first = _poll_command(env)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("poll: X @acme_support: 10 new posts in 10 threads;"), first.stdout
    shown = [all_text(r) for r in roots(slack_state)]
    assert len(shown) == 10 and all("author unknown" in text for text in shown)
    assert any("respond to my ticket." in text for text in shown)
    # The page is not fetched again: its newest id is the cursor, and X's next page is empty.
    second = _poll_command(env)
    assert second.returncode == 0 and "X @acme_support: nothing new" in second.stdout
    assert len(roots(slack_state)) == 10


def test_one_unreadable_post_in_a_polled_page_costs_only_itself(deps, x_state, slack_state, caplog):
    caplog.set_level(logging.WARNING)
    page = copy.deepcopy(PAYLOADS["x/api_mentions_docs"].body)
    broken = {**page["data"][0], "id": "9" * 600}  # no id is that long: it cannot be stored
    page["data"].insert(0, broken)
    x_state.answer_next("mentions", page)
    result = poll(deps, deps.clock(), paced=False)
    assert not result.errors and result.posted == 1
    [root] = roots(slack_state)
    assert "Hey @XDevelopers, love the new API!" in all_text(root) and "*@developer*" in all_text(root)
    [line] = [r.getMessage() for r in caplog.records if "skipped" in r.getMessage()]
    assert line.startswith("X post " + "9" * 40 + " skipped: it cannot be read (ValueError")
    assert poll(deps, deps.clock(), paced=False).posted == 0  # the cursor moved past both


def test_a_recorded_dm_page_without_senders_is_shown(deps, x_state, slack_state):
    x_state.answer_next("dm_read", PAYLOADS["x/api_dm_events_tweepy_no_sender"].body)
    result = poll(deps, deps.clock(), paced=False)
    assert not result.errors and result.posted == 2
    assert sorted("Testing 1" in all_text(r) for r in roots(slack_state)) == [False, True]


def test_one_bad_event_in_a_delivery_costs_only_itself(bot, deps, x_state, slack_state, caplog):
    caplog.set_level(logging.WARNING)
    good = x_state.post(x_state.add_user("nina"), "@acme_support where is my parcel?")
    bad = mention_event(x_state, {**good, "id": ["not", "an", "id"]})["data"]
    delivery = {"data": [bad, mention_event(x_state, good)["data"]]}
    assert deliver_event(bot, x_state, delivery).json() == {"ok": True}
    [root] = roots(slack_state)
    assert "where is my parcel?" in all_text(root)
    assert any("X webhook event post.mention.create" in r.getMessage() and "skipped" in r.getMessage()
               for r in caplog.records)


def test_one_bad_post_in_an_account_activity_delivery_costs_only_itself(bot, deps, x_state, slack_state):
    documented = PAYLOADS["x/aaa_direct_message_events"].body
    ours = json.loads(json.dumps(documented).replace(PAYLOADS["x/aaa_direct_message_events"].account,
                                                     x_state.brand_id))
    broken = {**ours["direct_message_events"][0], "id": "1" * 600}  # no id is that long
    ours["direct_message_events"].insert(0, broken)
    assert deliver_event(bot, x_state, ours).json() == {"ok": True}
    assert "Hello World!" in all_text(roots(slack_state)[0])


def test_times_x_never_gives_leave_the_post_its_ingestion_time(bot, deps, x_state, slack_state):
    far = x_state.post(x_state.add_user("olga"), "@acme_support year nine thousand")
    assert deliver_event(bot, x_state, mention_event(x_state, {**far, "created_at": "9999-12-31T23:59:59.000Z"})
                         ).status_code == 200
    nonsense = x_state.post(x_state.add_user("pavel"), "@acme_support month ninety-nine")
    assert deliver_event(bot, x_state, mention_event(x_state, {**nonsense, "created_at": "9999-99-99T99:99:99Z"})
                         ).status_code == 200
    documented = PAYLOADS["x/aaa_direct_message_events"]
    huge = json.loads(json.dumps(documented.body).replace(documented.account, x_state.brand_id))
    huge["direct_message_events"][0]["created_timestamp"] = "9" * 40
    assert deliver_event(bot, x_state, huge).json() == {"ok": True}
    shown = " ".join(all_text(r) for r in roots(slack_state))
    assert "year nine thousand" in shown and "month ninety-nine" in shown and "Hello World!" in shown
    assert stored_messages(deps) == 3
    from sqlalchemy import select

    from bot.store.models import Message
    with deps.sessions() as session:
        times = session.scalars(select(Message.created_at)).all()
    assert all(t.year == deps.clock().year for t in times)  # ingestion time, not 9999


@PROPS
@given(page=json_values, post=json_values)
def test_any_page_x_could_answer_is_read_or_skipped_never_raised(page, post):
    from adapters import _x_pages as pages
    for body in (page if isinstance(page, dict) else {"data": page},
                 {"data": [post, {"id": "1301573587187331074", "text": "kept", "author_id": "12"}]}):
        posts = pages.posts_on_page(body, "0")
        pages.newest(body), pages.next_token(body), pages.included_users(body)
        for item in pages.items(body):
            pages.dm_on_page(item, {}, "0")
        assert all(isinstance(p.text, str) for p in posts)
    assert "kept" in [p.text for p in pages.posts_on_page({"data": [post, {"id": "1", "text": "kept"}]}, "0")]
