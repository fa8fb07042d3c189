"""tests/ports.py: ports for the servers a test starts in another process."""
from __future__ import annotations

import socket

import pytest

from tests import ports


def test_a_port_is_below_the_range_outgoing_connections_are_given_and_free():
    if ports._PORTS is None:
        pytest.skip("this machine's ephemeral range starts too low to leave room below it")
    port = ports.free_ports(2)
    assert port + 1 < ports.ephemeral_low()
    for taken in (port, port + 1):
        with socket.socket() as server:
            server.bind(("127.0.0.1", taken))  # nothing holds it
    # An outgoing connection is never given it: its local port comes from the ephemeral range.
    with socket.socket() as listener, socket.socket() as client:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        client.connect(listener.getsockname())
        assert client.getsockname()[1] >= ports.ephemeral_low()


def test_a_held_port_is_skipped_and_each_call_moves_on():
    if ports._PORTS is None:
        pytest.skip("this machine's ephemeral range starts too low to leave room below it")
    first = ports.free_ports(2)
    if first > ports._PORTS.stop - 50:
        first = ports.free_ports(2)  # the slice wrapped: start again from its beginning
    second = ports.free_port()
    assert second >= first + 2  # a run of two is not handed out again at once (one in TIME_WAIT is passed over)
    with socket.socket() as held:
        held.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as servers bind
        held.bind(("127.0.0.1", second + 1))
        held.listen()
        assert ports.free_port() > second + 1


def test_each_pytest_worker_has_a_slice_of_its_own(monkeypatch):
    slices = set()
    for worker in ("gw0", "gw1", "gw2", "gw3"):
        monkeypatch.setenv("PYTEST_XDIST_WORKER", worker)
        chosen = ports._slice()
        if chosen is None:
            pytest.skip("this machine's ephemeral range starts too low to leave room below it")
        slices.add((chosen.start, chosen.stop))
    starts = sorted(start for start, _ in slices)
    assert len(slices) == 4 and all(b - a >= ports.SLICE for a, b in zip(starts, starts[1:], strict=False))
