"""The demo page's own endpoints: bad input is a 400 with a one-line error,
an absent bot a 503 — never a 500 (the browser test covers the happy path)."""
from __future__ import annotations

import ipaddress
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from sandbox.page import create_page
from sandbox.runner import run_sandbox


@pytest.fixture
def page(slack_state, x_state):
    slack_state.events_url = "http://127.0.0.1:9/slack/events"  # no bot listening
    return create_page(slack_state, x_state).test_client()


@pytest.mark.parametrize("path, body", [
    ("/customer", {}), ("/customer", {"username": "carol"}), ("/staff", {"user": "U0ALICE"}),
    ("/command", {"user": "U0NOBODY"}), ("/action", {"user": "U0NOBODY", "ts": "1.1", "action": {"action_id": "x"}}),
    ("/action", {"user": "U0ALICE", "ts": "1.1"}),
    ("/action", {"user": "U0ALICE", "ts": "1.1", "action": "claim"})])
def test_bad_input_is_a_400_with_one_line(page, path, body):
    response = page.post(path, json=body)
    assert response.status_code == 400
    assert response.json["ok"] is False and "\n" not in response.json["error"]


def test_a_command_while_the_bot_is_down_is_a_503(page):
    response = page.post("/command", json={"user": "U0ALICE", "text": "status"})
    assert response.status_code == 503 and response.json["error"].startswith("the bot did not answer")


def test_customer_post_shows_in_the_state(page, x_state):
    assert page.post("/customer", json={"username": "@nina", "text": "@acme_support hi"}).json["ok"]
    state = page.get("/state").json
    assert [t["author"] for t in state["x"]] == ["@nina"] and state["channel"] == []
    assert {s["id"] for s in state["staff"]} == {"U0ALICE", "U0BOB", "U0MANAGER"}


def test_a_slash_command_names_people_as_slack_sends_them(slack_state):
    from sandbox.page import escape_mentions
    assert escape_mentions(slack_state, " assign #1 @bob ") == "assign #1 <@U0BOB|bob>"
    assert escape_mentions(slack_state, "assign #1 @nobody") == "assign #1 @nobody"  # Slack leaves unknown names
    assert escape_mentions(slack_state, "assign #1 <@U0BOB|bob>") == "assign #1 <@U0BOB|bob>"


def test_a_second_sandbox_on_a_taken_port_leaves_the_first_ones_database_alone(tmp_path, capsys):
    """A newcomer runs `make demo` twice: the second used to empty the
    database under the first one's bot, then fail on the port."""
    (tmp_path / "sandbox.db").write_bytes(b"the running sandbox's data")
    with socket.socket() as first_one:
        first_one.bind(("127.0.0.1", 0))
        first_one.listen()
        port = first_one.getsockname()[1]
        assert run_sandbox(port=port, data_dir=str(tmp_path)) == 1
    assert (tmp_path / "sandbox.db").read_bytes() == b"the running sandbox's data"
    said = capsys.readouterr().err
    assert f"port {port} is in use" in said and "--port" in said and said.count("\n") == 1


def _listening(pids: set[int]) -> set[tuple[str, int]]:
    """(address, port) of every TCP socket the processes `pids` listen on, from /proc."""
    inodes = set()
    for pid in pids:
        try:
            fds = list(Path(f"/proc/{pid}/fd").iterdir())
        except OSError:  # gone, or not ours to read
            continue
        for fd in fds:
            try:
                link = os.readlink(fd)
            except OSError:  # closed meanwhile (the listing's own descriptor, for one)
                continue
            if link.startswith("socket:["):
                inodes.add(link[8:-1])
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for row in Path(table).read_text().splitlines()[1:]:
            fields = row.split()
            if fields[3] == "0A" and fields[9] in inodes:  # 0A: LISTEN
                address, port = fields[1].split(":")
                raw = bytes.fromhex(address)
                raw = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))  # /proc prints host order
                found.add((str(ipaddress.ip_address(raw)), int(port, 16)))
    return found


def _process_tree(root: int) -> set[int]:
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    tree, grew = {root}, True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= more
        grew = bool(more)
    return tree


@pytest.fixture
def running_sandbox(tmp_path, capsys):
    """One `socialdesk sandbox` (emulators, page, real web and worker) on free ports."""
    ports = []
    for _ in range(2):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            ports.append(probe.getsockname()[1])
    before = _listening({os.getpid()})
    ready, stop, outcome = threading.Event(), threading.Event(), {}
    runner = threading.Thread(target=lambda: outcome.setdefault("rc", run_sandbox(
        port=ports[0], bot_port=ports[1], data_dir=str(tmp_path), ready=ready, stop=stop)), daemon=True)
    runner.start()
    assert ready.wait(60), f"the sandbox did not start: {outcome}"
    try:
        yield {"port": ports[0], "bot_port": ports[1], "dir": tmp_path, "before": before,
               "printed": capsys.readouterr().out}
    finally:
        stop.set()
        runner.join(60)
    assert outcome.get("rc") == 0


def test_every_port_the_sandbox_opens_binds_loopback_and_its_printed_settings_run_the_passes(
        running_sandbox):
    """A demo is nobody else's business: the bot's `web` used to listen on
    0.0.0.0. And the settings the sandbox prints are the ones that make a pass
    run by hand act on it (docs/sandbox.md)."""
    bound = _listening(_process_tree(os.getpid())) - running_sandbox["before"]
    assert {("127.0.0.1", running_sandbox["port"]), ("127.0.0.1", running_sandbox["bot_port"])} <= bound
    assert {address for address, _ in bound} == {"127.0.0.1"}, bound

    settings = running_sandbox["dir"] / "sandbox.env"
    printed = running_sandbox["printed"]
    assert f". {settings} && socialdesk poll" in printed
    for line in settings.read_text().splitlines():
        assert line.startswith("export ") and f"    {line}\n" in printed
    for name in ("DATABASE_URL", "SLA_FIRST_RESPONSE", "SLA_WARN_BEFORE", "POLL_INTERVAL", "SEND_DELAY",
                 "GRAPH_API_URL", "META_PAGE_ID", "INSTAGRAM_ACCOUNT_ID", "X_API_URL", "SLACK_API_URL"):
        assert f"export {name}=" in printed
    answers = {}
    for command in ("poll", "deliver", "sweep"):
        done = subprocess.run(["bash", "-c", f". {settings} && exec {sys.executable} -m bot {command}"],
                              capture_output=True, text=True, timeout=60, env={"PATH": os.environ["PATH"]})
        assert done.returncode == 0, done.stderr
        answers[command] = done.stdout.strip().splitlines()[-1]
    # The emulated X, Facebook and Instagram answered with the sandbox's own credentials.
    for account in ("X @acme_support", "Facebook Page", "Instagram account"):
        assert account in answers["poll"], answers
    assert "error" not in answers["poll"].lower() and answers["deliver"].startswith("deliver:")
