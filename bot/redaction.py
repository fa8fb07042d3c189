"""Secrets learnt while running (a token the worker renewed) that the log
redaction (service/logs.py) must hide as well as the configured ones."""
from __future__ import annotations

import threading

_lock = threading.Lock()
_learnt: set[str] = set()


def remember_secret(value: str | None) -> None:
    if value and len(value) >= 6:
        with _lock:
            _learnt.add(value)


def learnt_secrets() -> frozenset[str]:
    with _lock:
        return frozenset(_learnt)
