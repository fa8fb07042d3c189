"""Queries. Names say what they find; every write that must happen once is
guarded by a unique constraint or a conditional UPDATE checked by rowcount."""
from __future__ import annotations

import functools
import os
import uuid
from datetime import datetime

from sqlalchemy import bindparam, func, literal, null, or_, select, union_all, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, lazyload
from sqlalchemy.orm.attributes import set_committed_value

from bot.store.models import (IN, PENDING, RESOLVED, SENDING, Audit, Composing, Conversation, ConversationKey,
                              Message, Outbox, PollCursor, RateWindow, SlackEvent, SlackPace, WebhookResult)


_message, _conversation = Message.__table__, Conversation.__table__


def find_message_by_external_id(session: Session, platform: str, account: str,
                                external_id: str) -> Message | None:
    return session.scalar(select(Message).where(Message.platform == platform, Message.account == account,
                                                Message.external_id == external_id))


def find_message_by_slack_ts(session: Session, channel: str, ts: str) -> Message | None:
    return session.scalar(select(Message).where(Message.slack_channel == channel,
                                                Message.slack_ts == ts))


# Finders used before changing a conversation take its row lock (for_update):
# on PostgreSQL two replicas changing one conversation then queue instead of
# overwriting each other's state; SQLite's BEGIN IMMEDIATE already serializes.

def _locked(query, for_update: bool):
    return query.with_for_update(of=Conversation) if for_update else query


def find_conversation_by_key(session: Session, platform: str, account: str, thread_id: str,
                             for_update: bool = False) -> Conversation | None:
    return session.scalar(_locked(
        select(Conversation).join(ConversationKey, ConversationKey.conversation_id == Conversation.id)
        .where(ConversationKey.platform == platform, ConversationKey.account == account,
               ConversationKey.external_thread_id == thread_id),
        for_update))


def find_open_conversation_of_customer(session: Session, platform: str, account: str, customer_id: str,
                                       private: bool, for_update: bool = False) -> Conversation | None:
    """The customer's open conversation with this brand account, in the same
    kind of channel: a DM never lands in a public thread (where staff replies
    would go out publicly), nor a public post in a DM thread."""
    return session.scalar(_locked(
        select(Conversation)
        .where(Conversation.platform == platform, Conversation.account == account,
               Conversation.customer_id == customer_id, Conversation.private == private,
               Conversation.status != RESOLVED)
        .order_by(Conversation.id.desc()).limit(1), for_update))


def find_conversation_by_root_ts(session: Session, channel: str, root_ts: str,
                                 for_update: bool = False, alarms: bool = True) -> Conversation | None:
    """alarms=False: its alarms are loaded only if touched (a staff reply's
    recording, on the ack path, never does)."""
    query = select(Conversation).where(Conversation.slack_channel == channel, Conversation.slack_root_ts == root_ts)
    return session.scalar(_locked(query if alarms else query.options(lazyload(Conversation.alarms)), for_update))


def latest_customer_message(session: Session, conversation_id: int, customer_id: str) -> Message | None:
    """The customer's own latest post: what a staff reply answers. Posts by
    others in the same platform thread (a bystander, a troll) never are."""
    return session.scalar(select(Message).where(Message.conversation_id == conversation_id,
                                                Message.direction == IN, _from_the_customer(customer_id),
                                                Message.change.is_(None))
                          .order_by(Message.created_at.desc(), Message.id.desc()).limit(1))


def latest_review(session: Session, conversation_id: int) -> Message | None:
    """A review conversation's latest version of its review as the desk saw it — the first post, a revision or
    its removal (Message.change) — or None when the conversation holds no review (no post with stars)."""
    return session.scalar(select(Message).where(Message.conversation_id == conversation_id, Message.direction == IN,
                                                Message.rating.is_not(None))
                          .order_by(Message.id.desc()).limit(1))


def _from_the_customer(customer_id: str):
    # Their posts, and their private messages (a DM thread is theirs alone).
    return (Message.author_id == customer_id) | Message.private


def customer_posts_after(session: Session, conversation_id: int, customer_id: str,
                         message_id: int) -> Message | None:
    """The customer's first post recorded after message `message_id`."""
    return session.scalar(select(Message).where(Message.conversation_id == conversation_id,
                                                Message.direction == IN, _from_the_customer(customer_id),
                                                Message.change.is_(None), Message.id > message_id)
                          .order_by(Message.id).limit(1))


def reply_in_flight(session: Session, conversation_id: int) -> str | None:
    """"checking" when a reply may have reached the platform and is being
    looked for, "sending" when one is queued, else None (shown on the root).
    Likes are not replies: they never show here."""
    return _in_flight(session.execute(_IN_FLIGHT, {"conversation_id": conversation_id}).scalars().all())


def _in_flight(uncertain_since: list) -> str | None:
    if not uncertain_since:
        return None
    return "checking" if any(since is not None for since in uncertain_since) else "sending"


def root_marks(session: Session, conversation_id: int, now: datetime) -> tuple[str | None, tuple[str, ...]]:
    """(reply_in_flight, who_is_writing) in one SELECT: the root reads both on
    every repaint, and most conversations have neither."""
    rows = session.execute(_ROOT_MARKS, {"conversation_id": conversation_id, "now": now}).all()
    return (_in_flight([since for kind, since, _user, _at in rows if kind == 0]),
            tuple(dict.fromkeys(user for kind, _since, user, _at in rows if kind == 1)))


def reply_leaving_at(session: Session, conversation_id: int, now: datetime) -> datetime | None:
    """When the latest staff reply still in its SEND_DELAY window leaves (not
    tried yet, due later than now), or None. A reply the platform is refusing
    or failing is not counted: its customer is still waiting."""
    return session.execute(_LEAVING, {"conversation_id": conversation_id, "now": now}).scalar()


def who_is_writing(session: Session, conversation_id: int, now: datetime) -> tuple[str, ...]:
    """The people with the composer open for this conversation (an expired row counts as closed)."""
    users = session.scalars(select(Composing.user_id).where(Composing.conversation_id == conversation_id,
                                                            Composing.until > now).order_by(Composing.opened_at))
    return tuple(dict.fromkeys(users))


def first_customer_message(session: Session, conversation_id: int) -> Message | None:
    return session.scalar(select(Message).where(Message.conversation_id == conversation_id,
                                                Message.direction == IN)
                          .order_by(Message.id).limit(1))


def first_customer_message_id(session: Session, conversation_id: int) -> int | None:
    """first_customer_message's id alone: a publisher that holds the message
    already needs no second copy of it."""
    return session.execute(_FIRST_ID, {"conversation_id": conversation_id}).scalar()


def seen_message(session: Session, platform: str, account: str, external_id: str) -> tuple[int, str | None] | None:
    """(id, slack_ts) of a message already recorded, or None."""
    return session.execute(_SEEN, {"platform": platform, "account": account, "external_id": external_id}).first()


def insert_unless_present(session: Session, model, unique: tuple[str, ...], **values) -> int | None:
    """INSERT … ON CONFLICT (unique) DO NOTHING RETURNING id: the new row's id,
    or None when the row is there already (a retry, or another process first —
    PostgreSQL waits for its commit). One statement, where a savepoint around
    an INSERT costs three round trips and a rollback to find the same."""
    statement = _insert_unless_present(session.get_bind().dialect.name, model.__table__, unique)
    return session.execute(statement, values).scalar()


@functools.cache
def _insert_unless_present(dialect: str, table, unique: tuple[str, ...]):
    insert = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}[dialect]
    return insert(table).on_conflict_do_nothing(index_elements=list(unique)).returning(table.c.id)


def unposted_customer_messages(session: Session, limit: int = 200,
                               recorded_before: datetime | None = None) -> list[Message]:
    """Recorded but not yet in Slack (Slack failed or the process died);
    recorded_before leaves out what was recorded since (another thread of
    this process is posting it right now)."""
    query = select(Message).where(Message.direction == IN, Message.slack_ts.is_(None))
    if recorded_before is not None:
        query = query.where(Message.recorded_at < recorded_before)
    return list(session.scalars(query.order_by(Message.id).limit(limit)))


def claim_publish(session: Session, message_id: int, now: datetime, lease_until: datetime) -> int | None:
    """Claim the right to post an inbound message to Slack. Returns the attempt
    number (1 = nobody tried before), or None if it is posted or another live
    process holds it."""
    claim = claim_to_post(session, message_id, now, lease_until)
    return claim and claim[0]


def claim_to_post(session: Session, message_id: int, now: datetime,
                  lease_until: datetime) -> tuple[int, float | None] | None:
    """claim_publish's (attempt, and its channel's shared posting turn —
    slack_pace.paced_until, None if Slack never pushed back there) in one
    statement: the pacer then needs no read of its own before the post."""
    return session.execute(_CLAIM, {"message_id": message_id, "now": now, "lease": lease_until}).first()


def store_slack_ts(session: Session, message: Message, ts: str, root_of: Conversation | None = None) -> None:
    """What Slack answered, written in the caller's transaction by plain
    UPDATEs and set on the loaded objects as stored (the unit of work would
    only find these two attributes to write, at some cost per post)."""
    session.execute(_MESSAGE_TS, {"message_id": message.id, "ts": ts})
    set_committed_value(message, "slack_ts", ts)
    if root_of is not None:
        session.execute(_ROOT_TS, {"conversation_id": root_of.id, "ts": ts})
        set_committed_value(root_of, "slack_root_ts", ts)


def release_publish(session: Session, message_id: int) -> None:
    session.execute(_RELEASE, {"message_id": message_id})


# The statements every customer post runs, built once, on the tables rather
# than the mapped classes: building a statement per call, or the ORM's
# bulk-UPDATE machinery, costs more than the SQLite work they ask for.
_outbox, _pace = Outbox.__table__, SlackPace.__table__
# ORs of equalities, not IN (…): an IN list is rendered again at every
# execution (SQLAlchemy's "expanding" parameters), 70 us of the 190 this
# SELECT cost on every root repaint.
_IN_FLIGHT = select(_outbox.c.uncertain_since).where(_outbox.c.conversation_id == bindparam("conversation_id"),
                                                     or_(_outbox.c.kind == "reply", _outbox.c.kind == "private"),
                                                     or_(_outbox.c.state == PENDING, _outbox.c.state == SENDING))
_composing = Composing.__table__
# Both of a root's marks, told apart by k (0: a reply in flight, 1: someone writing), the writers oldest first.
_ROOT_MARKS = union_all(
    select(literal(0).label("k"), _IN_FLIGHT.selected_columns.uncertain_since.label("since"),
           null().label("user_id"), null().label("at")).where(*_IN_FLIGHT.whereclause.clauses),
    select(literal(1), null(), _composing.c.user_id, _composing.c.opened_at)
    .where(_composing.c.conversation_id == bindparam("conversation_id"),
           _composing.c.until > bindparam("now", type_=_composing.c.until.type))).order_by("k", "at")
_LEAVING = select(func.max(_outbox.c.next_attempt_at)).where(
    _outbox.c.conversation_id == bindparam("conversation_id"), _outbox.c.kind.in_(("reply", "private")),
    _outbox.c.state == PENDING, _outbox.c.attempts == 0, _outbox.c.next_attempt_at > bindparam("now"))
_FIRST_ID = select(func.min(_message.c.id)).where(_message.c.conversation_id == bindparam("conversation_id"),
                                                  _message.c.direction == IN)
_SEEN = select(_message.c.id, _message.c.slack_ts).where(
    _message.c.platform == bindparam("platform"), _message.c.account == bindparam("account"),
    _message.c.external_id == bindparam("external_id"))
_CLAIM = (update(_message)
          .where(_message.c.id == bindparam("message_id"), _message.c.slack_ts.is_(None),
                 (_message.c.publish_lease_until.is_(None)) | (_message.c.publish_lease_until < bindparam("now")))
          .values(publish_lease_until=bindparam("lease", type_=_message.c.publish_lease_until.type),
                  publish_attempts=_message.c.publish_attempts + 1)
          # SQLite renders RETURNING's names unqualified ("channel = slack_channel"): right by SQL's
          # scoping while slack_pace has no slack_channel column and message no channel column.
          .returning(_message.c.publish_attempts,
                     select(_pace.c.paced_until).where(_pace.c.channel == _message.c.slack_channel)
                     .correlate(_message).scalar_subquery()))
_MESSAGE_TS = update(_message).where(_message.c.id == bindparam("message_id")).values(slack_ts=bindparam("ts"))
_ROOT_TS = (update(_conversation).where(_conversation.c.id == bindparam("conversation_id"))
            .values(slack_root_ts=bindparam("ts")))
_RELEASE = update(_message).where(_message.c.id == bindparam("message_id")).values(publish_lease_until=None)


def add_conversation_key(session: Session, platform: str, account: str, thread_id: str,
                         conversation_id: int) -> None:
    """Map a platform thread to a conversation; a concurrent mapping wins quietly."""
    insert_unless_present(session, ConversationKey, ("platform", "account", "external_thread_id"),
                          platform=platform, account=account, external_thread_id=thread_id,
                          conversation_id=conversation_id)


def record_slack_event_once(session: Session, event_id: str | None, now: datetime) -> bool:
    """True the first time an event id is seen (in this transaction's view).
    One INSERT … ON CONFLICT DO NOTHING (both databases have it): it runs on
    the ack path, where a savepoint and an ORM flush cost three statements."""
    if not event_id:
        return True
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    return session.execute(insert(SlackEvent).values(event_id=event_id, received_at=now)
                           .on_conflict_do_nothing().returning(SlackEvent.event_id)).first() is not None


def audit(session: Session, now: datetime, actor: str, action: str,
          conversation_id: int | None = None, detail: str | None = None) -> None:
    session.add(Audit(at=now, actor=actor, action=action, conversation_id=conversation_id, detail=detail))


def count_webhook(session: Session, route: str, result: str) -> None:
    """One more delivery with this result: an UPDATE, or the first INSERT."""
    counted = session.execute(update(WebhookResult).where(WebhookResult.route == route,
                                                          WebhookResult.result == result)
                              .values(count=WebhookResult.count + 1)
                              .execution_options(synchronize_session=False)).rowcount
    if not counted:
        try:
            with session.begin_nested():
                session.add(WebhookResult(route=route, result=result, count=1))
        except IntegrityError:  # another process inserted it first
            count_webhook(session, route, result)


# -- leases and windows -------------------------------------------------------------

def lease_owner() -> str:
    """Who holds a lease: this process (its pid, for an operator reading the
    table) and this pass (so one process's passes never mistake each other's)."""
    return f"{os.getpid()}:{uuid.uuid4().hex}"


def ensure_cursor(session: Session, key: str) -> None:
    if session.get(PollCursor, key) is None:
        try:
            with session.begin_nested():
                session.add(PollCursor(key=key, failures=0))
        except IntegrityError:
            pass


def claim_cursor(session: Session, key: str, owner: str, now: datetime,
                 lease_until: datetime, paced: bool = True) -> PollCursor | None:
    """Claim the right to poll `key` now: not leased by a live process, and due —
    for the worker (paced) at next_poll_at; for a one-shot pass at once,
    unless a failure backoff is running."""
    due = (PollCursor.next_poll_at.is_(None)) | (PollCursor.next_poll_at <= now)
    if not paced:
        due = due | (PollCursor.failures == 0)
    result = session.execute(
        update(PollCursor)
        .where(PollCursor.key == key, due,
               (PollCursor.lease_until.is_(None)) | (PollCursor.lease_until < now))
        .values(lease_until=lease_until, lease_owner=owner)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        return None
    return session.get(PollCursor, key, populate_existing=True)


def note_webhook_delivery(session: Session, account_key: str, now: datetime) -> None:
    """A signed webhook event arrived for this account: its feeds are polled
    only as a slower safety net while events keep coming."""
    session.execute(update(PollCursor).where((PollCursor.key == account_key)
                                             | PollCursor.key.startswith(account_key + ":", autoescape=True))
                    .values(webhook_at=now).execution_options(synchronize_session=False))


def window_closed_until(session: Session, key: str, now: datetime) -> datetime | None:
    window = session.get(RateWindow, key)
    if window is not None and window.not_before > now:
        return window.not_before
    return None


def close_window(session: Session, key: str, until: datetime) -> None:
    window = session.get(RateWindow, key)
    if window is None:
        session.add(RateWindow(key=key, not_before=until))
    else:
        window.not_before = max(window.not_before, until)
