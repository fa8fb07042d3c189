"""A Google review's root names its location by the title Business Profile
gives it ("📍 Acme Diner Soho", the Business Information API's locations.get),
read once per location and process — not by its 19-digit id; where the title
cannot be read, the id is shown and the review is not held up. On SQLite and
PostgreSQL, through the Google emulator."""
from __future__ import annotations

import pytest

from bot.inbound.poll import poll
from tests.helpers import all_text, roots

pytestmark = pytest.mark.google


def _title_reads(google_state) -> list[str]:
    return [path for method, path in google_state.calls if method == "GET" and path.startswith("/v1/locations/")]


def test_a_review_root_shows_its_locations_title_read_once(deps, clock, google_state, slack_state):
    soho, camden = google_state.location_ids
    google_state.review("Dana K", 2, "Cold food.", push=False)
    google_state.review("Eli", 5, "Lovely staff.", push=False)
    google_state.review("Fay", 4, "Good pasta.", location=1, push=False)
    poll(deps, clock())
    shown = {all_text(r).split("📍 ")[1].split("\n")[0].split(" ·")[0] for r in roots(slack_state)}
    assert shown == {"Acme Diner Soho", "Acme Diner Camden"}
    assert not any(soho in all_text(r) or camden in all_text(r) for r in roots(slack_state))
    google_state.review("Gus", 1, "Never again.", push=False)
    poll(deps, clock.advance(minutes=5))
    assert sorted(_title_reads(google_state)) == sorted([f"/v1/locations/{soho}", f"/v1/locations/{camden}"])


def test_without_a_title_the_location_id_is_shown_and_the_review_still_comes(deps, clock, google_state, slack_state):
    google_state.location_titles.clear()  # e.g. the Business Information API gives none
    google_state.review("Dana K", 2, "Cold food.", push=False)
    poll(deps, clock())
    [root] = roots(slack_state)
    assert f"📍 location {google_state.location_ids[0]}" in all_text(root) and "Cold food." in all_text(root)
