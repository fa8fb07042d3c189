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
