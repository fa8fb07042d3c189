"""The Bolt app: one endpoint for events, interactivity and slash commands."""
from __future__ import annotations

import logging
from concurrent.futures import Executor

from slack_bolt import App

from bot.deps import Deps

log = logging.getLogger(__name__)


def build_bolt_app(deps: Deps, executor: Executor | None = None) -> App:
    app = App(
        signing_secret=deps.settings.slack_signing_secret,
        client=deps.slack.client,
        # The listener's database write completes before the ack; slow work is lazy.
        process_before_response=True,
        listener_executor=executor,
        logger=logging.getLogger("slack_bolt"),
    )
    from handlers import slack_actions, slack_commands, slack_events
    slack_events.register(app, deps)
    slack_actions.register(app, deps)
    slack_commands.register(app, deps)
    return app
