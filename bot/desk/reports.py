"""Counts and lists for /social and App Home: indexed queries, no scans of text."""
from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.desk.figures import duration
from bot.store.models import RESOLVED, WAITING, Conversation


@dataclass(frozen=True)
class Status:
    open: int
    waiting: int
    overdue: int
    resolved_today: int
    median_first_response_s: float | None

    def line(self) -> str:
        median = duration(self.median_first_response_s)
        return (f"Open: {self.open} · Waiting: {self.waiting} · Overdue: {self.overdue} · "
                f"Resolved today: {self.resolved_today} · Median first response today: {median}")


def start_of_day(now: datetime, timezone: str) -> datetime:
    local = now.astimezone(ZoneInfo(timezone))
    return datetime.combine(local.date(), time(0), ZoneInfo(timezone))


def status(session: Session, now: datetime, timezone: str = "UTC") -> Status:
    today = start_of_day(now, timezone)
    count = lambda *where: session.scalar(select(func.count()).select_from(Conversation).where(*where))  # noqa: E731
    responses = list(session.scalars(select(Conversation.first_response_s)
                                     .where(Conversation.first_response_at >= today,
                                            Conversation.first_response_s.is_not(None))))
    return Status(
        open=count(Conversation.status != RESOLVED),
        waiting=count(Conversation.status == WAITING),
        overdue=count(Conversation.status == WAITING, Conversation.due_at <= now),
        resolved_today=count(Conversation.status == RESOLVED, Conversation.resolved_at >= today),
        median_first_response_s=statistics.median(responses) if responses else None)


@dataclass(frozen=True)
class Listing:
    """The first `limit` conversations of a list, and how many there are in all."""
    rows: list[Conversation]
    total: int


def listing(session: Session, where: tuple, order: tuple, limit: int) -> Listing:
    total = session.scalar(select(func.count()).select_from(Conversation).where(*where))
    rows = list(session.scalars(select(Conversation).where(*where).order_by(*order).limit(limit))) if total else []
    return Listing(rows, total)


def queue(session: Session, limit: int = 15) -> Listing:
    return listing(session, (Conversation.status == WAITING,),
                    (Conversation.due_at.is_(None), Conversation.due_at), limit)


def overdue(session: Session, now: datetime, limit: int = 15) -> Listing:
    return listing(session, (Conversation.status == WAITING, Conversation.due_at <= now),
                    (Conversation.due_at,), limit)


def mine(session: Session, user: str, limit: int = 15) -> Listing:
    return listing(session, (Conversation.assignee == user, Conversation.status != RESOLVED),
                    (Conversation.due_at.is_(None), Conversation.due_at), limit)
