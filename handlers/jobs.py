"""The jobs as the scheduler and the one-shot commands run them: a fresh `now`
from the injected clock, errors logged (a failing pass never kills the worker)."""
from __future__ import annotations

import logging
from typing import Callable

from bot.deliver import deliver
from bot.deps import Deps
from bot.poll import poll

log = logging.getLogger("socialdesk.jobs")


def _run(name: str, job: Callable, deps: Deps):
    try:
        result = job(deps, deps.clock())
    except Exception:  # one bad pass must not stop the scheduler
        log.exception("%s pass failed; it runs again on the next tick", name)
        return None
    log.debug("%s: %s", name, result)
    return result


def run_poll(deps: Deps):
    return _run("poll", poll, deps)


def run_deliver(deps: Deps):
    return _run("deliver", deliver, deps)


def run_sweep(deps: Deps):
    from bot.escalation import sweep
    return _run("sweep", sweep, deps)


JOBS = {"poll": run_poll, "deliver": run_deliver, "sweep": run_sweep}
