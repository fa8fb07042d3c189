"""Review → Slack root latency on the emulators, by push and by polling, each
beside its floor measured in the same run.

Push: 100 Trustpilot reviews, one at a time, delivered by the Trustpilot
emulator to the real web app (basic-auth subscription URL, as Trustpilot
sends), timed from the push to the moment the Slack emulator stored the root;
no worker runs (`web` publishes right after answering). Floor: the same
delivery to a bare Flask route that checks the secret and answers, plus one
bare `chat.postMessage` to the Slack emulator.

Polling: 50 passes, each finding one new review (the reviews page read, the
review recorded and posted), timed from the pass's start to its end; its pace
between passes (5 minutes, Trustpilot's yearly allowance) is not counted.
Floor: one bare GET of the reviews page (with a token) plus one bare
`chat.postMessage`.

Run: .venv/bin/python bench/review_latency.py
"""
from __future__ import annotations

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
from sandbox.trustpilot_emulator import TrustpilotState, create_trustpilot_emulator  # noqa: E402
from service.bolt_app import build_bolt_app  # noqa: E402
from service.web import create_web_app  # noqa: E402

PUSHED, POLLED = 100, 50


def _bare_route() -> BackgroundServer:
    app = Flask("floor")

    @app.post("/webhooks/trustpilot")
    def receive():
        auth = request.authorization
        return ("", 200) if auth and auth.password else ("", 401)
    return BackgroundServer(app).start()


def main() -> None:
    tp = TrustpilotState()
    tp_server = BackgroundServer(create_trustpilot_emulator(tp)).start()
    deps, slack, _ = emulated_deps(sqlite_url(), TRUSTPILOT_API_URL=f"{tp_server.url}/v1",
                                   TRUSTPILOT_API_KEY=tp.api_key, TRUSTPILOT_API_SECRET=tp.api_secret,
                                   TRUSTPILOT_BUSINESS_UNIT_ID=tp.business_unit_id, TRUSTPILOT_USERNAME=tp.username,
                                   TRUSTPILOT_PASSWORD=tp.password, TRUSTPILOT_WEBHOOK_SECRET=tp.webhook_secret)
    server = BackgroundServer(create_web_app(deps, build_bolt_app(deps))).start()
    floor_server = _bare_route()
    client = WebClient(token=slack.token, base_url=deps.settings.slack_api_url)
    pushed, pushed_floor = [], []
    for i in range(PUSHED):
        tp.webhook_url = tp.subscription_url(server.url)
        before = len(slack.roots("C0SUPPORT"))
        start = time.perf_counter()
        tp.review(f"Reviewer {i}", 1 + i % 5, f"review number {i}")
        while len(slack.roots("C0SUPPORT")) == before:
            time.sleep(0.0005)  # a benchmark may poll; tests never sleep
        pushed.append((time.perf_counter() - start) * 1000)
        tp.webhook_url = tp.subscription_url(floor_server.url)
        start = time.perf_counter()
        tp.review(f"Floor {i}", 3, f"floor review {i}")
        client.chat_postMessage(channel="C0SUPPORT", text=f"floor {i}")
        pushed_floor.append((time.perf_counter() - start) * 1000)
    assert all(code == 200 for code in tp.webhook_answers), set(tp.webhook_answers)

    tp.webhook_url = None
    now = datetime.now(timezone.utc)
    poll(deps, now)  # the floor reviews of the push run, recorded once; not timed
    token = requests.post(f"{tp_server.url}/v1/oauth/oauth-business-users-for-applications/accesstoken",
                          auth=(tp.api_key, tp.api_secret), timeout=5,
                          data={"grant_type": "password", "username": tp.username, "password": tp.password}).json()
    polled, polled_floor = [], []
    for i in range(POLLED):
        now += timedelta(minutes=6)
        tp.review(f"Polled {i}", 2, f"polled review {i}", push=False)
        before = len(slack.roots("C0SUPPORT"))
        start = time.perf_counter()
        poll(deps, now)
        polled.append((time.perf_counter() - start) * 1000)
        assert len(slack.roots("C0SUPPORT")) == before + 1
        start = time.perf_counter()
        requests.get(f"{tp_server.url}/v1/private/business-units/{tp.business_unit_id}/reviews", timeout=5,
                     params={"perPage": 100}, headers={"Authorization": f"Bearer {token['access_token']}"})
        client.chat_postMessage(channel="C0SUPPORT", text=f"floor poll {i}")
        polled_floor.append((time.perf_counter() - start) * 1000)

    print(f"machine: {machine()}")
    print("review → Slack root, Trustpilot and Slack emulators on loopback, SQLite, no worker:")
    print(push_and_poll_lines(pushed, pushed_floor, polled, polled_floor, f"{PUSHED}, one at a time",
                              f"{POLLED} passes, one new review each; the 5-minute pace not counted"))
    for s in (server, floor_server, tp_server):
        s.stop()


if __name__ == "__main__":
    main()
