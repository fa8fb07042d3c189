"""Per-post ingest overhead for 1,000 mentions on SQLite: the database work of
recording a post and its thread mapping, excluding network time to Slack/X.

Run: .venv/bin/python bench/ingest.py
"""
from __future__ import annotations

import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from adapters.base import InboundPost  # noqa: E402
from bench._common import emulated_deps, machine, sqlite_url  # noqa: E402
from bot.ingest import record_post  # noqa: E402
from bot.store import claim_publish  # noqa: E402

N = 1000


def main() -> None:
    deps, _slack, _x = emulated_deps(sqlite_url())
    now = datetime.now(timezone.utc)
    posts = [InboundPost("x", str(10_000 + i), str(10_000 + (i // 3) * 3), f"{i % 400}", f"@user{i % 400}",
                         f"User {i % 400}", f"@acme_support post {i} &amp; more", now - timedelta(seconds=N - i),
                         f"https://x.com/u/status/{i}", "X") for i in range(N)]
    timings = []
    for post in posts:
        start = time.perf_counter()
        with deps.sessions() as session:
            message = record_post(session, deps.channel, deps, post, now)
            session.commit()
            # publish(): claim the row (its own commit), then store the ts once
            # Slack answers (the Slack call itself is excluded)
            claim_publish(session, message.id, now, now + timedelta(seconds=60))
            session.commit()
            message.slack_ts = f"{1700000000 + message.id}.000100"
            session.commit()
        timings.append(time.perf_counter() - start)
    timings.sort()
    mean = sum(timings) / N * 1000
    print(f"machine: {machine()}")
    print(f"ingest of {N} mentions on SQLite (record + thread mapping + publish claim + Slack ts, network excluded):")
    print(f"  mean {mean:.2f} ms/post · p50 {timings[N // 2] * 1000:.2f} ms · p99 {timings[int(N * .99)] * 1000:.2f} ms"
          f" · target < 5 ms/post: {'met' if mean < 5 else 'NOT met'}")


if __name__ == "__main__":
    main()
