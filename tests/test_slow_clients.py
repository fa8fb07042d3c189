"""Slow clients do not starve `web`: 200 connections that send their headers
and then one byte of a 200-byte body (far more than the gunicorn worker's
threads) each get a 408, at most SLOW_BODY_SLOTS of them after waiting out
BODY_DEADLINE, and /healthz and a Slack request made meanwhile are answered
within a second — against the real `socialdesk web` process."""
from __future__ import annotations

import selectors
import socket
import time
from pathlib import Path

import pytest
import requests

from sandbox.slack_signing import json_request
from service.slow_clients import BODY_DEADLINE_S, SLOW_BODY_SLOTS
from tests.payloads import load
from tests.test_processes import running_web

SLOW = 200
URL_VERIFICATION = load(Path(__file__).parent / "fixtures" / "slack" / "url_verification.json")


def _slow_client(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    sock.sendall(b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 b"Content-Length: 200\r\n\r\n{")
    return sock


def _answers(socks: list[socket.socket], started: float, timeout: float = 30) -> list[tuple[bytes, float]]:
    """Each socket's status line and when it came (seconds after `started`)."""
    answers, selector = [], selectors.DefaultSelector()
    for sock in socks:
        selector.register(sock, selectors.EVENT_READ)
    while len(answers) < len(socks) and time.monotonic() - started < timeout:
        for key, _ in selector.select(timeout=1):
            answers.append((key.fileobj.recv(200).split(b"\r\n", 1)[0], time.monotonic() - started))
            selector.unregister(key.fileobj)
            key.fileobj.close()
    selector.close()
    return answers


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # about HTTP, not the database
def test_slow_bodies_are_bounded_and_do_not_starve_the_server(env, slack_state, report_figure):
    with running_web(env) as port:
        base = f"http://127.0.0.1:{port}"
        assert requests.get(base + "/healthz", timeout=30).status_code == 200
        slow = [_slow_client(port) for _ in range(SLOW)]
        started = time.monotonic()
        healthz = requests.get(base + "/healthz", timeout=30)
        healthz_in = time.monotonic() - started
        body, headers = json_request(slack_state.signing_secret, URL_VERIFICATION.body)
        slack = requests.post(base + "/slack/events", data=body, headers=headers, timeout=30)
        slack_in = time.monotonic() - started - healthz_in
        answers = _answers(slow, started)
        assert healthz.status_code == 200 and healthz_in < 1
        assert slack.status_code == 200 and slack.json() == {"challenge": URL_VERIFICATION.body["challenge"]}
        assert slack_in < 1
        assert [line for line, _ in answers] == [b"HTTP/1.1 408 Request Timeout"] * SLOW
        waited_long = [at for _, at in answers if at > BODY_DEADLINE_S / 2]
        assert len(waited_long) <= SLOW_BODY_SLOTS
        all_in = max(at for _, at in answers)
        assert all_in < BODY_DEADLINE_S + 5
        report_figure(f"{SLOW} slow bodies: /healthz answered in {healthz_in:.2f} s, a Slack request in "
                      f"{slack_in:.2f} s; {len(waited_long)} slow clients waited out BODY_DEADLINE "
                      f"({BODY_DEADLINE_S:.0f} s), the rest had their 408 at once; all in {all_in:.1f} s")
