"""Two replicas changing the same conversation at once, on PostgreSQL (where
nothing serializes writers for us; SQLite's BEGIN IMMEDIATE does). Another
replica's transaction is held open with a real row lock; the code under test
must wait for it and then see its result, not overwrite it."""
from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, select, text

from bot.desk import actions
from bot.desk.escalation import sweep
from bot.store.models import RESOLVED, Conversation
from bot.inbound.poll import poll
from tests.conftest import BACKENDS


def _wait_until_blocked(engine, deadline_s: float = 30) -> None:
    """Until another backend of this database waits for a lock. The server is
    asked every 10 ms up to a deadline (PostgreSQL has no event to wait on);
    the pause keeps the question from spinning a core against the code under test."""
    deadline = time.monotonic() + deadline_s
    pause = threading.Event()
    with engine.connect() as conn:
        while time.monotonic() < deadline:
            waiting = conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                        "AND wait_event_type = 'Lock'")).scalar()
            if waiting:
                return
            conn.rollback()
            pause.wait(0.01)
    raise AssertionError("the code under test never waited for the row lock")


def _while_another_replica_changes(database_url: str, conv_id: int, change_sql: str, params: dict, work):
    """Another replica locks the conversation's row and changes it; `work` runs
    meanwhile in a thread and must wait for that lock; then the other replica
    commits. Returns what `work` returned."""
    engine = create_engine(database_url)
    other_replica = engine.connect()
    held = other_replica.begin()
    other_replica.execute(text("SELECT id FROM conversation WHERE id = :id FOR UPDATE"), {"id": conv_id})
    for statement in change_sql.split("; "):
        other_replica.execute(text(statement), {"id": conv_id, **params})
    result = {}
    worker = threading.Thread(target=lambda: result.setdefault("value", work()))
    worker.start()
    try:
        _wait_until_blocked(engine)
    finally:
        held.commit()
        other_replica.close()
    worker.join(30)
    engine.dispose()
    return result["value"]


@pytest.mark.parametrize("database_url", [b for b in BACKENDS if b == "postgresql"], indirect=True)
def test_a_snooze_ending_does_not_undo_a_resolve_committed_meanwhile(database_url, deps, clock, x_state,
                                                                    slack_state):
    x_state.customer_mentions("lea", "@acme_support still waiting")
    poll(deps, clock())
    with deps.sessions() as session:
        conv_id = session.scalar(select(Conversation.id))
    actions.snooze(deps, conv_id, "U0ALICE", clock(), timedelta(minutes=30))

    swept = _while_another_replica_changes(
        database_url, conv_id, "UPDATE conversation SET status = 'resolved', snoozed_until = NULL, "
        "paused_remaining_s = NULL WHERE id = :id", {}, lambda: sweep(deps, clock() + timedelta(hours=1)))
    with deps.sessions() as session:
        conv = session.get(Conversation, conv_id)
        assert conv.status == RESOLVED and conv.breach_at is None and conv.due_at is None
    assert swept.woken == []


@pytest.mark.parametrize("database_url", [b for b in BACKENDS if b == "postgresql"], indirect=True)
def test_a_snooze_applies_to_the_wait_a_concurrent_customer_post_started(database_url, deps, clock, x_state,
                                                                         slack_state):
    """The conversation was answered; the poller (another replica) is recording
    a new customer post that starts a wait due in 1 h, when staff snooze it.
    The snooze must pause that wait (keeping its hour), not the answered state
    it read before the post was committed."""
    x_state.customer_mentions("max", "@acme_support hello")
    poll(deps, clock())
    with deps.sessions() as session:
        conv = session.scalar(select(Conversation))
        conv_id, conv.status, conv.due_at, conv.breach_at, conv.warn_at = conv.id, "answered", None, None, None
        session.commit()
    now, due = clock().replace(tzinfo=None), (clock() + timedelta(hours=1)).replace(tzinfo=None)
    snoozed = _while_another_replica_changes(
        database_url, conv_id, "UPDATE conversation SET status = 'waiting', waiting_since = :now, due_at = :due "
        "WHERE id = :id; UPDATE alarm SET due_at = :due WHERE conversation_id = :id AND kind = 'breach'",
        {"now": now, "due": due},
        lambda: actions.snooze(deps, conv_id, "U0ALICE", clock(), timedelta(minutes=30)))
    with deps.sessions() as session:
        conv = session.get(Conversation, conv_id)
        assert conv.status == "snoozed" and conv.paused_remaining_s == 3600
    assert snoozed.ok
