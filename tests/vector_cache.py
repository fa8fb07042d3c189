"""Each text's sentence vector read once per installed environment, not once per run.

The model's reads are most of the corpus tests' CPU: ~10 ms a text on the
2-core VM, ~9,700 texts a `make test` (the development batches' regression
checks, the held-out figures, the families' kind replies), ~100 s of CPU. CI
then runs the same tests again a year ahead and back (`make test-shifted`), and
a developer runs `make test` again after each change. A vector is a function of
the text, the model file and the code that reads it, never of the clock or the
database: this plugin keeps each one in a SQLite file inside the environment
(sys.prefix: the venv, whose packages the vectors came from) keyed by all of
them — the text as given to bot.rules.urgency_model's embedder, the source of
bot/rules/minilm.py and urgency_model.py, the model's pinned sha256, the
vocabulary, and the versions of onnxruntime, tokenizers and numpy. Change any
of those and every vector is read again (and the old ones dropped).

Only the embedder the classifiers read through (urgency_model.embedder) is
cached; tests/test_minilm.py reads minilm.reader() itself, uncached, so the
reader is always exercised. A fresh clone's first `make test` reads every
vector, as before. SOCIALDESK_TEST_VECTORS=off turns the cache off.
"""
from __future__ import annotations

import functools
import hashlib
import os
import sqlite3
import sys
from pathlib import Path

from bot.rules.minilm import DIMENSIONS


def _fingerprint() -> bytes:
    from importlib.metadata import version

    from bot.rules import minilm, urgency_model
    digest = hashlib.sha256()
    for path in (Path(minilm.__file__), Path(urgency_model.__file__), minilm.VOCAB):
        digest.update(path.read_bytes())
    for package in ("onnxruntime", "tokenizers", "numpy"):
        digest.update(f"{package}={version(package)};".encode())
    digest.update(minilm.SHA256.encode())
    return digest.digest()


class _Store:
    """texts -> vectors, read from the file where present, else embedded and kept."""

    def __init__(self, embed, path: Path, fingerprint: bytes):
        self._embed, self._path, self._fingerprint = embed, path, fingerprint
        # One code's vectors kept at a time: a file holding every change's (~20 MB each) would only grow.
        conn = self._connect()
        try:  # the write lock before reading: workers starting together must not each drop the other's rows
            conn.isolation_level = None
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("CREATE TABLE IF NOT EXISTS kept (fingerprint BLOB NOT NULL)")
            if conn.execute("SELECT fingerprint FROM kept").fetchall() != [(fingerprint,)]:
                conn.execute("DELETE FROM vector")
                conn.execute("DELETE FROM kept")
                conn.execute("INSERT INTO kept VALUES (?)", (fingerprint,))
            conn.execute("COMMIT")
        finally:
            conn.close()

    def _key(self, text: str) -> bytes:
        return hashlib.sha256(self._fingerprint + text.encode("utf-8", "surrogatepass")).digest()

    def _connect(self):
        # Three pytest workers share the file: WAL lets them read while one writes; a writer waits its turn.
        conn = sqlite3.connect(self._path, timeout=60)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE IF NOT EXISTS vector (key BLOB PRIMARY KEY, row BLOB NOT NULL)")
        return conn

    def __call__(self, texts):
        import numpy as np
        keys = [self._key(text) for text in texts]
        with self._connect() as conn:
            found = {}
            for start in range(0, len(keys), 500):
                chunk = keys[start:start + 500]
                found.update(conn.execute(f"SELECT key, row FROM vector WHERE key IN ({','.join('?' * len(chunk))})",
                                          chunk).fetchall())
        missing = [i for i, key in enumerate(keys) if key not in found]
        if missing:
            read = self._embed([texts[i] for i in missing])
            fresh = {keys[i]: row.astype(np.float32).tobytes() for i, row in zip(missing, read, strict=True)}
            with self._connect() as conn:
                conn.executemany("INSERT OR IGNORE INTO vector VALUES (?, ?)", fresh.items())
            found.update(fresh)
        rows = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        for i, key in enumerate(keys):
            rows[i] = np.frombuffer(found[key], dtype=np.float32)
        return rows


def pytest_configure(config):
    if os.environ.get("SOCIALDESK_TEST_VECTORS", "").lower() == "off":
        return
    from bot.rules import urgency_model
    undecorated = urgency_model.embedder.__wrapped__
    path = Path(sys.prefix) / "socialdesk-test-vectors.sqlite3"

    @functools.lru_cache(maxsize=1)
    def embedder():
        # As the product's: built from minilm.reader() when first asked (None without the extra), so a test
        # that replaces the reader and clears this cache meets its replacement.
        embed = undecorated()
        return None if embed is None else _Store(embed, path, _fingerprint())

    urgency_model.embedder = embedder
