"""Ports for servers a test starts in another process (web, a sandbox).

A port the kernel hands out (bind to 0) and the test closes again is free
only for a moment: until the child binds it, any outgoing connection on the
machine — a pooled PostgreSQL connection, an HTTP client of another test
worker — may be given the same number as its local port, from the same
ephemeral range. `make test` met it once (2026-12-07): a sandbox's gunicorn
retried "Connection in use: ('127.0.0.1', 44652)" for five seconds and gave
up, and the test failed. Outgoing connections are never given a port below
the ephemeral range (/proc/sys/net/ipv4/ip_local_port_range), so the ports
come from there: each pytest worker has a slice of its own and goes through
it in turn, skipping any port something holds.
"""
from __future__ import annotations

import itertools
import os
import socket
from pathlib import Path

SLICE = 1000  # ports per pytest worker
WORKERS = 8


def ephemeral_low() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768  # Linux's default; elsewhere the kernel's own choice is used (below)


def _slice() -> range | None:
    low = ephemeral_low() - WORKERS * SLICE
    if low < 10_000:  # a machine whose ephemeral range starts low: nothing safe below it
        return None
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    start = low + (int(worker) % WORKERS if worker.isdigit() else 0) * SLICE
    return range(start, start + SLICE)


_PORTS = _slice()
_NEXT = itertools.cycle(_PORTS) if _PORTS is not None else None


def _bindable(port: int) -> bool:
    with socket.socket() as probe:
        try:  # without SO_REUSEADDR: stricter than the servers (a port in TIME_WAIT is skipped too)
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_ports(count: int = 1) -> int:
    """The first of `count` consecutive ports nothing holds now and no outgoing connection can take."""
    if _NEXT is None:
        return _kernels_choice(count)
    for _ in range(SLICE):
        port = next(_NEXT)
        if port + count - 1 < _PORTS.stop and all(_bindable(port + i) for i in range(count)):
            for _ in range(count - 1):
                next(_NEXT)  # the next call starts after this run
            return port
    raise AssertionError(f"no {count} consecutive free port(s) in {_PORTS}")


def free_port() -> int:
    return free_ports(1)


def _kernels_choice(count: int) -> int:
    for _ in range(50):
        with socket.socket() as first:
            first.bind(("127.0.0.1", 0))
            port = first.getsockname()[1]
        if all(_bindable(port + i) for i in range(count)):
            return port
    raise AssertionError(f"no {count} consecutive free port(s)")
