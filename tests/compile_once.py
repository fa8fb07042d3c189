"""Each statement compiled once per test process, as it is once per product process.

A web or worker process makes one engine and compiles each SQL statement once
(SQLAlchemy keeps the compiled form per engine, keyed by its dialect instance).
The tests make an engine per test — a database per test — so every test
compiled every statement again, and the ORM's flush statements too (its
mapper caches are keyed the same way): 11 % of the suite's CPU, sampled over
six test files. This plugin keys those caches by the dialect's class, so the
second test's engine finds what the first compiled, as the second request of a
process does. A compiled statement depends on the dialect's class and the
server it initialised against; every engine of a run meets the same SQLite
library and the same PostgreSQL server. Only this test process is touched; the
processes a test starts (web, worker, one-shot commands) compile as in
production.
"""
from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.engine.interfaces import Dialect
from sqlalchemy.util import LRUCache


class _ByDialectClass(LRUCache):
    """SQLAlchemy's LRU cache, with a key's dialect instance read as its class."""

    @staticmethod
    def _canonical(key):
        if isinstance(key, tuple) and key and isinstance(key[0], Dialect):
            return (type(key[0]), *key[1:])
        return key

    def get(self, key, default=None):
        return super().get(self._canonical(key), default)

    def __getitem__(self, key):
        return super().__getitem__(self._canonical(key))

    def __setitem__(self, key, value):
        super().__setitem__(self._canonical(key), value)

    def __contains__(self, key):
        return super().__contains__(self._canonical(key))


_BY_DIALECT: dict[type, _ByDialectClass] = {}


@event.listens_for(Engine, "engine_connect")
def _share_compiled_statements(connection) -> None:
    engine = connection.engine
    if engine._compiled_cache is not None and not isinstance(engine._compiled_cache, _ByDialectClass):
        engine._compiled_cache = _BY_DIALECT.setdefault(type(engine.dialect), _ByDialectClass(5000))


def _share_flush_statements() -> None:
    from bot.store.models import Base
    for mapper in Base.registry.mappers:  # the ORM's INSERT/UPDATE/DELETE of a flush, per mapper
        mapper.__dict__["_compiled_cache"] = _ByDialectClass(mapper._compiled_cache_size)


_share_flush_statements()
