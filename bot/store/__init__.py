"""Storage: the SQLAlchemy models, sessions, queries and the schema's migrations."""
