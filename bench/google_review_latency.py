"""Google review → Slack root latency on the emulators, by Pub/Sub push and by polling, each beside its
floor measured in the same run.

Push: 100 Google reviews, one at a time, pushed by the Google emulator to the real web app (an RS256 OIDC token
verified by google-auth — Google's certificates kept between pushes — then the review read, recorded and posted),
timed from the push to the moment the Slack emulator stored the root; no worker runs. Floor: the same push to a
bare Flask route that answers at once, plus the one review GET and one bare `chat.postMessage` the real path
cannot avoid.

Polling: 50 passes, each finding one new review at the first of two locations (two reviews pages read, the review
recorded and posted), timed from the pass's start to its end. Floor: two bare GETs of a reviews page plus one
bare `chat.postMessage`.

Run once: .venv/bin/python bench/google_review_latency.py
"""
from __future__ import annotations

import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests  # noqa: E402
from flask import Flask  # noqa: E402
from slack_sdk import WebClient  # noqa: E402

from bench._common import emulated_deps, machine, sqlite_url, push_and_poll_lines  # noqa: E402
from bot.inbound.poll import poll  # noqa: E402
from sandbox.google_emulator import GoogleState, create_google_emulator  # noqa: E402
from sandbox.serve import BackgroundServer  # noqa: E402
from service.bolt_app import build_bolt_app  # noqa: E402
from service.web import create_web_app  # noqa: E402

PUSHED, POLLED = 100, 50


def _bare_route() -> BackgroundServer:
    app = Flask("floor")
    app.post("/webhooks/google")(lambda: ("", 200))
    return BackgroundServer(app).start()


def main() -> None:
    gbp = GoogleState()
    gbp_server = BackgroundServer(create_google_emulator(gbp)).start()
    deps, slack, _ = emulated_deps(
        sqlite_url(), GBP_API_URL=f"{gbp_server.url}/v4", GOOGLE_OAUTH_URL=f"{gbp_server.url}/token",
        GOOGLE_CERTS_URL=f"{gbp_server.url}/oauth2/v1/certs", GBP_ACCOUNT_ID=gbp.account_id,
        GBP_LOCATION_IDS=",".join(gbp.location_ids), GOOGLE_CLIENT_ID=gbp.client_id,
        GOOGLE_CLIENT_SECRET=gbp.client_secret, GOOGLE_REFRESH_TOKEN=gbp.refresh_token,
        GOOGLE_PUSH_AUDIENCE=gbp.push_audience, GOOGLE_PUSH_SERVICE_ACCOUNT=gbp.push_service_account)
    server = BackgroundServer(create_web_app(deps, build_bolt_app(deps))).start()
    floor_server = _bare_route()
    client = WebClient(token=slack.token, base_url=deps.settings.slack_api_url)
    token = requests.post(f"{gbp_server.url}/token", timeout=5, data={
        "grant_type": "refresh_token", "client_id": gbp.client_id, "client_secret": gbp.client_secret,
        "refresh_token": gbp.refresh_token}).json()["access_token"]
    bearer = {"Authorization": f"Bearer {token}"}
    pushed, pushed_floor = [], []
    for i in range(PUSHED):
        gbp.webhook_url = server.url + "/webhooks/google"
        before = len(slack.roots("C0SUPPORT"))
        start = time.perf_counter()
        gbp.review(f"Reviewer {i}", 1 + i % 5, f"review number {i}")
        while len(slack.roots("C0SUPPORT")) == before:
            time.sleep(0.0005)  # a benchmark may poll; tests never sleep
        pushed.append((time.perf_counter() - start) * 1000)
        gbp.webhook_url = floor_server.url + "/webhooks/google"
        start = time.perf_counter()
        review = gbp.review(f"Floor {i}", 3, f"floor review {i}")
        requests.get(f"{gbp_server.url}/v4/{review['name']}", headers=bearer, timeout=5)
        client.chat_postMessage(channel="C0SUPPORT", text=f"floor {i}")
        pushed_floor.append((time.perf_counter() - start) * 1000)
    assert all(code == 200 for code in gbp.webhook_answers), set(gbp.webhook_answers)

    gbp.webhook_url = None
    now = datetime.now(timezone.utc)
    poll(deps, now)  # the floor reviews of the push run, recorded once; not timed
    polled, polled_floor = [], []
    for i in range(POLLED):
        now += timedelta(minutes=2)
        gbp.review(f"Polled {i}", 2, f"polled review {i}", push=False)
        before = len(slack.roots("C0SUPPORT"))
        start = time.perf_counter()
        poll(deps, now)
        polled.append((time.perf_counter() - start) * 1000)
        assert len(slack.roots("C0SUPPORT")) == before + 1
        start = time.perf_counter()
        for location in gbp.location_ids:
            requests.get(f"{gbp_server.url}/v4/accounts/{gbp.account_id}/locations/{location}/reviews",
                         params={"pageSize": 50}, headers=bearer, timeout=5)
        client.chat_postMessage(channel="C0SUPPORT", text=f"floor poll {i}")
        polled_floor.append((time.perf_counter() - start) * 1000)

    print(f"machine: {machine()}")
    print("Google review → Slack root, Google and Slack emulators on loopback, SQLite, no worker:")
    print(push_and_poll_lines(pushed, pushed_floor, polled, polled_floor, f"{PUSHED}, one at a time",
                              f"{POLLED} passes, two locations, one new review each"))
    for s in (server, floor_server, gbp_server):
        s.stop()


if __name__ == "__main__":
    main()
