"""Slack ack latency for 50 staff replies while the X emulator takes 2 s per
reply: signed Bolt requests to the real web app; the X call happens after the ack.

Run: .venv/bin/python bench/ack_latency.py
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests  # noqa: E402

from bench._common import emulated_deps, machine, percentile, sqlite_url  # noqa: E402
from service.bolt_app import build_bolt_app  # noqa: E402
from bot.inbound.poll import poll  # noqa: E402
from service.web import create_web_app  # noqa: E402
from sandbox.serve import BackgroundServer  # noqa: E402
from sandbox.slack_signing import event_envelope, json_request  # noqa: E402

N = 50


def main() -> None:
    deps, slack, x = emulated_deps(sqlite_url())
    for i in range(N):
        x.customer_mentions(f"cust{i}", f"@acme_support question {i}")
    poll(deps, deps.clock())
    roots = slack.roots("C0SUPPORT")
    x.reply_delay_s = 2.0
    server = BackgroundServer(create_web_app(deps, build_bolt_app(deps))).start()
    url = server.url + "/slack/events"
    http = requests.Session()
    latencies = []
    for root in roots:
        message = slack.user_posts("U0ALICE", "C0SUPPORT", f"Thanks, {root['ts']} — on it", root["ts"], deliver=False)
        body, headers = json_request(slack.signing_secret, event_envelope({**message, "event_ts": message["ts"]}))
        start = time.perf_counter()
        response = http.post(url, data=body, headers=headers, timeout=10)
        latencies.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.text
    print(f"machine: {machine()}")
    print(f"Slack ack latency, {len(latencies)} staff replies, X emulator 2 s per reply, SQLite:")
    print(f"  p50 {percentile(latencies, 50):.1f} ms · p99 {percentile(latencies, 99):.1f} ms · max {max(latencies):.1f} ms"
          f" · target p99 < 100 ms: {'met' if percentile(latencies, 99) < 100 else 'NOT met'}")


if __name__ == "__main__":
    main()
