"""Saved replies in the database: one row per name (a unique constraint), so
two people saving the same name at once end with one of their texts, never two rows."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.store.models import SavedReply


def find_saved_reply(session: Session, name: str) -> SavedReply | None:
    return session.scalar(select(SavedReply).where(SavedReply.name == name))


def saved_replies(session: Session) -> list[SavedReply]:
    return list(session.scalars(select(SavedReply).order_by(SavedReply.name)))


def saved_names(session: Session) -> list[str]:
    return list(session.scalars(select(SavedReply.name).order_by(SavedReply.name)))


def put_saved_reply(session: Session, name: str, text: str, private_only: bool, user: str,
                    now: datetime) -> bool:
    """Store it, replacing a saved reply of that name; True when it replaced one."""
    for _ in range(2):  # a concurrent first save of the same name: the second pass updates it
        row = session.scalar(select(SavedReply).where(SavedReply.name == name).with_for_update())
        if row is not None:
            row.text, row.private_only, row.created_by, row.updated_at = text, private_only, user, now
            session.flush()
            return True
        try:
            with session.begin_nested():
                session.add(SavedReply(name=name, text=text, private_only=private_only, created_by=user,
                                       updated_at=now))
            return False
        except IntegrityError:
            continue
    raise RuntimeError(f"saved reply {name!r} could be neither added nor replaced")


def remove_saved_reply(session: Session, name: str) -> bool:
    return session.execute(delete(SavedReply).where(SavedReply.name == name)
                           .execution_options(synchronize_session=False)).rowcount == 1
