"""/healthz tells the truth without blocking: a read that never waits on a
writer, and a 503 while this process's writes fail."""
from __future__ import annotations

import time

import pytest
import requests
from sqlalchemy import create_engine, event
from sqlalchemy.exc import DBAPIError

from bot.inbound.poll import poll


# On PostgreSQL readers never wait on writers; SQLite's write lock is the trap.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_healthz_answers_at_once_while_another_process_holds_the_write_lock(bot, database_url):
    other = create_engine(database_url, connect_args={"isolation_level": None})
    with other.connect() as conn:
        conn.exec_driver_sql("BEGIN IMMEDIATE")  # e.g. the worker in the middle of a write
        conn.exec_driver_sql("UPDATE poll_cursor SET failures = 0")
        response = requests.get(bot.server.url + "/healthz", timeout=3)  # SQLite's busy timeout is 15 s
        conn.exec_driver_sql("ROLLBACK")
    other.dispose()
    assert response.status_code == 200 and response.json() == {"ok": True}


def test_healthz_says_so_while_writes_fail_and_recovers(bot, deps, clock, x_state, database_url):
    engine = deps.sessions.kw["bind"]
    assert requests.get(bot.server.url + "/healthz", timeout=5).status_code == 200
    # From now on the database refuses writes (a full disk, a read-only volume, a lost primary).
    refuse = "PRAGMA query_only = ON" if database_url.startswith("sqlite") else \
        "SET default_transaction_read_only = on"
    engine.dispose()

    def listener(dbapi_connection, _record):
        dbapi_connection.cursor().execute(refuse)
        dbapi_connection.commit()  # a session setting, kept past the pool's reset
    event.listen(engine, "connect", listener)
    x_state.customer_mentions("wes", "@acme_support hello?")
    with pytest.raises(DBAPIError):
        poll(deps, clock())
    response = requests.get(bot.server.url + "/healthz", timeout=5)
    assert response.status_code == 503 and response.json()["error"].startswith("database writes are failing: ")
    event.remove(engine, "connect", listener)
    engine.dispose()
    poll(deps, clock.advance(minutes=1))  # writes work again
    assert requests.get(bot.server.url + "/healthz", timeout=5).json() == {"ok": True}


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_healthz_looking_for_recovery_waits_at_most_a_second_for_another_writer(bot, deps, database_url):
    engine = deps.sessions.kw["bind"]
    bot.executor.drain()  # the web's start-up recovery pass commits: it would clear the failure set next
    engine.socialdesk_writes.record_failure(RuntimeError("disk I/O error"))  # remembered from an outage
    other = create_engine(database_url, connect_args={"isolation_level": None})
    with other.connect() as conn:
        conn.exec_driver_sql("BEGIN IMMEDIATE")  # the worker in the middle of a write
        started = time.monotonic()
        response = requests.get(bot.server.url + "/healthz", timeout=15)
        waited = time.monotonic() - started
        conn.exec_driver_sql("ROLLBACK")
    other.dispose()
    assert response.status_code == 503 and waited < 3  # SQLite's busy timeout is 15 s
    assert requests.get(bot.server.url + "/healthz", timeout=5).json() == {"ok": True}  # the lock is free again
