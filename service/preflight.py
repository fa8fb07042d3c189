"""Checks a command makes before it starts, so a setup mistake is one line
naming the fix, never a traceback or 64 lines of gunicorn. In order: values
still copied from .env.example (exit 2), the database (exit 1), `web`'s port
(exit 1), then Slack's auth.test (exit 1 on a rejected token; unreachable:
a one-shot pass does nothing and says so in its one line, exiting 0 as for any
outage — CONTRACT.md: non-zero only on bad configuration; `web` and `worker`
start with one warning and retry)."""
from __future__ import annotations

import errno
import logging
import re
import socket
from typing import Mapping

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.config import Settings
from bot.env import ConfigError
from bot.store.db import make_engine
from bot.store.migrate import SetupError, check_schema
from bot.slack.slack_out import SLACK_ERRORS

log = logging.getLogger("socialdesk")

# Slack's answers that mean the token itself is wrong, not that Slack is down.
_BAD_TOKEN = {"invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive",
              "not_allowed_token_type"}

# What .env.example and the docs put where a value goes ("xoxb-...", "xoxb-your-token",
# "<secret>", "changeme") and the example channel id. No real token or id looks like these.
_PLACEHOLDER = re.compile(r"\.\.\.|…|(?:^|[-_])your[-_]|^<.*>$|^changeme$|^C0123456789$", re.IGNORECASE)
_CHECKED = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_CHANNEL", "X_API_KEY",
            "X_API_SECRET", "X_ACCESS_TOKEN", "X_ACCESS_TOKEN_SECRET", "X_BEARER_TOKEN", "META_PAGE_TOKEN",
            "META_APP_SECRET", "META_VERIFY_TOKEN", "INSTAGRAM_TOKEN", "INSTAGRAM_APP_SECRET", "THREADS_TOKEN",
            "THREADS_APP_SECRET")


def check_placeholders(environ: Mapping[str, str]) -> None:
    """A value copied unchanged from .env.example would start `web` and fail
    on the first request; refuse it at once, naming every such variable."""
    found = [name for name in _CHECKED if _PLACEHOLDER.search((environ.get(name) or "").strip())]
    if found:
        raise ConfigError(", ".join(found), "still the placeholder from .env.example: set the real value")


def check_database(settings: Settings) -> None:
    engine = make_engine(settings.database_url)
    try:
        check_schema(engine)
    finally:
        engine.dispose()


def check_port(port: int, host: str = "0.0.0.0") -> None:
    """gunicorn meets a taken port with a dozen lines of retries; say it once."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn binds: TIME_WAIT is no obstacle
    try:
        probe.bind((host, port))
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise SetupError(f"port {port} is already in use (another `socialdesk web`?): stop what holds it, "
                             "or choose another with PORT or --port") from None
        if exc.errno == errno.EACCES:
            raise SetupError(f"port {port} needs privileges this user lacks: choose a port above 1023 with "
                             "PORT or --port") from None
        raise
    finally:
        probe.close()


class SlackUnreachable(Exception):
    """Slack did not answer a one-shot pass's start-up check: an outage, said
    in the pass's one line; the pass exits 0 (CONTRACT.md)."""


def check_slack_token(settings: Settings, one_shot: bool = False) -> None:
    """auth.test, asked once (no retries: their log lines are the noise this
    check exists to spare). A rejected token stops every command. Slack being
    unreachable ends a one-shot pass before it starts (SlackUnreachable: it
    could do nothing useful, and an outage is not bad configuration, so it
    exits 0); `web` must still answer /healthz and `worker` retries, so they
    carry on with one warning."""
    client = WebClient(token=settings.slack_bot_token or "", base_url=settings.slack_api_url, timeout=10,
                       retry_handlers=[])
    sdk_log = logging.getLogger("slack_sdk.web.base_client")
    level, sdk_log.level = sdk_log.level, logging.CRITICAL  # it logs every failed request at ERROR
    try:
        client.auth_test()
    except SlackApiError as exc:
        error = exc.response.get("error")
        if error in _BAD_TOKEN:
            raise SetupError(f"Slack rejected SLACK_BOT_TOKEN ({error}): copy the Bot User OAuth Token "
                             "(xoxb-…) from your Slack app's OAuth & Permissions page") from None
    except SLACK_ERRORS as exc:
        problem = (f"cannot reach Slack at {settings.slack_api_url} ({_reason(exc)}): check the network "
                   "and SLACK_API_URL")
        if one_shot:
            raise SlackUnreachable(f"{problem}; nothing was done, the next pass retries") from None
        log.warning("%s; starting anyway, Slack calls are retried", problem)
    finally:
        sdk_log.level = level


def check_platform_access(settings: Settings) -> None:
    """A platform that refuses this project or identity outright (Google's Business Profile
    APIs before Google approves the project) stops the command in one line, naming the fix."""
    from adapters.base import AccessChecked
    from adapters.registry import build_adapters
    for adapter in build_adapters(settings.platforms).values():
        if isinstance(adapter, AccessChecked):
            adapter.check_access()


def _reason(exc: BaseException) -> str:
    reason = getattr(exc, "reason", None) or exc  # urllib's URLError wraps the socket's error
    text = str(getattr(reason, "strerror", None) or reason).strip().splitlines()
    return text[0] if text else type(exc).__name__
