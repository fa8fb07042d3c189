"""Shift the wall clock of this Python process (and of every `python -m bot`
it starts, which inherit PYTHONPATH) by TEST_CLOCK_SHIFT, e.g. "+365d" or
"-365d": `make test-shifted` proves that no test depends on today's date.

A list ("+365d,-365d") gives each pytest-xdist worker one of them in turn
(gw0 the first, gw1 the second…): one pass of the suite then runs every test
shifted, a year ahead on one worker and a year back on the other. The worker
learns its id only once pytest configures it, so tests/clock_shifting.py calls
`for_this_worker()` then; the processes a test starts inherit the single
shift it chose.

time-machine moves time.time(), datetime.now() and friends and keeps them
ticking; the monotonic clock, sleeps and timed waits stay real. (Debian's
libfaketime 0.9.10 was tried first: under Python 3.11 it makes timed waits
hang for the shift, or sleeps fail with EINVAL.)"""
import os
import re

_PATTERN = r"([+-])(\d+)d"


def _shifts() -> list[str]:
    said = os.environ.get("TEST_CLOCK_SHIFT", "")
    shifts = [part.strip() for part in said.split(",") if part.strip()]
    if said and not all(re.fullmatch(_PATTERN, shift) for shift in shifts):
        raise SystemExit(f"TEST_CLOCK_SHIFT={said!r}: use e.g. +365d, -365d or +365d,-365d")
    return shifts


def travel(shift: str) -> None:
    import sys
    from datetime import datetime, timedelta, timezone

    # time_machine imports pytest for its fixture when it can: ~0.1 s of CPU in
    # each of the ~150 processes the tests start, which never use the fixture.
    # A pytest process has it already and keeps it.
    blocked = "pytest" not in sys.modules
    if blocked:
        sys.modules["pytest"] = None  # `import pytest` raises ImportError
    try:
        import time_machine
    finally:
        if blocked:
            del sys.modules["pytest"]

    sign, days = re.fullmatch(_PATTERN, shift).groups()
    offset = timedelta(days=int(days) * (1 if sign == "+" else -1))
    time_machine.travel(datetime.now(timezone.utc) + offset, tick=True).start()


def for_this_worker(worker: str | None) -> str | None:
    """Under a list, the shift of this pytest process (a worker's by its number; a run without workers takes the
    first), made the process's own and its children's. None when there is no list to choose from."""
    shifts = _shifts()
    if len(shifts) < 2:
        return None
    chosen = shifts[int(worker.removeprefix("gw")) % len(shifts)] if worker else shifts[0]
    os.environ["TEST_CLOCK_SHIFT"] = chosen
    travel(chosen)
    return chosen


_at_start = _shifts()
if len(_at_start) == 1:
    travel(_at_start[0])
