"""Slack ack latency of a staff thread reply, beside its floor, in one run.

floor      — bare Bolt + Flask under the same embedded gunicorn as `socialdesk
             web` (1 worker, gthread), whose message listener acks after one
             durable SQLite commit (WAL, synchronous=NORMAL, BEGIN IMMEDIATE:
             socialdesk's settings) — the one write a reply needs before its ack.
socialdesk — the real `socialdesk web` process (WEB_CONCURRENCY=1) on the same
             machine, its Slack and X emulators on loopback, X taking 2 s per
             reply (the send happens after the ack).

Each gets the same signed staff thread replies (one per conversation, sent
one at a time, the two servers alternating so both see the same machine
noise; 5 warm-up events each are not counted). Printed: p50/p99 of each and
socialdesk's ratio to the floor; target p99 ≤ 3× the floor.

Run: .venv/bin/python bench/ack_latency.py [N] [--saved]   (N ≥ 50 events each, default 60)
--saved: socialdesk gets `!thanks on it` (a saved reply with {first_name} and
{agent}, expanded after the ack) instead of typed text; the floor is unchanged.
"""
from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

WARM_UP = 5


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- the floor: a child process serving bare Bolt -----------------------------------

def floor_app(db_path: str, signing_secret: str, slack_api_url: str):
    from flask import Flask, request
    from slack_bolt import App
    from slack_bolt.adapter.flask import SlackRequestHandler
    from slack_sdk import WebClient

    connection = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False, timeout=15)
    for pragma in ("journal_mode=WAL", "busy_timeout=15000", "synchronous=NORMAL"):
        connection.execute(f"PRAGMA {pragma}")
    connection.execute("CREATE TABLE IF NOT EXISTS reply (channel TEXT, ts TEXT, text TEXT, UNIQUE (channel, ts))")
    import threading
    lock = threading.Lock()
    bolt = App(signing_secret=signing_secret, client=WebClient(token="xoxb-sandbox-token", base_url=slack_api_url),
               process_before_response=True, token_verification_enabled=False)

    @bolt.event("message")
    def record(event):
        with lock:  # one connection, one writer at a time (socialdesk's BEGIN IMMEDIATE)
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("INSERT OR IGNORE INTO reply VALUES (?, ?, ?)",
                               (event["channel"], event["ts"], event.get("text", "")))
            connection.execute("COMMIT")

    flask = Flask("floor")
    handler = SlackRequestHandler(bolt)
    flask.add_url_rule("/slack/events", "events", lambda: handler.handle(request), methods=["POST"])
    flask.add_url_rule("/healthz", "healthz", lambda: {"ok": True})
    return flask


def serve_floor(port: int, db_path: str, signing_secret: str, slack_api_url: str) -> None:
    from service.server import serve
    serve(lambda: floor_app(db_path, signing_secret, slack_api_url), port, workers=1)


# -- the run -------------------------------------------------------------------------

def _wait_for(url: str, process: subprocess.Popen) -> None:
    for _ in range(600):
        if process.poll() is not None:
            raise SystemExit(f"{url}: the server exited ({process.returncode})")
        try:
            if requests.get(url, timeout=5).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):
            pass  # still starting (a loaded machine may take a while to answer its first request)
        time.sleep(0.05)  # a benchmark may poll; tests never sleep
    raise SystemExit(f"{url} never answered")


def main(n: int, saved: bool = False) -> None:
    from bench._common import emulated_deps, machine, percentile, sqlite_url
    from bot.inbound.poll import poll
    from sandbox.slack_signing import event_envelope, json_request

    url = sqlite_url()
    deps, slack, x = emulated_deps(url)
    for i in range(n + WARM_UP):
        x.customer_mentions(f"cust{i}", f"@acme_support question {i}")
    poll(deps, deps.clock())
    roots = slack.roots("C0SUPPORT")
    assert len(roots) == n + WARM_UP, len(roots)
    x.reply_delay_s = 2.0
    if saved:
        from bot.store.saved_replies import put_saved_reply
        with deps.sessions() as session:
            put_saved_reply(session, "thanks", "Thanks {first_name}, {agent} here", False, "U0ALICE", deps.clock())
            session.commit()
    settings = deps.settings
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "X_", "DATABASE_URL"))}
    env.update(DATABASE_URL=url, SLACK_BOT_TOKEN=slack.token, SLACK_SIGNING_SECRET=slack.signing_secret,
               SLACK_API_URL=settings.slack_api_url, SLACK_CHANNEL="C0SUPPORT", X_API_URL=deps.adapters["x"]._settings.api_url,
               X_API_KEY=x.api_key, X_API_SECRET=x.api_secret, X_ACCESS_TOKEN=x.access_token,
               X_ACCESS_TOKEN_SECRET=x.access_token_secret, BACKFILL="all", WEB_CONCURRENCY="1",
               PYTHONPATH=str(ROOT))
    web_port, floor_port = _free_port(), _free_port()
    floor_db = os.path.join(tempfile.mkdtemp(prefix="socialdesk-floor-"), "floor.db")
    log = open(os.path.join(tempfile.mkdtemp(prefix="socialdesk-ack-"), "servers.log"), "w")
    quiet = dict(stdout=log, stderr=log, env=env, cwd=tempfile.mkdtemp())
    web = subprocess.Popen([sys.executable, "-m", "bot", "web", "--port", str(web_port)], **quiet)
    floor = subprocess.Popen([sys.executable, __file__, "--floor", str(floor_port), floor_db, slack.signing_secret,
                              settings.slack_api_url], **quiet)
    try:
        _wait_for(f"http://127.0.0.1:{web_port}/healthz", web)
        _wait_for(f"http://127.0.0.1:{floor_port}/healthz", floor)
        http = requests.Session()
        timings: dict[str, list[float]] = {"floor": [], "socialdesk": []}
        for i, root in enumerate(roots):
            text = f"!thanks on it {root['ts']}" if saved else f"Thanks, {root['ts']} — on it"
            message = slack.user_posts("U0ALICE", "C0SUPPORT", text, root["ts"], deliver=False)
            payload = event_envelope({**message, "event_ts": message["ts"], "channel_type": "channel"},
                                     slack.team_id, slack.bot_user_id)
            order = [("floor", floor_port), ("socialdesk", web_port)]
            for name, port in order if i % 2 else order[::-1]:
                body, headers = json_request(slack.signing_secret, payload)
                start = time.perf_counter()
                response = http.post(f"http://127.0.0.1:{port}/slack/events", data=body, headers=headers, timeout=30)
                took = (time.perf_counter() - start) * 1000
                assert response.status_code == 200, (name, response.status_code, response.text)
                if i >= WARM_UP:
                    timings[name].append(took)
        relayed = _wait_relayed(x, n + WARM_UP)
    finally:
        for process in (web, floor):
            process.terminate()
            process.wait(30)
    f50, f99 = percentile(timings["floor"], 50), percentile(timings["floor"], 99)
    s50, s99 = percentile(timings["socialdesk"], 50), percentile(timings["socialdesk"], 99)
    print(f"machine: {machine()}")
    print(f"Slack ack latency, {n} signed staff thread replies each (after {WARM_UP} warm-up), one at a time, "
          "gunicorn 1 worker, SQLite:")
    print(f"  floor (bare Bolt + Flask + gunicorn, one durable commit): p50 {f50:.2f} ms · p99 {f99:.2f} ms")
    what = "`!thanks` saved replies" if saved else "typed replies"
    print(f"  socialdesk web, {what} (X 2 s per reply, after the ack): p50 {s50:.2f} ms · p99 {s99:.2f} ms")
    print(f"  ratio: p50 {s50 / f50:.2f}× · p99 {s99 / f99:.2f}× the floor · target p99 ≤ 3×: "
          f"{'met' if s99 <= 3 * f99 else 'NOT met'}")
    with deps.sessions() as session:
        from sqlalchemy import func, select

        from bot.store.models import Outbox
        states = dict(session.execute(select(Outbox.state, func.count()).group_by(Outbox.state)).all())
    print(f"  replies relayed to X: {relayed} of {n + WARM_UP} (outbox: {states})")


def _wait_relayed(x, expected: int, within: float = 120.0) -> int:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        count = len(x.sent_texts)
        if count >= expected:
            return count
        time.sleep(0.2)
    return count


if __name__ == "__main__":
    if sys.argv[1:2] == ["--floor"]:
        serve_floor(int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5])
    else:
        numbers = [a for a in sys.argv[1:] if a.isdigit()]
        main(max(50, int(numbers[0])) if numbers else 60, saved="--saved" in sys.argv[1:])
