"""Yelp review → Slack root latency by polling (Yelp has no push), on the
emulators, beside its floor measured in the same run.

50 polling passes, each finding one new review among the business's three
excerpts (the reviews read, the review recorded and posted), timed from the
pass's start to its end; the pace between passes (at least 5 minutes, the
day's Places quota spread over the businesses) is not counted — it is what a
customer waits on average, half of it, before the pass. Floor: one bare GET
of the reviews (with the API key) plus one bare `chat.postMessage`.

Run: .venv/bin/python bench/yelp_latency.py
"""
from __future__ import annotations

import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests  # noqa: E402
from slack_sdk import WebClient  # noqa: E402

from bench._common import emulated_deps, machine, percentile, sqlite_url  # noqa: E402
from bot.inbound.poll import poll  # noqa: E402
from sandbox.serve import BackgroundServer  # noqa: E402
from sandbox.yelp_emulator import YelpState, create_yelp_emulator  # noqa: E402

POLLED = 50


def main() -> None:
    yelp = YelpState(daily_limit=100_000)
    business = yelp.business("Acme Diner")
    server = BackgroundServer(create_yelp_emulator(yelp)).start()
    deps, slack, _ = emulated_deps(sqlite_url(), YELP_API_URL=server.url, YELP_API_KEY=yelp.api_key,
                                   YELP_BUSINESS_IDS=business, YELP_TIMEZONE=yelp.zone)
    client = WebClient(token=slack.token, base_url=deps.settings.slack_api_url)
    now = datetime.now(timezone.utc)
    poll(deps, now)   # the business's name looked up once per process; not timed
    polled, floor = [], []
    for i in range(POLLED):
        now += timedelta(minutes=6)
        yelp.review(business, f"Reviewer {i}", 1 + i % 5, f"polled review number {i}")
        before = len(slack.roots("C0SUPPORT"))
        start = time.perf_counter()
        poll(deps, now)
        polled.append((time.perf_counter() - start) * 1000)
        assert len(slack.roots("C0SUPPORT")) == before + 1
        start = time.perf_counter()
        requests.get(f"{server.url}/v3/businesses/{business}/reviews", timeout=5,
                     headers={"Authorization": f"Bearer {yelp.api_key}"})
        client.chat_postMessage(channel="C0SUPPORT", text=f"floor poll {i}")
        floor.append((time.perf_counter() - start) * 1000)
    print(f"machine: {machine()}")
    print(f"Yelp review → Slack root by polling ({POLLED} passes, one new review each; the ≥ 5-minute pace not "
          f"counted), Yelp and Slack emulators on loopback, SQLite, X polled too: p50 {percentile(polled, 50):.1f} ms · "
          f"p99 {percentile(polled, 99):.1f} ms · floor p50 {percentile(floor, 50):.1f} ms · p99 "
          f"{percentile(floor, 99):.1f} ms")
    server.stop()


if __name__ == "__main__":
    main()
