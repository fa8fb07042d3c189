"""`socialdesk sandbox`: the emulators and the demo page in this process, the
real `socialdesk web` and `socialdesk worker` as child processes, on SQLite."""
from __future__ import annotations

import fcntl
import os
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from bot.store.migrate import upgrade_to_head
from sandbox.children import guarded, port_holder
from sandbox.bluesky_emulator import BlueskyState, create_bluesky_emulator
from sandbox.graph_emulator import GraphState, create_graph_emulator
from sandbox.page import create_page
from sandbox.google_emulator import GoogleState
from sandbox.page_review_sites import google_site, yelp_site
from sandbox.page_reviews import ReviewSite, trustpilot_site
from sandbox.serve import BackgroundServer
from sandbox.slack_emulator import SlackState, create_slack_emulator
from sandbox.threads_emulator import ThreadsState, create_threads_emulator
from sandbox.trustpilot_emulator import TrustpilotState
from sandbox.x_emulator import XState, create_x_emulator
from sandbox.yelp_emulator import YelpState
from service.stopping import StopRequest


def review_sites(bot_url: str) -> list[ReviewSite]:
    """The review platforms the sandbox runs, each on its emulator, pushing to the bot's web at bot_url."""
    yelp = YelpState()
    yelp.business("Acme Diner")
    return [trustpilot_site(TrustpilotState(), bot_url), google_site(GoogleState(), bot_url), yelp_site(yelp)]


def sandbox_environment(page_url: str, bot_port: int, database_url: str, slack: SlackState, x: XState,
                        graph: GraphState, reviews: list[ReviewSite] | tuple = (),
                        bluesky: BlueskyState | None = None, threads: ThreadsState | None = None) -> dict:
    review_settings = {name: value for site in reviews for name, value in site.environment(page_url + site.mount).items()}
    # Bluesky, and listening: a post naming "Acme" without the @ (X or Bluesky) is a 👂 root after the next pass.
    sky = {"BLUESKY_PDS_URL": f"{page_url}/bluesky", "BLUESKY_HANDLE": bluesky.handle,
           "BLUESKY_APP_PASSWORD": bluesky.app_password, "LISTEN_TERMS": "Acme"} if bluesky else {}
    # Threads: its webhooks come signed with the Threads app secret, which differs from the Facebook app's.
    thr = {"THREADS_API_URL": f"{page_url}/threads/v1.0", "THREADS_USER_ID": threads.user_id,
           "THREADS_TOKEN": threads.token, "THREADS_APP_SECRET": threads.app_secret} if threads else {}
    return {**review_settings, **sky, **thr,
        "DATABASE_URL": database_url,
        "SLACK_BOT_TOKEN": slack.token, "SLACK_SIGNING_SECRET": slack.signing_secret,
        "SLACK_API_URL": f"{page_url}/slack/api/", "SLACK_CHANNEL": "C0SUPPORT",
        "ESCALATION_CHANNEL": "C0ESCALATE", "SLACK_ONCALL": "U0ALICE", "ESCALATE_TO": "U0MANAGER",
        "X_API_URL": f"{page_url}/x", "X_API_KEY": x.api_key, "X_API_SECRET": x.api_secret,
        "X_ACCESS_TOKEN": x.access_token, "X_ACCESS_TOKEN_SECRET": x.access_token_secret,
        "GRAPH_API_URL": f"{page_url}/graph/v26.0", "META_PAGE_ID": graph.page_id, "META_PAGE_TOKEN": graph.page_token,
        "META_APP_SECRET": graph.app_secret, "META_VERIFY_TOKEN": graph.verify_token,
        "INSTAGRAM_ACCOUNT_ID": graph.ig_id,
        # Short clocks so the whole escalation ladder can be watched in minutes.
        "SLA_FIRST_RESPONSE": "2m", "SLA_WARN_BEFORE": "30s", "POLL_INTERVAL": "3s", "BACKFILL": "all",
        # Reviews wait longer than posts (a good public answer matters more than a fast one; 24 h in production).
        "SLA_REVIEWS": "5m",
        # Every reply waits 10 s with an Undo button; REPLY_CHECK holds what a brand would regret.
        "SEND_DELAY": os.environ.get("SEND_DELAY", "10s"), "REPLY_CHECK": os.environ.get("REPLY_CHECK", "hold"),
        "PORT": str(bot_port), "WEB_HOST": "127.0.0.1", "WEB_CONCURRENCY": "1",
    }


# What only the sandbox's own `web` needs; the rest is what a pass run by hand needs.
_WEB_ONLY = ("PORT", "WEB_HOST", "WEB_CONCURRENCY")


def by_hand_settings(env: dict) -> str:
    """The sandbox's real settings as `export` lines: sourced in a shell, they
    make `socialdesk poll|deliver|sweep` act on this sandbox's database and
    emulators (docs/sandbox.md)."""
    return "".join(f"export {name}={shlex.quote(value)}\n" for name, value in env.items() if name not in _WEB_ONLY)


def _program() -> str:
    """How this sandbox was started, to say how to run it again (`make demo` runs .venv/bin/socialdesk)."""
    program = Path(sys.argv[0])
    return os.path.relpath(program) if program.name == "socialdesk" else "socialdesk"


def _this_command() -> str:
    return f"{_program()} sandbox"


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the servers bind: TIME_WAIT is no obstacle
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _who_holds(port: int) -> str:
    """What to stop: the process on the port by its id where /proc tells (a
    sandbox's orphan has no terminal to press Ctrl-C in), else the usual suspect."""
    holder = port_holder(port)
    if holder is None:
        return "is another `make demo` still running? Stop it (Ctrl-C in its terminal)"
    pid, command = holder
    shown = command if len(command) <= 80 else command[:77] + "..."
    return f"held by process {pid} ({shown}); stop it (kill {pid})"


def _wait_for(url: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=1).status_code == 200:
                return True
        except requests.RequestException:
            pass
        time.sleep(0.2)
    return False


def run_sandbox(port: int = 8000, data_dir: str = "sandbox-data", bot_port: int | None = None,
                ready: threading.Event | None = None, stop: threading.Event | None = None) -> int:
    bot_port = bot_port or port + 1
    taken = [p for p in (port, bot_port) if not _port_free(p)]
    if taken:
        # Before the database is touched: it may be a sandbox still running on it.
        print(f"socialdesk sandbox: port {taken[0]} is in use — {_who_holds(taken[0])}, or start this one "
              f"elsewhere: {_this_command()} --port {port + 100} --data {data_dir}-{port + 100}", file=sys.stderr)
        return 1
    Path(data_dir).mkdir(parents=True, exist_ok=True)
    # Held while this sandbox runs: a second one on the same folder would empty the first one's database.
    lock = open(Path(data_dir) / "sandbox.lock", "w")  # noqa: SIM115 - held open for the sandbox's lifetime
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        lock.close()
        print(f"socialdesk sandbox: {data_dir} is in use by another running sandbox; give this one its own "
              f"folder: {_this_command()} --port {port} --data {data_dir}-{port}", file=sys.stderr)
        return 1
    try:
        return _run_locked(port, data_dir, bot_port, ready, stop)
    finally:
        # Released as the sandbox stops, not whenever the collector frees this frame: a second sandbox on the same
        # folder in the same process (the browser test's "make demo again") was refused as "in use" until then.
        lock.close()


def _run_locked(port: int, data_dir: str, bot_port: int, ready: threading.Event | None,
                stop: threading.Event | None) -> int:
    """The sandbox itself, its folder locked by run_sandbox."""
    database = Path(data_dir).resolve() / "sandbox.db"
    # The emulated Slack and X start empty every time, so the database must
    # too: old conversations would point at threads this Slack never had.
    for leftover in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
        leftover.unlink(missing_ok=True)
    database_url = f"sqlite:///{database}"
    slack = SlackState(events_url=f"http://127.0.0.1:{bot_port}/slack/events", echo_bot_messages=True)
    # Webhook mode: the emulated X pushes each customer post and DM to the
    # bot's /webhooks/x, signed, the moment it is made (polling stays on as the safety net).
    webhook_url = f"http://127.0.0.1:{bot_port}/webhooks/x"
    x = XState(webhook_url=webhook_url)
    graph = GraphState(webhook_url=f"http://127.0.0.1:{bot_port}/webhooks/meta")
    reviews = review_sites(f"http://127.0.0.1:{bot_port}")
    sky = BlueskyState()
    thr = ThreadsState(webhook_url=f"http://127.0.0.1:{bot_port}/webhooks/meta")
    app = DispatcherMiddleware(create_page(slack, x, webhook_url, graph, database_url, reviews, bluesky=sky,
                                         threads=thr), {
        "/slack": create_slack_emulator(slack), "/x": create_x_emulator(x), "/graph": create_graph_emulator(graph),
        "/bluesky": create_bluesky_emulator(sky), **{site.mount: site.emulator for site in reviews},
        "/threads": create_threads_emulator(thr)})
    server = BackgroundServer(app, port=port).start()
    settings = sandbox_environment(server.url, bot_port, database_url, slack, x, graph, reviews, sky, thr)
    env = {**os.environ, **settings}
    settings_file = Path(data_dir) / "sandbox.env"
    settings_file.write_text(by_hand_settings(settings), encoding="utf-8")
    upgrade_to_head(database_url)
    # guarded: each gets SIGTERM if this process dies without stopping them (sandbox.children).
    children = [subprocess.Popen(guarded([sys.executable, "-m", "bot", command]), env=env)
                for command in ("web", "worker")]
    try:
        if not _wait_for(f"http://127.0.0.1:{bot_port}/healthz", 90):
            print("socialdesk sandbox: the bot's web process did not start", file=sys.stderr)
            return 1
        print(f"\n  socialdesk sandbox is running: open {server.url}\n"
              f"  (bot on :{bot_port}, database {database_url}, started empty; Ctrl-C stops everything)\n\n"
              f"  Its settings, to run a pass by hand against it from another terminal:\n"
              f"    . {shlex.quote(str(settings_file))} && {_program()} poll   # or deliver, sweep\n\n"
              + "".join(f"    {line}\n" for line in by_hand_settings(settings).splitlines()), flush=True)
        if ready:
            ready.set()
        stop_request = StopRequest(stop)
        try:
            while not stop_request.wait(0.5):
                if any(child.poll() is not None for child in children):
                    print("socialdesk sandbox: a bot process exited; stopping", file=sys.stderr)
                    return 1
        except KeyboardInterrupt:
            pass
        return 0
    finally:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in children:
            try:
                child.wait(timeout=20)
            except subprocess.TimeoutExpired:
                child.kill()
        server.stop()
