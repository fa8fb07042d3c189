"""Message events in conversation threads: staff replies, notes, edits, deletions.

Bolt runs with process_before_response=True, so the listener body (a database
transaction) completes before the ack; the platform call and the root refresh
run after the ack in lazy listeners.
"""
from __future__ import annotations

import logging

from slack_bolt import App

from bot.outbound import held
from bot.store import queries as store
from adapters.base import ActionKind
from bot.outbound.deliver import PRIVATE_REACTION, deliver
from bot.deps import Deps
from bot.inbound.ingest import refresh_root
from bot.slack.publishers import looks_internal
from bot.rules.text import is_internal_note
from bot.store.models import FAILED, HELD, SENT, Conversation
from bot.outbound.notices import post_due_notices
from bot.outbound.relay import (Relay, cancel_pending_reply, edit_pending_reply, find_outbox_by_slack_ts,
                       record_staff_message)
from bot.slack.slack_out import SLACK_ERRORS
from handlers.slack_actions import tell_after
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
            return _handle_edit(deps, event, context)
        if subtype == "message_deleted":
            return _handle_delete(deps, event)
        what = "message" + (f"/{subtype}" if subtype else "")
        if subtype not in HUMAN_SUBTYPES:
            return ignored(what, "not a person writing (only people's thread replies are relayed)")
        if event.get("bot_id"):
            return ignored(what, "written by a bot (this one or another app)")
        if not _is_thread_reply(event):
            return ignored(what, "not a thread reply (only replies in a conversation's thread are relayed)")
        now = deps.clock()
        user, text = event.get("user", ""), event.get("text", "")
        with deps.sessions() as session:
            ours = store.find_conversation_by_root_ts(session, event["channel"], event["thread_ts"]) is not None
        if not ours:  # someone else's thread: no publisher look-up (a Slack call) on the ack path
            return ignored(what, f"thread {event['thread_ts']} in {event['channel']} is not a conversation's")
        kept_internal = None if is_internal_note(text) else _why_internal(deps, user, text, event.get("user_team"))
        with deps.sessions() as session:
            if not store.record_slack_event_once(session, body.get("event_id"), now):
                return ignored(what, f"event {body.get('event_id')} was already processed (a Slack retry)",
                               logging.INFO)
            result = record_staff_message(session, deps, event["channel"], event["thread_ts"], event["ts"], user,
                                          text, now, kept_internal)
            conv = session.get(Conversation, result.conversation_id) if result.conversation_id else None
            session.commit()
        if result.kind is ActionKind.PRIVATE and conv is not None and not conv.private:
            # Reply privately was armed: this message goes as a private message, marked so.
            context["mark_private"] = (event["channel"], event["ts"])
        context["relay"] = result
        if kept_internal and result.outcome is Relay.NOTE:
            context["tell"] = (event["channel"], user, f"🔒 Kept as an internal note — *not sent* to the customer — "
                               f"because {kept_internal}.", event["thread_ts"])
        if event.get("files") and result.outcome in (Relay.QUEUED, Relay.HELD):
            # Only the text goes out; say so rather than let staff think the file did.
            context["tell"] = (event["channel"], event.get("user", ""),
                               "📎 Only the text of your reply goes to the customer; attached files are not "
                               "sent. Share a link in the text instead.", event["thread_ts"])

    def after_ack(context: dict) -> None:
        result = context.get("relay")
        now = deps.clock()
        if context.get("edited_held"):
            held.tell_author(deps, context["edited_held"], context["findings"], None, held=True, now=now)
        if context.get("edited_released"):
            held.forget_hold(deps, context["edited_released"])
            deliver(deps, now, only_id=context["edited_released"])
        if result is not None and result.outcome is Relay.NOTE:
            tell_after(deps, context)
            return
        if result is not None and result.outcome is Relay.REFUSED:
            post_due_notices(deps, now, only_id=result.outbox_id)  # the ⚠️ at once; retried by deliver
            return
        if result is not None and result.outcome is Relay.HELD:
            tell_after(deps, context)
            held.tell_author(deps, result.outbox_id, result.findings, None, held=True, now=now)
            return
        if result is None or result.outcome is not Relay.QUEUED:
            return
        tell_after(deps, context)
        held.tell_author(deps, result.outbox_id, result.findings, result.send_at, held=False, now=now)
        if context.get("mark_private"):
            try:
                deps.slack.react(*context["mark_private"], PRIVATE_REACTION)
            except SLACK_ERRORS as exc:
                log.warning("could not mark the private message: %s", exc)
        try:
            with deps.sessions() as session:
                refresh_root(session, deps, session.get(Conversation, result.conversation_id), now)
        except SLACK_ERRORS as exc:
            log.warning("root refresh failed: %s", exc)
        deliver(deps, now, only_id=result.outbox_id)  # the worker's pass would also pick it up

    app.event("message")(ack=handle_message, lazy=[after_ack])


def _why_internal(deps: Deps, user: str, text: str, user_team: str | None) -> str | None:
    """Why a thread message that does not start with `note:` still stays
    internal: it reads like a note, or its author may not speak for the brand."""
    looks = looks_internal(text)
    if looks:
        return f"{looks} (to answer the customer, post it again starting with the answer itself)"
    standing = deps.publishers.standing(user, user_team) if deps.publishers else None
    if standing is not None and not standing.may_publish:
        return standing.reason
    return None


def _handle_edit(deps: Deps, event: dict, context: dict) -> None:
    edited, before = event.get("message", {}), event.get("previous_message", {})
    if edited.get("bot_id") or not _is_thread_reply(edited) or edited.get("text") == before.get("text"):
        # our own updates, unfurls, and edits outside threads
        return ignored("message/message_changed", "a bot's update, an unfurl, or an edit outside a thread")
    channel, ts, user = event["channel"], edited["ts"], edited.get("user", "")
    with deps.sessions() as session:
        row = find_outbox_by_slack_ts(session, channel, ts)
        if row is None:
            return ignored("message/message_changed", f"{ts} in {channel} is no reply to a customer")
        was = row.state
        changed = edit_pending_reply(session, deps, channel, ts, edited.get("text", ""), deps.clock())
        session.commit()
    label = deps.label(row.platform)
    if changed and changed.state == HELD:
        context.update(edited_held=changed.id, findings=changed.check_findings)
        return  # told after the ack, with the buttons
    if changed:
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
    deps.slack.ephemeral(channel, user, text, thread_ts=edited.get("thread_ts"))


def _handle_delete(deps: Deps, event: dict) -> None:
    before = event.get("previous_message", {})
    if before.get("bot_id") or not _is_thread_reply(before):
        return ignored("message/message_deleted", "a bot's message, or a message outside a thread")
    channel, ts = event["channel"], before["ts"]
    with deps.sessions() as session:
        row = find_outbox_by_slack_ts(session, channel, ts)
        if row is None:
            return ignored("message/message_deleted", f"{ts} in {channel} was no reply to a customer")
        cancelled = cancel_pending_reply(session, channel, ts, deps.clock())
        session.commit()
    label = deps.label(row.platform)
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
    deps.slack.ephemeral(channel, before.get("user", ""), text, thread_ts=before.get("thread_ts"))
