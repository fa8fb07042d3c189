"""Shared set-up for the benchmarks: emulators on loopback, a fresh database."""
from __future__ import annotations

import os
import platform
import tempfile

from bot.config import load_settings
from bot.store.migrate import upgrade_to_head
from service.wiring import build_deps
from sandbox.serve import BackgroundServer
from sandbox.slack_emulator import SlackState, create_slack_emulator
from sandbox.graph_emulator import GraphState, create_graph_emulator
from sandbox.x_emulator import XState, create_x_emulator


def machine() -> str:
    return f"{platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()} · {platform.machine()}"


def sqlite_url() -> str:
    path = os.path.join(tempfile.mkdtemp(prefix="socialdesk-bench-"), "bench.db")
    url = f"sqlite:///{path}"
    upgrade_to_head(url)
    return url


def emulated_deps(database_url: str, meta: bool = False, **env):
    """The bot's deps on the emulators; meta=True adds a Facebook Page (the
    Graph emulator is then deps.graph_state / .graph_server)."""
    slack, x = SlackState(echo_bot_messages=False), XState()
    slack_server = BackgroundServer(create_slack_emulator(slack)).start()
    x_server = BackgroundServer(create_x_emulator(x)).start()
    if meta:
        graph = GraphState()
        graph_server = BackgroundServer(create_graph_emulator(graph)).start()
        env = {"GRAPH_API_URL": f"{graph_server.url}/v26.0", "META_PAGE_ID": graph.page_id,
               "META_PAGE_TOKEN": graph.page_token, "META_APP_SECRET": graph.app_secret,
               "META_VERIFY_TOKEN": graph.verify_token, "INSTAGRAM_ACCOUNT_ID": graph.ig_id, **env}
    settings = load_settings({
        "DATABASE_URL": database_url, "SLACK_BOT_TOKEN": slack.token, "SLACK_SIGNING_SECRET": slack.signing_secret,
        "SLACK_API_URL": slack_server.url + "/api/", "SLACK_CHANNEL": "C0SUPPORT", "X_API_URL": x_server.url,
        "X_API_KEY": x.api_key, "X_API_SECRET": x.api_secret, "X_ACCESS_TOKEN": x.access_token,
        "X_ACCESS_TOKEN_SECRET": x.access_token_secret, "BACKFILL": "all", **env}, "web")
    deps = build_deps(settings)
    if meta:
        deps.graph_state = graph
    return deps, slack, x


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


class throwaway_postgres:
    """A fresh, migrated PostgreSQL database on 127.0.0.1:5432 for one bench
    run (dropped afterwards); None inside when PostgreSQL does not answer."""

    def __enter__(self) -> str | None:
        import socket
        import uuid

        from sqlalchemy import create_engine, text
        try:
            socket.create_connection(("127.0.0.1", 5432), timeout=1).close()
        except OSError:
            self.admin = None
            return None
        self.name = f"socialdesk_bench_{uuid.uuid4().hex[:6]}"
        self.admin = create_engine("postgresql+psycopg://postgres@127.0.0.1:5432/test", isolation_level="AUTOCOMMIT")
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{self.name}"'))
        url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{self.name}"
        upgrade_to_head(url)
        return url

    def __exit__(self, *exc) -> None:
        from sqlalchemy import text
        if self.admin is not None:
            with self.admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
            self.admin.dispose()


def on_each_database(run) -> None:
    """run(label, url) on a fresh SQLite file, then on a throwaway PostgreSQL
    database when 127.0.0.1:5432 answers."""
    run("SQLite", sqlite_url())
    with throwaway_postgres() as url:
        if url is None:
            print("  PostgreSQL: 127.0.0.1:5432 did not answer; skipped")
            return
        run("PostgreSQL", url)


def push_and_poll_lines(pushed: list[float], pushed_floor: list[float], polled: list[float],
                        polled_floor: list[float], push_what: str, poll_what: str) -> str:
    """The two lines a post → Slack root bench prints: by push (with the p99 < 1 s
    target) and by polling, each beside the floor measured in the same run (ms)."""
    def spread(values):
        return f"p50 {percentile(values, 50):.1f} ms · p99 {percentile(values, 99):.1f} ms"
    met = "met" if percentile(pushed, 99) < 1000 else "NOT met"
    return (f"  by push ({push_what}): {spread(pushed)} · floor {spread(pushed_floor)} · target p99 < 1000 ms: {met}\n"
            f"  by polling ({poll_what}): {spread(polled)} · floor {spread(polled_floor)}")
