"""Message events in conversation threads: staff replies, notes, edits, deletions.

Bolt runs with process_before_response=True, so the listener body (a database
transaction) completes before the ack, and it never calls Slack: whether the
author may speak for the brand comes from the cache or is looked up after the
ack (handlers.after_ack), like the platform call, the root refresh and every
private answer.
"""
from __future__ import annotations

import logging

from slack_bolt import App

from bot.outbound import held
from bot.store import queries as store
from adapters.base import ActionKind
from bot.outbound.deliver import deliver
from bot.outbound.notices import close_undo_notice
from bot.deps import Deps
from bot.slack.publishers import looks_internal
from bot.rules.text import is_internal_note
from bot.store.models import FAILED, HELD, SENT, Conversation
from bot.outbound.relay import (AUTHOR_CHECK, Relay, RelayResult, cancel_pending_reply, edit_pending_reply,
                       find_outbox_by_slack_ts, record_staff_message)
from handlers.after_ack import Recorded, after_reply, settle_leftovers, tell, waited_for_root
from handlers.slack_ignored import ignored

log = logging.getLogger(__name__)
# Message subtypes that are still a person writing in the thread.
HUMAN_SUBTYPES = {None, "thread_broadcast", "file_share"}


def _is_thread_reply(event: dict) -> bool:
    return bool(event.get("thread_ts")) and event.get("thread_ts") != event.get("ts")


def register(app: App, deps: Deps) -> None:
    def handle_message(body: dict, event: dict, context: dict) -> None:
        subtype = event.get("subtype")
        if subtype == "message_changed":
            return _handle_edit(deps, body, event, context)
        if subtype == "message_deleted":
            return _handle_delete(deps, body, event, context)
        what = "message" + (f"/{subtype}" if subtype else "")
        if subtype not in HUMAN_SUBTYPES:
            return ignored(what, "not a person writing (only people's thread replies are relayed)")
        if event.get("bot_id"):
            return ignored(what, "written by a bot (this one or another app)")
        if not _is_thread_reply(event):
            return ignored(what, "not a thread reply (only replies in a conversation's thread are relayed)")
        result = _record(deps, body, event, context)
        if result is None or result.outcome is not Relay.NOT_OURS:
            return
        if event.get("parent_user_id") and event.get("parent_user_id") == context.get("bot_user_id"):
            # A root this bot posted whose ts is not stored yet (it is, right
            # after chat.postMessage returns): matched again after the ack.
            context["root_not_stored"] = True
            return
        ignored(what, f"thread {event['thread_ts']} in {event['channel']} is not a conversation's")

    def after_message(body: dict, event: dict, context: dict) -> None:
        now = deps.clock()
        tell(deps, context)
        if context.get("edited_held"):
            held.tell_author(deps, context["edited_held"], context["findings"], None, held=True, now=now)
        if context.get("edited_released"):
            held.forget_hold(deps, context["edited_released"])
            held.offer_undo(deps, context["edited_released"], now)
            deliver(deps, now, only_id=context["edited_released"])
        if context.get("undo_over"):
            close_undo_notice(deps, context["undo_over"])
        if context.get("root_not_stored"):
            result = waited_for_root(lambda: _record(deps, body, event, context))
            if result is None:
                log.info("thread %s in %s: its root is the bot's, but no conversation has it after a few "
                         "seconds; ignored as not a conversation's", event["thread_ts"], event["channel"])
            tell(deps, context)
        if context.get("recorded"):
            after_reply(deps, context["recorded"], now)
        settle_leftovers(deps, now)

    app.event("message")(ack=handle_message, lazy=[after_message])


def _record(deps: Deps, body: dict, event: dict, context: dict) -> RelayResult | None:
    """Record a staff thread message in one transaction (the conversation read
    once, under its lock), leaving what is owed after the ack in `context`.
    None for a Slack retry of an event already recorded."""
    now, what = deps.clock(), "message" + (f"/{event['subtype']}" if event.get("subtype") else "")
    user, text = event.get("user", ""), event.get("text", "")
    kept_internal, author_known = _internal_or_unknown(deps, user, text, event.get("user_team"))
    with deps.sessions() as session:
        if not store.record_slack_event_once(session, body.get("event_id"), now):
            ignored(what, f"event {body.get('event_id')} was already processed (a Slack retry)", logging.INFO)
            return None
        result = record_staff_message(session, deps, event["channel"], event["thread_ts"], event["ts"], user,
                                      text, now, kept_internal, author_known)
        if result.outcome is Relay.NOT_OURS:
            session.rollback()  # nothing of ours: not even the event id
            return result
        # Only a private action can have been armed: a public reply needs no second look at its conversation.
        armed = (result.kind is ActionKind.PRIVATE and result.conversation_id is not None
                 and not session.get(Conversation, result.conversation_id).private)
        session.commit()
    if kept_internal and result.outcome is Relay.NOTE:
        context["tell"] = (event["channel"], user, f"🔒 Kept as an internal note — *not sent* to the customer — "
                           f"because {kept_internal}.", event["thread_ts"])
    if result.say:  # an unknown `!name`: nothing was sent
        context["tell"] = (event["channel"], user, result.say, event["thread_ts"])
    if result.outcome in (Relay.QUEUED, Relay.HELD, Relay.REFUSED, Relay.CHECKING):
        context["recorded"] = Recorded(result, event["channel"], user, event["thread_ts"], event.get("user_team"),
                                       # Reply privately was armed: this message goes privately, marked so.
                                       mark_private=(event["channel"], event["ts"]) if armed else None,
                                       files=bool(event.get("files")))
    return result


def _internal_or_unknown(deps: Deps, user: str, text: str, user_team: str | None) -> tuple[str | None, bool]:
    """(why a thread message that does not start with `note:` still stays
    internal, whether that is known yet): it reads like a note, or its author
    may not speak for the brand — from the cache only; (None, False) when only
    Slack can say, which is asked after the ack."""
    if is_internal_note(text):
        return None, True
    looks = looks_internal(text)
    if looks:
        return f"{looks} (to answer the customer, post it again starting with the answer itself)", True
    if deps.publishers is None:
        return None, True
    standing = deps.publishers.known(user, user_team)
    if standing is None:
        return None, False
    return (None if standing.may_publish else standing.reason), True


def _first_time(session, body: dict, what: str, now) -> bool:
    """Slack retries an edit or a delete like any event: one audit row and one
    notice, whatever the retries."""
    if store.record_slack_event_once(session, body.get("event_id"), now):
        return True
    ignored(what, f"event {body.get('event_id')} was already processed (a Slack retry)", logging.INFO)
    return False


def _handle_edit(deps: Deps, body: dict, event: dict, context: dict) -> None:
    edited, before = event.get("message", {}), event.get("previous_message", {})
    if edited.get("bot_id") or not _is_thread_reply(edited) or edited.get("text") == before.get("text"):
        # our own updates, unfurls, and edits outside threads
        return ignored("message/message_changed", "a bot's update, an unfurl, or an edit outside a thread")
    channel, ts, user, now = event["channel"], edited["ts"], edited.get("user", ""), deps.clock()
    with deps.sessions() as session:
        row = find_outbox_by_slack_ts(session, channel, ts)
        if row is None:
            return ignored("message/message_changed", f"{ts} in {channel} is no reply to a customer")
        if not _first_time(session, body, "message/message_changed", now):
            return
        was = row.state
        changed = edit_pending_reply(session, deps, channel, ts, edited.get("text", ""), now)
        session.commit()
    label = deps.where_sent(row)
    if changed and changed.state == HELD:
        context.update(edited_held=changed.id, findings=changed.check_findings)
        return  # told after the ack, with the buttons
    if changed and changed.state == AUTHOR_CHECK:
        text = f"✏️ Your edit was taken: it had not been sent yet, so {label} will get the new text."
    elif changed:
        if was == HELD:
            context["edited_released"] = changed.id
        text = f"✏️ Your edit was taken: it had not been sent yet, so {label} will get the new text."
    elif row.state == FAILED and row.uncertain_since is not None:  # it may have gone out (see its ⚠️)
        text = (f"✏️ This reply may or may not have reached {label} (the ⚠️ in this thread says how to check), "
                "and an edit does not send it. If a correction is needed, post it as a new message in this thread.")
    elif row.state == FAILED:
        text = (f"✏️ This reply was not sent to {label}, and an edit does not send it. Post the corrected "
                "reply as a new message in this thread.")
    elif row.state == SENT:
        text = (f"✏️ This reply was already sent to {label}; a public reply cannot be changed from "
                "Slack. Post a correction as a new message in this thread.")
    else:
        text = (f"✏️ This reply is being sent to {label} right now, so the edit was not taken. If it needs "
                "a correction, post it as a new message in this thread.")
    context["tell"] = (channel, user, text, edited.get("thread_ts"))  # said after the ack


def _handle_delete(deps: Deps, body: dict, event: dict, context: dict) -> None:
    before = event.get("previous_message", {})
    if before.get("bot_id") or not _is_thread_reply(before):
        return ignored("message/message_deleted", "a bot's message, or a message outside a thread")
    channel, ts, now = event["channel"], before["ts"], deps.clock()
    with deps.sessions() as session:
        row = find_outbox_by_slack_ts(session, channel, ts)
        if row is None:
            return ignored("message/message_deleted", f"{ts} in {channel} was no reply to a customer")
        if not _first_time(session, body, "message/message_deleted", now):
            return
        cancelled = cancel_pending_reply(session, channel, ts, now)
        session.commit()
    if cancelled and deps.settings.send_delay:
        context["undo_over"] = row.id  # its Undo notice says it was deleted, after the ack
    label = deps.where_sent(row)
    if row.state == FAILED and row.uncertain_since is not None:  # it may have gone out (see its ⚠️)
        text = (f"🗑️ That reply may or may not have reached {label} (the ⚠️ in this thread says how to check); "
                "deleting it in Slack does not delete it there.")
    elif cancelled or row.state == FAILED:
        text = f"🗑️ Deleted before sending: nothing went to {label}."
    elif row.state != SENT:
        text = (f"🗑️ That reply was already on its way to {label}; deleting it in Slack does not stop it. "
                "Post a correction as a new message in this thread if needed.")
    else:
        text = (f"🗑️ That reply was already sent to {label}; deleting it in Slack does not delete "
                "the public reply.")
    context["tell"] = (channel, before.get("user", ""), text, before.get("thread_ts"))  # said after the ack
