"""Shift the wall clock of this Python process (and of every `python -m bot`
it starts, which inherit PYTHONPATH) by TEST_CLOCK_SHIFT, e.g. "+365d" or
"-365d": `make test-shifted` proves that no test depends on today's date.

time-machine moves time.time(), datetime.now() and friends and keeps them
ticking; the monotonic clock, sleeps and timed waits stay real. (Debian's
libfaketime 0.9.10 was tried first: under Python 3.11 it makes timed waits
hang for the shift, or sleeps fail with EINVAL.)"""
import os
import re

_shift = os.environ.get("TEST_CLOCK_SHIFT", "")
_match = re.fullmatch(r"([+-])(\d+)d", _shift.strip())
if _match:
    from datetime import datetime, timedelta, timezone

    import time_machine

    _days = int(_match.group(2)) * (1 if _match.group(1) == "+" else -1)
    time_machine.travel(datetime.now(timezone.utc) + timedelta(days=_days), tick=True).start()
elif _shift:
    raise SystemExit(f"TEST_CLOCK_SHIFT={_shift!r}: use e.g. +365d or -365d")
