"""The Bolt app: one endpoint for events, interactivity and slash commands."""
from __future__ import annotations

import logging
from concurrent.futures import Executor

from slack_bolt import App

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
    return app
