"""Storage: the SQLAlchemy models, sessions, queries and the schema's migrations."""
# listen_reads defines a table outside models.py (kept under 400 lines): imported here so
# every use of Base.metadata (migrations, the tests) has it.
from bot.store import listen_reads as _listen_reads  # noqa: F401,E402
