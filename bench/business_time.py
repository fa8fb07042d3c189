"""Cost of computing a deadline in business time: what every new wait, snooze
and priority change pays once (the sweep never computes business time).

Run: .venv/bin/python bench/business_time.py
"""
from __future__ import annotations

import random
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import machine, percentile  # noqa: E402
from bot.rules.business_hours import parse_business_hours, parse_holidays  # noqa: E402
from bot.rules.calendar import build_calendar  # noqa: E402

N = 10_000


def measure(label: str, sla: timedelta) -> None:
    calendar = build_calendar(parse_business_hours("Mon-Fri 09:00-12:00 13:00-17:30"), "Europe/Berlin",
                              parse_holidays("DE-BY,2026-12-24"))
    rng = random.Random(7)
    base = datetime(2026, 1, 1, tzinfo=timezone.utc)
    starts = [base + timedelta(minutes=rng.randrange(365 * 24 * 60)) for _ in range(N)]
    calendar.add(base, sla)  # first lookup loads the year's holiday table
    timings = []
    for start in starts:
        began = time.perf_counter()
        due = calendar.add(start, sla)
        calendar.between(start, due)
        timings.append((time.perf_counter() - began) * 1000)
    print(f"{label}: add + between, {N:,} random starts in 2026: "
          f"mean {sum(timings) / N:.3f} ms · p50 {percentile(timings, 50):.3f} ms · "
          f"p99 {percentile(timings, 99):.3f} ms")


def main() -> None:
    print(machine())
    measure("SLA 1h ", timedelta(hours=1))
    measure("SLA 24h", timedelta(hours=24))


if __name__ == "__main__":
    main()
