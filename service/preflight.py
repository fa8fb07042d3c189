"""Checks a command makes before it starts, so a setup mistake is one line
naming the fix, never a traceback or 64 lines of gunicorn."""
from __future__ import annotations

from slack_sdk.errors import SlackApiError

from bot.config import Settings
from bot.store.db import make_engine
from bot.store.migrate import SetupError, check_schema
from bot.slack.slack_out import SLACK_ERRORS, make_slack_client

# Slack's answers that mean the token itself is wrong, not that Slack is down.
_BAD_TOKEN = {"invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive",
              "not_allowed_token_type"}


def check_database(settings: Settings) -> None:
    engine = make_engine(settings.database_url)
    try:
        check_schema(engine)
    finally:
        engine.dispose()


def check_slack_token(settings: Settings) -> None:
    """auth.test: a rejected token stops the command; Slack being unreachable
    does not (the passes retry, and `web` must still answer /healthz)."""
    client = make_slack_client(settings.slack_bot_token or "", settings.slack_api_url, timeout=10)
    try:
        client.auth_test()
    except SlackApiError as exc:
        error = exc.response.get("error")
        if error in _BAD_TOKEN:
            raise SetupError(f"Slack rejected SLACK_BOT_TOKEN ({error}): copy the Bot User OAuth Token "
                             "(xoxb-…) from your Slack app's OAuth & Permissions page") from None
    except SLACK_ERRORS:
        pass
