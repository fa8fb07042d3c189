"""`socialdesk migrate`: Alembic upgrade to head, with the config built in code so
the installed distribution needs no alembic.ini next to the working directory."""
from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config

import migrations


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(Path(migrations.__file__).parent))
    # ConfigParser interpolation would choke on '%' in passwords.
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade_to_head(database_url: str) -> None:
    command.upgrade(alembic_config(database_url), "head")


class SetupError(Exception):
    """The environment is not ready (database, credentials): one line naming the fix."""


def check_schema(engine) -> None:
    """Raise SetupError unless the database answers and is at the newest schema."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from sqlalchemy.exc import DBAPIError

    head = ScriptDirectory.from_config(alembic_config(str(engine.url))).get_current_head()
    database = engine.url.database
    if engine.url.get_backend_name() == "sqlite" and database and not os.path.exists(database):
        # Connecting would create an empty file there; say what is missing instead.
        raise SetupError(f"there is no database file at {os.path.abspath(database)}: run `socialdesk migrate` "
                         "(it creates it), or check DATABASE_URL")
    try:
        with engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
    except DBAPIError as exc:
        raise SetupError(f"cannot reach the database {engine.url.render_as_string(hide_password=True)} "
                         f"({_first_line(exc.orig)}): is it running, and is DATABASE_URL right?") from None
    if current is None:
        raise SetupError("the database has no socialdesk tables yet: run `socialdesk migrate`")
    if current != head:
        raise SetupError(f"the database schema is at revision {current} and this version needs {head}: "
                         "run `socialdesk migrate`")


def _first_line(error: BaseException | None) -> str:
    text = str(error or "").strip().splitlines()
    return text[0] if text else type(error).__name__
