"""Slow clients do not starve `web`: 40 connections that send their headers
and then one byte of a 200-byte body (more than the 32 threads of the one
gunicorn worker) each get a 408 within BODY_DEADLINE, and a normal request
made meanwhile is answered — against the real `socialdesk web` process."""
from __future__ import annotations

import socket
import time

import pytest
import requests

from service.slow_clients import BODY_DEADLINE_S
from tests.test_processes import running_web

SLOW = 40


def _slow_client(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    sock.sendall(b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 b"Content-Length: 200\r\n\r\n{")
    return sock


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # about HTTP, not the database
def test_slow_bodies_get_408_and_do_not_starve_the_server(env, report_figure):
    with running_web(env) as port:
        assert requests.get(f"http://127.0.0.1:{port}/healthz", timeout=30).status_code == 200
        slow = [_slow_client(port) for _ in range(SLOW)]
        started = time.monotonic()
        healthz = requests.get(f"http://127.0.0.1:{port}/healthz", timeout=30)
        answered_in = time.monotonic() - started
        assert healthz.status_code == 200
        answers = []
        for sock in slow:
            answers.append(sock.recv(200).split(b"\r\n", 1)[0])  # blocks until web answers (socket timeout 30 s)
            sock.close()
        all_in = time.monotonic() - started
        assert answers == [b"HTTP/1.1 408 Request Timeout"] * SLOW
        assert all_in < 3 * BODY_DEADLINE_S + 5
        report_figure(f"{SLOW} slow bodies: a normal request answered in {answered_in:.2f} s; "
                      f"every slow client had its 408 after {all_in:.1f} s (BODY_DEADLINE {BODY_DEADLINE_S:.0f} s)")
