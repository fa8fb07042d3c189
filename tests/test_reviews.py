"""The review core, platform-blind: a review's stars, headline and location
on its root and on a revision; 1–2 stars raise the priority through the
urgency rules (never a fork of them); review platforms wait SLA_REVIEWS
unless their own SLA variable says otherwise; a rating is 1–5 or the post
is refused (and only that post)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest

from adapters.base import InboundPost
from bot.config import load_settings
from bot.rules.urgency import assess
from bot.slack.render import followup_message, root_message
from tests.helpers import all_text

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("stars, text, priority", [
    (1, "The table was ready when we came.", "high"),       # calm words, one star: still a public complaint
    (2, "Thanks, lovely staff, great food!", "high"),      # praise never lowers a 2-star review
    (3, "It was fine.", "normal"),
    (5, "Thanks, lovely staff, great food!", "low"),
    (1, "The waiter called the police on us", "urgent"),   # the urgent cues still win
])
def test_low_stars_raise_the_priority_through_the_urgency_rules(stars, text, priority):
    urgency = assess(text, 1, stars)
    assert urgency.priority == priority
    if priority == "high":
        assert urgency.reason.startswith(f"{stars}-star review")


def _review(**kw):
    fields = dict(text="Cold <!channel> food", author_handle="Dana", author_id="c1", author_name=None, created_at=NOW,
                  external_url="https://www.trustpilot.com/reviews/abc", parked_reason=None, attachments=None,
                  change=None, rating=2, title="Never *again* <@U1>", location="Leeds & York", listened=False)
    fields.update(kw)
    return SimpleNamespace(**fields)


def _conv(**kw):
    fields = dict(id=3, private=False, customer_handle="Dana", status="waiting", assignee=None,
                  priority="high", priority_reason="2-star review", priority_by_staff=False, due_at=NOW,
                  snoozed_until=None, posts_in_wait=1, reply_privately_by=None, waiting_since=NOW,
                  platform="trustpilot", warned_at=None, warn_at=None, labels=[])
    fields.update(kw)
    return SimpleNamespace(**fields)


def test_a_review_root_shows_its_stars_headline_location_and_link_escaped():
    conv = _conv()
    shown = all_text(root_message(conv, _review(), "Trustpilot", NOW))
    assert "★★☆☆☆ 2/5" in shown.replace("*", "")
    assert "Never *again* &lt;@U1&gt;" in shown and "📍 Leeds &amp; York" in shown
    assert "<https://www.trustpilot.com/reviews/abc|open review>" in shown and "<!channel>" not in shown


def test_a_revised_reviews_root_shows_the_current_stars_what_they_were_and_when():
    revision = _review(change="revised", rating=3, created_at=NOW + timedelta(days=3))
    shown = all_text(root_message(_conv(), _review(), "Trustpilot", NOW, review=revision)).replace("*", "")
    assert f"★★★☆☆ 3/5 (was ★★☆☆☆, revised <!date^{int(revision.created_at.timestamp())}^" in shown
    assert "2/5" not in shown and "Cold" in shown   # the first text stays; the revision's is in the thread
    assert shown.startswith("Trustpilot · Dana: ★★★☆☆")   # the notification text too
    same_stars = _review(change="revised", rating=2, created_at=NOW)
    assert "★★☆☆☆ 2/5 (revised " in all_text(root_message(_conv(), _review(), "Trustpilot", NOW,
                                                         review=same_stars)).replace("*", "")


def test_a_removed_reviews_root_says_so_and_not_that_it_was_revised():
    gone = _review(change="removed", rating=2)
    shown = all_text(root_message(_conv(status="resolved"), _review(), "Trustpilot", NOW, review=gone))
    assert "The customer removed this review" in shown and "revised" not in shown and "2/5" in shown
    after_revision = _review(change="removed", rating=4)
    shown = all_text(root_message(_conv(status="resolved"), _review(), "Trustpilot", NOW,
                                  review=after_revision)).replace("*", "")
    assert "★★★★☆ 4/5 (was ★★☆☆☆)" in shown


def test_a_revision_in_the_thread_says_so_with_its_new_stars():
    shown = all_text(followup_message(_review(change="revised", rating=4, title=None, location=None), "Trustpilot"))
    assert "revised their review" in shown and "★★★★☆" in shown and "📍" not in shown


def test_a_post_that_is_not_a_review_shows_no_stars():
    shown = all_text(followup_message(_review(rating=None, title=None, location=None), "X"))
    assert "★" not in shown and "☆" not in shown and "open post" in shown


@pytest.mark.parametrize("rating", [0, 6, True, 2.5, "5"])
def test_a_rating_outside_one_to_five_stars_is_refused(rating):
    with pytest.raises(ValueError, match="rating"):
        InboundPost("trustpilot", "r1", "r1", "c1", "Dana", None, "text", NOW, None, "Trustpilot", rating=rating)


TRUSTPILOT = {"TRUSTPILOT_API_KEY": "k", "TRUSTPILOT_API_SECRET": "s", "TRUSTPILOT_BUSINESS_UNIT_ID": "u",
              "TRUSTPILOT_USERNAME": "n", "TRUSTPILOT_PASSWORD": "p"}


def test_review_platforms_wait_sla_reviews_and_their_own_variable_wins():
    default = load_settings({}).sla_overrides
    assert default["first:trustpilot"] == default["next:trustpilot"] == timedelta(hours=24)
    assert "first:x" not in default
    assert load_settings({"SLA_REVIEWS": "8h"}).sla_overrides["first:trustpilot"] == timedelta(hours=8)
    own = load_settings({"SLA_REVIEWS": "8h", "SLA_FIRST_RESPONSE_TRUSTPILOT": "2h"}).sla_overrides
    assert own["first:trustpilot"] == timedelta(hours=2) and own["next:trustpilot"] == timedelta(hours=8)


def test_trustpilot_is_on_only_with_all_its_credentials():
    assert "trustpilot" in load_settings(TRUSTPILOT).platforms
    for name in TRUSTPILOT:
        assert "trustpilot" not in load_settings({k: v for k, v in TRUSTPILOT.items() if k != name}).platforms
