"""A surge at Slack's own limit: N customers (default 300) mention the brand
within S seconds (default 30), each pushed by X's signed webhook to the real
`web`, while the Slack emulator enforces one chat.postMessage a second per
channel with a burst (default 5), answering 429 + Retry-After as Slack does.

Printed: the time from the first arrival until every thread is in Slack,
beside the limit's own floor (each post made the moment it has arrived and
the channel has a token: sandbox.slack_ratelimit.floor), their ratio,
whether the threads are in arrival order, each once, and the 429 count.

Slack's clock runs `--speed` times faster than the wall (default 10, so a
run takes ~30 s instead of 5 min): the emulator's bucket, its Retry-After
and the bot's pacer all read and wait on that one clock; the arrivals are
spread over S seconds of it. --speed 1 runs in real time.

Run: .venv/bin/python bench/surge.py [--posts 300] [--seconds 30] [--burst 5] [--speed 10]
"""
from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import emulated_deps, machine, sqlite_url, throwaway_postgres  # noqa: E402
from sandbox.serve import BackgroundServer  # noqa: E402
from sandbox.slack_ratelimit import floor  # noqa: E402
from service.bolt_app import build_bolt_app  # noqa: E402
from service.web import create_web_app  # noqa: E402


class FastClock:
    """Seconds that pass `speed` times faster than the wall's."""

    def __init__(self, speed: float):
        self.speed, self.start = speed, time.time()

    def __call__(self) -> float:
        return self.start + (time.time() - self.start) * self.speed

    def sleep(self, seconds: float) -> None:
        time.sleep(max(0.0, seconds) / self.speed)


def run(label: str, url: str, args) -> None:
    deps, slack, x = emulated_deps(url)
    clock = FastClock(args.speed)
    slack.clock = clock
    slack.rate_limit_per_channel, slack.burst = 1.0, args.burst
    deps.slack.pacer.clock, deps.slack.pacer.sleep = clock, clock.sleep
    posted: list[float] = []
    slack.on_post = lambda message: posted.append(clock())
    server = BackgroundServer(create_web_app(deps, build_bolt_app(deps))).start()
    x.webhook_url = server.url + "/webhooks/x"
    names = [f"surge{i:03d}" for i in range(args.posts)]
    for name in names:
        x.add_user(name)
    arrivals: list[float] = []
    first = clock()
    for i, name in enumerate(names):  # evenly over S seconds of Slack's clock
        due = first + i * args.seconds / args.posts
        if due > clock():
            clock.sleep(due - clock())
        arrivals.append(clock())
        x.customer_mentions(name, f"@acme_support {name}: my parcel never came")
    assert x.webhook_answers == [200] * len(names), "a delivery was refused"
    done = threading.Event()
    while len(slack.roots("C0SUPPORT")) < len(names) and not done.wait(0.05):  # a benchmark may poll
        if clock() - first > 20 * args.posts:
            raise SystemExit(f"{label}: only {len(slack.roots('C0SUPPORT'))} of {len(names)} threads")
    server.stop()
    roots = slack.roots("C0SUPPORT")
    shown = [next((n for n in names if f"@{n}" in json.dumps(r)), None) for r in roots]
    if shown != names:
        print("    shown:", shown[:8], "…")
    took = max(posted) - min(arrivals)
    least = floor(arrivals, 1.0, args.burst)
    in_order = "in arrival order" if shown == names else "NOT in arrival order"
    once = "each once" if len(set(shown)) == len(shown) == len(names) else "NOT each once"
    print(f"  {label:10} all {len(names)} threads in Slack after {took:6.1f} s (floor {least:6.1f} s, "
          f"{took / least:4.2f}×) · {in_order}, {once} · {slack.ratelimited} × 429 "
          f"({slack.ratelimited / len(names):.1%} of posts)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--burst", type=int, default=5)
    parser.add_argument("--speed", type=float, default=10)
    parser.add_argument("--sqlite-only", action="store_true")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    print(f"{args.posts} customers by X webhook within {args.seconds:g} s; Slack enforcing 1 post/s per channel, "
          f"burst {args.burst}; Slack's clock at {args.speed:g}× the wall's; emulators on loopback:")
    run("SQLite", sqlite_url(), args)
    if not args.sqlite_only:
        with throwaway_postgres() as pg:
            if pg:
                run("PostgreSQL", pg, args)


if __name__ == "__main__":
    main()
