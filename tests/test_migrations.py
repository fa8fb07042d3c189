"""The Alembic revisions and the SQLAlchemy models describe the same schema, on
SQLite and PostgreSQL, and every revision downgrades cleanly."""
from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine

from bot.store.migrate import alembic_config, upgrade_to_head
from bot.store.models import Base


def _drift(url: str) -> list:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    finally:
        engine.dispose()
    return diff


def test_migrated_database_matches_the_models(database_url):
    assert _drift(database_url) == []


def test_downgrade_to_base_and_back(tmp_path):
    url = f"sqlite:///{tmp_path / 'roundtrip.db'}"
    upgrade_to_head(url)
    command.downgrade(alembic_config(url), "base")
    upgrade_to_head(url)
    assert _drift(url) == []


def test_a_database_a_newer_socialdesk_migrated_is_refused_with_the_fix(tmp_path):
    """Not "run `socialdesk migrate`": this code is the older one and must be
    upgraded (mautrix refuses a database newer than its code the same way)."""
    import subprocess
    import sys

    from sqlalchemy import text

    from bot.store.migrate import SetupError, check_schema

    url = f"sqlite:///{tmp_path / 'newer.db'}"
    upgrade_to_head(url)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099'"))  # a later release's revision
    try:
        try:
            check_schema(engine)
        except SetupError as exc:
            said = str(exc)
        else:
            raise AssertionError("check_schema accepted a newer database")
        with engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0099"
    finally:
        engine.dispose()
    assert "migrated by a newer socialdesk" in said and "upgrade socialdesk" in said
    assert "run `socialdesk migrate`" not in said
    result = subprocess.run([sys.executable, "-m", "bot", "migrate"], capture_output=True, text=True, timeout=60,
                            env={"PATH": "/usr/bin:/bin", "DATABASE_URL": url})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1] == f"socialdesk migrate: {said}"  # after Alembic's INFO lines


def test_0014_moves_the_weekly_report_claims_out_of_slack_event_and_back(tmp_path):
    """An upgrade on a Monday morning must not post the week's report twice."""
    from datetime import datetime

    from sqlalchemy import text

    url = f"sqlite:///{tmp_path / 'claims.db'}"
    command.upgrade(alembic_config(url), "0013")
    engine = create_engine(url)
    monday, later = datetime(2026, 11, 30, 8, 0), datetime(2026, 11, 30, 8, 1)
    rows = [("weekly-report:2026-11-30", monday), ("weekly-report:2026-11-30:posted", later),
            ("weekly-report:2026-12-07", later), ("Ev0SLACK0001", later)]
    with engine.begin() as conn:
        for event_id, at in rows:
            conn.execute(text("INSERT INTO slack_event (event_id, received_at) VALUES (:e, :t)"), {"e": event_id, "t": at})
    upgrade_to_head(url)

    def table(sql):
        with engine.connect() as conn:
            return sorted(tuple(str(v).removesuffix(".000000") for v in row) for row in conn.execute(text(sql)))
    try:
        assert table("SELECT key, claimed_at, done_at FROM job_claim") == [
            ("weekly-report:2026-11-30", str(monday), str(later)), ("weekly-report:2026-12-07", str(later), "None")]
        assert table("SELECT event_id FROM slack_event") == [("Ev0SLACK0001",)]
        command.downgrade(alembic_config(url), "0013")
        assert table("SELECT event_id, received_at FROM slack_event") == sorted(
            (event_id, str(at)) for event_id, at in rows)
    finally:
        engine.dispose()


def test_the_head_read_without_alembic_is_alembics_head():
    """Every process's start-up check compares the database with this head
    without importing Alembic (see check_schema): it must be Alembic's own."""
    from alembic.script import ScriptDirectory

    from bot.store.migrate import newest_revision
    assert newest_revision() == ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def test_the_start_up_check_of_a_current_or_older_database_needs_no_alembic_and_says_the_fix(tmp_path):
    """A process at the newest schema starts without importing Alembic; an older
    database still gets Alembic's answer and the command that fixes it."""
    import subprocess
    import sys
    import textwrap

    url = f"sqlite:///{tmp_path / 'current.db'}"
    upgrade_to_head(url)
    older = f"sqlite:///{tmp_path / 'older.db'}"
    upgrade_to_head(older)
    command.downgrade(alembic_config(older), "-1")
    from bot.store.migrate import newest_revision
    with create_engine(older).connect() as conn:
        before_head = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    probe = textwrap.dedent(f"""
        import sys
        from sqlalchemy import create_engine
        from bot.store.migrate import SetupError, check_schema
        check_schema(create_engine({url!r}))
        print("alembic imported" if "alembic" in sys.modules else "no alembic")
        try:
            check_schema(create_engine({older!r}))
        except SetupError as exc:
            print(exc)
    """)
    said = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60,
                          check=True).stdout.splitlines()
    assert said[0] == "no alembic"
    assert said[1].startswith(f"the database schema is at revision {before_head} and this version needs "
                              f"{newest_revision()}:"), said
    assert said[1].endswith("run `socialdesk migrate`")


def test_a_conversations_replies_are_read_by_index_not_by_scanning_the_outbox(tmp_path):
    """The root's repaint (a reply in flight, a reply leaving), the composer's cancelled reply and a replaced public
    reply each ask for one conversation's outbox rows; the outbox is never pruned, so without ix_outbox_conversation
    (0023) each read every reply ever sent. The statements are the ones the code runs, caught as it runs them."""
    from datetime import datetime, timezone

    from sqlalchemy import event
    from sqlalchemy.orm import sessionmaker

    from bot.desk import composer
    from bot.store import queries

    url = f"sqlite:///{tmp_path / 'plan.db'}"
    upgrade_to_head(url)
    engine = create_engine(url)
    caught = []
    event.listen(engine, "before_cursor_execute",
                 lambda conn, cursor, statement, params, context, many: caught.append((statement, params)))
    now = datetime(2026, 12, 7, tzinfo=timezone.utc)
    with sessionmaker(engine)() as session:
        queries.root_marks(session, 1, now)
        queries.reply_leaving_at(session, 1, now)
        composer._cancelled_here(session, 1, "U1", now)
    outbox_reads = [(s, p) for s, p in caught if "FROM outbox" in s]
    assert len(outbox_reads) == 3, caught
    with engine.connect() as conn:
        for statement, params in outbox_reads:
            plan = " ".join(str(row[-1]) for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params))
            assert "SCAN outbox" not in plan, (statement, plan)
    engine.dispose()
