"""Alembic environment shipped inside the distribution (see bot/migrate.py)."""
