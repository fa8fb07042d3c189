"""Each command speaks one readable line and exits with the right code, run
as an operator runs it (a real process): no per-pass "is off" chatter, no
migration docstrings, no gunicorn retries on a taken port, no slack_sdk retry
lines when Slack cannot be reached, and no start on .env.example's placeholders."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

from tests.helpers import SQLITE_ONLY, killed_on_failure
from tests.test_processes import _wait_for_line

ROOT = Path(__file__).resolve().parent.parent


def _run(args, env, **kwargs):
    return subprocess.run([sys.executable, "-m", "bot", *args], env={**os.environ, **env},
                          capture_output=True, text=True, timeout=60, **kwargs)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens once it is closed


@SQLITE_ONLY
def test_a_pass_says_only_its_line_when_platforms_are_off(env):
    for command in ("poll", "deliver", "sweep"):  # Facebook, Messenger and Instagram are off here
        result = _run([command], env)
        assert result.returncode == 0 and len(result.stdout.splitlines()) == 1, (command, result.stdout)
        assert result.stderr == "", (command, result.stderr)


@SQLITE_ONLY
def test_a_typo_in_a_per_platform_sla_stops_the_pass_in_one_line(env):
    result = _run(["sweep"], {**env, "SLA_FIRST_RESPONSE_TWITTER": "30m"})
    assert result.returncode != 0 and "nothing due" not in result.stdout + result.stderr
    [line] = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    assert "SLA_FIRST_RESPONSE_TWITTER" in line and "one of X, FACEBOOK" in line


@SQLITE_ONLY
def test_the_worker_says_once_at_start_which_platforms_are_off(env):
    process = subprocess.Popen([sys.executable, "-m", "bot", "worker"], env={**os.environ, **env},
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    with killed_on_failure(process):
        said = _wait_for_line(process, "worker started")
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    assert sum("Facebook and Messenger are off" in line for line in said) == 1


def test_version_names_the_release_and_the_schema_it_migrates_to_with_no_configuration():
    """Asked for by a new user; what an operator checks before `socialdesk migrate` on an upgrade."""
    from importlib.metadata import version
    from alembic.script import ScriptDirectory
    from bot.store.migrate import alembic_config
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    said = _run(["--version"], {})
    assert (said.returncode, said.stdout, said.stderr) == (
        0, f"socialdesk {version('socialdesk')} (database schema {head})\n", "")


def test_migrate_says_one_line_on_a_fresh_database_and_one_when_there_is_nothing_to_do(tmp_path):
    from alembic.script import ScriptDirectory
    from bot.store.migrate import alembic_config
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/fresh.db"}
    first = _run(["migrate"], env)
    assert (first.returncode, first.stdout, first.stderr) == (
        0, f"migrate: migrated to revision {head}, the newest schema\n", "")
    again = _run(["migrate"], env)
    assert (again.returncode, again.stdout, again.stderr) == (
        0, f"migrate: the database was already at the newest schema (revision {head}); nothing to do\n", "")


@SQLITE_ONLY
def test_credentials_x_rejects_are_said_once(env):
    result = _run(["poll"], {**env, "X_API_KEY": "revoked-key"})
    assert result.returncode == 1
    assert (result.stdout + result.stderr).count("X rejected the credentials") == 1, result.stdout + result.stderr


@SQLITE_ONLY
def test_web_on_a_taken_port_is_one_line_naming_the_port(env):
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = _run(["web", "--port", str(port)], env)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr == (f"socialdesk web: port {port} is already in use (another `socialdesk web`?): stop "
                             "what holds it, or choose another with PORT or --port\n")


@SQLITE_ONLY
def test_a_pass_stops_in_one_line_when_slack_cannot_be_reached(env):
    """An outage, not bad configuration: one line, exit 0 (CONTRACT.md)."""
    url = f"http://127.0.0.1:{_closed_port()}/api/"
    for command in ("poll", "deliver", "sweep"):
        result = _run([command], {**env, "SLACK_API_URL": url})
        assert result.returncode == 0 and result.stderr == "", (command, result.stderr)
        assert result.stdout == (f"{command}: cannot reach Slack at {url} (Connection refused): check the network "
                                 "and SLACK_API_URL; nothing was done, the next pass retries\n"), result.stdout


@SQLITE_ONLY
def test_the_worker_starts_with_one_warning_when_slack_cannot_be_reached(env):
    url = f"http://127.0.0.1:{_closed_port()}/api/"
    process = subprocess.Popen([sys.executable, "-m", "bot", "worker"], env={**os.environ, **env, "SLACK_API_URL": url},
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    with killed_on_failure(process):
        said = _wait_for_line(process, "worker started")
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    assert sum("cannot reach Slack" in line for line in said) == 1
    assert not any("slack_sdk" in line for line in said), said


def test_web_refuses_the_placeholders_of_env_example(tmp_path):
    # An operator who copied .env.example to .env and ran `socialdesk web` before filling it in.
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-m", "bot", "web"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == ("socialdesk web: configuration error: SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, "
                             "SLACK_CHANNEL: still the placeholder from .env.example: set the real value\n")


@SQLITE_ONLY
def test_a_placeholder_token_is_named_in_one_line(env):
    result = _run(["poll"], {**env, "SLACK_BOT_TOKEN": "xoxb-your-token"})
    assert result.returncode == 2 and result.stderr == (
        "socialdesk poll: configuration error: SLACK_BOT_TOKEN: still the placeholder from .env.example: set "
        "the real value\n")
