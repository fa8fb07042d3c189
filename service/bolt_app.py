"""The Bolt app: one endpoint for events, interactivity and slash commands."""
from __future__ import annotations

import logging
from concurrent.futures import Executor

from slack_bolt import App, BoltResponse
from slack_bolt.error import BoltUnhandledRequestError

from bot.deps import Deps
from handlers.slack_ignored import log_ignored

log = logging.getLogger(__name__)


class _DropMessage(logging.Filter):
    def __init__(self, text: str):
        super().__init__()
        self.text = text

    def filter(self, record: logging.LogRecord) -> bool:
        return self.text not in record.getMessage()


# Bolt reads SLACK_BOT_TOKEN from the environment even when given a client,
# then warns that it will not use it: true, and no news.
for _name in ("slack_bolt", "slack_bolt.App"):
    logging.getLogger(_name).addFilter(_DropMessage("will be unused"))


def build_bolt_app(deps: Deps, executor: Executor | None = None) -> App:
    app = App(
        # Named, Bolt skips inspect.stack() to name the app after its caller's file: that reads the source of every
        # frame on the stack, a tenth of a second per app under a deep stack (each test builds one).
        name="socialdesk",
        signing_secret=deps.settings.slack_signing_secret,
        client=deps.slack.client,
        # The listener's database write completes before the ack; slow work is lazy.
        process_before_response=True,
        listener_executor=executor,
        logger=logging.getLogger("slack_bolt"),
        # `socialdesk web` checked the token before starting (service.preflight);
        # a Slack that is briefly unreachable must not stop a worker booting.
        token_verification_enabled=False,
        # A valid request no listener takes reaches answer_listener_error (a
        # 200 and one log line) instead of Bolt's 404, which Slack counts as a
        # failed delivery (handlers/slack_ignored.py).
        raise_error_for_unhandled_request=True,
    )
    from handlers import slack_actions, slack_commands, slack_events, slack_replies, slack_views
    slack_events.register(app, deps)
    slack_actions.register(app, deps)
    slack_replies.register(app, deps)
    slack_commands.register(app, deps)
    slack_views.register(app, deps)
    app.error(lambda error, body, request: answer_listener_error(deps, error, body, request))
    return app


# A listener that trips over a field a signed request left out or mistyped:
# the sender's mistake, answered with a 400 and one log line, not a traceback.
MALFORMED = (KeyError, TypeError, AttributeError, IndexError, ValueError)


SLACK_LAST_RETRY = 3  # Slack retries an event three times (at once, after 1 min, after 5 min)


def answer_listener_error(deps: Deps, error: Exception, body: dict, request) -> BoltResponse:
    from bot.store.db import database_unavailable
    if isinstance(error, BoltUnhandledRequestError):
        log_ignored(body)
        return BoltResponse(status=200, body="")
    if database_unavailable(error):
        # The database is away (or read-only): nothing was recorded, and Slack
        # retries a 503. After its last retry the author is told, so a reply
        # is never lost in silence.
        retry = (request.headers.get("x-slack-retry-num") or ["0"])[0]
        log.error("database unavailable; answered 503 (Slack retry %s): %s", retry, str(error).splitlines()[0])
        if retry.isdigit() and int(retry) >= SLACK_LAST_RETRY:
            _tell_not_recorded(deps, body)
        return BoltResponse(status=503, body="database unavailable; retry later")
    where = _innermost(error)
    if isinstance(error, MALFORMED):
        log.warning("malformed Slack request (%s: %s in %s); answered 400", type(error).__name__, error, where)
        return BoltResponse(status=400, body=f"malformed request: {type(error).__name__} {error}")
    log.error("listener failed (%s: %s in %s)", type(error).__name__, error, where, exc_info=error)
    return BoltResponse(status=500, body="")


def _tell_not_recorded(deps: Deps, body: dict) -> None:
    event = body.get("event") if isinstance(body.get("event"), dict) else {}
    user = event.get("user") or (body.get("user") or {}).get("id") or body.get("user_id")
    channel = event.get("channel") or (body.get("channel") or {}).get("id") or body.get("channel_id")
    if not (isinstance(user, str) and isinstance(channel, str)):
        return
    try:
        deps.slack.ephemeral(channel, user, "⚠️ *Not recorded:* socialdesk's database was unavailable and Slack "
                             "has stopped retrying, so this was *not* sent to the customer. Post it again in a "
                             "few minutes.", thread_ts=event.get("thread_ts"))
    except Exception as exc:  # noqa: BLE001 - the 503 must still go out
        log.error("could not tell %s that their message was not recorded: %s", user, exc)


def _innermost(error: Exception) -> str:
    tb = error.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return f"{tb.tb_frame.f_code.co_filename.rsplit('/', 1)[-1]}:{tb.tb_lineno}" if tb else "?"
