"""The jobs as the scheduler and the one-shot commands run them: a fresh `now`
from the injected clock. The worker logs a failing pass and goes on; a one-shot
pass acts on everything due now and says what it did in one line."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Callable

from bot.store.db import database_unavailable
from bot.outbound.deliver import deliver
from bot.deps import Deps
from bot.inbound.listen import listen
from bot.inbound.poll import poll
from handlers.slack_events import recover_slack_events

log = logging.getLogger("socialdesk.jobs")


def _run(name: str, job: Callable, deps: Deps):
    try:
        result = job(deps, deps.clock())
    except Exception as exc:  # one bad pass must not stop the scheduler
        if database_unavailable(exc):  # an outage is one line per pass, not a traceback every 2 s
            log.error("%s pass: database unavailable (%s); it runs again on the next tick", name,
                      str(exc).strip().splitlines()[0])
        else:
            log.exception("%s pass failed; it runs again on the next tick", name)
        return None
    log.debug("%s: %s", name, result)
    return result


def _keeping_sessions(deps: Deps, result):
    """A login a pass made is stored for the next process (bot.inbound.tokens)."""
    from bot.inbound.tokens import keep_sessions
    _run("sessions", keep_sessions, deps)
    return result


def run_poll(deps: Deps):
    _run("slack events", recover_slack_events, deps)  # acked by a web that stopped before recording them
    result = _run("poll", poll, deps)
    if deps.settings.listen_terms:  # listening searches ride on the poll tick, each paced by its own cursor
        _run("listen", listen, deps)
    return _keeping_sessions(deps, result)


def run_deliver(deps: Deps):
    return _keeping_sessions(deps, _run("deliver", deliver, deps))


def run_sweep(deps: Deps):
    from bot.desk.composer import sweep_composing
    from bot.desk.escalation import sweep
    _run("composer expiry", sweep_composing, deps)  # a root's "✍️ … is writing" lasts minutes at most
    return _run("sweep", sweep, deps)


def run_tokens(deps: Deps):
    from bot.inbound.tokens import refresh_tokens
    return _run("tokens", refresh_tokens, deps)


def run_weekly_report(deps: Deps):
    from bot.desk.report_post import weekly_report
    return _run("weekly report", weekly_report, deps)


JOBS = {"poll": run_poll, "deliver": run_deliver, "sweep": run_sweep, "tokens": run_tokens}


@dataclass(frozen=True)
class PassReport:
    """What a one-shot pass prints, and its exit code (non-zero only when
    credentials are rejected: the contract keeps outages at 0)."""
    line: str
    exit_code: int = 0


def poll_once(deps: Deps) -> PassReport:
    _run("slack events", recover_slack_events, deps)
    result = poll(deps, deps.clock(), paced=False)
    line, rejected = f"poll: {result.describe()}", result.credentials_rejected
    if deps.settings.listen_terms:
        heard = listen(deps, deps.clock(), paced=False)
        line, rejected = f"{line}; listen: {heard.describe()}", rejected or heard.credentials_rejected
    _keeping_sessions(deps, result)
    return PassReport(line, 1 if rejected else 0)


def deliver_once(deps: Deps) -> PassReport:
    return PassReport(f"deliver: {_keeping_sessions(deps, deliver(deps, deps.clock())).describe()}")


def sweep_once(deps: Deps) -> PassReport:
    from bot.desk.escalation import sweep
    return PassReport(f"sweep: {sweep(deps, deps.clock()).describe()}")


ONE_SHOT = {"poll": poll_once, "deliver": deliver_once, "sweep": sweep_once}
