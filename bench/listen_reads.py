"""Listening on X: posts read (billed on X's pay-per-use plan) per listening
pass, and what a pass costs in time, against the X emulator (real tweepy,
real recent-search answers: X bills the posts a search returns, not the
requests). Scenarios, each a real `listen` pass on SQLite:

  quiet     – no new match since the cursor: the pass reads nothing
  steady    – 3 new matches, among 20 posts that tag the brand and 5 of the
              brand's own (the query leaves those out: never read, never billed)
  backlog   – a first pass over 150 matches (BACKFILL) under the default cap
  capped    – 260 matches, LISTEN_X_MAX_READS=200: the pass stops at 200

Run: .venv/bin/python bench/listen_reads.py
"""
from __future__ import annotations

import os
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import emulated_deps, machine, sqlite_url  # noqa: E402
from bot.inbound.listen import listen  # noqa: E402
from bot.store.listen_reads import reads_on, utc_day  # noqa: E402


def reads_today(deps) -> int:
    with deps.sessions() as session:
        return reads_on(session, "x", utc_day(datetime.now(timezone.utc)))


def run(name: str, matches: int, tagged: int = 0, own: int = 0, warm: bool = True, cap: str = "200") -> str:
    deps, _slack, x = emulated_deps(sqlite_url(), LISTEN_TERMS="Acme, Acme Cloud", LISTEN_X_MAX_READS=cap)
    if warm:
        x.customer_mentions("first", "Acme once")
        listen(deps, datetime.now(timezone.utc), paced=False)  # caught up: the cursor is set
    before, calls = reads_today(deps), len(x.search_calls)
    for i in range(matches):
        x.customer_mentions(f"fan{i}", f"Acme Cloud was down again for me ({i})")
    for i in range(tagged):
        x.customer_mentions(f"tag{i}", f"@acme_support Acme invoice {i} is wrong")
    for i in range(own):
        x.post(x.brand_id, f"Acme news {i}")
    start = time.perf_counter()
    result = listen(deps, datetime.now(timezone.utc), paced=False)
    took = time.perf_counter() - start
    read = reads_today(deps) - before
    return (f"{name:8} {matches:4} matches ({tagged} tagged, {own} own): {read:4} posts read in "
            f"{len(x.search_calls) - calls} request(s), {result.posted:4} roots, {took * 1000:7.0f} ms")


def main() -> None:
    print(f"listening reads per pass — {machine()} · load {os.getloadavg()[0]:.2f}")
    print(run("quiet", 0))
    print(run("steady", 3, tagged=20, own=5))
    print(run("backlog", 150, warm=False))
    print(run("capped", 260, warm=False))
    print("X bills each post read; an empty pass reads 0. At one pass a minute the cost follows the matches, "
          "not the passes: LISTEN_X_MAX_READS bounds a day's bill.")


if __name__ == "__main__":
    main()
