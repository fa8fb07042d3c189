"""Reactions and buttons on the root message. The ack-path listener changes the
database; the root is refreshed (chat.update) after the ack."""
from __future__ import annotations

import logging

from slack_bolt import App

from bot.desk import actions, private
from bot.store import queries as store
from bot.outbound.deliver import deliver
from bot.slack.publishers import NOT_KNOWN, change_refused
from bot.outbound.relay import Relay
from bot.outbound.toggles import record_hide, record_like
from bot.deps import Deps
from bot.rules.sla import PRIORITY_FACTORS
from handlers.after_ack import refresh, tell
from handlers.slack_ignored import ignored

log = logging.getLogger(__name__)

# reaction → (on add, on remove)
REACTIONS = {
    "eyes": (actions.claim, actions.unclaim),
    "white_check_mark": (actions.resolve, actions.reopen),
    "heavy_check_mark": (actions.resolve, actions.reopen),
    "zzz": (actions.snooze, actions.unsnooze),
}
BUTTONS = {"conv_claim": actions.claim, "conv_resolve": actions.resolve,
           "conv_snooze": actions.snooze, "conv_reopen": actions.reopen,
           "conv_private": private.toggle_reply_privately}
TOLD_ALWAYS = {"conv_claim", "conv_private"}  # buttons whose answer is said even when it worked


def refresh_after(deps: Deps, context: dict) -> None:
    result = context.get("action_result")
    if result is not None and result.changed:
        refresh(deps, result.conversation_id)


def _answer_after(context: dict, body: dict, result, tell: bool) -> None:
    """What the lazy listener does for a click: refresh the root, and maybe tell
    the person privately."""
    context["action_result"] = result
    channel = (body.get("channel") or {}).get("id")
    if channel and tell:
        context["tell"] = (channel, body["user"]["id"], result.message, (body.get("message") or {}).get("ts"))


# A staff ❤️ on a customer's message likes it (or reacts to it) where the platform
# can; the adapter says what it means for each kind of message (adapters.base.Heart).
LIKE_REACTIONS = {"heart"}
# A staff 🙈 on a customer's message hides it from view where the platform lets
# an app (adapters.base.Hider: Threads' manage_reply); removing it shows it again.
HIDE_REACTIONS = {"see_no_evil"}


def refused(deps: Deps, context: dict, channel: str | None, user: str, thread_ts: str | None) -> bool:
    """A change by someone who may not speak for the brand: told privately, not
    done. On the ack path only the cache answers; when only Slack can say, the
    change waits (context["ask_slack"]) and the after-ack listener runs the
    same handler again (later()), asking Slack as patiently as it allows."""
    if context.get("after_ack"):
        why = change_refused(deps.publishers, user, patiently=True)
    else:
        why = change_refused(deps.publishers, user, known_only=True)
        if why == NOT_KNOWN:
            context["ask_slack"] = True
            return True
    if why and channel:
        context["tell"] = (channel, user, why, thread_ts)
    return why is not None


def later(context: dict, handler) -> None:
    """After the ack: a handler that waited for Slack to say who acted runs
    again, now allowed to ask."""
    if context.pop("ask_slack", False):
        context["after_ack"] = True
        handler()


def no_ack(*_args, **_kwargs) -> None:
    pass


def _on_like(deps: Deps, body: dict, event: dict, context: dict, removed: bool) -> None:
    name = event.get("reaction", "").split("::")[0]
    record = record_hide if name in HIDE_REACTIONS else record_like
    item, now = event["item"], deps.clock()
    if refused(deps, context, item.get("channel"), event.get("user", ""), item.get("ts")):
        return
    with deps.sessions() as session:
        if not store.record_slack_event_once(session, body.get("event_id"), now):
            return ignored(event["type"], f"event {body.get('event_id')} was already processed (a Slack retry)",
                           logging.INFO)
        result = record(session, deps, item.get("channel", ""), item.get("ts", ""), event.get("user", ""),
                        not removed, event_ts=event.get("event_ts", ""), now=now)
        session.commit()
    what = f"{event['type']} :{name}: by {event.get('user')}"
    if result.outcome is Relay.COLLEAGUES_ONLY:
        ignored(what, f"not sent to the platform, a reaction among colleagues only (#{result.conversation_id}): "
                f"{result.findings}", logging.INFO)
    elif result.outcome is Relay.NOT_OURS:
        ignored(what, "not on a customer's message in a conversation thread (the bot's own, a colleague's, "
                "or elsewhere): a reaction among colleagues")
    elif result.outcome is Relay.UNCHANGED:
        ignored(what, f"#{result.conversation_id}: already {'undone' if removed else 'done'} on the platform, "
                "nothing to send")
    if result.outcome in (Relay.QUEUED, Relay.REFUSED):
        context["like_outbox"] = result.outbox_id


def register(app: App, deps: Deps) -> None:
    def on_reaction(body: dict, event: dict, context: dict, removed: bool) -> None:
        name = event.get("reaction", "").split("::")[0]
        handlers = REACTIONS.get(name)
        item = event.get("item", {})
        if (handlers is None and name not in LIKE_REACTIONS | HIDE_REACTIONS) or item.get("type") != "message":
            return ignored(f"{event['type']} :{name}:", "not a reaction socialdesk acts on, or not on a message")
        if event.get("user") == context.get("bot_user_id"):
            return ignored(f"{event['type']} :{name}:", "this bot's own reaction, echoed back")
        if name in LIKE_REACTIONS | HIDE_REACTIONS:
            return _on_like(deps, body, event, context, removed)
        if refused(deps, context, item.get("channel"), event.get("user", ""), item.get("ts")):
            return
        now = deps.clock()
        with deps.sessions() as session:
            conv = store.find_conversation_by_root_ts(session, item.get("channel", ""), item.get("ts", ""))
            if conv is None:
                return ignored(f"{event['type']} :{name}:", "not on the root of a conversation")
            if not store.record_slack_event_once(session, body.get("event_id"), now):
                return ignored(event["type"], f"event {body.get('event_id')} was already processed (a Slack "
                               "retry)", logging.INFO)
            session.commit()
        result = handlers[1 if removed else 0](deps, conv.id, event["user"], now)
        context["action_result"] = result
        if not result.ok:
            context["tell"] = (item["channel"], event["user"], result.message, item["ts"])

    def added(body, event, context):
        on_reaction(body, event, context, removed=False)

    def removed(body, event, context):
        on_reaction(body, event, context, removed=True)

    def lazy_refresh(context):
        tell(deps, context)
        refresh_after(deps, context)
        if context.get("like_outbox"):
            deliver(deps, deps.clock(), only_id=context["like_outbox"])

    def later_added(body, event, context):
        later(context, lambda: on_reaction(body, event, context, removed=False))
        lazy_refresh(context)

    def later_removed(body, event, context):
        later(context, lambda: on_reaction(body, event, context, removed=True))
        lazy_refresh(context)

    app.event("reaction_added")(ack=added, lazy=[later_added])
    app.event("reaction_removed")(ack=removed, lazy=[later_removed])

    def on_button(ack, body: dict, action: dict, context: dict) -> None:
        ack()
        user = body["user"]["id"]
        try:
            conv_id = int(action.get("value", ""))
        except ValueError:
            return ignored(f"button {action['action_id']}", f"its value {action.get('value')!r} is no "
                           "conversation id", logging.INFO)
        if refused(deps, context, (body.get("channel") or {}).get("id"), user, (body.get("message") or {}).get("ts")):
            return
        result = BUTTONS[action["action_id"]](deps, conv_id, user, deps.clock())
        _answer_after(context, body, result, tell=not result.ok or action["action_id"] in TOLD_ALWAYS)

    def later_button(body, action, context):
        later(context, lambda: on_button(no_ack, body, action, context))
        lazy_refresh(context)

    for action_id in BUTTONS:
        app.action(action_id)(ack=on_button, lazy=[later_button])

    def on_priority(ack, body: dict, action: dict, context: dict) -> None:
        ack()
        conv_id, _, priority = (action.get("selected_option") or {}).get("value", "").partition(":")
        if not conv_id.isdigit() or priority not in PRIORITY_FACTORS:
            return ignored("priority menu", f"its value {conv_id}:{priority} names no conversation and "
                           "priority", logging.INFO)
        user = body["user"]["id"]
        if refused(deps, context, (body.get("channel") or {}).get("id"), user, (body.get("message") or {}).get("ts")):
            return
        result = actions.set_priority(deps, int(conv_id), priority, user, deps.clock())
        _answer_after(context, body, result, tell=True)

    def later_priority(body, action, context):
        later(context, lambda: on_priority(no_ack, body, action, context))
        lazy_refresh(context)

    app.action("conv_priority")(ack=on_priority, lazy=[later_priority])
