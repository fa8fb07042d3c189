"""Each SQL statement and URL rule compiled once per test process, as once per product process.

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

The same holds for the Flask apps' URL rules: werkzeug compiles two Python
functions per rule (to build its URLs) whenever an app is made, and the
tests make five or six apps each (the bot's web app and the emulators): 7 %
of the busy CPU after the SQL above was shared. A builder is a function of
the rule's parts, its defaults and its converters' kinds alone, so the
second app with the same rule reuses the first one's. And every server a
test starts asked importlib.metadata for werkzeug's version (its Server
header), scanning the installed packages each time: asked once here.
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


def _share_url_builders() -> None:
    from werkzeug.routing.rules import Rule
    compile_builder = getattr(Rule, "_compile_builder", None)
    if compile_builder is None:  # a werkzeug that builds URLs otherwise: nothing to share
        return
    builders: dict = {}

    def shared(rule, append_unknown: bool = True):
        key = (tuple(rule._trace), repr(rule.defaults), tuple((name, type(converter).__name__)
                                                               for name, converter in rule._converters.items()),
               append_unknown)
        if key not in builders:
            builders[key] = compile_builder(rule, append_unknown)
        return builders[key]

    Rule._compile_builder = shared


def _ask_werkzeug_its_version_once() -> None:
    import functools
    import importlib.metadata

    # werkzeug.serving imports it inside BaseWSGIServer.__init__ and asks at every server's start.
    importlib.metadata.version = functools.lru_cache(maxsize=None)(importlib.metadata.version)


_share_flush_statements()
_share_url_builders()
_ask_werkzeug_its_version_once()
