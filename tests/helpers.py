"""Small readers over emulator state, shared by the flow tests."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from contextlib import contextmanager

import pytest

# A test about a command's words, a configuration error or another system, never the database it is given: one
# database is enough (PostgreSQL would only run the same lines again, in a process of its own).
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def roots(slack_state, channel: str = "C0SUPPORT") -> list[dict]:
    return slack_state.roots(channel)


def thread(slack_state, root: dict) -> list[dict]:
    return slack_state.thread(root["channel"], root["ts"])


def calls(slack_state, method: str) -> list[dict]:
    return [params for name, params in slack_state.calls if name == method]


def all_text(message: dict) -> str:
    """Everything Slack would render for a message: text, blocks and attachments."""
    parts = [message.get("text") or ""]
    for block in (message.get("blocks") or []) + [b for a in message.get("attachments") or [] for b in a.get("blocks", [])]:
        if isinstance(block.get("text"), dict):
            parts.append(block["text"]["text"])
        for element in block.get("elements", []):
            if isinstance(element, dict) and "text" in element:
                text = element["text"]
                parts.append(text["text"] if isinstance(text, dict) else text)
    return "\n".join(parts)


@contextmanager
def killed_on_failure(*processes: subprocess.Popen):
    """A process a failed assertion left running would go on working on the
    xdist worker's database and take the next tests' rows."""
    try:
        yield
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()


def kill_mid_write(state, hook: str, command: str, env: dict) -> None:
    """Run `socialdesk <command>` as a real process and SIGKILL it at the worst
    moment: when the emulator has stored its write (state.<hook> is called) and
    before the process got the answer."""
    stored, release = threading.Event(), threading.Event()

    def kill_point(_written: dict) -> None:
        stored.set()
        release.wait(30)
    setattr(state, hook, kill_point)
    process = subprocess.Popen([sys.executable, "-m", "bot", command], env={**os.environ, **env},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with killed_on_failure(process):
            assert stored.wait(60), f"the {command} process never got that far"
            os.kill(process.pid, signal.SIGKILL)
            assert process.wait(timeout=30) == -signal.SIGKILL
    finally:
        setattr(state, hook, None)
        release.set()


def latest_outbox(deps):
    """The newest outbox row (the reply a test's staff member just wrote)."""
    from sqlalchemy import select
    from bot.store.models import Outbox
    with deps.sessions() as session:
        return session.scalars(select(Outbox).order_by(Outbox.id.desc())).first()


class HeldExecutor:
    """What the web process hands on after the ack runs only when the test
    says so — or never, like a process killed right after answering."""

    def __init__(self):
        self.jobs = []

    def submit(self, fn, *args, **kwargs):
        self.jobs.append((fn, args, kwargs))

    def run(self) -> None:
        while self.jobs:
            fn, args, kwargs = self.jobs.pop(0)
            fn(*args, **kwargs)


def examples(full: int) -> int:
    """How many examples a property test draws: `full` where TEST_EXAMPLES=full
    (make test-shifted sets it, so .ci/run draws every property's full count
    twice), a third of it (at least 50) in `make test`. Hypothesis's own
    generation of long texts was most of these tests' time (a 300-example
    property: 23 s on the loaded VM), for a check that a developer's every run
    repeated with the same derandomized examples."""
    return full if os.environ.get("TEST_EXAMPLES") == "full" else max(full // 3, 50)


def count_rows(deps, model) -> int:
    """How many rows a table holds (a model class of bot.store.models)."""
    from sqlalchemy import func, select
    with deps.sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


def first_conversation(deps):
    """The first conversation stored (the only one, in most flow tests)."""
    from sqlalchemy import select

    from bot.store.models import Conversation
    with deps.sessions() as session:
        return session.scalar(select(Conversation))
