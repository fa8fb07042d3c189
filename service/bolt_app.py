"""The Bolt app: one endpoint for events, interactivity and slash commands."""
from __future__ import annotations

import logging
from concurrent.futures import Executor

from slack_bolt import App, BoltResponse

from bot.deps import Deps

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
        signing_secret=deps.settings.slack_signing_secret,
        client=deps.slack.client,
        # The listener's database write completes before the ack; slow work is lazy.
        process_before_response=True,
        listener_executor=executor,
        logger=logging.getLogger("slack_bolt"),
        # `socialdesk web` checked the token before starting (service.preflight);
        # a Slack that is briefly unreachable must not stop a worker booting.
        token_verification_enabled=False,
    )
    from handlers import slack_actions, slack_commands, slack_events, slack_replies
    slack_events.register(app, deps)
    slack_actions.register(app, deps)
    slack_replies.register(app, deps)
    slack_commands.register(app, deps)
    app.error(answer_listener_error)
    return app


# A listener that trips over a field a signed request left out or mistyped:
# the sender's mistake, answered with a 400 and one log line, not a traceback.
MALFORMED = (KeyError, TypeError, AttributeError, IndexError, ValueError)


def answer_listener_error(error: Exception, body: dict) -> BoltResponse:
    from sqlalchemy.exc import InterfaceError, OperationalError
    if isinstance(error, (OperationalError, InterfaceError)):
        # The database is away (or read-only): Slack retries a 503, and
        # nothing was recorded, so nothing is lost.
        log.error("database unavailable; answered 503 so Slack retries: %s", str(error).splitlines()[0])
        return BoltResponse(status=503, body="database unavailable; retry later")
    where = _innermost(error)
    if isinstance(error, MALFORMED):
        log.warning("malformed Slack request (%s: %s in %s); answered 400", type(error).__name__, error, where)
        return BoltResponse(status=400, body=f"malformed request: {type(error).__name__} {error}")
    log.error("listener failed (%s: %s in %s)", type(error).__name__, error, where, exc_info=error)
    return BoltResponse(status=500, body="")


def _innermost(error: Exception) -> str:
    tb = error.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return f"{tb.tb_frame.f_code.co_filename.rsplit('/', 1)[-1]}:{tb.tb_lineno}" if tb else "?"
