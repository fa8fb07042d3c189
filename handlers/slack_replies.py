"""The author's buttons on a reply: Send anyway / Send privately / Cancel on a
reply REPLY_CHECK held, and Undo within SEND_DELAY. The decision (one
conditional UPDATE) is made before the ack; telling, the 🔒 copy and the send
come after it."""
from __future__ import annotations

import logging

from slack_bolt import App

from bot.outbound import held
from bot.outbound.deliver import PRIVATE_REACTION
from bot.outbound.notices import close_undo_notice, mark_stopped
from bot.deps import Deps
from bot.store.models import Conversation, Message, Outbox
from bot.outbound.relay import Relay, RelayResult
from bot.slack.slack_out import SLACK_ERRORS
from handlers.after_ack import Recorded, after_reply, refresh, tell
from handlers.slack_actions import no_ack, later, refused
from handlers.slack_ignored import ignored

log = logging.getLogger(__name__)
DECISIONS = {"reply_send_anyway": held.send_anyway, "reply_send_privately": held.send_privately,
             "reply_cancel": held.cancel, "reply_undo": held.cancel}


def register(app: App, deps: Deps) -> None:
    def on_decision(ack, body: dict, action: dict, context: dict) -> None:
        ack()
        user = body["user"]["id"]
        channel = (body.get("channel") or {}).get("id")
        thread_ts = (body.get("container") or {}).get("thread_ts")
        if not str(action.get("value", "")).isdigit():
            return ignored(f"button {action['action_id']}", f"its value {action.get('value')!r} is no reply id",
                           logging.INFO)
        if refused(deps, context, channel, user, thread_ts):
            return
        decision = DECISIONS[action["action_id"]](deps, int(action["value"]), user, deps.clock())
        context["decision"] = decision
        if channel and not (decision.outbox_id and _on_private_notice(body)):
            context["tell"] = (channel, user, decision.message, _thread_of(deps, int(action["value"])) or thread_ts)

    def after(body: dict, action: dict, context: dict, respond) -> None:
        later(context, lambda: on_decision(no_ack, body, action, context))
        tell(deps, context)
        decision = context.get("decision")
        if decision is None or decision.outbox_id is None:
            return  # not the author's to decide (told so): the notice stays as it is for its author
        container = body.get("container") or {}
        if _on_private_notice(body):
            # The held notice was private: only the press's response_url can
            # change it (Slack offers no other way to touch an ephemeral). It
            # becomes the answer — with the buttons still open if it stays held.
            try:
                respond(text=decision.message, replace_original=True,
                        **({"blocks": decision.blocks} if decision.blocks else {}))
            except Exception as exc:  # noqa: BLE001 — the decision stands; only the notice stays stale
                log.warning("outbox %s: the notice pressed could not be replaced: %s", decision.outbox_id, exc)
        elif not decision.stopped:
            close_undo_notice(deps, decision.outbox_id, container.get("message_ts"))  # says what became of it
        if decision.stopped:
            mark_stopped(deps, decision.outbox_id, decision.stopped == "undone",
                         None if _on_private_notice(body) else container.get("message_ts"))
        if not decision.ok:
            return
        _show_decided(deps, decision)
        if decision.stopped and decision.conversation_id:
            refresh(deps, decision.conversation_id)  # the root said "📤 reply sending": no longer
        if decision.release:
            # A private message from `/social private` has no thread message yet: it gets its 🔒 copy.
            released = Recorded(RelayResult(Relay.QUEUED, decision.conversation_id, decision.outbox_id,
                                            send_at=decision.send_at), "", "", None)
            after_reply(deps, released, deps.clock(), copy=True, refresh_root=False)

    for action_id in DECISIONS:
        app.action(action_id)(ack=on_decision, lazy=[after])


def _on_private_notice(body: dict) -> bool:
    """Pressed on the author's private (ephemeral) notice, which a response_url can replace."""
    return bool((body.get("container") or {}).get("is_ephemeral")) and bool(body.get("response_url"))


def _thread_of(deps: Deps, outbox_id: int) -> str | None:
    """The answer goes in the conversation's thread, where the notice with the buttons was."""
    with deps.sessions() as session:
        row = session.get(Outbox, outbox_id)
        conv = session.get(Conversation, row.conversation_id) if row else None
        return conv.slack_root_ts if conv else None


def _show_decided(deps: Deps, decision: held.Decision) -> None:
    """The ✋ on the message goes; a reply turned private is marked 🔒 like any private one."""
    with deps.sessions() as session:
        row = session.get(Outbox, decision.outbox_id)
        message = session.get(Message, row.message_id)
        conv = session.get(Conversation, row.conversation_id)
        private = row.kind == "private" and not conv.private
        channel, ts = message.slack_channel, message.slack_ts
        session.commit()
    if not ts:
        return
    try:
        deps.slack.unreact(channel, ts, held.HELD_REACTION)
        if private and decision.release:
            deps.slack.react(channel, ts, PRIVATE_REACTION)
    except SLACK_ERRORS as exc:
        log.warning("outbox %s: reactions not updated: %s", decision.outbox_id, exc)
