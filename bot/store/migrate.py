"""`socialdesk migrate`: Alembic upgrade to head, with the config built in code so
the installed distribution needs no alembic.ini next to the working directory."""
from __future__ import annotations

import ast
import os
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import migrations

# Alembic is imported where it is used: importing it costs a spawned process about
# 0.3–0.7 s (it loads every dialect's DDL and autogenerate), and every `socialdesk`
# process checks the schema at start, which needs no Alembic when the database is
# at the newest revision (check_schema's common case).
if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory


def alembic_config(database_url: str) -> Config:
    from alembic.config import Config
    config = Config()
    config.set_main_option("script_location", str(Path(migrations.__file__).parent))
    # ConfigParser interpolation would choke on '%' in passwords.
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade_to_head(database_url: str) -> tuple[str | None, str]:
    """Refuses a database a newer socialdesk migrated (as mautrix refuses a
    database newer than its code): Alembic would only say it cannot locate
    the revision, and there is nothing an older version may do to it.
    Returns the revision the database was at (None: empty) and the one it is
    at now, for the command's one line (Alembic's own INFO lines quote every
    migration's docstring)."""
    from alembic import command
    from alembic.script import ScriptDirectory
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    config = alembic_config(database_url)
    engine = create_engine(database_url, poolclass=NullPool)
    script = ScriptDirectory.from_config(config)
    try:
        with engine.connect() as conn:
            before = _current_revision(conn)
        _refuse_newer(before, script)
    finally:
        engine.dispose()
    command.upgrade(config, "head")
    return before, script.get_current_head()


class SetupError(Exception):
    """The environment is not ready (database, credentials): one line naming the fix."""


def _current_revision(conn) -> str | None:
    from alembic.runtime.migration import MigrationContext
    return MigrationContext.configure(conn).get_current_revision()


def _refuse_newer(current: str | None, script: ScriptDirectory) -> None:
    """SetupError when the database is at a revision this code does not know:
    a newer socialdesk migrated it, and this code must be upgraded — running
    this version's `socialdesk migrate` cannot help."""
    from alembic.script.revision import ResolutionError
    from alembic.util import CommandError

    if current is None:
        return
    try:
        known = script.get_revision(current) is not None
    except (CommandError, ResolutionError):  # the script directory wraps the second in the first
        known = False
    if not known:
        raise SetupError(f"the database was migrated by a newer socialdesk (schema revision {current}; this "
                         f"version knows up to {script.get_current_head()}): upgrade socialdesk here to the "
                         "version that migrated it, or newer; an older version must not run against it")


@lru_cache(maxsize=1)
def newest_revision() -> str | None:
    """The head of migrations/versions/ read from the files' `revision` and
    `down_revision` assignments, without Alembic; None unless the history is one
    line with one head (then check_schema asks Alembic). test_migrations.py
    checks it against Alembic's own head."""
    revisions, parents = set(), set()
    for path in Path(migrations.__file__).parent.joinpath("versions").glob("*.py"):
        if path.name.startswith("__"):  # __init__.py, as Alembic skips it
            continue
        found = {}
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            target = node.target if isinstance(node, ast.AnnAssign) else (
                node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else None)
            if isinstance(target, ast.Name) and target.id in ("revision", "down_revision") and node.value is not None:
                found[target.id] = node.value
        revision, down = found.get("revision"), found.get("down_revision")
        if not isinstance(revision, ast.Constant) or not isinstance(revision.value, str):
            return None
        if not isinstance(down, ast.Constant) or not isinstance(down.value, (str, type(None))):
            return None  # a merge (a tuple of parents) or something unexpected
        revisions.add(revision.value)
        if down.value is not None:
            parents.add(down.value)
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 and parents <= revisions else None


def _stored_revisions(conn) -> list[str] | None:
    """The database's alembic_version rows; None when the table is absent."""
    from sqlalchemy import inspect, text
    if not inspect(conn).has_table("alembic_version"):
        return None
    return list(conn.scalars(text("SELECT version_num FROM alembic_version")))


def check_schema(engine) -> None:
    """Raise SetupError unless the database answers and is at the newest schema."""
    from sqlalchemy.exc import DBAPIError

    database = engine.url.database
    if engine.url.get_backend_name() == "sqlite" and database and not os.path.exists(database):
        # Connecting would create an empty file there; say what is missing instead.
        raise SetupError(f"there is no database file at {os.path.abspath(database)}: run `socialdesk migrate` "
                         "(it creates it), or check DATABASE_URL")
    try:
        with engine.connect() as conn:
            stored = _stored_revisions(conn)
            if stored is not None and stored == [newest_revision()]:
                return  # at the newest schema: nothing more to ask Alembic
            current = _current_revision(conn)
    except DBAPIError as exc:
        raise SetupError(f"cannot reach the database {engine.url.render_as_string(hide_password=True)} "
                         f"({_first_line(exc.orig)}): is it running, and is DATABASE_URL right?") from None
    from alembic.script import ScriptDirectory
    script = ScriptDirectory.from_config(alembic_config(str(engine.url)))
    head = script.get_current_head()
    if current is None:
        raise SetupError("the database has no socialdesk tables yet: run `socialdesk migrate`")
    _refuse_newer(current, script)
    if current != head:
        raise SetupError(f"the database schema is at revision {current} and this version needs {head}: "
                         "run `socialdesk migrate`")


def _first_line(error: BaseException | None) -> str:
    text = str(error or "").strip().splitlines()
    return text[0] if text else type(error).__name__
