"""The suite's own isolation: on PostgreSQL every test starts from empty tables
with ids from 1 (tests/conftest.py's postgres_reset, DELETE and setval instead
of TRUNCATE … RESTART IDENTITY), as on SQLite's fresh copy of the template."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from bot.inbound.poll import poll
from bot.store.models import Base, Conversation
from tests.conftest import BACKENDS


@pytest.mark.parametrize("database_url", [b for b in BACKENDS if b == "postgresql"], indirect=True)
def test_the_reset_between_tests_empties_every_table_and_restarts_ids(request, deps, clock, x_state, slack_state):
    for name in ("carol", "dora"):
        x_state.customer_mentions(name, f"@acme_support {name} here")
    poll(deps, clock())
    with deps.sessions() as session:
        assert session.scalar(select(func.max(Conversation.id))) == 2
    request.getfixturevalue("postgres_reset")()
    with deps.sessions() as session:
        left = {table.name: n for table in Base.metadata.sorted_tables
                if (n := session.scalar(text(f'SELECT count(*) FROM "{table.name}"')))}
        assert left == {}
    x_state.customer_mentions("erin", "@acme_support erin here")
    poll(deps, clock())  # the cursor went with the rows: all three mentions come in again
    with deps.sessions() as session:
        assert sorted(session.scalars(select(Conversation.id))) == [1, 2, 3]  # not 3, 4, 5
