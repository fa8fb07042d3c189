"""Sweep cost: find due alarms and mark each ping (the database work; Slack
network excluded) among 10,000 and 100,000 open conversations — each with its
warn, breach and escalate alarm rows — with 100 and 1,000 due, on SQLite and
(when 127.0.0.1:5432 answers) PostgreSQL.

Run: .venv/bin/python bench/sweep.py
"""
from __future__ import annotations

import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, text  # noqa: E402

from bench._common import machine, on_each_database  # noqa: E402
from bot.store.db import make_engine, make_session_factory  # noqa: E402
from bot.desk.escalation import claim_level  # noqa: E402
from bot.store.models import WAITING, Alarm, Conversation  # noqa: E402


def fill(engine, open_count: int, due_count: int, now: datetime) -> None:
    rows, alarms = [], []
    for i in range(open_count):
        due = now - timedelta(seconds=1 + i) if i < due_count else now + timedelta(minutes=5 + i % 5000)
        rows.append(dict(id=i + 1, platform="x", account="1", customer_id=str(i), customer_handle=f"@c{i}",
                         slack_channel="C0SUPPORT", slack_root_ts=f"{1700000000 + i}.000100", status=WAITING,
                         priority="normal", waiting_since=due - timedelta(hours=1), due_at=due, posts_in_wait=1,
                         created_at=now, updated_at=now))
        # Every open wait has all three levels pending, as in production.
        alarms += [dict(conversation_id=i + 1, kind="warn", due_at=due - timedelta(minutes=15)),
                   dict(conversation_id=i + 1, kind="breach", due_at=due),
                   dict(conversation_id=i + 1, kind="escalate", due_at=due + timedelta(hours=1))]
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM alarm"))
        conn.execute(text("DELETE FROM conversation"))
        for start in range(0, len(rows), 5000):
            conn.execute(insert(Conversation.__table__), rows[start:start + 5000])
        for start in range(0, len(alarms), 5000):
            conn.execute(insert(Alarm), alarms[start:start + 5000])
    # A live table has statistics (PostgreSQL's autovacuum keeps them); measure
    # that steady state, not the minutes right after a 100,000-row bulk load.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE conversation, alarm" if engine.dialect.name == "postgresql" else "ANALYZE"))


def one_sweep(sessions, now: datetime) -> tuple[float, int]:
    start = time.perf_counter()
    with sessions() as session:
        # limit 10,000 to measure the scaling; the worker claims up to 500 per level per pass
        claimed, _retrying = claim_level(session, "breach", now, also_clear=["warn"], limit=10_000)
        fired = len(claimed)
        session.commit()
    return (time.perf_counter() - start) * 1000, fired


def rearm(engine) -> None:
    """Make the same threads due again, for the next repetition."""
    with engine.begin() as conn:
        conn.execute(text("UPDATE alarm SET due_at = (SELECT due_at FROM conversation c WHERE c.id = "
                          "alarm.conversation_id), fired_at = NULL WHERE kind = 'breach' AND fired_at IS NOT NULL"))


def run(label: str, url: str, repeats: int = 5) -> None:
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    now = datetime.now(timezone.utc)
    for open_count, due_count in ((10_000, 100), (100_000, 100), (100_000, 1_000)):
        fill(engine, open_count, due_count, now)
        timings = []
        for _ in range(repeats):
            ms, fired = one_sweep(sessions, now)
            assert fired == due_count, fired
            timings.append(ms)
            rearm(engine)
        median = sorted(timings)[repeats // 2]
        target = "  (target < 50 ms: " + ("met)" if median < 50 else "NOT met)") if due_count == 100 and open_count == 100_000 else ""
        print(f"  {label:10} open {open_count:>7,} · due {due_count:>5,} · median of {repeats} {median:6.1f} ms "
              f"(min {min(timings):.1f}, max {max(timings):.1f}){target}")
    engine.dispose()


def main() -> None:
    print(f"machine: {machine()}")
    print("one sweep = a retry-hint SELECT, one UPDATE alarm … WHERE id IN (range query on the (kind, due_at) "
          "index) RETURNING conversation_id, and the warnings it makes moot cleared; one transaction")
    on_each_database(run)


if __name__ == "__main__":
    main()
