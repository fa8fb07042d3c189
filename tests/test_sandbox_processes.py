"""A sandbox killed hard takes its bot processes with it, and a taken port is
traced to the process holding it: a new user's killed `make demo` left `web`
and `worker` running as orphans, and the next one told them to press Ctrl-C in
a terminal that no longer existed."""
from __future__ import annotations

import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from sandbox.children import port_holder
from sandbox.runner import run_sandbox
from tests.helpers import killed_on_failure
from tests.ports import free_ports

ROOT = Path(__file__).resolve().parent.parent
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl and /proc are Linux's")


def _two_free_ports() -> int:
    """A port p with p + 1 free too (the page and the bot's web)."""
    return free_ports(2)


def _descendants(root: int) -> set[int]:
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError):
            continue
    tree, grew = {root}, True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= more
        grew = bool(more)
    return tree - {root}


def _wait_all_gone(pids: set[int], seconds: float) -> set[int]:
    """The pids still alive after waiting up to `seconds` for each to end (a
    pidfd becomes readable when its process has exited: no polling)."""
    fds = {}
    for pid in pids:
        try:
            fds[os.pidfd_open(pid)] = pid
        except ProcessLookupError:
            continue  # already gone
    deadline = time.monotonic() + seconds
    try:
        while fds:
            left = max(0.0, deadline - time.monotonic())
            ready, _, _ = select.select(list(fds), [], [], left)
            for fd in ready:
                os.close(fd)
                fds.pop(fd)
            if not ready:
                break
        return set(fds.values())
    finally:
        for fd in fds:
            os.close(fd)


def _started_sandbox(tmp_path) -> tuple[subprocess.Popen, list[str]]:
    """A sandbox running on two free ports, and what it said. A port found free can be taken by another test's
    server before the sandbox binds it (CI, 2026-12-07: "port 47620 is in use"): the sandbox says so in one line
    and exits, and another pair is tried."""
    for attempt in range(3):
        sandbox = subprocess.Popen([sys.executable, "-m", "bot", "sandbox", "--port", str(_two_free_ports()), "--data",
                                    str(tmp_path / f"data{attempt}")], cwd=ROOT, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True, env={**os.environ, "SEND_DELAY": "0s"})
        settled, said = threading.Event(), []

        def read(sandbox=sandbox, said=said, settled=settled):  # until it says it is running, or stops
            for line in sandbox.stdout:
                said.append(line)
                if "socialdesk sandbox is running" in line:
                    settled.set()
            settled.set()
        threading.Thread(target=read, daemon=True).start()
        settled.wait(120)
        if any("socialdesk sandbox is running" in line for line in said) or not any("is in use" in line for line in said):
            return sandbox, said
        sandbox.wait(timeout=30)
    return sandbox, said


@linux_only
def test_a_sigkilled_sandbox_takes_its_web_and_worker_with_it(tmp_path):
    sandbox, said = _started_sandbox(tmp_path)
    children: set[int] = set()
    try:
        with killed_on_failure(sandbox):
            assert any("socialdesk sandbox is running" in line for line in said), f"the sandbox said: {said}"
            children = _descendants(sandbox.pid)
            commands = {Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ") for pid in children}
            assert any(b"-m bot web" in c for c in commands) and any(b"-m bot worker" in c for c in commands), commands

            os.kill(sandbox.pid, signal.SIGKILL)
            assert sandbox.wait(timeout=30) == -signal.SIGKILL
            # Each gets SIGTERM at once and stops as it would on Ctrl-C (gunicorn's own workers with their master).
            assert _wait_all_gone(children, 30) == set(), "orphans left running"
    finally:
        for pid in _wait_all_gone(children, 0):
            os.kill(pid, signal.SIGKILL)  # only what this test started, if it failed


@linux_only
def test_a_taken_port_names_the_process_holding_it(tmp_path, capsys):
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        assert port_holder(port)[0] == os.getpid()
        assert run_sandbox(port=port, data_dir=str(tmp_path)) == 1
    said = capsys.readouterr().err
    assert f"port {port} is in use — held by process {os.getpid()} (" in said and f"kill {os.getpid()}" in said
    assert "Ctrl-C" not in said and said.count("\n") == 1


@linux_only
def test_the_holder_is_named_on_one_line_whatever_its_arguments():
    program = "import socket, sys\ns = socket.socket()\ns.bind(('127.0.0.1', 0))\ns.listen()\nprint(s.getsockname()[1], flush=True)\nsys.stdin.read()"
    holder = subprocess.Popen([sys.executable, "-c", program], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    with killed_on_failure(holder):
        port = int(holder.stdout.readline())
        pid, command = port_holder(port)
        holder.stdin.close()
        assert holder.wait(timeout=30) == 0
    assert pid == holder.pid and "\n" not in command and "import socket, sys s = socket.socket()" in command


def test_without_proc_the_advice_is_the_terminal(tmp_path):
    assert port_holder(8001, proc=tmp_path) is None  # no /proc (macOS): run_sandbox says Ctrl-C, as before


@linux_only
def test_a_child_whose_sandbox_is_already_gone_does_not_start():
    """Between the fork and the prctl the parent may die: nothing would ever signal the child."""
    done = subprocess.run([sys.executable, "-m", "sandbox.children", "1", sys.executable, "-c", "print('ran')"],
                          cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert done.returncode != 0 and "ran" not in done.stdout and "is gone" in done.stderr
