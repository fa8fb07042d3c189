"""A conversation's root message in Slack: repainted in place (chat.update)
whenever its state changes — never posted again — and parking: a message Slack
refuses for good (invalid_blocks, msg_too_long, …) is shown as a short notice
with a link to the original instead, so it never blocks the posts after it.
Used by ingest, delivery, escalation and the staff actions alike."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from adapters.base import ActionKind, PostRef, Windowed, can, implements, private_problem
from adapters.listening import match_reply_refused
from bot.deps import Deps
from bot.slack.render import root_message
from bot.store import queries as store
from bot.store.db import reading
from bot.store.models import Conversation, Message

log = logging.getLogger(__name__)


WINDOW_WARNING = timedelta(hours=1)


def reply_window(deps: Deps, conv: Conversation) -> timedelta | None:
    """How long after the customer's last message the platform takes our
    replies in this conversation; None where it always does."""
    adapter = deps.adapters.get(conv.platform)
    return adapter.reply_window(conv.private) if implements(adapter, Windowed) else None


def post_ref(conv: Conversation, post: Message) -> PostRef:
    return PostRef(external_id=post.external_id, author_id=post.author_id or conv.customer_id,
                   private=conv.private or post.private, created_at=post.created_at, listened=bool(post.listened))


def cannot_go_privately(deps: Deps, conv: Conversation, about: Message | None) -> str | None:
    """Why no private message can answer `about` (the customer's post) here, in the adapter's words — the 🔒
    button is not offered, and /social private or a private saved reply is refused at once — or None."""
    adapter = deps.adapters.get(conv.platform)
    if adapter is None:
        return f"{deps.label(conv.platform)} is not configured here."
    return private_problem(adapter, post_ref(conv, about) if about is not None else None)


def listening_note(deps: Deps, conv: Conversation, first: Message) -> str | None:
    """What a 👂 root says the team can do with a listening match (the
    customer named the brand without tagging it), as the platform allows."""
    if not first.listened:
        return None
    refused = match_reply_refused(deps.adapters.get(conv.platform))
    if refused:
        can_dm = can(deps.adapters.get(conv.platform), ActionKind.PRIVATE)
        return (f"👂 *Named the brand without tagging it* (listening). No public reply: {refused}. "
                "❤️ their post to like it" + (", or *🔒 Reply privately* (a DM, where their DMs are open)"
                                              if can_dm else "") + "; a thread message stays an internal note.")
    return ("👂 *Named the brand without tagging it* (listening). A thread reply answers it publicly; "
            "nothing was answered automatically.")


def window_closes(deps: Deps, conv: Conversation, customer_wrote: datetime | None) -> datetime | None:
    """When the platform stops taking our replies in this conversation (a
    messaging window counted from the customer's last message), or None."""
    window = reply_window(deps, conv)
    return customer_wrote + window if window and customer_wrote else None


# chat.postMessage / chat.update errors that say this message can never be
# posted as it is; channel- or token-level errors (channel_not_found,
# invalid_auth, …) are not here: they hold every post and are retried.
REFUSED_FOR_GOOD = {"invalid_blocks", "invalid_blocks_format", "msg_too_long", "msg_blocks_too_long",
                    "too_many_attachments", "invalid_attachments", "invalid_metadata_format",
                    "invalid_metadata_schema", "metadata_too_large", "no_text", "invalid_arguments",
                    "markdown_text_conflict"}


def refused_for_good(exc: Exception) -> str | None:
    if isinstance(exc, SlackApiError) and exc.response.status_code < 500:
        error = exc.response.get("error")
        return error if error in REFUSED_FOR_GOOD else None
    return None


def park(session: Session, message: Message, reason: str) -> None:
    message.parked_reason = reason
    session.commit()
    log.error("%s post %s: %s; shown as a notice with a link instead", message.platform, message.external_id,
              reason)


def parking_if_refused(session: Session, message: Message, send):
    """send(); if Slack refuses it for good, park the message and send() once
    more — the renderers show a parked message as a short notice with a link."""
    try:
        return send()
    except SlackApiError as exc:
        error = refused_for_good(exc)
        if error is None or message.parked_reason:
            raise
        park(session, message, f"Slack refused it for good: {error}")
    return send()


def refresh_root(session: Session, deps: Deps, conv: Conversation, now: datetime) -> None:
    """Status changes update the root in place (chat.update), never as new posts.
    Commits the caller's pending changes first; its own reads take no write
    lock (on SQLite every Slack ack waits for that lock); no transaction is
    open across the Slack call."""
    if conv.slack_root_ts is None:
        return
    session.commit()
    with reading(deps.sessions) as look:
        shown = _root_reads(look, deps, conv, now)
    # Parked through the caller's session if Slack refuses it for good.
    first = session.merge(shown.first, load=False) if shown.first is not None else None
    _update(session, deps, conv, now, shown, first)


def root_update(session: Session, deps: Deps, conv: Conversation, now: datetime, first: Message | None = None):
    """Reads what the root shows (the conversation's first customer message
    unless the caller has it) in the caller's transaction — a publisher
    committing a post's Slack ts commits them together — and returns the
    chat.update to make once the caller has committed (no transaction, and so
    no SQLite write lock, stays open across a Slack call)."""
    if conv.slack_root_ts is None:
        return lambda: None
    shown = _root_reads(session, deps, conv, now, first)
    return lambda: _update(session, deps, conv, now, shown, shown.first)


@dataclass(frozen=True)
class _Shown:
    first: Message | None
    in_flight: str | None
    latest: Message | None
    writing: tuple[str, ...]
    review: Message | None   # a review's latest version (a revision, its removal), when not its first post
    private_ok: bool         # whether 🔒 Reply privately is offered: as /social private decides, on the latest post


def _root_reads(session: Session, deps: Deps, conv: Conversation, now: datetime,
                first: Message | None = None) -> _Shown:
    first = first or store.first_customer_message(session, conv.id)
    # The customer's latest post only dates a messaging window; where the platform has none, it is not read.
    latest = store.latest_customer_message(session, conv.id, conv.customer_id) if reply_window(deps, conv) else None
    # A review is one post: its root shows its current stars, and says so once its customer removed it.
    review = store.latest_review(session, conv.id) if first is not None and first.rating is not None else None
    in_flight, writing = store.root_marks(session, conv.id, now)
    # /social private answers the customer's latest post: a thread that began with one no private reply can
    # answer (an Instagram @-mention) offers the button once a later one can (a comment on the account's media).
    # Read only then: most first posts can be answered privately, and so can their threads.
    private_ok = first is not None and cannot_go_privately(deps, conv, first) is None
    if first is not None and not private_ok:
        about = latest or store.latest_customer_message(session, conv.id, conv.customer_id)
        private_ok = about is not None and cannot_go_privately(deps, conv, about) is None
    return _Shown(first, in_flight, latest, writing, review if review is not None and review.id != first.id else None,
                  private_ok)


def _update(session: Session, deps: Deps, conv: Conversation, now: datetime, shown: _Shown,
            first: Message | None) -> None:
    closes = window_closes(deps, conv, shown.latest.created_at if shown.latest else None)
    parking_if_refused(session, first, lambda: deps.slack.update(
        conv.slack_channel, conv.slack_root_ts,
        root_message(conv, first, deps.label(conv.platform, conv.private), now, shown.in_flight, shown.private_ok, closes,
                     shown.writing, review=shown.review, listening=listening_note(deps, conv, first))))
