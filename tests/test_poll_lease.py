"""A poll pass that ran past its lease, while another process took the account
over, must leave that process's lease and position alone when it finishes:
it used to write its whole cursor row back unconditionally, freeing the new
owner's lease (a third pass could then poll the account at the same time)."""
from __future__ import annotations

import dataclasses
import logging
from datetime import timedelta

from bot.store import queries as store
from bot.store.models import PollCursor
from bot.inbound.poll import poll
from tests.helpers import roots


def test_a_pass_that_outlived_its_lease_leaves_the_new_owner_alone(deps, clock, x_state, slack_state, caplog):
    x_state.customer_mentions("carol", "@acme_support where is my parcel?")
    adapter = deps.adapters["x"]
    real_feeds = adapter.feeds
    later = clock() + timedelta(minutes=5)  # the first pass's lease (60 s) has long run out by then
    taken = {}

    def taken_over_while_fetching(feed):
        def fetch(cursor, start_time):
            with deps.sessions() as session:  # another process, a while later
                claimed = store.claim_cursor(session, feed.key, "4242:other-pass", later, later + timedelta(minutes=1),
                                             paced=False)
                session.commit()
                taken[feed.key] = claimed is not None
            return feed.fetch(cursor, start_time)
        return dataclasses.replace(feed, fetch=fetch)

    adapter.feeds = lambda: [taken_over_while_fetching(feed) for feed in real_feeds()]
    try:
        with caplog.at_level(logging.WARNING, logger="bot.inbound.poll"):
            poll(deps, clock(), paced=False)
    finally:
        del adapter.feeds
    assert taken and all(taken.values())
    with deps.sessions() as session:
        for key in taken:
            row = session.get(PollCursor, key)
            assert (row.lease_owner, row.lease_until) == ("4242:other-pass", later + timedelta(minutes=1))
            assert row.cursor is None  # the new owner's position, not the old pass's
    assert len(roots(slack_state)) == 1  # what the old pass posted stays posted, once
    warned = [r.getMessage() for r in caplog.records if "outlived its lease" in r.getMessage()]
    assert len(warned) == len(taken)
