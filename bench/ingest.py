"""Per-post ingest cost on the real publish path, beside what it cannot avoid.

The real path is what a webhook delivery runs: `record_posts` (the post, its
conversation and thread key, the clock, one commit) then `publish_unposted`
(claim, chat.postMessage with blocks and metadata to the Slack emulator, the
Slack ts stored). It is compared with a bare SQLite commit (one row inserted
and committed on the same database file) plus a bare `chat.postMessage` of
plain text through slack_sdk to the same emulator: the ratio is socialdesk's
overhead over the minimum one stored post and one Slack message cost on
this machine (target <= 2x). 1,000 posts, 1 in 3 a follow-up in a thread.

Run: .venv/bin/python bench/ingest.py
"""
from __future__ import annotations

import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text  # noqa: E402

from adapters.base import InboundPost  # noqa: E402
from bench._common import emulated_deps, machine, sqlite_url  # noqa: E402
from bot.ingest import publish_unposted, record_posts  # noqa: E402

N = 1000


def posts(now: datetime) -> list[InboundPost]:
    return [InboundPost("x", str(10_000 + i), str(10_000 + (i // 3) * 3), f"{i // 3}", f"@user{i // 3}",
                        f"User {i // 3}", f"@acme_support post {i} &amp; more", now - timedelta(seconds=N - i),
                        f"https://x.com/u/status/{i}", "X", account="1") for i in range(N)]


def main() -> None:
    url = sqlite_url()
    deps, slack, _x = emulated_deps(url)
    now = datetime.now(timezone.utc)
    real = []
    for post in posts(now):
        start = time.perf_counter()
        ids = record_posts(deps, [post], now)
        publish_unposted(deps, now, only_ids=ids)
        real.append(time.perf_counter() - start)
    assert len(slack.messages) == N, len(slack.messages)
    from collections import Counter
    per_post = Counter(method for method, _params in slack.calls)

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE bare (id INTEGER PRIMARY KEY, body TEXT)"))
    commit, call = [], []
    for i in range(N):
        start = time.perf_counter()
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO bare (body) VALUES (:b)"), {"b": f"post {i}"})
        commit.append(time.perf_counter() - start)
        start = time.perf_counter()
        deps.slack.client.chat_postMessage(channel="C0SUPPORT", text=f"post {i}")
        call.append(time.perf_counter() - start)
    mean_real, mean_bare = statistics.mean(real) * 1000, (statistics.mean(commit) + statistics.mean(call)) * 1000
    ratio = mean_real / mean_bare
    print(f"machine: {machine()}")
    print(f"ingest of {N} mentions on SQLite, the real path (record_posts + publish_unposted, Slack emulator):")
    print(f"  real path: mean {mean_real:.2f} ms/post · p50 {statistics.median(real) * 1000:.2f} ms · "
          f"p99 {sorted(real)[int(N * .99)] * 1000:.2f} ms")
    print(f"  bare SQLite commit {statistics.mean(commit) * 1000:.2f} ms + bare chat.postMessage "
          f"{statistics.mean(call) * 1000:.2f} ms = {mean_bare:.2f} ms")
    print(f"  ratio {ratio:.2f}x · target <= 2x: {'met' if ratio <= 2 else 'NOT met'}")
    print("  Slack calls on the real path: " + ", ".join(f"{method} {count / N:.2f}/post"
                                                        for method, count in per_post.most_common()))


if __name__ == "__main__":
    main()
