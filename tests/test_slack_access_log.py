"""`socialdesk web` at LOG_LEVEL=DEBUG prints gunicorn's access log, whose
request line carries the query string: Meta's subscription check puts the
verify token there (GET /webhooks/meta?hub.verify_token=…). The real web
process is run and the token — the configured one and a wrong one — must not
appear in anything it prints, in text or JSON logs."""
from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest
import requests

from service.server import mask_query
from tests.helpers import killed_on_failure
from tests.test_processes import _wait_for_line
from tests.ports import free_port


@pytest.mark.meta
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # a logging check
@pytest.mark.parametrize("log_format", ["text", "json"])
def test_the_meta_verify_token_never_reaches_the_access_log(env, graph_state, log_format):
    wrong = "guessed-verify-token-0000"
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "bot", "web", "--port", str(port)],
                               env={**os.environ, **env, "LOG_LEVEL": "DEBUG", "LOG_FORMAT": log_format,
                                    "WEB_CONCURRENCY": "1"},
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        said = _wait_for_line(process, "Booting worker")
        url = f"http://127.0.0.1:{port}/webhooks/meta"
        for token, status in ((graph_state.verify_token, 200), (wrong, 403)):
            answer = requests.get(url, params={"hub.mode": "subscribe", "hub.verify_token": token,
                                               "hub.challenge": "1158201444"}, timeout=30)
            assert answer.status_code == status
    finally:
        with killed_on_failure(process):
            process.send_signal(signal.SIGTERM)
            rest, _ = process.communicate(timeout=30)
    printed = "".join(said) + rest
    assert printed.count("/webhooks/meta?") == 2, printed[-2000:]  # the access log is on, and names both
    assert "hub.verify_token=***" in printed
    assert graph_state.verify_token not in printed and wrong not in printed
    assert process.returncode == 0


@pytest.mark.parametrize("line, shown", [
    ("GET /webhooks/meta?hub.mode=subscribe&hub.verify_token=s3cret&hub.challenge=1 HTTP/1.1",
     "GET /webhooks/meta?hub.mode=subscribe&hub.verify_token=***&hub.challenge=1 HTTP/1.1"),
    ("hub.challenge=1&HUB.VERIFY_TOKEN=s3cret", "hub.challenge=1&HUB.VERIFY_TOKEN=***"),
    ("/webhooks/meta?hub%2Everify%5Ftoken=s3cret", "/webhooks/meta?hub%2Everify%5Ftoken=***"),
    ("GET /webhooks/x?crc_token=abc HTTP/1.1", "GET /webhooks/x?crc_token=abc HTTP/1.1"),  # not a secret
])
def test_mask_query(line, shown):
    assert mask_query(line) == shown
