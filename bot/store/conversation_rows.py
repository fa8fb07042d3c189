"""A conversation on the ingest path, read and written as plain rows.

Every customer post reads its conversation (locked) and changes its clock.
Through the ORM that is an entity load and a unit-of-work flush per post, each
costing more than the database work itself; here the conversation is read
with one Core SELECT (its alarms joined), handed to the rules as an ordinary
`Conversation` that belongs to no session, and only the columns and alarms
the rules changed are written back, by plain UPDATEs and INSERTs in the
caller's transaction.
"""
from __future__ import annotations

import functools

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session, configure_mappers
from sqlalchemy.orm.attributes import set_committed_value

from bot.store.models import RESOLVED, Alarm, Conversation, ConversationKey, Message

_conv, _alarm, _key, _message = Conversation.__table__, Alarm.__table__, ConversationKey.__table__, Message.__table__
_COLUMNS = tuple(c.key for c in _conv.columns)
_ALARM = (_alarm.c.id.label("alarm_id"), _alarm.c.kind.label("alarm_kind"),
          _alarm.c.due_at.label("alarm_due_at"), _alarm.c.fired_at.label("alarm_fired_at"))


class Loaded:
    """What was read, to tell what the rules changed."""
    __slots__ = ("columns", "alarms")

    def __init__(self, columns: dict, alarms: dict):
        self.columns, self.alarms = columns, alarms


def _locked_with_alarms(where):
    # The lock is on the conversation row alone (PostgreSQL refuses FOR UPDATE
    # on the nullable side of an outer join); SQLite's BEGIN IMMEDIATE has
    # serialized writers already.
    return (select(_conv, *_ALARM).select_from(_conv.outerjoin(_alarm, _alarm.c.conversation_id == _conv.c.id))
            .where(where).with_for_update(of=_conv))


_KEY_HOLDER = select(_key.c.conversation_id).where(
    _key.c.platform == bindparam("platform"), _key.c.account == bindparam("account"),
    _key.c.external_thread_id == bindparam("thread_id")).scalar_subquery()
_BY_KEY = _locked_with_alarms(_conv.c.id == _KEY_HOLDER)
# The customer's open conversation with this brand account, in the same kind
# of channel: a DM never lands in a public thread, nor a public post in a DM thread.
# The status is asked again outside: PostgreSQL checks the outer conditions
# once more on a row it waited to lock, so one resolved meanwhile is not
# taken (as with the ORM finder's single SELECT … FOR UPDATE).
_newest = _conv.alias("newest")  # named apart from the outer query's conversation: never correlated
_CUSTOMERS_OPEN = (select(_newest.c.id).where(
    _newest.c.platform == bindparam("platform"), _newest.c.account == bindparam("account"),
    _newest.c.customer_id == bindparam("customer_id"), _newest.c.private == bindparam("private"),
    _newest.c.status != RESOLVED).order_by(_newest.c.id.desc()).limit(1).scalar_subquery())


def _seen(column):
    return select(column).where(_message.c.platform == bindparam("platform"),
                                _message.c.account == bindparam("account"),
                                _message.c.external_id == bindparam("external_id")).scalar_subquery()


# Everything a customer post reads before it is recorded, in one SELECT: the
# conversation its thread feeds, else the customer's open one (a thread's own
# conversation is taken whatever its status), locked, with its alarms; whether
# the thread was known; and the post itself if it was recorded before (a
# re-fetch or a webhook retry) — three SELECTs, one per post each, before.
_OF_POST = (select(_conv, *_ALARM, _KEY_HOLDER.label("by_key"), _seen(_message.c.id).label("seen_id"),
                   _seen(_message.c.slack_ts).label("seen_ts"))
            .select_from(_conv.outerjoin(_alarm, _alarm.c.conversation_id == _conv.c.id))
            .where(_conv.c.id == func.coalesce(_KEY_HOLDER, _CUSTOMERS_OPEN),
                   _KEY_HOLDER.is_not(None) | (_conv.c.status != RESOLVED))
            .with_for_update(of=_conv))
_SEEN = select(_message.c.id, _message.c.slack_ts).where(
    _message.c.platform == bindparam("platform"), _message.c.account == bindparam("account"),
    _message.c.external_id == bindparam("external_id"))


class PostsPlace:
    """What conversation_of_post found: the conversation (None when the post
    starts one), as read; whether its thread was known; and (id, slack_ts) of
    the post when it was recorded before, else None."""
    __slots__ = ("conv", "loaded", "known_thread", "seen")

    def __init__(self, conv, loaded, known_thread: bool, seen):
        self.conv, self.loaded, self.known_thread, self.seen = conv, loaded, known_thread, seen


def conversation_of_post(session: Session, platform: str, account: str, thread_id: str, customer_id: str,
                         private: bool, external_id: str) -> PostsPlace:
    """The conversation a post belongs in, locked — its thread's, else its
    customer's open one (as queries.find_conversation_by_key, then
    find_open_conversation_of_customer) — and whether the post was seen."""
    found = session.execute(_OF_POST, {"platform": platform, "account": account, "thread_id": thread_id,
                                       "customer_id": customer_id, "private": private,
                                       "external_id": external_id}).all()
    if not found:  # a new thread of a customer with nothing open: a post seen before is all but impossible
        seen = session.execute(_SEEN, {"platform": platform, "account": account, "external_id": external_id}).first()
        return PostsPlace(None, None, False, seen)
    first = found[0]
    conv, loaded = _build(found)
    return PostsPlace(conv, loaded, first.by_key is not None,
                      (first.seen_id, first.seen_ts) if first.seen_id is not None else None)


def conversation_by_key(session: Session, platform: str, account: str,
                        thread_id: str) -> tuple[Conversation, Loaded] | None:
    """The conversation a platform thread feeds, locked (as queries.find_conversation_by_key)."""
    return _build(session.execute(_BY_KEY, {"platform": platform, "account": account,
                                            "thread_id": thread_id}).all())


def _build(rows) -> tuple[Conversation, Loaded] | None:
    if not rows:
        return None
    columns = dict(zip(_COLUMNS, rows[0][:len(_COLUMNS)], strict=True))  # its columns first, in table order
    alarms = {row.alarm_kind: (row.alarm_id, row.alarm_due_at, row.alarm_fired_at)
              for row in rows if row.alarm_id is not None}
    conv = _unsaved(Conversation, columns)
    # As the loader fills a collection, without an event per member (a third of what assigning it cost).
    set_committed_value(conv, "alarms", [_unsaved(Alarm, {"id": alarm_id, "conversation_id": columns["id"],
                                                          "kind": kind, "due_at": due_at, "fired_at": fired_at})
                                         for kind, (alarm_id, due_at, fired_at) in alarms.items()])
    return conv, Loaded(columns, alarms)


@functools.cache
def _mappers_configured() -> None:
    # What a constructor's first call does (new_instance() does not): the
    # relationships set up, so set_committed_value finds the alarms collection.
    configure_mappers()


def new_conversation(**columns) -> Conversation:
    """A conversation not stored yet, holding `columns` and no alarms, as
    insert_conversation stores it: filled like a loaded one (_unsaved), which
    costs a tenth of the constructor."""
    conv = _unsaved(Conversation, columns)
    set_committed_value(conv, "alarms", [])
    return conv


def _unsaved(model, values: dict):
    """An instance holding `values` as read, in no session: filled as the
    ORM's own loader fills one (a constructor call sets attribute by attribute,
    with their events, and costs as much as the SELECT)."""
    _mappers_configured()
    instance = model.__mapper__.class_manager.new_instance()
    instance.__dict__.update(values)
    return instance


def insert_conversation(session: Session, conv: Conversation) -> int:
    """Store a new conversation (columns the rules or the caller set; the
    others take their defaults) and its alarms; sets and returns its id."""
    state = conv.__dict__
    values = {key: state[key] for key in _COLUMNS if key in state}
    conv.id = session.execute(_INSERT, values).scalar_one()
    _insert_alarms(session, conv.id, conv.alarms.values())
    return conv.id


def delete_conversation(session: Session, conversation_id: int) -> None:
    session.execute(delete(_alarm).where(_alarm.c.conversation_id == conversation_id))
    session.execute(delete(_conv).where(_conv.c.id == conversation_id))


def write_back(session: Session, conv: Conversation, loaded: Loaded) -> None:
    """Write what changed since `loaded`: one UPDATE of the changed columns, and
    the alarms added, changed or dropped."""
    changed = {key: value for key in _COLUMNS if (value := getattr(conv, key)) != loaded.columns[key]}
    if changed:
        session.execute(_UPDATE[_conv], {**changed, "row_id": conv.id})
    added, retimed_by_columns = [], {}
    for kind, alarm in conv.alarms.items():
        before = loaded.alarms.get(kind)
        if before is None:
            added.append(alarm)
            continue
        # Only what the rules changed: a sweeper may have claimed this alarm
        # since it was read (it takes no lock on the conversation).
        retimed = {key: value for key, value, old in (("due_at", alarm.due_at, before[1]),
                                                       ("fired_at", alarm.fired_at, before[2])) if value != old}
        if retimed:
            retimed_by_columns.setdefault(tuple(retimed), []).append({**retimed, "row_id": before[0]})
    for changes in retimed_by_columns.values():  # a new priority retimes several alarms alike: one executemany
        session.execute(_UPDATE[_alarm], changes)
    _insert_alarms(session, conv.id, added)
    for kind, (alarm_id, _due, _fired) in loaded.alarms.items():
        if kind not in conv.alarms:
            session.execute(delete(_alarm).where(_alarm.c.id == alarm_id))


# Built once: a statement built per call costs more than the database work
# it asks for. Without .values(), the columns written are the parameters
# named after them ("row_id" names none).
_INSERT = insert(_conv).returning(_conv.c.id)
_INSERT_ALARMS = insert(_alarm)
_UPDATE = {table: update(table).where(table.c.id == bindparam("row_id")) for table in (_conv, _alarm)}


def _insert_alarms(session: Session, conversation_id: int, alarms) -> None:
    rows = [{"conversation_id": conversation_id, "kind": a.kind, "due_at": a.due_at, "fired_at": a.fired_at}
            for a in alarms]
    if rows:
        session.execute(_INSERT_ALARMS, rows)
