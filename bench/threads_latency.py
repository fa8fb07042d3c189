"""Threads post → Slack root latency on the emulators, by push and by polling,
each beside its floor measured in the same run.

Push: 50 customer replies under a brand post, one at a time, delivered by the
Threads emulator to the real web app (`replies` webhook signed X-Hub-Signature-256,
as Meta sends), timed from the push to the moment the Slack emulator stored the
root; no worker runs (`web` publishes right after answering). Floor: the same
delivery to a bare Flask route that checks the signature and answers, plus one
bare `chat.postMessage` to the Slack emulator.

Polling: 30 passes, each finding one new reply (the brand's posts, each one's
conversation and the mentions read, the reply recorded and posted), timed from
the pass's start to its end; the POLL_INTERVAL between passes is not counted.
Floor: the same three bare GETs plus one bare `chat.postMessage`.

Run: .venv/bin/python bench/threads_latency.py
"""
from __future__ import annotations

import hashlib
import hmac
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests  # noqa: E402
from flask import Flask, request  # noqa: E402
from slack_sdk import WebClient  # noqa: E402

from bench._common import emulated_deps, machine, sqlite_url, push_and_poll_lines  # noqa: E402
from bot.inbound.poll import poll  # noqa: E402
from sandbox.serve import BackgroundServer  # noqa: E402
from sandbox.threads_emulator import ThreadsState, create_threads_emulator  # noqa: E402
from service.bolt_app import build_bolt_app  # noqa: E402
from service.web import create_web_app  # noqa: E402

PUSHED, POLLED = 50, 30


def _bare_route(secret: str) -> BackgroundServer:
    app = Flask("floor")

    @app.post("/webhooks/meta")
    def receive():
        expected = "sha256=" + hmac.new(secret.encode(), request.get_data(), hashlib.sha256).hexdigest()
        return ("", 200) if hmac.compare_digest(request.headers.get("X-Hub-Signature-256", ""), expected) else ("", 401)
    return BackgroundServer(app).start()


def main() -> None:
    th = ThreadsState()
    th_server = BackgroundServer(create_threads_emulator(th)).start()
    deps, slack, _ = emulated_deps(sqlite_url(), THREADS_API_URL=f"{th_server.url}/v1.0", THREADS_USER_ID=th.user_id,
                                   THREADS_TOKEN=th.token, THREADS_APP_SECRET=th.app_secret,
                                   X_API_KEY="")   # X off: a pass polls Threads' two feeds alone
    server = BackgroundServer(create_web_app(deps, build_bolt_app(deps))).start()
    floor_server = _bare_route(th.app_secret)
    client = WebClient(token=slack.token, base_url=deps.settings.slack_api_url)
    post = th.brand_posts("Our winter boots are back in stock")
    pushed, pushed_floor = [], []
    for i in range(PUSHED):
        th.webhook_url = server.url + "/webhooks/meta"
        before = len(slack.roots("C0SUPPORT"))
        start = time.perf_counter()
        th.customer_replies(f"customer{i}", f"reply number {i}", reply_to=post["id"])
        while len(slack.roots("C0SUPPORT")) == before:
            time.sleep(0.0005)  # a benchmark may poll; tests never sleep
        pushed.append((time.perf_counter() - start) * 1000)
        th.webhook_url = floor_server.url + "/webhooks/meta"
        start = time.perf_counter()
        th.customer_replies(f"floor{i}", f"floor reply {i}", reply_to=post["id"])
        client.chat_postMessage(channel="C0SUPPORT", text=f"floor {i}")
        pushed_floor.append((time.perf_counter() - start) * 1000)
    assert all(code == 200 for code in th.webhook_answers), set(th.webhook_answers)

    th.webhook_url = None
    now = datetime.now(timezone.utc)
    poll(deps, now)  # the floor replies of the push run, recorded once; not timed
    api, auth = f"{th_server.url}/v1.0", {"Authorization": f"Bearer {th.token}"}
    polled, polled_floor = [], []
    moment = [now]
    th.clock = lambda: moment[0].timestamp()   # the emulator's posts carry the passes' clock
    for i in range(POLLED):
        now += timedelta(minutes=2)
        moment[0] = now
        th.customer_replies(f"polled{i}", f"polled reply {i}", reply_to=post["id"], push=False)
        before = len(slack.roots("C0SUPPORT"))
        start = time.perf_counter()
        poll(deps, now)
        polled.append((time.perf_counter() - start) * 1000)
        assert len(slack.roots("C0SUPPORT")) == before + 1
        start = time.perf_counter()
        requests.get(f"{api}/{th.user_id}/threads", params={"fields": "id,timestamp", "limit": 10}, headers=auth,
                     timeout=5)
        requests.get(f"{api}/{post['id']}/conversation", params={"limit": 50}, headers=auth, timeout=5)
        requests.get(f"{api}/{th.user_id}/mentions", params={"limit": 50}, headers=auth, timeout=5)
        client.chat_postMessage(channel="C0SUPPORT", text=f"floor poll {i}")
        polled_floor.append((time.perf_counter() - start) * 1000)

    print(f"machine: {machine()}")
    print("Threads post → Slack root, Threads and Slack emulators on loopback, SQLite, no worker:")
    print(push_and_poll_lines(pushed, pushed_floor, polled, polled_floor, f"{PUSHED}, one at a time",
                              f"{POLLED} passes, one new reply each; POLL_INTERVAL between passes not counted"))
    for s in (server, floor_server, th_server):
        s.stop()


if __name__ == "__main__":
    main()
