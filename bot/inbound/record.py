"""A customer post recorded: its message row under its unique key, its
conversation (found by thread, or the customer's open one, or new) and the
clock, priority and alarms the post changes — in the caller's transaction,
nothing sent anywhere. Publishing it to Slack is bot.inbound.ingest's; what a
review's revision or removal changes beyond that is bot.inbound.reviews'.
"""
from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Callable

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from adapters.base import REVISED, InboundPost
from bot.deps import Deps
from bot.inbound import reviews
from bot.rules.conversations import record_customer_post, set_priority
from bot.rules.urgency import assess, raised
from bot.slack.root import WINDOW_WARNING, window_closes
from bot.slack.slack_out import SLACK_ERRORS
from bot.store import conversation_rows as rows
from bot.store import queries as store
from bot.store.models import IN, WAITING, Conversation, ConversationKey, Message

log = logging.getLogger(__name__)
# Not one post's fault: everything waits for the next pass.
SLACK_OR_DATABASE_AWAY = (*SLACK_ERRORS, OperationalError)


def record_post(session: Session, channel: str, deps: Deps, post: InboundPost,
                now: datetime, claimed: dict | None = None) -> int | None:
    """Store a customer post. Returns the id of the message still to publish,
    or None if it was published before (a re-fetch or a webhook retry).
    claimed: {message id: lease} — a new message is stored claimed for
    posting by this process (claim_lease), and said so there."""
    # The conversation as rows, locked, and whether the post was seen, in one
    # SELECT: read and written without the ORM's per-object costs (bot.store.conversation_rows).
    place = rows.conversation_of_post(session, post.platform, post.account, post.thread_id, post.author_id,
                                      post.private, post.external_id)
    if place.seen is not None:
        # a review gone and back (or back and gone again) is news; its thread's conversation was read just now
        again = reviews.seen_again(session, post, place.conv.id if place.known_thread else None)
        if again is None:
            seen_id, seen_ts = place.seen
            return seen_id if seen_ts is None else None
        post = again  # re-keyed only: the same thread, account and author, so the place read above still holds
    conv, loaded, known_thread = place.conv, place.loaded, place.known_thread
    if conv is None and post.change == reviews.REMOVED:
        # Nothing to show and nobody to answer: a post we never saw, taken back.
        log.info("%s post %s: removed before the desk saw it; ignored (nothing to show)", post.platform,
                 post.external_id[:80])
        return None
    review_gone = False
    if post.change == reviews.REMOVED:
        post, review_gone = reviews.removal(session, conv.id, post)
        if post is None:
            return None
    # In a private 1:1 thread every message is the customer's (their DM answering
    # a private reply joins the public conversation under their DM identity).
    someone_else = conv is not None and conv.customer_id != post.author_id and not post.private
    # an edit of a post we showed (a revised review is a new wait: shown and answered again)
    changed_earlier = post.change not in (None, REVISED) and conv is not None
    fresh = conv is None
    if fresh:
        conv = _new_conversation(deps.listen_channel if post.listened else channel, post, now)
        customer_wrote(deps, conv, post, now)  # before its one INSERT, so no UPDATE follows it
        conv, loaded = _store_new_conversation(session, conv, post)
        fresh = loaded is None
        if fresh and conv.priority_reason:
            log.info("#%s priority %s from the customer's words: %s", conv.id, conv.priority, conv.priority_reason)
    elif not known_thread:
        store.add_conversation_key(session, post.platform, post.account, post.thread_id, conv.id)
    # Claimed as claim_to_post would claim a first attempt; its lease is said to the caller exactly as stored.
    claim = {} if claimed is None else {"publish_lease_until": claim_lease(deps, now), "publish_attempts": 1}
    message_id = store.insert_unless_present(
        session, Message, MESSAGE_KEY, conversation_id=conv.id, direction=IN, platform=post.platform,
        account=post.account, external_id=post.external_id, external_url=post.url,
        slack_channel=conv.slack_channel, author_id=post.author_id, author_handle=post.author_handle,
        author_name=post.author_name, text=post.text, change=post.change, private=post.private,
        attachments=attachments_json(post.attachments), name_pending=post.name_pending,
        rating=post.rating, title=post.title, location=post.location, listened=post.listened,
        created_at=post.created_at or now, recorded_at=now, **claim)
    if message_id is not None and claim:
        claimed[message_id] = claim["publish_lease_until"]
    if message_id is None:  # recorded concurrently by another process
        if fresh:
            rows.delete_conversation(session, conv.id)  # it would wait for a post that is not in it
        return None
    if review_gone:
        reviews.taken_down(session, conv, now)
    elif someone_else or changed_earlier:
        conv.updated_at = now  # shown in the thread; only a new post of the customer starts a wait
    elif not fresh:  # a fresh conversation's clock started above
        customer_wrote(deps, conv, post, now)
    if not fresh:
        rows.write_back(session, conv, loaded)
    return message_id


def claim_lease(deps: Deps, now: datetime) -> datetime:
    """Until when a post claimed as it is recorded is this process's to post
    (bot.inbound.ingest renews it if the post waits longer)."""
    return deps.lease_until(now)


def customer_wrote(deps: Deps, conv: Conversation, post: InboundPost, now: datetime) -> None:
    """The customer's own new post: the clock, the window alarm, the priority."""
    record_customer_post(conv, post.created_at or now, now, deps.policy)
    arm_window_alarm(deps, conv, post.created_at or now)
    new = message_is_first(conv)
    # A revised review is the review now: its stars and words set the priority, down as well as up.
    prioritise_from_words(deps, conv, post.text, now, new=new or post.change == REVISED,
                          rating=post.rating, low=post.listened and new)


MESSAGE_KEY = ("platform", "account", "external_id")  # uq_message_external
THREAD_KEY = ("platform", "account", "external_thread_id")  # uq_conversation_key


def _new_conversation(channel: str, post: InboundPost, now: datetime) -> Conversation:
    return rows.new_conversation(platform=post.platform, account=post.account, private=post.private,
                                 customer_id=post.author_id,
                                 customer_handle=post.author_handle, customer_name=post.author_name,
                                 slack_channel=channel, status=WAITING, posts_in_wait=0,
                                 priority="low" if post.listened else "normal", created_at=now, updated_at=now)


def _store_new_conversation(session: Session, conv: Conversation,
                            post: InboundPost) -> tuple[Conversation, rows.Loaded | None]:
    """Store a conversation for a thread nobody has seen, with its key — or,
    when another process recorded the same thread at the same moment (two
    webhook deliveries of one thread recorded side by side), take theirs: the
    thread key is unique, so exactly one conversation wins. (conversation,
    None when it is ours; as read when it is theirs)"""
    rows.insert_conversation(session, conv)
    if store.insert_unless_present(session, ConversationKey, THREAD_KEY, platform=post.platform,
                                   account=post.account, external_thread_id=post.thread_id,
                                   conversation_id=conv.id) is not None:
        return conv, None
    rows.delete_conversation(session, conv.id)  # theirs won: ours never held a post
    theirs = rows.conversation_by_key(session, post.platform, post.account, post.thread_id)
    if theirs is None:
        raise RuntimeError(f"thread {post.thread_id[:80]} is taken, yet no conversation holds it")
    return theirs


def message_is_first(conv: Conversation) -> bool:
    return conv.slack_root_ts is None and conv.posts_in_wait <= 1 and conv.first_response_at is None


def prioritise_from_words(deps: Deps, conv: Conversation, text: str, now: datetime, new: bool,
                          rating: int | None = None, low: bool = False) -> None:
    """The customer's words (and how often they wrote while waiting) may raise
    the priority — and with it shorten the SLA; never one a person chose, and
    never lower except for a brand-new conversation (praise → low). low: it
    starts low (a listening match), and only words above normal change that."""
    if conv.priority_by_staff:
        return
    urgency = assess(text, conv.posts_in_wait, rating)
    if low and not raised("normal", urgency.priority):
        return
    if urgency.priority == conv.priority or not (new or raised(conv.priority, urgency.priority)):
        return
    set_priority(conv, urgency.priority, now, deps.policy, from_words=True)
    conv.priority_reason = urgency.reason[:200] or None
    if conv.id is not None:  # a new conversation's is said once stored, under its number (record_post), not "#new"
        log.info("#%s priority %s from the customer's words: %s", conv.id, urgency.priority, urgency.reason)


def arm_window_alarm(deps: Deps, conv: Conversation, customer_wrote: datetime) -> None:
    """The thread is warned an hour before the window closes (bot.desk.escalation)."""
    closes = window_closes(deps, conv, customer_wrote)
    if closes is not None:
        conv.window_at = closes - WINDOW_WARNING
        conv.window_warned_at = None


def attachments_json(attachments) -> str | None:
    if not attachments:
        return None
    return json.dumps([{"kind": a.kind, "url": a.url, "name": a.name} for a in attachments])


def record_posts(deps: Deps, posts, now: datetime, claimed: dict | None = None,
                 before_commit: Callable[[Session, list[int]], None] | None = None) -> list[int]:
    """Record posts (a polled page, a webhook delivery) under their unique keys
    in one transaction: the ids of the messages still to publish. Retries and
    posts already seen change nothing. If a post cannot be stored, the batch is
    recorded again post by post, each in its own savepoint, so that one is
    logged and skipped and the rest are kept (savepoints cost a round trip
    each, so only a batch that needs them pays for them). claimed: the new
    messages are stored claimed for posting by the caller (record_post), one
    transaction fewer than claiming them apart: {message id: lease} once committed.
    before_commit(session, ids): the caller's own writes, in the same transaction."""
    batch = None if claimed is None else {}
    with deps.sessions() as session:
        try:
            ids = [i for i in (record_post(session, deps.channel, deps, post, now, batch) for post in posts)
                   if i is not None]
            if before_commit is not None:
                before_commit(session, ids)
            session.commit()
            if batch:
                claimed.update(batch)
            return ids
        except SLACK_OR_DATABASE_AWAY:
            raise
        except Exception:  # noqa: BLE001 - one bad post never stops the others: find it below
            session.rollback()
    ids, kept = [], {}
    with deps.sessions() as session:
        for post in posts:
            one = None if claimed is None else {}
            try:
                with session.begin_nested():
                    message_id = record_post(session, deps.channel, deps, post, now, one)
            except SLACK_OR_DATABASE_AWAY:
                raise
            except Exception as exc:  # noqa: BLE001 - one bad post never stops the others
                skipped(post.platform, post.external_id, exc)
                continue
            kept.update(one or {})  # a post skipped above took its claim back with its savepoint
            if message_id is not None:
                ids.append(message_id)
        if before_commit is not None:
            before_commit(session, ids)
        session.commit()
        if claimed is not None:
            claimed.update(kept)
        return ids


def skipped(platform: str, external_id: str, exc: Exception) -> None:
    log.error("%s post %s could not be stored (%s: %s); skipped, the others go on", platform,
              external_id[:80], type(exc).__name__, str(exc).splitlines()[0][:200] if str(exc) else "")

