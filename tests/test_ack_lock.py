"""On SQLite the ack of every staff reply needs the write lock for its one
commit; after-ack work that only looks must not take that lock, or each ack
waits behind it. Here another connection holds the write lock (as a worker's
commit or another thread's transaction would) while after-ack looks run: they
finish, and the root is repainted, without waiting for it."""
from __future__ import annotations

import sqlite3
import threading

import pytest

from bot.outbound.deliver import deliver
from bot.outbound.notices import post_due_notices
from bot.store import queries as store
from handlers.after_ack import refresh
from tests.helpers import calls

WAIT = 10.0  # seconds; the bot's busy timeout is 15 s, so work queued behind the lock never finishes within it


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_after_ack_looks_go_on_while_another_connection_holds_the_write_lock(deps, clock, slack_state, carol,
                                                                            database_url):
    _tweet, root = carol
    with deps.sessions() as session:
        conversation_id = store.find_conversation_by_root_ts(session, "C0SUPPORT", root["ts"]).id
    updates_before = len(calls(slack_state, "chat.update"))
    writer = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    done, failed = threading.Event(), []

    def after_ack_looks() -> None:
        try:
            refresh(deps, conversation_id)        # the root repainted after a reply
            deliver(deps, clock())                # a pass that finds nothing due
            post_due_notices(deps, clock())       # no ⚠️ owed
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            failed.append(exc)
        finally:
            done.set()

    worker = threading.Thread(target=after_ack_looks)
    worker.start()
    try:
        finished_while_locked = done.wait(WAIT)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
        worker.join()
    assert finished_while_locked and failed == [], failed
    assert len(calls(slack_state, "chat.update")) == updates_before + 1
