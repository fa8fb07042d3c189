"""LOG_FORMAT=json: every line a process prints is one JSON object — the
bot's log lines, gunicorn's, and a one-shot pass's summary — with the
conversation id as its own field where a line names one."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import requests

from tests.helpers import SQLITE_ONLY, killed_on_failure
from tests.test_processes import _wait_for_line
from tests.ports import free_port


def _json_lines(text: str) -> list[dict]:
    lines = [line for line in text.splitlines() if line.strip()]
    parsed = [json.loads(line) for line in lines]  # raises on any line that is not one JSON object
    assert all(isinstance(p, dict) and "message" in p and "level" in p for p in parsed)
    return parsed


def test_a_one_shot_pass_prints_only_json(env, x_state):
    x_state.customer_mentions("jo", "@acme_support hello")
    result = subprocess.run([sys.executable, "-m", "bot", "poll"], env={**os.environ, **env, "LOG_FORMAT": "json"},
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    summary = _json_lines(result.stdout)
    assert summary[-1]["message"].startswith("poll: X @acme_support: 1 new post in 1 thread")
    logged = _json_lines(result.stderr)
    assert any(line.get("conversation") == 1 and "new conversation posted" in line["message"] for line in logged)


def test_web_prints_only_json_gunicorn_included(env):
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "bot", "web", "--port", str(port)],
                               env={**os.environ, **env, "LOG_FORMAT": "json", "WEB_CONCURRENCY": "1"},
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        said = _wait_for_line(process, "Booting worker")
        assert requests.get(f"http://127.0.0.1:{port}/healthz", timeout=30).status_code == 200
    finally:
        with killed_on_failure(process):
            process.send_signal(signal.SIGTERM)
            rest, _ = process.communicate(timeout=30)
    lines = _json_lines("".join(said) + rest)
    assert any("Booting worker" in line["message"] for line in lines)  # gunicorn's own line, as JSON
    assert not any("Control socket" in line["message"] for line in lines)  # no socket in ~/.gunicorn
    assert process.returncode == 0


@SQLITE_ONLY
def test_a_bad_log_format_is_a_one_line_configuration_error(env):
    result = subprocess.run([sys.executable, "-m", "bot", "poll"], env={**os.environ, **env, "LOG_FORMAT": "xml"},
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "LOG_FORMAT: 'xml' is not text or json" in result.stderr
