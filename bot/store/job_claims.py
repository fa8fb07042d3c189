"""Claims of scheduled jobs on one run (job_claim): the first worker to insert
a run's row runs it; a claim is a lease that another worker takes over once it
is older than the lease and its run never finished; a failed run gives its
claim back, and only its own — never one another worker has taken over."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.store.models import JobClaim


def claim_run(session: Session, key: str, owner: str, now: datetime, lease: timedelta) -> str | None:
    """"claimed", "taken over" (from a worker that claimed it longer than
    `lease` ago and never finished), or None (running elsewhere, or done).
    The caller commits."""
    try:
        with session.begin_nested():
            session.add(JobClaim(key=key, owner=owner, claimed_at=now))
        return "claimed"
    except IntegrityError:
        pass
    taken = session.execute(
        update(JobClaim)
        .where(JobClaim.key == key, JobClaim.done_at.is_(None), JobClaim.claimed_at < now - lease)
        .values(owner=owner, claimed_at=now)
        .execution_options(synchronize_session=False)).rowcount
    return "taken over" if taken == 1 else None


def give_back(session: Session, key: str, owner: str) -> None:
    """The run failed: the next check may try again at once."""
    session.execute(delete(JobClaim).where(JobClaim.key == key, JobClaim.owner == owner, JobClaim.done_at.is_(None))
                    .execution_options(synchronize_session=False))


def finish(session: Session, key: str, now: datetime) -> None:
    """The run is done, whoever holds the claim now: it is never run again."""
    session.execute(update(JobClaim).where(JobClaim.key == key).values(done_at=now)
                    .execution_options(synchronize_session=False))
