"""The composer's requests (bot.desk.composer): the ✍️ Reply button, what the
person does inside the modal, its submission and its closing.

The button is acked at once and the modal opened right after the ack with
its trigger_id (valid 3 s). A submission is decided on the ack path — refused
in place (`response_action: errors`) or recorded — since only the ack can
keep the modal open; its copy in the thread, the root and the send follow."""
from __future__ import annotations

import logging

from slack_bolt import App

from bot.deps import Deps
from bot.desk import composer
from bot.outbound.relay import Relay
from bot.slack.publishers import NOT_KNOWN, change_refused
from handlers.after_ack import Recorded, after_reply, refresh, settle, tell
from handlers.slack_actions import later, no_ack, refused
from handlers.slack_ignored import ignored

log = logging.getLogger(__name__)


def register(app: App, deps: Deps) -> None:
    def on_compose(ack, body: dict, action: dict, context: dict) -> None:
        ack()
        try:
            conv_id = int(action.get("value", ""))
        except ValueError:
            return ignored("button conv_compose", f"its value {action.get('value')!r} is no conversation id",
                           logging.INFO)
        user = body["user"]["id"]
        if refused(deps, context, (body.get("channel") or {}).get("id"), user, (body.get("message") or {}).get("ts")):
            return
        context["compose"] = conv_id

    def open_after(body: dict, action: dict, context: dict) -> None:
        later(context, lambda: on_compose(no_ack, body, action, context))
        tell(deps, context)
        conv_id = context.get("compose")
        if conv_id is None:
            return
        user = body["user"]["id"]
        why = composer.open_composer(deps, conv_id, user, body["trigger_id"], deps.clock())
        if why:
            channel = (body.get("channel") or {}).get("id")
            if channel:
                tell(deps, {"tell": (channel, user, why, (body.get("message") or {}).get("ts"))})
            return
        refresh(deps, conv_id)

    app.action("conv_compose")(ack=on_compose, lazy=[open_after])

    def on_typing(ack) -> None:
        ack()

    def update_after(body: dict) -> None:
        if not isinstance(body.get("view"), dict) or not body["view"].get("id"):
            return ignored("block_actions", "a composer action from outside a composer view", logging.INFO)
        composer.update_composer(deps, body["view"], body["user"]["id"], deps.clock())

    for action_id in composer.ACTIONS:
        app.action(action_id)(ack=on_typing, lazy=[update_after])

    def on_submit(ack, body: dict, view: dict, context: dict) -> None:
        user = body["user"]["id"]
        why = change_refused(deps.publishers, user, known_only=True)
        known = why != NOT_KNOWN
        submitted = composer.submit(deps, view, user, deps.clock(), not_allowed=why if known else None,
                                    author_known=known)
        if submitted.errors:
            ack(response_action="errors", errors=submitted.errors)
            return
        ack()
        context["submitted"] = submitted

    def submitted_after(body: dict, context: dict) -> None:
        submitted = context.get("submitted")
        if submitted is None:
            return
        result, user, now = submitted.result, body["user"]["id"], deps.clock()
        if result.outcome is Relay.DUPLICATE:
            return ignored("view_submission", f"composer {body['view']['id']} was already submitted", logging.INFO)
        recorded = Recorded(result, submitted.channel, user, submitted.thread_ts)
        if result.outcome is Relay.CHECKING:  # whether they may publish was not cached: asked now
            result = settle(deps, recorded, now)
            recorded = Recorded(result, submitted.channel, user, submitted.thread_ts)
        if composer.outcome_needs_copy(result):
            composer.thread_copy(deps, result.outbox_id)
        after_reply(deps, recorded, now)
        if result.outcome is not Relay.QUEUED:  # after_reply repaints only a queued reply's root
            refresh(deps, result.conversation_id)

    app.view_submission(composer.CALLBACK)(ack=on_submit, lazy=[submitted_after])

    def on_closed(ack, view: dict, context: dict) -> None:
        ack()
        context["closed"] = composer.close(deps, view["id"])

    def closed_after(context: dict) -> None:
        refresh(deps, context.get("closed"))

    app.view_closed(composer.CALLBACK)(ack=on_closed, lazy=[closed_after])
