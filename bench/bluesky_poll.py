"""Bluesky post → Slack root: a poll pass over new mentions, beside its floor.

Bluesky has no webhooks, so a customer's post waits for the next poll (on
average half of POLL_INTERVAL, at most all of it) and then for the pass. This
measures the pass: 200 new mentions in the Bluesky emulator, one `poll` (the
atproto SDK reading listNotifications pages, each post recorded under its
unique keys and posted to the Slack emulator as a root). Its floor, measured
in the same run on the same emulators and database file: the SDK reading the
same pages bare, plus per post three bare SQLite commits (record, claim, Slack
ts — the exactly-once protocol's, as in bench/ingest.py) and one bare
chat.postMessage of plain text. Bluesky's own share is the adapter's read
(`fetch_since`: pages read and turned into posts) beside the bare reads.

Run: .venv/bin/python bench/bluesky_poll.py
"""
from __future__ import annotations

import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text  # noqa: E402

from bench._common import emulated_deps, machine, sqlite_url  # noqa: E402
from bot.inbound.poll import poll  # noqa: E402
from sandbox.bluesky_emulator import BlueskyState, create_bluesky_emulator  # noqa: E402
from sandbox.serve import BackgroundServer  # noqa: E402

N = 200
ROUNDS = 3


def one_round() -> tuple[float, ...]:
    sky = BlueskyState()
    server = BackgroundServer(create_bluesky_emulator(sky)).start()
    url = sqlite_url()
    deps, slack, _x = emulated_deps(url, BLUESKY_PDS_URL=server.url, BLUESKY_HANDLE=sky.handle,
                                    BLUESKY_APP_PASSWORD=sky.app_password)
    adapter = deps.adapters["bluesky"]
    poll(deps, datetime.now(timezone.utc), paced=False)  # logged in, caught up: what a running worker is
    for i in range(N):
        sky.customer_mentions(f"customer{i}", f"@{sky.handle} where is my order {i}?")
    start = time.perf_counter()
    result = poll(deps, datetime.now(timezone.utc), paced=False)
    real = time.perf_counter() - start
    assert f"{N} new posts" in result.describe(), result.describe()
    start = time.perf_counter()
    page = adapter.client.app.bsky.notification.list_notifications({"limit": 100})
    while page.cursor:
        page = adapter.client.app.bsky.notification.list_notifications({"limit": 100, "cursor": page.cursor})
    reads = time.perf_counter() - start
    start = time.perf_counter()
    fetched = adapter.fetch_since(None, None)
    adapter_read = time.perf_counter() - start
    assert len(fetched.posts) == N
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE bare (id INTEGER PRIMARY KEY, body TEXT)"))
    start = time.perf_counter()
    for i in range(3 * N):
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO bare (body) VALUES (:b)"), {"b": f"post {i}"})
    commits = time.perf_counter() - start
    slack.channels["C0BARE"] = "bare"
    start = time.perf_counter()
    for i in range(N):
        deps.slack.client.chat_postMessage(channel="C0BARE", text=f"post {i}")
    posts = time.perf_counter() - start
    server.stop()
    return real, reads, posts, commits, adapter_read


def main() -> None:
    rounds = [one_round() for _ in range(ROUNDS)]
    real, reads, posts, commits, adapter_read = (statistics.median(r[i] for r in rounds) for i in range(5))
    floor = reads + posts + commits
    print(f"machine: {machine()}")
    print(f"Bluesky poll pass over {N} new mentions (SQLite, Bluesky and Slack emulators; median of {ROUNDS}):")
    print(f"  real pass: {real * 1000:.0f} ms = {real / N * 1000:.2f} ms/post")
    print(f"  floor: bare SDK reads {reads * 1000:.0f} ms + {3 * N} bare commits {commits * 1000:.0f} ms + {N} bare "
          f"chat.postMessage {posts * 1000:.0f} ms = {floor * 1000:.0f} ms ({floor / N * 1000:.2f} ms/post) · "
          f"ratio {real / floor:.2f}x")
    print(f"  Bluesky's share: the adapter's read {adapter_read * 1000:.0f} ms beside the bare SDK reads "
          f"{reads * 1000:.0f} ms ({adapter_read / reads:.2f}x); the rest is the shared ingest path (bench/ingest.py)")
    print("  post → Slack root: the wait for the next poll (POLL_INTERVAL, 60 s by default: 30 s on average) "
          f"+ this pass ({real * 1000:.0f} ms for {N} posts)")


if __name__ == "__main__":
    main()
