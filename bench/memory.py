"""Resident memory (RSS) of `socialdesk web` and `socialdesk worker` with
100,000 conversations (and their 300,000 alarm rows) in the database, after
each has worked for a while: the worker's poll/deliver/sweep passes, and web
answering /healthz, /metrics, `/social status` / `queue` / `overdue` and App
Home. Target: < 150 MB each process. SQLite, and PostgreSQL when it answers.

Run: .venv/bin/python bench/memory.py
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests  # noqa: E402
from sqlalchemy import create_engine  # noqa: E402

from bench._common import emulated_deps, machine, on_each_database  # noqa: E402
from bench.sweep import fill  # noqa: E402
from sandbox.slack_signing import event_envelope, form_request, json_request  # noqa: E402

OPEN = 100_000
WORK_S = 20


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().split()[3]) == pid:
                    found.append(int(entry.name))
            except (OSError, ValueError, IndexError):
                pass
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def measure(label: str, url: str) -> None:
    engine = create_engine(url)
    fill(engine, OPEN, 100, datetime.now(timezone.utc))
    engine.dispose()
    deps, slack, x = emulated_deps(url)
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "SLACK_BOT_TOKEN": slack.token,
           "SLACK_SIGNING_SECRET": slack.signing_secret, "SLACK_API_URL": deps.settings.slack_api_url,
           "SLACK_CHANNEL": "C0SUPPORT", "X_API_URL": deps.settings.x.api_url, "X_API_KEY": x.api_key,
           "X_API_SECRET": x.api_secret, "X_ACCESS_TOKEN": x.access_token,
           "X_ACCESS_TOKEN_SECRET": x.access_token_secret, "WEB_CONCURRENCY": "1", "LOG_LEVEL": "WARNING"}
    web = subprocess.Popen([sys.executable, "-m", "bot", "web", "--port", str(port)], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    worker = subprocess.Popen([sys.executable, "-m", "bot", "worker"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base, pause = f"http://127.0.0.1:{port}", threading.Event()
    try:
        for _ in range(300):
            try:
                if requests.get(base + "/healthz", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            pause.wait(0.1)
        for n in range(30):
            x.customer_mentions(f"m{n}", f"@acme_support hello {n}")
        ends = time.monotonic() + WORK_S
        while time.monotonic() < ends:
            requests.get(base + "/metrics", timeout=30)
            for text in ("status", "queue", "overdue"):
                body, headers = form_request(slack.signing_secret, {
                    "command": "/social", "text": text, "user_id": "U0ALICE", "channel_id": "C0SUPPORT",
                    "team_id": slack.team_id, "trigger_id": "1.2", "response_url": "https://hooks.slack.invalid/c"})
                requests.post(base + "/slack/events", data=body, headers=headers, timeout=30)
            body, headers = json_request(slack.signing_secret, event_envelope(
                {"type": "app_home_opened", "user": "U0ALICE", "channel": "D0HOME", "tab": "home"}))
            requests.post(base + "/slack/events", data=body, headers=headers, timeout=30)
            pause.wait(0.5)
        web_workers = children(web.pid)
        print(f"  {label}: worker {rss_mb(worker.pid):.0f} MB · web: gunicorn master {rss_mb(web.pid):.0f} MB, "
              + ", ".join(f"worker process {rss_mb(pid):.0f} MB" for pid in web_workers)
              + " · target < 150 MB each")
    finally:
        for process in (web, worker):
            process.terminate()
        for process in (web, worker):
            process.wait(timeout=30)


def main() -> None:
    print(f"machine: {machine()}")
    print(f"RSS with {OPEN:,} conversations ({3 * OPEN:,} alarm rows) after {WORK_S} s of work:")
    on_each_database(measure)


if __name__ == "__main__":
    main()
