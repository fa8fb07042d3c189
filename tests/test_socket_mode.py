"""Socket Mode (SLACK_APP_TOKEN set, for a bot behind a firewall): the real
`socialdesk web` process opens the connection through `apps.connections.open`,
acks each envelope and relays a staff reply to X exactly as over HTTP."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading

import pytest

from bot.inbound.poll import poll
from sandbox.slack_socket_mode import SocketModeServer
from tests.helpers import killed_on_failure, roots
from tests.ports import free_port


@pytest.fixture
def socket_mode(slack_state):
    server = SocketModeServer().start()
    slack_state.socket_mode_url = server.url
    yield server
    server.stop()


_free_port = free_port  # tests/ports.py


def test_staff_reply_over_socket_mode_is_acked_and_relayed_once(env, deps, clock, x_state, slack_state,
                                                                socket_mode):
    tweet = x_state.customer_mentions("kai", "@acme_support my app keeps crashing")
    poll(deps, clock())
    root = roots(slack_state)[0]
    replied = threading.Event()
    x_state.on_create = lambda reply: replied.set()
    web = subprocess.Popen([sys.executable, "-m", "bot", "web", "--port", str(_free_port())],
                           env={**os.environ, **env, "SLACK_APP_TOKEN": slack_state.app_token,
                                "WEB_CONCURRENCY": "1"},
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert socket_mode.wait_for_client(60), "web never opened a Socket Mode connection"
        message = slack_state.user_posts("U0ALICE", "C0SUPPORT", "Sorry Kai, a fix ships today",
                                         thread_ts=root["ts"], deliver=False)
        envelope_id = socket_mode.send_event({**message, "event_ts": message["ts"], "channel_type": "channel"})
        assert socket_mode.wait_for_ack(envelope_id, 30) == {"envelope_id": envelope_id}
        assert replied.wait(30), "the reply never reached X"
        [reply] = x_state.replies_to(tweet["id"])
        assert reply["text"].endswith(" Sorry Kai, a fix ships today")
    finally:
        with killed_on_failure(web):
            web.send_signal(signal.SIGTERM)
            assert web.wait(timeout=30) == 0
