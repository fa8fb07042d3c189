"""The shifted runs (make test-shifted) prove nothing if the shift silently stops
reaching the tests: a date-dependent test would pass under today's date and
look proven. Under TEST_CLOCK_SHIFT this checks that a test calling
datetime.now() and time.time(), and a process it starts, see the shifted date."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone

import pytest

from tests.conftest import BACKENDS

SHIFT = os.environ.get("TEST_CLOCK_SHIFT", "")
under_shift = pytest.mark.skipif(not SHIFT, reason="only under make test-shifted (TEST_CLOCK_SHIFT)")


def _expected_offset(shift: str = SHIFT) -> timedelta:
    sign, days = re.fullmatch(r"([+-])(\d+)d", shift).groups()
    return timedelta(days=int(days) * (1 if sign == "+" else -1))


def _real_now() -> datetime:
    from time_machine import escape_hatch  # the unshifted clock, read past the patch
    assert escape_hatch.is_travelling(), "TEST_CLOCK_SHIFT is set but no shift is active in the test process"
    return escape_hatch.datetime.datetime.now(timezone.utc)


@under_shift
def test_a_test_calling_datetime_now_sees_the_shifted_date():
    drift = datetime.now(timezone.utc) - _real_now() - _expected_offset()
    assert abs(drift) < timedelta(minutes=5), drift
    assert abs(time.time() - _real_now().timestamp() - _expected_offset().total_seconds()) < 300


@under_shift
def test_a_process_the_test_starts_sees_the_shifted_date():
    said = subprocess.run([sys.executable, "-c", "from datetime import datetime, timezone; "
                           "print(datetime.now(timezone.utc).isoformat())"],
                          env=os.environ, capture_output=True, text=True, timeout=60, check=True).stdout
    drift = datetime.fromisoformat(said.strip()) - _real_now() - _expected_offset()
    assert abs(drift) < timedelta(minutes=5), drift


def test_a_database_test_meets_today_on_postgresql_and_a_year_away_on_sqlite(database_url):
    """`make test` with PostgreSQL: the SQLite twin of a test runs a year ahead or back, in the test and in the
    processes it starts (tests/clock_shifting.py); the PostgreSQL one at today's date. (`make test-shifted`
    runs neither: make test did.)"""
    from time_machine import escape_hatch
    if SHIFT:
        pytest.skip("the whole process is shifted (make test-shifted without PostgreSQL): the tests above check it")
    if database_url.startswith("postgresql") or len(BACKENDS) == 1:
        assert not escape_hatch.is_travelling(), "PostgreSQL's clock is today's, and so must be its tests'"
        return
    shift = os.environ.get("TEST_CLOCK_SHIFT", "")
    assert shift in ("+365d", "-365d"), f"a SQLite twin ran unshifted (TEST_CLOCK_SHIFT={shift!r})"
    real = escape_hatch.datetime.datetime.now(timezone.utc)
    assert abs(datetime.now(timezone.utc) - real - _expected_offset(shift)) < timedelta(minutes=5)
    said = subprocess.run([sys.executable, "-c", "from datetime import datetime, timezone; "
                           "print(datetime.now(timezone.utc).isoformat())"],
                          env=os.environ, capture_output=True, text=True, timeout=60, check=True).stdout
    assert abs(datetime.fromisoformat(said.strip()) - real - _expected_offset(shift)) < timedelta(minutes=5)
