"""`socialdesk worker`: APScheduler 3 wiring only. Jobs are plain functions
(handlers/jobs.py); the database decides which replica does what (leases and
conditional UPDATEs), since APScheduler 3 job stores cannot be shared."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

from apscheduler.schedulers.background import BackgroundScheduler

from bot.deps import Deps
from service.stopping import StopRequest
from handlers.jobs import run_deliver, run_poll, run_sweep, run_tokens, run_weekly_report

log = logging.getLogger(__name__)


class _SkippedTickFilter(logging.Filter):
    """A pass still running when its next tick comes (a slow platform, a big
    backlog) is skipped by design — one pass per job per process — and the
    next tick runs it; APScheduler would log a WARNING for every such tick."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "maximum number of running instances reached" not in record.getMessage()


_SKIPPED_TICKS = _SkippedTickFilter()


def build_scheduler(deps: Deps) -> BackgroundScheduler:
    logging.getLogger("apscheduler.scheduler").addFilter(_SKIPPED_TICKS)
    scheduler = BackgroundScheduler(timezone=timezone.utc, job_defaults={
        "coalesce": True, "max_instances": 1, "misfire_grace_time": 30})
    # poll ticks often but only fetches accounts whose cursor says they are due
    # (POLL_INTERVAL or later, from the rate-limit headers).
    poll_tick = min(deps.settings.poll_interval, timedelta(seconds=5)).total_seconds()
    scheduler.add_job(run_poll, "interval", args=[deps], seconds=max(1, poll_tick), id="poll")
    scheduler.add_job(run_deliver, "interval", args=[deps], seconds=2, id="deliver")
    scheduler.add_job(run_sweep, "interval", args=[deps], seconds=5, id="sweep")
    # Renewable tokens (Instagram Login): checked hourly, refreshed a day after the last refresh.
    scheduler.add_job(run_tokens, "interval", args=[deps], hours=1, id="tokens",
                      next_run_time=datetime.now(timezone.utc))
    if deps.settings.report_channel:
        # Due Mondays from 09:00 in TIMEZONE; one claim row makes it once across workers.
        scheduler.add_job(run_weekly_report, "interval", args=[deps], minutes=5, id="weekly_report",
                          next_run_time=datetime.now(timezone.utc))
    return scheduler


def warn_if_second_sqlite_worker(database_url: str):
    """SQLite is the single-process default: a second worker on the same file
    works (leases keep it correct) but only one writes at a time. Say so at
    start. The lock file is held for the process's life (returned)."""
    import fcntl
    from sqlalchemy.engine import make_url
    url = make_url(database_url)
    if not url.drivername.startswith("sqlite") or not url.database or url.database == ":memory:":
        return None
    handle = open(f"{url.database}.worker-lock", "a")  # noqa: SIM115 - held until the process exits
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        log.warning("another socialdesk worker is already running on the SQLite file %s: SQLite is meant for one "
                    "worker (writes take turns). For several workers use PostgreSQL (DATABASE_URL).", url.database)
    return handle


def run_worker(deps: Deps) -> None:
    _lock = warn_if_second_sqlite_worker(deps.settings.database_url)  # noqa: F841 - held while running
    stop_request = StopRequest()  # before the job threads start, so a SIGTERM from then on is seen
    deps.stopping = lambda: stop_request.requested  # running passes end between two platform calls
    scheduler = build_scheduler(deps)
    scheduler.start()
    log.info("worker started: poll, deliver, sweep")
    stop_request.wait()
    log.info("stopping: running passes end after their current call, then exiting")
    scheduler.shutdown(wait=True)
