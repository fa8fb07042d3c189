"""What a review's removal and return change beyond recording the post.

A review is one post: once its author removes it there is nothing left to
answer, so the conversation is resolved and its SLA alarms (warn, overdue,
escalate) stop; the thread's 🗑️ notice says so. Trustpilot and Google can
publish a review again: it then reopens its conversation as a revision does.
A removal is said once per time the review goes: a webhook retry, a poll
seeing the same absence, a reply's 404 after a webhook said it — one notice.

Keys: the adapters key a removal `<review>:removed` and a revision by its
content, so a review taken down a second time, or back with text the desk saw
before, would look seen. Those are re-keyed here by how many times the review
went before (`…:removed:2`, `…:back:1`): the count is read under the
conversation's key, so two processes recording the same event pick the same
key and the unique index keeps one.
"""
from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from adapters.base import REVISED, InboundPost, Listing
from bot.rules.conversations import resolve
from bot.store import queries as store
from bot.store.models import IN, Conversation, ConversationKey, Message

log = logging.getLogger(__name__)
REMOVED = "removed"   # InboundPost.change of a post its author took down


class Removal(NamedTuple):
    post: InboundPost | None   # what to record (None: the removal was said already)
    review: bool               # it takes a review down: the conversation's clock stops


def seen_again(session: Session, post: InboundPost, conversation_id: int | None = None) -> InboundPost | None:
    """A post whose key is recorded already, re-keyed when it is news after all — a removal of a review that came
    back since, or a review back after its removal — or None (a retry, a re-read: nothing new).
    `conversation_id`: its thread's conversation, when the caller has read it already (a poll re-reads a whole
    page of reviews every pass)."""
    if post.rating is None and post.change != REMOVED:
        return None   # only reviews come and go
    if conversation_id is None:
        conversation_id = session.scalar(select(ConversationKey.conversation_id).where(
            ConversationKey.platform == post.platform, ConversationKey.account == post.account,
            ConversationKey.external_thread_id == post.thread_id))
    latest = store.latest_review(session, conversation_id) if conversation_id is not None else None
    if latest is None or (latest.change == REMOVED) == (post.change == REMOVED):
        return None
    gone = session.scalar(select(func.count()).select_from(Message).where(
        Message.conversation_id == conversation_id, Message.direction == IN, Message.change == REMOVED))
    if post.change == REMOVED:
        return replace(post, external_id=f"{post.external_id}:{gone + 1}"[:512])
    log.info("%s review %s is back after its removal: reopened as a revision", post.platform, post.thread_id[:80])
    # Its wait starts when the desk saw it back: the version's own time may be from before the removal.
    return replace(post, external_id=f"{post.external_id}:back:{gone}"[:512], change=REVISED, created_at=None)


def removal(session: Session, conversation_id: int, post: InboundPost) -> Removal:
    """A removal of a post in this conversation: of a review (its clock stops), said once; of anything else (a
    comment, a message) it is shown and the wait goes on. A removal naming no review text (Google has nothing left
    to read) is recorded with what the desk last saw, so the notice shows what went."""
    last = store.latest_review(session, conversation_id)
    if last is None:
        return Removal(post, False)
    if last.change == REMOVED:
        log.info("%s review %s: removed already; said once", post.platform, post.thread_id[:80])
        return Removal(None, True)
    if post.rating is None:
        post = replace(post, text=last.text, rating=last.rating, title=last.title, location=last.location,
                       author_id=last.author_id, author_handle=last.author_handle or post.author_handle)
    return Removal(post, True)


def taken_down(session: Session, conv: Conversation, now: datetime) -> None:
    """Nothing left to answer: resolved, so no warning, overdue ping or escalation comes, and neither the queue
    nor App Home lists it as waiting. A reply in the thread is still refused by the platform (⚠️). The audit
    names why, since no person resolved it."""
    resolve(conv, now)
    store.audit(session, now, "socialdesk", "resolve", conv.id, "the customer removed the review")
    log.info("#%s: the customer removed the review; resolved, its SLA alarms stopped", conv.id)


# A review held for less than this is not judged by a listing: one pushed (and recorded) while the list was being
# read, or not in Google's list yet, is not taken for deleted.
LISTING_SETTLES = timedelta(minutes=10)


def listing_news(session: Session, listing: Listing, now: datetime) -> list[InboundPost]:
    """What a complete listing tells about the reviews we hold under its prefix: a removal for each one missing
    from it (unless said already), a revision for each one removed that is listed again. One SELECT: each held
    review's latest version."""
    latest = (select(func.max(Message.id)).where(Message.conversation_id == ConversationKey.conversation_id,
                                                 Message.direction == IN, Message.rating.is_not(None))
              .correlate(ConversationKey).scalar_subquery())
    held = session.execute(
        select(ConversationKey.external_thread_id, Message.change, Conversation.created_at)
        .join(Message, Message.id == latest).join(Conversation, Conversation.id == ConversationKey.conversation_id)
        .where(ConversationKey.platform == listing.platform, ConversationKey.account == listing.account,
               ConversationKey.external_thread_id.startswith(listing.prefix, autoescape=True))).all()
    news = []
    for thread_id, change, created_at in held:
        if change == REMOVED:
            back = listing.present.get(thread_id)
            news += [replace(back, created_at=None)] if back is not None else []   # back now, not at its updateTime
        elif thread_id not in listing.present and created_at <= now - LISTING_SETTLES:
            log.info("%s review %s is no longer listed: its author removed it", listing.platform, thread_id[:120])
            news += [post for post in [listing.gone(thread_id)] if post is not None]
    return news
