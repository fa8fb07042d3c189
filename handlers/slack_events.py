"""Message events in conversation threads: staff replies, notes, edits, deletions.

Bolt runs with process_before_response=True, so the listener body completes
before the ack. It is one INSERT: the event's envelope kept by event_id (a
Slack retry finds it and is acked without a second row). Everything else —
the conversation, the Message and Outbox rows, the author check, the private
answers, the send — is done after the ack from what was kept, in the order
the events came (handlers.slack_inbox), and by the next recovery pass when
the process stopped in between. Messages that are plainly not staff replies
(a bot's, outside a thread) are ignored before the ack, with no database work.
"""
from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING

from bot.outbound import held
from adapters.base import ActionKind
from bot.outbound.deliver import deliver
from bot.outbound.notices import close_undo_notice
from bot.outbound.retract import can_take_back, take_back
from bot.deps import Deps
from bot.slack.publishers import looks_internal
from bot.rules.text import is_internal_note
from bot.store.models import FAILED, HELD, SENT, Conversation
from bot.outbound.relay import (AUTHOR_CHECK, Relay, RelayResult, cancel_pending_reply, edit_pending_reply,
                       find_outbox_by_slack_ts, record_staff_message)
from bot.inbound.inbox import keep_slack_event, slack_event_done
from handlers.after_ack import Recorded, after_reply, settle_leftovers, tell, waited_for_root
from handlers.slack_ignored import ignored
from handlers.slack_inbox import SlackRecorder, recover

if TYPE_CHECKING:  # the worker and one-shot passes import this module for its recovery pass, never Bolt
    from slack_bolt import App

log = logging.getLogger(__name__)
# Message subtypes that are still a person writing in the thread.
HUMAN_SUBTYPES = {None, "thread_broadcast", "file_share"}


def _fields_needed_after(event: dict) -> None:
    """Read now what recording reads after the ack: a KeyError or TypeError
    here is answered 400 (service.bolt_app.MALFORMED)."""
    subtype = event.get("subtype")
    inner = {"message_changed": "message", "message_deleted": "previous_message"}.get(subtype)
    message = event[inner] if inner else event
    if not isinstance(event["channel"], str) or not isinstance(message["ts"], str) \
            or not isinstance(message["thread_ts"], str) or not isinstance(message.get("text") or "", str):
        raise TypeError("channel, ts, thread_ts and text must be strings")


def _is_thread_reply(event: dict) -> bool:
    return bool(event.get("thread_ts")) and event.get("thread_ts") != event.get("ts")


def register(app: App, deps: Deps) -> None:
    executor, engine = app.listener_runner.listener_executor, deps.sessions.kw["bind"]
    recorder = SlackRecorder(deps, executor, process, after_message)

    def handle_message(body: dict, event: dict, context: dict, request) -> None:
        """The ack path: what needs no database is decided here; anything
        else is kept (one INSERT) and recorded after the ack, in order."""
        subtype = event.get("subtype")
        what = "message" + (f"/{subtype}" if subtype else "")
        if subtype == "message_changed":
            edited, before = event.get("message", {}), event.get("previous_message", {})
            if edited.get("bot_id") or not _is_thread_reply(edited) or edited.get("text") == before.get("text"):
                return ignored(what, "a bot's update, an unfurl, or an edit outside a thread")
        elif subtype == "message_deleted":
            before = event.get("previous_message", {})
            if before.get("bot_id") or not _is_thread_reply(before):
                return ignored(what, "a bot's message, or a message outside a thread")
        elif subtype not in HUMAN_SUBTYPES:
            return ignored(what, "not a person writing (only people's thread replies are relayed)")
        elif event.get("bot_id"):
            return ignored(what, "written by a bot (this one or another app)")
        elif not _is_thread_reply(event):
            return ignored(what, "not a thread reply (only replies in a conversation's thread are relayed)")
        _fields_needed_after(event)  # a signed event missing them is the sender's 400, not a retry loop later
        event_id = body.get("event_id") or f"{event['channel']}:{event.get('event_ts') or event.get('ts')}"
        raw = request.raw_body or json.dumps(body)  # Socket Mode hands Bolt the parsed payload only
        if not keep_slack_event(engine, event_id, raw, deps.clock(), deps.settings.delivery_lease):
            return ignored(what, f"event {event_id} was already kept (a Slack retry)", logging.INFO)
        recorder.add(event_id, body, context.get("bot_user_id"))

    app.event("message")(handle_message)
    executor.submit(recorder.recover_now_and_then)  # what a stopped process acked and never recorded


def recover_slack_events(deps: Deps, now) -> int:
    """The recovery pass for message events a stopped process acked and never recorded."""
    return recover(deps, now, process, after_message)


def process(deps: Deps, event_id: str, body: dict, context: dict, final: bool = False) -> bool:
    """Record a kept message event (its envelope cleared in the same
    transaction): False when it was recorded already. What is owed after it
    is left in `context`. final=False leaves a reply under a root of this
    bot's not stored yet kept, to be tried again (context["root_not_stored"])."""
    event = body["event"]
    subtype = event.get("subtype")
    if subtype == "message_changed":
        return _handle_edit(deps, event_id, event, context)
    if subtype == "message_deleted":
        return _handle_delete(deps, event_id, event, context)
    result = _record(deps, event_id, event, context, keep_if_not_ours=not final and event.get("parent_user_id")
                     and event.get("parent_user_id") == context.get("bot_user_id"))
    if result is None or result.outcome is not Relay.NOT_OURS:
        return result is not None
    if context.get("root_not_stored"):
        return True
    what = "message" + (f"/{subtype}" if subtype else "")
    ignored(what, f"thread {event['thread_ts']} in {event['channel']} is not a conversation's")
    return True


def after_message(deps: Deps, event_id: str, body: dict, context: dict) -> None:
    """After the record: the private answers, the send, and a reply under a
    root not stored yet matched again once it is."""
    event, now = body["event"], deps.clock()
    if context.get("take_back"):
        channel, user, _, thread_ts = context["tell"]
        context["tell"] = (channel, user, take_back(deps, context.pop("take_back"), user, now), thread_ts)
    tell(deps, context)
    if context.get("edited_held"):
        held.tell_author(deps, context["edited_held"], context["findings"], None, held=True, now=now)
    if context.get("edited_released"):
        held.forget_hold(deps, context["edited_released"])
        held.offer_undo(deps, context["edited_released"], now)
        deliver(deps, now, only_id=context["edited_released"])
    if context.get("undo_over"):
        close_undo_notice(deps, context["undo_over"])
    if context.pop("root_not_stored", None):
        found = waited_for_root(lambda: _record(deps, event_id, event, context, keep_if_not_ours=True))
        # Never found (or recorded by another pass meanwhile): a last try lets go of its envelope.
        last = _record(deps, event_id, event, context) if found is None else found
        if last is not None and last.outcome is Relay.NOT_OURS:
            log.info("thread %s in %s: its root is the bot's, but no conversation has it after a few "
                     "seconds; ignored as not a conversation's", event["thread_ts"], event["channel"])
        tell(deps, context)
    if context.get("recorded"):
        after_reply(deps, context["recorded"], now)
    settle_leftovers(deps, now)


def _record(deps: Deps, event_id: str, event: dict, context: dict,
            keep_if_not_ours: bool = False) -> RelayResult | None:
    """Record a staff thread message in one transaction (the conversation read
    once, under its lock, the kept envelope cleared), leaving what is owed
    after it in `context`. None when it was recorded already (another pass)."""
    now = deps.clock()
    user, text = event.get("user", ""), event.get("text", "")
    kept_internal, author_known = _internal_or_unknown(deps, user, text, event.get("user_team"))
    with deps.sessions() as session:
        if not slack_event_done(session, event_id):
            return None
        result = record_staff_message(session, deps, event["channel"], event["thread_ts"], event["ts"], user,
                                      text, now, kept_internal, author_known)
        if result.outcome is Relay.NOT_OURS:
            if keep_if_not_ours:
                # A root this bot posted whose ts is not stored yet (it is, right
                # after chat.postMessage returns): kept, matched again shortly.
                session.rollback()
                context["root_not_stored"] = True
            else:
                session.commit()  # nothing of ours: only the envelope let go of
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


def _handle_edit(deps: Deps, event_id: str, event: dict, context: dict) -> bool:
    edited = event.get("message", {})
    channel, ts, user, now = event["channel"], edited["ts"], edited.get("user", ""), deps.clock()
    with deps.sessions() as session:
        if not slack_event_done(session, event_id):
            return False
        row = find_outbox_by_slack_ts(session, channel, ts)
        if row is None:
            session.commit()
            ignored("message/message_changed", f"{ts} in {channel} is no reply to a customer")
            return True
        was = row.state
        changed = edit_pending_reply(session, deps, channel, ts, edited.get("text", ""), now)
        session.commit()
    label = deps.where_sent(row)
    if changed and changed.state == HELD:
        context.update(edited_held=changed.id, findings=changed.check_findings)
        return True  # told after the ack, with the buttons
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
    return True


def _handle_delete(deps: Deps, event_id: str, event: dict, context: dict) -> bool:
    before = event.get("previous_message", {})
    channel, ts, now = event["channel"], before["ts"], deps.clock()
    with deps.sessions() as session:
        if not slack_event_done(session, event_id):
            return False
        row = find_outbox_by_slack_ts(session, channel, ts)
        if row is None:
            session.commit()
            ignored("message/message_deleted", f"{ts} in {channel} was no reply to a customer")
            return True
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
    elif can_take_back(deps, row):
        context["take_back"] = row.id   # removed on the platform after the ack (bot.outbound.retract)
        text = ""
    else:
        text = (f"🗑️ That reply was already sent to {label}; deleting it in Slack does not delete "
                "the public reply.")
    context["tell"] = (channel, before.get("user", ""), text, before.get("thread_ts"))  # said after the ack
    return True
