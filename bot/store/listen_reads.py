"""Posts read by listening searches, per platform and UTC day. X bills every
post a search returns (pay-per-use), so a day's reads are counted where every
process sees them — the worker, a person's `socialdesk poll`, another replica —
and LISTEN_X_MAX_READS caps the day. /metrics shows the count."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import Integer, String, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from bot.store.models import Base


class ListenReads(Base):
    __tablename__ = "listen_reads"

    platform: Mapped[str] = mapped_column(String(32), primary_key=True)
    day: Mapped[str] = mapped_column(String(10), primary_key=True)  # the UTC day, "2026-12-06"
    reads: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


def utc_day(now: datetime) -> str:
    return now.astimezone(timezone.utc).date().isoformat()


def reads_on(session: Session, platform: str, day: str) -> int:
    return session.scalar(select(ListenReads.reads).where(ListenReads.platform == platform,
                                                          ListenReads.day == day)) or 0


def add_reads(session: Session, platform: str, day: str, reads: int) -> None:
    """Count reads at once, in the caller's transaction: an UPDATE, or the
    day's first row (two processes inserting it at once: the loser adds)."""
    if reads <= 0:
        return
    done = session.execute(update(ListenReads).where(ListenReads.platform == platform, ListenReads.day == day)
                           .values(reads=ListenReads.reads + reads)).rowcount
    if done:
        return
    try:
        with session.begin_nested():
            session.add(ListenReads(platform=platform, day=day, reads=reads))
    except IntegrityError:
        session.execute(update(ListenReads).where(ListenReads.platform == platform, ListenReads.day == day)
                        .values(reads=ListenReads.reads + reads))


def reads_by_platform(session: Session, day: str) -> dict[str, int]:
    return dict(session.execute(select(ListenReads.platform, ListenReads.reads).where(ListenReads.day == day)).all())
