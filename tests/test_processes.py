"""The commands as an operator runs them: real processes, real signals."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from contextlib import contextmanager

import pytest
import requests

from tests.helpers import killed_on_failure
from tests.ports import free_port


_free_port = free_port  # tests/ports.py: never a port an outgoing connection can take meanwhile


def _wait_for_line(process: subprocess.Popen, wanted: str, timeout: float = 60) -> list[str]:
    """Read the process's output in a thread until a line contains `wanted`;
    fail after `timeout` instead of hanging on a process that never says it."""
    seen, lines = threading.Event(), []

    def read():
        for line in process.stdout:
            lines.append(line)
            if wanted in line:
                seen.set()
                break
    threading.Thread(target=read, daemon=True).start()
    assert seen.wait(timeout), f"never printed {wanted!r}; got: {''.join(lines)[-2000:]}"
    return lines


def _run(args, env, **kwargs):
    return subprocess.run([sys.executable, "-m", "bot", *args], env={**os.environ, **env},
                          capture_output=True, text=True, timeout=60, **kwargs)


def test_migrate_is_idempotent(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/m.db"}
    assert _run(["migrate"], env).returncode == 0
    second = _run(["migrate"], env)
    assert second.returncode == 0 and "newest schema" in second.stdout


def test_migrate_accepts_paas_postgres_urls():
    from bot.config import load_settings
    settings = load_settings({"DATABASE_URL": "postgres://u:p@db.example:5432/app"})
    assert settings.database_url == "postgresql+psycopg://u:p@db.example:5432/app"


def test_bad_configuration_is_one_line_naming_the_variable(tmp_path):
    base = {"DATABASE_URL": f"sqlite:///{tmp_path}/c.db", "SLACK_BOT_TOKEN": "xoxb-1", "SLACK_CHANNEL": "C0SUPPORT"}
    for variable, value in [("SLA_FIRST_RESPONSE", "soon"), ("SLACK_API_URL", "not a url"),
                            ("SLACK_CHANNEL", "#support"), ("DATABASE_URL", "nonsense")]:
        result = _run(["sweep"], {**base, variable: value})
        assert result.returncode == 2, (variable, result.stderr)
        assert variable in result.stderr and "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


@contextmanager
def running_web(env: dict):
    """A real `socialdesk web` (one gunicorn worker) on a free port; yields the
    port once it accepts requests, and checks it exits 0 on SIGTERM."""
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "bot", "web", "--port", str(port)],
                               env={**os.environ, **env, "WEB_CONCURRENCY": "1"},
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        # The arbiter has bound the port before it boots a worker, so from here a
        # request waits in the listen backlog until the worker has loaded the app.
        _wait_for_line(process, "Booting worker")
        yield port
    finally:
        with killed_on_failure(process):
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=30) == 0


def test_web_serves_healthz_and_exits_zero_on_sigterm(env):
    with running_web(env) as port:
        response = requests.get(f"http://127.0.0.1:{port}/healthz", timeout=30)
        assert response.status_code == 200 and response.json() == {"ok": True}


def test_worker_exits_zero_on_sigterm(env):
    process = subprocess.Popen([sys.executable, "-m", "bot", "worker"], env={**os.environ, **env},
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    with killed_on_failure(process):
        said = _wait_for_line(process, "worker started")
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    # Everyone may publish while SLACK_PUBLISHERS is unset: said once, at start.
    assert sum("SLACK_PUBLISHERS is unset" in line for line in said) == 1


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # about X and Slack, not the database
def test_one_shot_passes_exit_zero_on_platform_outage(env, x_state):
    x_state.fail_next("mentions", 503, times=10)
    x_state.customer_mentions("carol", "@acme_support hi")
    for command in ("poll", "deliver", "sweep"):
        result = _run([command], env)
        assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # about X and Slack, not the database
def test_one_shot_passes_stop_in_one_line_when_slack_is_unreachable_and_lose_nothing(env, x_state, slack_state):
    x_state.customer_mentions("dora", "@acme_support hi")
    down = {**env, "SLACK_API_URL": "http://127.0.0.1:9/api/"}  # nothing listens on port 9
    for command in ("poll", "deliver", "sweep"):  # the start-up check stops them (tests/test_one_line_commands.py)
        result = _run([command], down)
        # An outage, not bad configuration: one line, exit 0 (CONTRACT.md).
        assert result.returncode == 0 and len(result.stdout.splitlines()) == 1, (command, result.stdout)
        assert result.stderr == "" and "cannot reach Slack" in result.stdout, (command, result.stderr)
    assert slack_state.roots("C0SUPPORT") == []
    assert _run(["poll"], env).returncode == 0  # Slack is back: the recorded post goes out
    assert len(slack_state.roots("C0SUPPORT")) == 1


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_second_worker_on_the_same_sqlite_file_is_told_so(env):
    first = subprocess.Popen([sys.executable, "-m", "bot", "worker"], env={**os.environ, **env},
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        said_first = _wait_for_line(first, "worker started")
        second = subprocess.Popen([sys.executable, "-m", "bot", "worker"], env={**os.environ, **env},
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        said_second = _wait_for_line(second, "worker started")
        second.kill()  # only what they said at start is tested here (clean shutdown is, above)
        second.wait(timeout=30)
    finally:
        first.kill()
        first.wait(timeout=30)
    assert not any("another socialdesk worker" in line for line in said_first)
    assert sum("another socialdesk worker is already running on the SQLite file" in line for line in said_second) == 1


# Threads busy the way a worker's jobs are, and SIGTERM sent the moment the main
# thread starts waiting: where a handler that set a threading.Event hung about one
# time in three (the CI failure), every process must stop.
_BUSY_UNTIL_SIGTERM = """
import threading
from service.stopping import StopRequest
stop = StopRequest()
def busy():
    while not stop.requested:
        sum(range(1000))
for _ in range(3):
    threading.Thread(target=busy, daemon=True).start()
print("waiting", flush=True)
stop.wait()
print("stopped by signal", stop.signal_number, flush=True)
"""


def test_sigterm_stops_a_process_whose_threads_are_busy_every_time():
    for attempt in range(12):
        process = subprocess.Popen([sys.executable, "-c", _BUSY_UNTIL_SIGTERM], stdout=subprocess.PIPE, text=True)
        with killed_on_failure(process):
            assert process.stdout.readline() == "waiting\n"
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=10) == 0, attempt
            assert process.stdout.read() == f"stopped by signal {int(signal.SIGTERM)}\n"


def test_sigterm_ends_a_deliver_pass_after_the_reply_being_sent(env, deps, clock, x_state, slack_state):
    """A deploy stops the worker between two replies: the one X is answering
    finishes and is marked sent; the rest stay pending, unclaimed, for the next
    worker — not sent by a process that was asked to go (nor left leased)."""
    from sqlalchemy import select

    from bot.store.models import PENDING, SENT, Conversation, Outbox
    from bot.inbound.poll import poll
    from bot.outbound.relay import record_staff_message
    tweets = [x_state.customer_mentions(name, "@acme_support help") for name in ("ann", "ben", "cat")]
    poll(deps, clock())
    with deps.sessions() as session:
        for n, conv in enumerate(session.scalars(select(Conversation).order_by(Conversation.id)).all()):
            record_staff_message(session, deps, conv.slack_channel, conv.slack_root_ts, f"9{n}.000100", "U0ALICE",
                                 f"On it ({n})", clock())
        session.commit()
    sending, release = threading.Event(), threading.Event()

    def hold(_reply: dict) -> None:  # X has stored the first reply; its answer waits for the SIGTERM
        sending.set()
        release.wait(30)
    x_state.on_create = hold
    process = subprocess.Popen([sys.executable, "-m", "bot", "worker"], env={**os.environ, **env},
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        with killed_on_failure(process):
            assert sending.wait(60), "the worker never sent a reply"
            process.send_signal(signal.SIGTERM)
            _wait_for_line(process, "stopping:")
            release.set()
            assert process.wait(timeout=30) == 0
    finally:
        x_state.on_create = None
        release.set()
    replied = [tweet["id"] for tweet in tweets if x_state.replies_to(tweet["id"])]
    assert len(replied) == 1 and len(x_state.replies_to(replied[0])) == 1
    with deps.sessions() as session:
        rows = session.scalars(select(Outbox).order_by(Outbox.id)).all()
    assert sorted(row.state for row in rows) == sorted([SENT, PENDING, PENDING])
    assert all(row.lease_owner is None for row in rows if row.state == PENDING)


def test_a_long_running_process_freezes_what_its_start_left_for_the_collector():
    """service.wiring.settle_heap, which web workers and the worker call once
    started: the start-up garbage collected, the objects left frozen, so the
    collector's full passes never walk them again (bench/ingest.py)."""
    import gc
    import weakref

    from service.wiring import settle_heap

    class Node:
        pass
    kept, dropped = [[]], Node()
    dropped.itself = dropped  # a cycle: only the collector frees it
    dropped = weakref.ref(dropped)
    try:
        settle_heap()
        assert dropped() is None and gc.get_freeze_count() > 0
        assert not any(o is kept for o in gc.get_objects())
    finally:
        gc.unfreeze()  # this test process goes on as it was
    assert any(o is kept for o in gc.get_objects())
