"""Engine and session factory for SQLite (default) and PostgreSQL."""
from __future__ import annotations

import threading
from datetime import datetime, timezone

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        # web and worker are separate processes: WAL lets readers and one writer
        # work at once, and the busy timeout waits for the writer instead of failing.
        engine = create_engine(url, connect_args={"timeout": 15, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # pragma: no cover - trivial
            dbapi_connection.isolation_level = None  # let SQLAlchemy emit BEGIN itself
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=15000")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin_immediate(conn):
            options = conn.get_execution_options()
            if options.get(READ_PROBE):
                return  # /healthz reads outside any transaction: never waits on a writer
            if options.get(READ_ONLY):
                conn.exec_driver_sql("BEGIN")  # a snapshot, no write lock: never waits on a writer
                return
            # Take the write lock at BEGIN: a deferred transaction that reads and
            # then writes can fail with "database is locked" instead of waiting.
            conn.exec_driver_sql("BEGIN IMMEDIATE")

    else:
        engine = create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)
    _watch_writes(engine)
    return engine


READ_PROBE = "socialdesk_read_probe"
READ_ONLY = "socialdesk_read_only"


def outside_transaction(engine: Engine) -> Engine:
    """The engine for single statements outside any transaction (READ_PROBE:
    on SQLite no BEGIN, so no write lock taken or waited for), made once per
    engine: applying options per call costs more than an indexed read."""
    probe = engine.__dict__.get("socialdesk_probe")
    if probe is None:
        probe = engine.socialdesk_probe = engine.execution_options(**{READ_PROBE: True})
    return probe


class WriteHealth:
    """Whether this process's database work is failing: the newest failure
    (not a unique-key conflict, which is how duplicates are refused) against
    the newest commit. /healthz reports a failure that no commit has followed."""

    def __init__(self):
        self._lock = threading.Lock()
        self.failed_at: datetime | None = None
        self.failure: str | None = None
        self.committed_at: datetime | None = None

    def record_failure(self, error: BaseException) -> None:
        with self._lock:
            self.failed_at, self.failure = datetime.now(timezone.utc), str(error).strip().splitlines()[0]

    def record_commit(self, at: datetime | None = None) -> None:
        with self._lock:
            at = at or datetime.now(timezone.utc)
            if self.committed_at is None or at > self.committed_at:
                self.committed_at = at

    def problem(self) -> str | None:
        with self._lock:
            if self.failed_at and (self.committed_at is None or self.failed_at > self.committed_at):
                return f"database writes are failing: {self.failure}"
            return None


def _watch_writes(engine: Engine) -> None:
    health = engine.socialdesk_writes = WriteHealth()

    @event.listens_for(engine, "handle_error")
    def _failed(context):
        error = context.sqlalchemy_exception
        if isinstance(error, DBAPIError) and not isinstance(error, IntegrityError):
            health.record_failure(context.original_exception)
        if database_unavailable(error) and not context.is_disconnect:
            # A SQLite connection that met a read-only or vanished file stays
            # that way after the file is writable again, and a PostgreSQL
            # session on a primary that became a replica stays read-only: throw
            # the pooled connections away, so the next request opens a fresh one
            # and the process recovers by itself.
            context.is_disconnect = True
            context.invalidate_pool_on_disconnect = True

    @event.listens_for(engine, "commit")
    def _committed(_conn):
        health.record_commit()


SQLITE_UNAVAILABLE = ("readonly database", "disk i/o error", "unable to open database file")
# SQLSTATE classes of a database that is away or refuses writes for now:
# connection exceptions, read-only transaction, operator intervention, resources.
PG_UNAVAILABLE = ("08", "25006", "57P", "53")


def database_unavailable(error: BaseException | None) -> bool:
    """The database is away or refuses writes for now (not a bug, not bad
    input): answer 503 so the sender retries, and reconnect."""
    if isinstance(error, (OperationalError, InterfaceError)) and not isinstance(error, IntegrityError):
        if "database is locked" not in str(error):
            return True
    if not isinstance(error, DBAPIError):
        return False
    original = error.orig
    code = getattr(original, "sqlstate", None) or getattr(original, "pgcode", None) or ""
    return code.startswith(PG_UNAVAILABLE) or any(m in str(original).lower() for m in SQLITE_UNAVAILABLE)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def reading(sessions: sessionmaker[Session]) -> Session:
    """A session for look-ups only (`with reading(deps.sessions) as s:`): on
    SQLite a deferred BEGIN, so it neither takes nor waits for the write lock
    every other session takes at BEGIN IMMEDIATE. Writing in it is a bug: it
    raises instead of reaching the database."""
    bind = sessions.kw["bind"]
    session = sessions(bind=bind.execution_options(**{READ_ONLY: True}))
    event.listen(session, "before_flush", _refuse_writes)
    return session


def _refuse_writes(session, _context, _instances):
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("a read-only session (bot.store.db.reading) was asked to write")


def database_problem(engine: Engine) -> str | None:
    """None when the database answers a read and this process's writes are not
    failing; otherwise what is wrong, in one line (for /healthz).

    A write failure is remembered until a write works again. An idle `web`
    (behind a load balancer that only asks /healthz) may never write by
    itself, so while a failure is remembered /healthz tries a write that
    changes nothing, and a success ends the failure."""
    try:
        with engine.connect().execution_options(**{READ_PROBE: True}) as conn:
            conn.execute(text("SELECT 1 FROM alembic_version"))
            conn.rollback()
    except Exception as exc:  # any driver error means "not healthy"
        return "database does not answer: " + (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    watcher = getattr(engine, "socialdesk_writes", None)
    if watcher is None or watcher.problem() is None:
        return None
    # Twice: the first try may take a pooled connection opened during the
    # outage, which fails and throws the pool away (see _watch_writes).
    for _attempt in range(2):
        started = datetime.now(timezone.utc)
        try:
            _probe_write(engine)
        except Exception as exc:  # noqa: BLE001 - recorded by handle_error; the failure stands
            if database_unavailable(exc):
                continue
            break  # e.g. another writer held the lock past PROBE_WAIT_MS: ask again next time
        watcher.record_commit(started)  # a failure after `started` still wins
        break
    return watcher.problem()


PROBE_WAIT_MS = 1000  # /healthz never waits longer than this for another writer's lock
BUSY_TIMEOUT_MS = 15000  # as make_engine sets it


def _probe_write(engine: Engine) -> None:
    """Take the write lock and give it back, changing nothing; raises when the
    database refuses writes. Waits at most PROBE_WAIT_MS for another writer."""
    with engine.connect().execution_options(**{READ_PROBE: True}) as conn:
        if engine.dialect.name == "sqlite":
            # READ_PROBE: SQLAlchemy emitted no BEGIN, so this is the only transaction.
            conn.exec_driver_sql(f"PRAGMA busy_timeout={PROBE_WAIT_MS}")
            try:
                conn.exec_driver_sql("BEGIN IMMEDIATE")  # a read-only file refuses this
                conn.exec_driver_sql("ROLLBACK")
            finally:
                if not conn.invalidated:
                    conn.exec_driver_sql(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        else:
            conn.exec_driver_sql(f"SET LOCAL lock_timeout = {PROBE_WAIT_MS}")
            conn.execute(text("UPDATE alembic_version SET version_num = version_num"))
            conn.rollback()
