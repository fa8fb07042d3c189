"""Alembic environment shipped inside the distribution (see bot/store/migrate.py)."""
