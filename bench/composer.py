"""The composer, end to end in the sandbox's emulators (issue 22): from the
✍️ Reply press (views.open) through one keystroke (views.update with the count
and the reply check) and Send (view_submission) to the reply stored by the X
emulator — beside the floor, the same reply typed in the thread (a signed
message event → outbox → X). SEND_DELAY=0, SQLite, the bot's own web app on
loopback with its lazy listeners joined, never slept on.

Run: .venv/bin/python bench/composer.py [replies]
"""
from __future__ import annotations

import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor, wait
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class JoinedExecutor(ThreadPoolExecutor):
    """Bolt's lazy listeners run here; the bench joins them instead of polling."""

    def __init__(self):
        super().__init__(max_workers=4)
        self.futures = []

    def submit(self, fn, *args, **kwargs):
        future = super().submit(fn, *args, **kwargs)
        self.futures.append(future)
        return future

    def join(self) -> None:
        while pending := [f for f in self.futures if not f.done()]:
            wait(pending, timeout=30)
        for future in self.futures:
            future.result()
        self.futures.clear()


def main(n: int) -> None:
    from bench._common import emulated_deps, machine, sqlite_url
    from bot.desk.composer import TEXT_ACTION
    from bot.inbound.poll import poll
    from sandbox.serve import BackgroundServer
    from sandbox.slack_views import open_modals, user_edits, user_submits
    from service.bolt_app import build_bolt_app
    from service.web import create_web_app

    deps, slack, x = emulated_deps(sqlite_url(), SEND_DELAY="0s")
    executor = JoinedExecutor()
    server = BackgroundServer(create_web_app(deps, build_bolt_app(deps, executor=executor), executor=executor)).start()
    slack.events_url = server.url + "/slack/events"
    tweets = [x.customer_mentions(f"customer{i}", f"@acme_support order {i} is late") for i in range(2 * n)]
    poll(deps, deps.clock())
    composer_ms, typed_ms = [], []
    for i, tweet in enumerate(tweets):
        root = next(r for r in slack.roots("C0SUPPORT") if f"order {i} is late" in r["text"])
        reply = f"Sorry, order {i} leaves today."
        started = time.perf_counter()
        if i % 2 == 0:
            current = slack.find("C0SUPPORT", root["ts"])
            block = next(b for a in current["attachments"] for b in a["blocks"] if b["type"] == "actions")
            slack.user_acts("U0ALICE", "C0SUPPORT", root["ts"], {
                "type": "button", "action_id": "conv_compose", "block_id": block["block_id"],
                "value": next(e["value"] for e in block["elements"] if e.get("action_id") == "conv_compose")})
            executor.join()                                   # views.open
            view_id = open_modals(slack, "U0ALICE")[-1]["view"]["id"]
            user_edits(slack, view_id, TEXT_ACTION, reply)
            executor.join()                                   # views.update: count and findings
            user_submits(slack, view_id)
            executor.join()                                   # recorded, shown, sent
            composer_ms.append((time.perf_counter() - started) * 1000)
        else:
            slack.user_posts("U0ALICE", "C0SUPPORT", reply, thread_ts=root["ts"])
            executor.join()
            typed_ms.append((time.perf_counter() - started) * 1000)
        assert [t["text"] for t in x.replies_to(tweet["id"])] == [f"@customer{i} {reply}"], i
    server.stop()
    executor.shutdown()
    print(f"composer: press ✍️ Reply → views.open → one keystroke (views.update) → Send → reply on X: "
          f"median {statistics.median(composer_ms):.0f} ms, max {max(composer_ms):.0f} ms over {len(composer_ms)}")
    print(f"floor, the same reply typed in the thread (message event → X): "
          f"median {statistics.median(typed_ms):.0f} ms, max {max(typed_ms):.0f} ms over {len(typed_ms)}")
    print(f"(the press, one keystroke and Send are three signed requests against the floor's one, with views.open, "
          f"views.update and the root's repaints between; typing time excluded) · {machine()}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
