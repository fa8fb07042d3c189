"""Secrets never leak: the commands run at LOG_LEVEL=DEBUG with recognisable
secrets while Slack and X fail (401, 500) and every line they print — the
libraries' debug logs included — is scanned for them."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

SECRETS = {"X_API_SECRET": "SECRETxapisecret1234", "X_ACCESS_TOKEN_SECRET": "SECRETxtokensecret5678"}


def _run(args, env):
    return subprocess.run([sys.executable, "-m", "bot", *args], env={**os.environ, **env, "LOG_LEVEL": "DEBUG"},
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("x_failure", [401, 500])
def test_debug_logs_name_no_secret_while_platforms_fail(env, x_state, slack_state, x_failure):
    x_state.api_secret, x_state.access_token_secret = SECRETS["X_API_SECRET"], SECRETS["X_ACCESS_TOKEN_SECRET"]
    x_state.customer_mentions("sam", "@acme_support hi")
    x_state.fail_next("mentions", x_failure, times=5)
    x_state.fail_next("me", x_failure, times=2)
    slack_state.failures["chat.postMessage"] = [(500, "internal_error", None)] * 3
    secret_env = {**env, **SECRETS, "X_API_KEY": x_state.api_key}
    printed = ""
    for command in ("poll", "deliver", "sweep"):
        result = _run([command], secret_env)
        printed += result.stdout + result.stderr
    assert "DEBUG" in printed  # the debug logs did run
    secrets = [*SECRETS.values(), env["SLACK_BOT_TOKEN"], env["X_ACCESS_TOKEN"], env["X_API_KEY"]]
    leaked = [s for s in secrets if s in printed]
    assert leaked == [], f"printed {leaked}"


def test_a_database_password_is_never_echoed(env):
    result = _run(["poll"], {**env, "DATABASE_URL": "postgresql://user:PASSWORDxyz@127.0.0.1:1/db"})
    assert result.returncode == 1 and "PASSWORDxyz" not in result.stdout + result.stderr


@pytest.mark.meta
def test_graph_tokens_stay_out_of_debug_logs(env, graph_state):
    graph_state.customer_comments("Eve", "hello?")
    graph_state.customer_messages("Eve", "hello in Messenger")
    graph_state.throttled.append((4, 1))
    printed = ""
    for _ in range(2):
        result = _run(["poll"], env)
        printed += result.stdout + result.stderr
    assert "DEBUG" in printed and "Traceback" not in printed
    leaked = [s for s in (graph_state.page_token, graph_state.app_secret, graph_state.verify_token) if s in printed]
    assert leaked == [], f"printed {leaked}"


@pytest.mark.meta
@pytest.mark.instagram_login
def test_a_token_renewed_while_running_is_redacted_too(deps, clock, graph_state):
    """The Instagram Login token the worker renews is not in the environment:
    from the moment it is received (or loaded by another process) every log
    line and traceback hides it."""
    import io
    import logging

    from bot.inbound.tokens import refresh_tokens
    from service.logs import RedactSecrets
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactSecrets(secrets=[]))
    log = logging.getLogger("test.renewed")
    log.addHandler(handler)
    log.setLevel(logging.DEBUG)
    try:
        first = graph_state.ig_token
        assert refresh_tokens(deps, clock()) == [f"instagram:{graph_state.ig_id}"]
        renewed = graph_state.ig_token
        assert renewed != first
        log.debug("calling Graph with %s", renewed)
        try:
            raise RuntimeError(f"401 for access_token={renewed}")
        except RuntimeError:
            log.exception("failed")
    finally:
        log.removeHandler(handler)
    printed = stream.getvalue()
    assert "calling Graph with ***" in printed and "access_token=***" in printed
    assert renewed not in printed
