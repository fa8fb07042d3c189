"""No test may depend on today's date: where each test meets a shifted clock.

`make test`, when PostgreSQL answers, runs every test that has both a SQLite
and a PostgreSQL variant on PostgreSQL at today's date and on SQLite with the
wall clock a year ahead or a year back (this test process through
time-machine, the processes it starts through tests/clock_shift/
sitecustomize.py). PostgreSQL keeps today: its server clock (now(), the
defaults) cannot be shifted from here. `make test-shifted` then runs, shifted,
only what `make test` did not: the tests without a database and those that run
on SQLite alone. So every test meets today once and a shifted year once, in one
pass of the suite plus the small rest — it used to be a second whole pass on
SQLite (3 min 21 s of CI's 15 min 45 s). Without PostgreSQL `make test` shifts
nothing and `make test-shifted` runs everything on SQLite, as before.

Which year: pytest-xdist worker gw0 a year ahead, gw1 a year back (a run
without workers alternates), so which test meets which year changes from run
to run; a failure names its year in a "clock shift" section, and the summary
counts both.
"""
from __future__ import annotations

import os
import re
from collections import Counter
from datetime import datetime, timedelta, timezone
from itertools import count
from pathlib import Path

import pytest

SHIFTS = ("+365d", "-365d")
_SITECUSTOMIZE = Path(__file__).parent / "clock_shift"
_SHIFTED_HERE = pytest.StashKey[bool]()
_alternate = count()


def shifted_run() -> bool:
    """`make test-shifted`: the whole process runs shifted (sitecustomize)."""
    return bool(os.environ.get("TEST_CLOCK_SHIFT"))


def _database(item) -> str | None:
    return getattr(getattr(item, "callspec", None), "params", {}).get("database_url")


def _sqlite_id(item) -> str:
    """The id of a PostgreSQL test's SQLite twin."""
    name, _, ids = item.nodeid.partition("[")
    return f"{name}[{ids.replace('postgresql', 'sqlite', 1)}"


def pytest_configure(config):
    # `make test-shifted` gives each worker its own year once the worker knows its id: now. The controller of an
    # xdist run runs no test and must leave the list to the workers it starts.
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    controller = not worker and getattr(config.option, "numprocesses", None)
    if "," in os.environ.get("TEST_CLOCK_SHIFT", "") and not controller:
        import sitecustomize
        sitecustomize.for_this_worker(worker)


def pytest_collection_modifyitems(config, items):
    # Twins exist only when PostgreSQL answered (and TEST_DATABASES allows it): otherwise nothing changes.
    on_postgres = {item for item in items if _database(item) == "postgresql"}
    twins = {_sqlite_id(item) for item in on_postgres}
    twinned = [item for item in items if _database(item) == "sqlite" and item.nodeid in twins]
    if not shifted_run():  # make test: these SQLite variants meet a shifted year
        for item in twinned:
            item.stash[_SHIFTED_HERE] = True
        return
    # make test-shifted: SQLite only (PostgreSQL's clock is not ours), and not what make test shifted already.
    done = set(twinned) | on_postgres
    config.hook.pytest_deselected(items=[item for item in items if item in done])
    items[:] = [item for item in items if item not in done]


@pytest.fixture(autouse=True)
def clock_shift_here(request, monkeypatch, scrubbed_environment):
    """The shift of one SQLite test in `make test` (see the module's docstring): started before the test's other
    fixtures read the clock, and handed to the processes it starts."""
    if not request.node.stash.get(_SHIFTED_HERE, False):
        yield
        return
    import time_machine
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    shift = SHIFTS[int(worker.removeprefix("gw")) % 2 if worker else next(_alternate) % 2]
    sign, days = re.fullmatch(r"([+-])(\d+)d", shift).groups()
    offset = timedelta(days=int(days) * (1 if sign == "+" else -1))
    monkeypatch.setenv("TEST_CLOCK_SHIFT", shift)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(_SITECUSTOMIZE),
                                                                   os.environ.get("PYTHONPATH")])))
    with time_machine.travel(datetime.now(timezone.utc) + offset, tick=True):
        yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failure under a shift says which year it met: tests are handed out by load, so the same test may meet the
    other year next time."""
    outcome = yield
    report = outcome.get_result()
    shift = os.environ.get("TEST_CLOCK_SHIFT")
    if shift and report.when == "call":
        report.user_properties.append(("clock shift", shift))
    if shift and report.failed:
        report.sections.append(("clock shift", shift))


def shift_counts(terminalreporter) -> str | None:
    shifts = Counter(value for reports in terminalreporter.stats.values() for report in reports
                     for name, value in getattr(report, "user_properties", ()) if name == "clock shift")
    if not shifts:
        return None
    return "clock shifts: " + ", ".join(f"{count} tests at {shift}" for shift, count in sorted(shifts.items()))
