"""How every process prints: LOG_FORMAT=text (one readable line) or json
(one JSON object per line, python-json-logger — for our log lines, gunicorn's
and the one-line answers of the commands alike), with the conversation id as
its own field where a line names one (#42), and every configured secret
replaced by *** whatever library logs it."""
from __future__ import annotations

import json
import logging
import os
import re
import sys
from datetime import datetime, timezone

from bot.redaction import learnt_secrets

# Values never to be printed, whichever library logs them (oauthlib logs the
# OAuth 1.0a parameters at DEBUG; a URL may carry a token).
SECRET_VARIABLES = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "X_BEARER_TOKEN", "X_API_KEY",
                    "X_API_SECRET", "X_ACCESS_TOKEN", "X_ACCESS_TOKEN_SECRET", "META_PAGE_TOKEN", "META_APP_SECRET",
                    "META_VERIFY_TOKEN", "INSTAGRAM_TOKEN", "INSTAGRAM_APP_SECRET", "METRICS_TOKEN",
                    "BLUESKY_APP_PASSWORD", "YELP_API_KEY", "YELP_PARTNER_CLIENT_SECRET", "YELP_PARTNER_REFRESH_TOKEN",
                    "THREADS_TOKEN", "THREADS_APP_SECRET", "TRUSTPILOT_API_SECRET", "TRUSTPILOT_PASSWORD",
                    "TRUSTPILOT_WEBHOOK_SECRET", "GOOGLE_CLIENT_SECRET", "GOOGLE_REFRESH_TOKEN")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s"
JSON_RENAMES = {"asctime": "time", "levelname": "level", "name": "logger"}
_CONVERSATION = re.compile(r"(?:^|\s)#(\d+)\b")


def json_wanted() -> bool:
    return (os.environ.get("LOG_FORMAT") or "text").strip().lower() == "json"


class RedactSecrets(logging.Filter):
    """Replaces every configured secret in a log line with ***, and names the
    conversation a line is about (a `conversation` field in JSON)."""

    def __init__(self, secrets=None):
        super().__init__()
        found = secrets if secrets is not None else (os.environ.get(n, "").strip() for n in SECRET_VARIABLES)
        self.secrets = sorted({s for s in found if s and len(s) >= 6}, key=len, reverse=True)

    def filter(self, record: logging.LogRecord) -> bool:
        secrets = self.secrets
        learnt = learnt_secrets()
        if learnt:  # a token renewed while running (Instagram Login)
            secrets = sorted(set(secrets) | learnt, key=len, reverse=True)
        message = record.getMessage()
        if any(secret in message for secret in secrets):
            for secret in secrets:
                message = message.replace(secret, "***")
            record.msg, record.args = message, None
        if record.exc_info and not record.exc_text:
            # A traceback can quote a URL or header with a secret in it.
            text = logging.Formatter().formatException(record.exc_info)
            for secret in secrets:
                text = text.replace(secret, "***")
            record.exc_text = text
        named = _CONVERSATION.search(message)
        if named and not hasattr(record, "conversation"):
            record.conversation = int(named.group(1))
        return True


def formatter() -> logging.Formatter:
    if json_wanted():
        from pythonjsonlogger.json import JsonFormatter
        return JsonFormatter(JSON_FIELDS, rename_fields=JSON_RENAMES)
    return logging.Formatter(TEXT_FORMAT)


def configure(level: str) -> None:
    logging.basicConfig(level=level, format=TEXT_FORMAT)
    # httpx (under the atproto SDK) says every request at INFO.
    for noisy in ("alembic.runtime.plugins", "apscheduler.executors.default", "apscheduler.scheduler", "httpx"):
        logging.getLogger(noisy).setLevel(logging.WARNING)  # per-run chatter, not events
    redact = RedactSecrets()
    for handler in logging.getLogger().handlers:
        handler.setFormatter(formatter())
        handler.addFilter(redact)


def say(text: str, error: bool = False) -> None:
    """A command's one-line answer: as is, or as one JSON object."""
    stream = sys.stderr if error else sys.stdout
    if json_wanted():
        text = json.dumps({"time": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
                           "level": "ERROR" if error else "INFO", "logger": "socialdesk", "message": text})
    print(text, file=stream, flush=True)


def gunicorn_logconfig() -> dict | None:
    """For LOG_FORMAT=json: gunicorn's own lines as JSON too (its access and
    error logs, and the root logger of its workers), secrets redacted."""
    if not json_wanted():
        return None
    fmt = {"()": "pythonjsonlogger.json.JsonFormatter", "fmt": JSON_FIELDS, "rename_fields": JSON_RENAMES}
    handler = {"class": "logging.StreamHandler", "formatter": "json", "filters": ["redact"]}
    return {"version": 1, "disable_existing_loggers": False,
            "filters": {"redact": {"()": "service.logs.RedactSecrets"}},
            "formatters": {"json": fmt},
            "handlers": {"console": {**handler, "stream": "ext://sys.stdout"},
                         "error_console": {**handler, "stream": "ext://sys.stderr"}},
            "root": {"level": logging.getLevelName(logging.getLogger().level), "handlers": ["error_console"]},
            "loggers": {"gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False},
                        "gunicorn.access": {"level": "INFO", "handlers": ["console"], "propagate": False}}}
