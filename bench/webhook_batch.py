"""A Meta webhook batch of N Messenger entries (default 1,000, the most Meta
puts in one POST), each from a new customer whose name the Graph API must be
asked for: how long until the platform has its answer, and until every thread
is in Slack — beside the floor: the same signed POST answered by a bare Flask
route that only checks the signature and commits the body as one row.

The Graph emulator answers each name look-up after a delay (`--graph-ms`,
default 20 ms), as a slow Graph would.

Run: .venv/bin/python bench/webhook_batch.py [--entries 1000] [--graph-ms 20]
"""
from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests  # noqa: E402
from flask import Flask, request  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from bench._common import emulated_deps, machine, sqlite_url, throwaway_postgres  # noqa: E402
from sandbox.serve import BackgroundServer  # noqa: E402
from service.bolt_app import build_bolt_app  # noqa: E402
from service.web import create_web_app  # noqa: E402


def batch(graph, entries: int) -> bytes:
    body = {"object": "page", "entry": []}
    for i in range(entries):
        psid = graph.psid(f"Batch customer {i}")
        now_ms = int(time.time() * 1000)
        body["entry"].append({"id": graph.page_id, "time": now_ms, "messaging": [{
            "sender": {"id": psid}, "recipient": {"id": graph.page_id}, "timestamp": now_ms,
            "message": {"mid": f"m_{'Z' * 80}{i:06d}", "text": f"where is my order {i}?"}}]})
    return json.dumps(body).encode()


def bare_floor(url: str, secret: str, raw: bytes, signature: str) -> float:
    """Signature check + one committed insert of the body: what any durable
    answer costs."""
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS bare_inbox (id SERIAL PRIMARY KEY, body BYTEA)"
                          if url.startswith("postgresql") else
                          "CREATE TABLE IF NOT EXISTS bare_inbox (id INTEGER PRIMARY KEY, body BLOB)"))
    app = Flask("bare")

    @app.post("/hook")
    def hook():
        body = request.get_data()
        expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(expected, request.headers["X-Hub-Signature-256"])
        json.loads(body)
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO bare_inbox (body) VALUES (:b)"), {"b": body})
        return {"ok": True}

    server = BackgroundServer(app).start()
    times = []
    for _ in range(5):  # the median of five: one request on a 2-core VM is noisy
        start = time.perf_counter()
        answer = requests.post(server.url + "/hook", data=raw, timeout=60, headers={
            "X-Hub-Signature-256": signature, "content-type": "application/json"})
        times.append(time.perf_counter() - start)
        assert answer.status_code == 200, answer.status_code
    server.stop()
    engine.dispose()
    return sorted(times)[2]


def run(url: str, entries: int, graph_ms: int) -> None:
    deps, slack, _x = emulated_deps(url, meta=True)
    graph = deps.graph_state
    graph.name_delay = graph_ms / 1000
    server = BackgroundServer(create_web_app(deps, build_bolt_app(deps))).start()
    raw = batch(graph, entries)
    signature = "sha256=" + hmac.new(graph.app_secret.encode(), raw, hashlib.sha256).hexdigest()
    start = time.perf_counter()
    answer = requests.post(server.url + "/webhooks/meta", data=raw, timeout=120, headers={
        "X-Hub-Signature-256": signature, "content-type": "application/json"})
    answered = time.perf_counter() - start
    assert answer.status_code == 200, answer.text
    while len(slack.roots("C0SUPPORT")) < entries:
        time.sleep(0.01)  # a benchmark may poll; tests never sleep
        if time.perf_counter() - start > 600:
            raise SystemExit(f"only {len(slack.roots('C0SUPPORT'))} of {entries} threads after 10 min")
    shown = time.perf_counter() - start
    server.stop()
    floor = bare_floor(url, graph.app_secret, raw, signature)
    kind = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(f"  {kind:10} answered in {answered * 1000:7.1f} ms (floor, median of 5: {floor * 1000:6.1f} ms, "
          f"{answered / floor:4.1f}×) · all {entries} threads in Slack after {shown:5.1f} s "
          f"({shown / entries * 1000:.1f} ms per thread)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--graph-ms", type=int, default=20)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    print(f"Meta webhook batch of {args.entries} Messenger entries, each a new customer whose name Graph "
          f"answers after {args.graph_ms} ms; emulators on loopback:")
    run(sqlite_url(), args.entries, args.graph_ms)
    with throwaway_postgres() as pg:
        if pg:
            run(pg, args.entries, args.graph_ms)


if __name__ == "__main__":
    main()
