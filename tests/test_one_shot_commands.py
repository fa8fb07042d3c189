"""The one-shot commands as a person or cron runs them: they act now, say what
they did in one plain line, and a setup mistake is one line naming the fix with
a non-zero exit — never a traceback or a Python repr."""
from __future__ import annotations

import os
import re
import subprocess
import sys

from tests.helpers import SQLITE_ONLY, roots

REPR = re.compile(r"\w+Result\(|\bNone\b|Traceback")


def _run(args, env):
    return subprocess.run([sys.executable, "-m", "bot", *args], env={**os.environ, **env},
                          capture_output=True, text=True, timeout=60)


def test_poll_twice_in_a_row_polls_twice_and_says_what_it_did(env, x_state, slack_state):
    x_state.customer_mentions("ann", "@acme_support first")
    x_state.customer_mentions("bob", "@acme_support second")
    first = _run(["poll"], env)
    assert first.returncode == 0 and first.stdout == "poll: X @acme_support: 2 new posts in 2 threads; X @acme_support DMs: nothing new; X @acme_support quotes: nothing new\n"
    x_state.customer_mentions("ann", "@acme_support me again")  # arrives in between
    second = _run(["poll"], env)
    assert second.stdout == "poll: X @acme_support: 1 new post in 1 thread; X @acme_support DMs: nothing new; X @acme_support quotes: nothing new\n"
    assert len(roots(slack_state, "C0SUPPORT")) == 2
    third = _run(["poll"], env)
    assert third.stdout == "poll: X @acme_support: nothing new; X @acme_support DMs: nothing new; X @acme_support quotes: nothing new\n"


def test_every_pass_prints_one_plain_line(env, x_state):
    x_state.customer_mentions("cy", "@acme_support hi")
    for command, expected in (("poll", r"poll: X @acme_support: 1 new post in 1 thread; X @acme_support DMs: nothing new; X @acme_support quotes: nothing new"),
                              ("deliver", r"deliver: nothing to send"), ("sweep", r"sweep: nothing due")):
        result = _run([command], env)
        assert result.returncode == 0 and re.fullmatch(expected + "\n", result.stdout), (command, result.stdout)
        assert not REPR.search(result.stdout + result.stderr), result.stderr


def test_a_closed_rate_limit_window_is_said_with_its_time(env, x_state):
    x_state.fail_next("mentions", 429)
    result = _run(["poll"], env)
    assert result.returncode == 0  # an outage or a 429 is not a failure of the command
    assert re.fullmatch(r"poll: X @acme_support: rate-limit window closed until \d\d:\d\d:\d\d UTC; "
                        r"X @acme_support DMs: nothing new; X @acme_support quotes: nothing new\n", result.stdout)
    assert _run(["poll"], env).stdout == result.stdout  # the window holds a second run too


@SQLITE_ONLY
def test_an_unmigrated_database_is_one_line_naming_the_fix(env, tmp_path):
    (tmp_path / "new.db").touch()  # e.g. created by hand, never migrated
    result = _run(["poll"], {**env, "DATABASE_URL": f"sqlite:///{tmp_path}/new.db"})
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr == "socialdesk poll: the database has no socialdesk tables yet: run `socialdesk migrate`\n"


@SQLITE_ONLY
def test_a_missing_sqlite_file_is_named_and_not_created(env, tmp_path):
    result = _run(["sweep"], {**env, "DATABASE_URL": f"sqlite:///{tmp_path}/typo.db"})
    assert result.returncode == 1 and result.stderr == (
        f"socialdesk sweep: there is no database file at {tmp_path}/typo.db: run `socialdesk migrate` (it creates "
        "it), or check DATABASE_URL\n")
    assert not (tmp_path / "typo.db").exists()


@SQLITE_ONLY
def test_an_unreachable_database_is_one_line_without_the_password(env):
    result = _run(["sweep"], {**env, "DATABASE_URL": "postgresql://support:hunter2@127.0.0.1:9/desk"})
    assert result.returncode == 1 and len(result.stderr.splitlines()) == 1
    assert "cannot reach the database postgresql+psycopg://support:***@127.0.0.1:9/desk" in result.stderr
    assert "hunter2" not in result.stderr and "Traceback" not in result.stderr


@SQLITE_ONLY
def test_every_bad_variable_is_named_at_once_in_one_line(env):
    result = _run(["deliver"], {**env, "LOG_LEVEL": "LOUD", "SLA_WARN_BEFORE": "soon",
                                "DATABASE_URL": "postgresql://u:hunter2@db:port/desk"})
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1
    for variable in ("LOG_LEVEL", "SLA_WARN_BEFORE", "DATABASE_URL"):
        assert variable in result.stderr
    assert "hunter2" not in result.stderr and "Traceback" not in result.stderr


@SQLITE_ONLY
def test_credentials_x_rejects_are_one_line_and_a_non_zero_exit(env):
    result = _run(["poll"], {**env, "X_API_KEY": "revoked-key"})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stdout.startswith("poll: X") and "X rejected the credentials (401 Unauthorized)" in result.stdout


@SQLITE_ONLY
def test_a_wrong_slack_token_is_one_line_for_every_command(env):
    for command in ("web", "poll", "worker"):
        result = _run([command], {**env, "SLACK_BOT_TOKEN": "xoxb-not-the-right-one"})
        assert result.returncode == 1, (command, result.stderr)
        assert result.stderr == (f"socialdesk {command}: Slack rejected SLACK_BOT_TOKEN (invalid_auth): copy the "
                                 "Bot User OAuth Token (xoxb-…) from your Slack app's OAuth & Permissions page\n")
