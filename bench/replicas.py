"""Deliver throughput with 1 and with 3 real `socialdesk worker` processes on
one PostgreSQL, while the emulated X takes 100 ms per reply: N pending replies,
the time until X has every one, and the ratio (target >= 2.5x). Each worker
claims a row with one conditional UPDATE and, on PostgreSQL, picks the next
due row with FOR UPDATE SKIP LOCKED, so workers do not queue behind each
other's rows.

Run: .venv/bin/python bench/replicas.py
"""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select  # noqa: E402

from bench._common import emulated_deps, machine, throwaway_postgres  # noqa: E402
from bot.store.models import Conversation  # noqa: E402
from bot.inbound.poll import poll  # noqa: E402
from bot.outbound.relay import record_staff_message  # noqa: E402

N = 300
DELAY_S = 0.1


def seed(url: str):
    deps, slack, x = emulated_deps(url, REPLY_CHECK="off", LOG_LEVEL="WARNING")
    x.limits.update(create=100_000, mentions=100_000)
    tweets = [x.customer_mentions(f"c{n}", f"@acme_support help {n}") for n in range(N)]
    poll(deps, deps.clock())
    with deps.sessions() as session:
        for conv in session.scalars(select(Conversation).order_by(Conversation.id)):
            said = slack.user_posts("U0ALICE", "C0SUPPORT", f"Hi, on it ({conv.id})", thread_ts=conv.slack_root_ts,
                                    deliver=False, escape=False)  # in Slack too: 📤 lands on it once sent
            record_staff_message(session, deps, conv.slack_channel, conv.slack_root_ts, said["ts"],
                                 "U0ALICE", said["text"], deps.clock())
        session.commit()
    x.reply_delay_s = DELAY_S
    return deps, x, [t["id"] for t in tweets]


def sent(x, ids) -> int:
    wanted = set(ids)
    with x.lock:
        return len({r["id"] for t in x.tweets.values() for r in t.get("referenced_tweets", [])
                    if r["type"] == "replied_to" and r["id"] in wanted})


def run(workers: int) -> float:
    with throwaway_postgres() as url:
        if url is None:
            raise SystemExit("PostgreSQL on 127.0.0.1:5432 did not answer; this bench needs it")
        deps, x, ids = seed(url)
        env = {**os.environ, "DATABASE_URL": url, "SLACK_BOT_TOKEN": deps.settings.slack_bot_token,
               "SLACK_API_URL": deps.settings.slack_api_url, "SLACK_CHANNEL": "C0SUPPORT",
               "X_API_URL": deps.settings.x.api_url, "X_API_KEY": x.api_key, "X_API_SECRET": x.api_secret,
               "X_ACCESS_TOKEN": x.access_token, "X_ACCESS_TOKEN_SECRET": x.access_token_secret,
               "POLL_INTERVAL": "1h", "LOG_LEVEL": "WARNING"}
        launched = time.monotonic()
        processes = [subprocess.Popen([sys.executable, "-m", "bot", "worker"], env=env) for _ in range(workers)]
        pause = threading.Event()
        try:
            while sent(x, ids) == 0:  # start-up (imports, connections) is not delivery: the clock starts here
                pause.wait(0.02)
            started, first = time.monotonic(), sent(x, ids)
            while sent(x, ids) < N:
                if time.monotonic() - launched > 300:
                    raise SystemExit(f"{workers} worker(s): only {sent(x, ids)} of {N} sent in 300 s")
                pause.wait(0.05)
            took = (time.monotonic() - started) * N / (N - first)
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                process.wait(timeout=30)
        deps.sessions.kw["bind"].dispose()
        return took


def main() -> None:
    print(f"machine: {machine()}")
    print(f"deliver throughput, {N} pending replies, emulated X taking {DELAY_S * 1000:.0f} ms per reply, "
          "PostgreSQL, real worker processes (timed from the first reply X receives):")
    one = run(1)
    print(f"  1 worker:  {one:.1f} s · {N / one:.1f} replies/s")
    three = run(3)
    print(f"  3 workers: {three:.1f} s · {N / three:.1f} replies/s")
    ratio = one / three
    print(f"  ratio {ratio:.2f}x · target >= 2.5x: {'met' if ratio >= 2.5 else 'NOT met'}")


if __name__ == "__main__":
    main()
