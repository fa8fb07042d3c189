"""What a publisher reads for the posts a webhook or a poll just recorded, as
plain rows.

Every customer post is read back once to be posted: the message, its
conversation with its alarms, and the conversation's first customer message
(what the root shows). Loaded as three ORM entities with a joined collection
that read cost more than the Slack call's own client work; here it is one Core
SELECT, and the instances are filled as the ORM's loader fills them and placed
in the session as persistent, so everything after (a parked post, a name
looked up, a rollback that expires them) behaves as with a loaded entity.

A post claimed in the transaction that recorded it (bot.inbound.record) is
read outside any transaction (no write lock, no commit) and posted under that
claim; a claim held long, as in a surge at Slack's limit, is renewed before
the post by a compare-and-swap on (attempts, lease): renew_claim.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from bot.store.db import outside_transaction
from bot.store.models import IN, Alarm, Conversation, ConversationLabel, Message, SlackPace

_message, _conv, _alarm, _label = (Message.__table__, Conversation.__table__, Alarm.__table__,
                                   ConversationLabel.__table__)
# The channel's shared posting turn (bot.slack.shared_pace), read with what it is for.
_TURN = (select(SlackPace.__table__.c.paced_until).where(SlackPace.__table__.c.channel == _message.c.slack_channel)
         .correlate(_message).scalar_subquery())
_first, _first_of = _message.alias("first"), _message.alias("first_of")
_M, _C = tuple(c.key for c in _message.columns), tuple(c.key for c in _conv.columns)
_ALARM = (_alarm.c.id, _alarm.c.kind, _alarm.c.due_at, _alarm.c.fired_at)
# Whether the conversation has labels at all: most have none, and then the
# root needs no second SELECT to say so.
_LABELLED = select(_label.c.name).where(_label.c.conversation_id == _conv.c.id).exists()
_READ = (select(*_message.columns, *_conv.columns, *_first.columns, _LABELLED, _TURN, *_ALARM)
         .select_from(_message.join(_conv, _conv.c.id == _message.c.conversation_id)
                      .join(_first, _first.c.id == select(func.min(_first_of.c.id))
                            .where(_first_of.c.conversation_id == _conv.c.id, _first_of.c.direction == IN)
                            .scalar_subquery())
                      .outerjoin(_alarm, _alarm.c.conversation_id == _conv.c.id)))
# One post (a webhook's usual delivery) by equality: an IN list is rendered
# again at every execution (SQLAlchemy's "expanding" parameters), 60 us of
# this SELECT's 200.
_TO_PUBLISH_ONE = _READ.where(_message.c.id == bindparam("id"))
_TO_PUBLISH = _READ.where(_message.c.id.in_(bindparam("ids", expanding=True)))
_C_AT, _F_AT = len(_M), len(_M) + len(_C)
_LABELLED_AT = _F_AT + len(_M)


def messages_to_publish(session: Session, ids, turns: dict | None = None,
                        outside: bool = False) -> list[tuple[Message, Conversation, Message]]:
    """(message, its conversation with its alarms, the conversation's first
    customer message) for each of `ids` that exists, in the order of `ids`:
    everything a publisher reads, in one SELECT. One instance per row: a
    conversation two of the posts share is one object, and a message that is
    its conversation's first is that first. turns: filled with each message's
    channel's shared posting turn (slack_pace.paced_until) as read. outside:
    read outside any transaction (one statement, no write lock, nothing to
    commit), for posts claimed already."""
    ids = list(ids)
    statement = (_TO_PUBLISH_ONE, {"id": ids[0]}) if len(ids) == 1 else (_TO_PUBLISH, {"ids": ids})
    if outside:
        with outside_transaction(session.get_bind()).connect() as conn:
            rows = conn.execute(*statement).all()
    else:
        rows = session.execute(*statement).all()
    messages: dict[int, Message] = {}
    convs: dict[int, tuple[Conversation, dict]] = {}
    found: dict[int, tuple[int, int]] = {}
    for row in rows:
        message_id, conv_id, first_id = row[0], row[_C_AT], row[_F_AT]
        if message_id not in messages:
            messages[message_id] = _held(session, Message, dict(zip(_M, row[:_C_AT], strict=True)))
        if first_id not in messages:
            messages[first_id] = _held(session, Message, dict(zip(_M, row[_F_AT:_LABELLED_AT], strict=True)))
        if conv_id not in convs:
            convs[conv_id] = (_held(session, Conversation, dict(zip(_C, row[_C_AT:_F_AT], strict=True))),
                              {"labelled": row[_LABELLED_AT], "alarms": {}})
        if turns is not None:
            turns[message_id] = row[_LABELLED_AT + 1]
        alarm_id, kind, due_at, fired_at = row[_LABELLED_AT + 2:]
        if alarm_id is not None:
            convs[conv_id][1]["alarms"][kind] = (alarm_id, due_at, fired_at)
        found[message_id] = (conv_id, first_id)
    for conv, loaded in convs.values():
        _fill(session, conv, loaded)
    for message in messages.values():
        _attach(session, message)
    return [(messages[i], convs[found[i][0]][0], messages[found[i][1]]) for i in ids if i in found]


def _held(session: Session, model, values: dict):
    """The session's own instance of this row if it holds one (never two
    objects for one row), else a new one holding `values` as read."""
    held = session.identity_map.get(model.__mapper__.identity_key_from_primary_key((values["id"],)))
    if held is not None:
        return held
    instance = model.__mapper__.class_manager.new_instance()
    instance.__dict__.update(values)
    return instance


def _fill(session: Session, conv: Conversation, loaded: dict) -> None:
    state = conv.__dict__
    if "alarms" not in state:
        alarms = {}
        for kind, (alarm_id, due_at, fired_at) in loaded["alarms"].items():
            alarms[kind] = _held(session, Alarm, {"id": alarm_id, "conversation_id": conv.id, "kind": kind,
                                                  "due_at": due_at, "fired_at": fired_at})
        set_committed_value(conv, "alarms", list(alarms.values()))  # the keyed collection takes its members
    if not loaded["labelled"] and "labels" not in state:
        set_committed_value(conv, "labels", [])  # with labels, they load when the root asks
    for alarm in conv.alarms.values():
        if alarm not in session:
            make_transient_to_detached(alarm)  # as read: adding the conversation below cascades to it
    _attach(session, conv)


def _attach(session: Session, instance) -> None:
    # As persistent, unchanged: a later change is flushed as an UPDATE, a
    # rollback expires it like any loaded object.
    if instance in session:
        return
    make_transient_to_detached(instance)
    session.add(instance)


_LEASE = _message.c.publish_lease_until.type
# The claim as its holder left it: nobody claimed the post since (every claim counts an attempt), nor posted it.
_HELD = (_message.c.id == bindparam("message_id"), _message.c.slack_ts.is_(None),
         _message.c.publish_attempts == bindparam("attempt"),
         _message.c.publish_lease_until == bindparam("held", type_=_LEASE))
_RENEW = (update(_message).where(*_HELD).values(publish_lease_until=bindparam("lease", type_=_LEASE))
          .returning(_message.c.publish_attempts, _TURN))
_UNCLAIM = update(_message).where(*_HELD).values(publish_lease_until=None,
                                                 publish_attempts=_message.c.publish_attempts - 1)


def renew_claim(session: Session, message_id: int, attempt: int, held: datetime,
                lease_until: datetime) -> tuple[int, float | None] | None:
    """A claim this process holds, renewed to `lease_until` if nobody took it
    over since (its lease ran out and another process claimed it): (attempt,
    the channel's shared posting turn) as claim_to_post answers, or None."""
    return session.execute(_RENEW, {"message_id": message_id, "attempt": attempt, "held": held,
                                    "lease": lease_until}).first()


def unclaim(session: Session, message_id: int, attempt: int, held: datetime) -> None:
    """A claim given back unused (nothing was sent under it): the post is free
    at once, and its next claim is counted as the first attempt it is."""
    session.execute(_UNCLAIM, {"message_id": message_id, "attempt": attempt, "held": held})
