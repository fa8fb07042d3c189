"""Slack's posting turns kept in the database (slack_pace), so that every
process posting to a channel — web replicas and workers alike — takes its turn
from one queue. Slack's limit of about one chat.postMessage a second is per
channel, whichever process asks: three replicas each pacing itself alone post
three a second in a surge and meet a 429 on most of them.

A channel Slack has not refused lately costs one read per post: one indexed
SELECT outside any transaction, so no write lock (a cached "go at once" would
let this process post into another's refusal and meet a 429 of its own). A
paced channel costs one short write transaction per post: take the next turn
under the row's lock and commit, before the Slack call and never across it.
The database away never holds a post back: this process keeps its
own turns (LocalTurns) until the database answers again."""
from __future__ import annotations

import logging

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot.slack.slack_pace import NOT_READ, PACED_FOR, LocalTurns
from bot.store.db import READ_PROBE
from bot.store.models import SlackPace

log = logging.getLogger(__name__)
_PACED_UNTIL = select(SlackPace.__table__.c.paced_until).where(SlackPace.__table__.c.channel == bindparam("channel"))


class SharedTurns:
    """LocalTurns' two answers (reserve, refuse), kept in slack_pace."""

    def __init__(self, sessions: sessionmaker[Session]):
        self.sessions = sessions
        self.local = LocalTurns()  # kept in step; answers alone while the database is away
        # Made once: options applied per call, and a statement built per call,
        # cost more than the indexed read itself (asked before every post).
        self._probe = sessions.kw["bind"].execution_options(**{READ_PROBE: True})
        self._away = False

    def reserve(self, channel: str, now: float, interval: float, burst: int, paced_until=NOT_READ) -> float | None:
        try:
            turn = self._reserve(channel, now, interval, burst, paced_until)
        except (SQLAlchemyError, OSError) as exc:
            self._went_away(exc)
            return self.local.reserve(channel, now, interval, burst)
        self._came_back()
        return turn

    def refuse(self, channel: str, now: float, wait: float, interval: float, burst: int) -> None:
        self.local.refuse(channel, now, wait, interval, burst)
        try:
            with self.sessions() as session:
                row = self._row(session, channel, now)
                # Nobody goes before now + wait; after that, one turn at a time.
                row.due = max(row.due, now + wait + (burst - 1) * interval)
                row.paced_until = max(row.paced_until, now + wait + PACED_FOR)
                session.commit()
        except (SQLAlchemyError, OSError) as exc:
            self._went_away(exc)
            return
        self._came_back()

    def _reserve(self, channel: str, now: float, interval: float, burst: int, paced_until) -> float | None:
        if paced_until is NOT_READ:
            # One statement outside any transaction (as /healthz reads): no write lock, no BEGIN.
            with self._probe.connect() as conn:
                paced_until = conn.scalar(_PACED_UNTIL, {"channel": channel})
        if paced_until is None or now >= paced_until:
            return None  # Slack has not pushed back lately, here or in any other process
        with self.sessions() as session:
            row = session.get(SlackPace, channel, with_for_update=True, populate_existing=True)
            if now >= row.paced_until:
                return None
            due = max(row.due, now)
            turn = due - (burst - 1) * interval
            row.due = due + interval
            row.paced_until = max(turn, now) + PACED_FOR
            session.commit()
        return turn

    @staticmethod
    def _row(session: Session, channel: str, now: float) -> SlackPace:
        row = session.get(SlackPace, channel, with_for_update=True, populate_existing=True)
        if row is not None:
            return row
        try:
            with session.begin_nested():
                session.add(SlackPace(channel=channel, due=now, paced_until=now))
        except IntegrityError:  # another process made it first (PostgreSQL): wait for its lock
            pass
        return session.get(SlackPace, channel, with_for_update=True, populate_existing=True)

    def _went_away(self, exc: BaseException) -> None:
        if not self._away:
            log.warning("Slack's shared posting turns unreadable (%s: %s); this process paces itself until "
                        "the database answers", type(exc).__name__, exc)
        self._away = True

    def _came_back(self) -> None:
        if self._away:
            log.info("Slack's shared posting turns readable again")
        self._away = False
