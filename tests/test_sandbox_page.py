"""The demo page's own endpoints: bad input is a 400 with a one-line error,
an absent bot a 503 — never a 500 (the browser test covers the happy path)."""
from __future__ import annotations

import ipaddress
import os
import re
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from sandbox.page import create_page
from sandbox.serve import BackgroundServer
from sandbox.runner import run_sandbox
from tests.ports import free_port


@pytest.fixture
def page(slack_state, x_state):
    slack_state.events_url = "http://127.0.0.1:9/slack/events"  # no bot listening
    return create_page(slack_state, x_state).test_client()


@pytest.mark.parametrize("path, body", [
    ("/customer", {}), ("/customer", {"username": "carol"}), ("/staff", {"user": "U0ALICE"}),
    ("/command", {"user": "U0NOBODY"}), ("/action", {"user": "U0NOBODY", "ts": "1.1", "action": {"action_id": "x"}}),
    ("/action", {"user": "U0ALICE", "ts": "1.1"}),
    ("/action", {"user": "U0ALICE", "ts": "1.1", "action": "claim"})])
def test_bad_input_is_a_400_with_one_line(page, path, body):
    response = page.post(path, json=body)
    assert response.status_code == 400
    assert response.json["ok"] is False and "\n" not in response.json["error"]


def test_a_command_while_the_bot_is_down_is_a_503(page):
    response = page.post("/command", json={"user": "U0ALICE", "text": "status"})
    assert response.status_code == 503 and response.json["error"].startswith("the bot did not answer")


def test_customer_post_shows_in_the_state(page, x_state):
    assert page.post("/customer", json={"username": "@nina", "text": "@acme_support hi"}).json["ok"]
    state = page.get("/state").json
    assert [t["author"] for t in state["x"]] == ["@nina"] and state["channel"] == []
    assert {s["id"] for s in state["staff"]} == {"U0ALICE", "U0BOB", "U0MANAGER"}


def test_an_x_post_typed_without_the_at_still_mentions_the_brand_and_a_named_one_is_no_mention(page, x_state):
    # A newcomer clears the prefilled "@acme_support …" and types a complaint: on X without the @ it is no
    # mention, and nothing reached the desk while the page said "mentioning @acme_support".
    assert page.post("/customer", json={"username": "dana", "text": "my kettle is sparking"}).json["ok"]
    assert page.post("/customer", json={"username": "xena", "text": "Acme lost my parcel again",
                                        "kind": "x_named"}).json["ok"]
    shown = {t["author"]: t for t in page.get("/state").json["x"]}
    assert shown["@dana"]["text"] == "@acme_support my kettle is sparking"
    assert shown["@dana"]["to"] == "public post mentioning @acme_support"
    assert shown["@xena"]["text"] == "Acme lost my parcel again" and shown["@xena"]["to"] == "public post"
    assert [x_state.mentions_brand(t) for t in x_state.tweets.values()] == [True, False]


def test_a_slash_command_names_people_as_slack_sends_them(slack_state):
    from sandbox.page import escape_mentions
    assert escape_mentions(slack_state, " assign #1 @bob ") == "assign #1 <@U0BOB|bob>"
    assert escape_mentions(slack_state, "assign #1 @nobody") == "assign #1 @nobody"  # Slack leaves unknown names
    assert escape_mentions(slack_state, "assign #1 <@U0BOB|bob>") == "assign #1 <@U0BOB|bob>"


def test_a_second_sandbox_on_a_taken_port_leaves_the_first_ones_database_alone(tmp_path, capsys):
    """A newcomer runs `make demo` twice: the second used to empty the
    database under the first one's bot, then fail on the port."""
    (tmp_path / "sandbox.db").write_bytes(b"the running sandbox's data")
    with socket.socket() as first_one:
        first_one.bind(("127.0.0.1", 0))
        first_one.listen()
        port = first_one.getsockname()[1]
        assert run_sandbox(port=port, data_dir=str(tmp_path)) == 1
    assert (tmp_path / "sandbox.db").read_bytes() == b"the running sandbox's data"
    said = capsys.readouterr().err
    assert f"port {port} is in use" in said and f"--port {port + 100} --data {tmp_path}-{port + 100}" in said
    assert said.count("\n") == 1


def test_a_second_sandbox_on_the_same_folder_is_refused_even_on_free_ports(tmp_path, capsys):
    """Following the first refusal's advice (another --port) used to start a
    second sandbox on the same folder, which emptied the first one's database;
    the advice now names a folder of its own, and a folder in use is refused."""
    import fcntl
    data = tmp_path / "sandbox-data"
    data.mkdir()
    (data / "sandbox.db").write_bytes(b"the running sandbox's data")
    with open(data / "sandbox.lock", "w") as held:  # what a running sandbox holds
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        assert run_sandbox(port=port, bot_port=port, data_dir=str(data)) == 1
    assert (data / "sandbox.db").read_bytes() == b"the running sandbox's data"
    said = capsys.readouterr().err
    assert "is in use by another running sandbox" in said and f"--data {data}-{port}" in said
    assert said.count("\n") == 1


def _listening(pids: set[int]) -> set[tuple[str, int]]:
    """(address, port) of every TCP socket the processes `pids` listen on, from /proc."""
    inodes = set()
    for pid in pids:
        try:
            fds = list(Path(f"/proc/{pid}/fd").iterdir())
        except OSError:  # gone, or not ours to read
            continue
        for fd in fds:
            try:
                link = os.readlink(fd)
            except OSError:  # closed meanwhile (the listing's own descriptor, for one)
                continue
            if link.startswith("socket:["):
                inodes.add(link[8:-1])
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for row in Path(table).read_text().splitlines()[1:]:
            fields = row.split()
            if fields[3] == "0A" and fields[9] in inodes:  # 0A: LISTEN
                address, port = fields[1].split(":")
                raw = bytes.fromhex(address)
                raw = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))  # /proc prints host order
                found.add((str(ipaddress.ip_address(raw)), int(port, 16)))
    return found


def _process_tree(root: int) -> set[int]:
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    tree, grew = {root}, True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= more
        grew = bool(more)
    return tree


@pytest.fixture
def running_sandbox(tmp_path, capsys):
    """One `socialdesk sandbox` (emulators, page, real web and worker) on free ports."""
    ports = [free_port(), free_port()]  # tests/ports.py: the bot's gunicorn binds its port only later
    before = _listening({os.getpid()})
    ready, stop, outcome = threading.Event(), threading.Event(), {}
    runner = threading.Thread(target=lambda: outcome.setdefault("rc", run_sandbox(
        port=ports[0], bot_port=ports[1], data_dir=str(tmp_path), ready=ready, stop=stop)), daemon=True)
    runner.start()
    assert ready.wait(60), f"the sandbox did not start: {outcome}"
    try:
        yield {"port": ports[0], "bot_port": ports[1], "dir": tmp_path, "before": before,
               "printed": capsys.readouterr().out}
    finally:
        stop.set()
        runner.join(60)
    assert outcome.get("rc") == 0


def test_every_port_the_sandbox_opens_binds_loopback_and_its_printed_settings_run_the_passes(
        running_sandbox):
    """A demo is nobody else's business: the bot's `web` used to listen on
    0.0.0.0. And the settings the sandbox prints are the ones that make a pass
    run by hand act on it (docs/sandbox.md)."""
    bound = _listening(_process_tree(os.getpid())) - running_sandbox["before"]
    assert {("127.0.0.1", running_sandbox["port"]), ("127.0.0.1", running_sandbox["bot_port"])} <= bound
    assert {address for address, _ in bound} == {"127.0.0.1"}, bound

    settings = running_sandbox["dir"] / "sandbox.env"
    printed = running_sandbox["printed"]
    assert f". {settings} && socialdesk poll" in printed
    for line in settings.read_text().splitlines():
        assert line.startswith("export ") and f"    {line}\n" in printed
    for name in ("DATABASE_URL", "SLA_FIRST_RESPONSE", "SLA_WARN_BEFORE", "POLL_INTERVAL", "SEND_DELAY",
                 "GRAPH_API_URL", "META_PAGE_ID", "INSTAGRAM_ACCOUNT_ID", "X_API_URL", "SLACK_API_URL",
                 "TRUSTPILOT_API_URL", "TRUSTPILOT_BUSINESS_UNIT_ID"):
        assert f"export {name}=" in printed
    answers = {}
    for command in ("poll", "deliver", "sweep"):
        done = subprocess.run(["bash", "-c", f". {settings} && exec {sys.executable} -m bot {command}"],
                              capture_output=True, text=True, timeout=60, env={"PATH": os.environ["PATH"]})
        assert done.returncode == 0, done.stderr
        answers[command] = done.stdout.strip().splitlines()[-1]
    # The emulated X, Facebook, Instagram and Trustpilot answered with the sandbox's own credentials.
    for account in ("X @acme_support", "Facebook Page", "Instagram account", "Trustpilot reviews"):
        assert account in answers["poll"], answers
    assert "error" not in answers["poll"].lower() and answers["deliver"].startswith("deliver:")


@pytest.fixture
def recorded_bot():
    """Stands where the bot's /slack/events is: keeps what Slack's emulator sends."""
    from flask import Flask, request
    got, arrived = [], threading.Event()
    app = Flask("recorded-bot")

    @app.post("/slack/events")
    def events():
        got.append(request.get_data(as_text=True))
        arrived.set()
        return ""
    server = BackgroundServer(app).start()
    yield server.url + "/slack/events", got, arrived
    server.stop()


@pytest.fixture
def mounted_page(slack_state, x_state, graph_state, recorded_bot):
    """The page with the emulators under it, as `socialdesk sandbox` mounts them."""
    from werkzeug.middleware.dispatcher import DispatcherMiddleware

    from sandbox.graph_emulator import create_graph_emulator
    from sandbox.slack_emulator import create_slack_emulator
    slack_state.events_url = recorded_bot[0]
    app = DispatcherMiddleware(create_page(slack_state, x_state, None, graph_state), {
        "/slack": create_slack_emulator(slack_state), "/graph": create_graph_emulator(graph_state)})
    server = BackgroundServer(app).start()
    yield server.url
    server.stop()


def test_a_press_on_a_private_notices_button_carries_its_response_url_which_replaces_it(
        mounted_page, slack_state, recorded_bot):
    """Found trying the demo: the page sent a held-reply notice's Cancel as a
    press on a channel message, with no response_url, so the notice stayed
    as it was instead of being replaced as Slack does it."""
    import json
    from urllib.parse import parse_qs

    import requests
    from slack_sdk import WebClient
    _, got, arrived = recorded_bot
    slack = WebClient(base_url=mounted_page + "/slack/api/", token=slack_state.token)
    buttons = [{"type": "actions", "block_id": "held", "elements": [
        {"type": "button", "action_id": "held_cancel", "value": "7", "text": {"type": "plain_text", "text": "Cancel"}}]}]
    slack.chat_postEphemeral(channel="C0SUPPORT", user="U0ALICE", thread_ts="1700000000.000001",
                             text="Held — not sent to X", blocks=buttons)
    [notice] = requests.get(mounted_page + "/state", timeout=5).json()["private"]
    assert notice["index"] == 0 and notice["ts"] and notice["thread_ts"] == "1700000000.000001"
    press = {"user": "U0ALICE", "ts": notice["thread_ts"], "ephemeral": notice["index"],
             "action": {"type": "button", "action_id": "held_cancel", "block_id": "held", "value": "7"}}
    assert requests.post(mounted_page + "/action", json={**press, "user": "U0BOB"}, timeout=5).status_code == 400
    assert requests.post(mounted_page + "/action", json=press, timeout=5).json() == {"ok": True}
    assert arrived.wait(10)
    payload = json.loads(parse_qs(got[0])["payload"][0])
    assert payload["container"] == {"type": "message", "message_ts": notice["ts"], "channel_id": "C0SUPPORT",
                                    "is_ephemeral": True} and "message" not in payload
    assert payload["response_url"] == mounted_page + "/slack/response/0"
    # What the app answers there replaces the notice, as in Slack.
    assert requests.post(payload["response_url"], timeout=5,
                         json={"replace_original": True, "text": "Cancelled: nothing was sent"}).status_code == 200
    [notice] = requests.get(mounted_page + "/state", timeout=5).json()["private"]
    assert notice["text"] == "Cancelled: nothing was sent" and notice["blocks"] == []


def test_the_page_shows_each_persons_dms_with_the_app_and_their_app_home(mounted_page, slack_state, recorded_bot):
    import json

    import requests
    from slack_sdk import WebClient
    _, got, arrived = recorded_bot
    slack_state.echo_bot_messages = False  # only the Home tab's event is awaited here
    slack = WebClient(base_url=mounted_page + "/slack/api/", token=slack_state.token)
    dm = slack.conversations_open(users="U0ALICE")["channel"]["id"]
    slack.chat_postMessage(channel=dm, text="*socialdesk report, last 7 days*: 3 conversations")
    assert requests.post(mounted_page + "/home", json={"user": "U0ALICE"}, timeout=5).json() == {"ok": True}
    assert arrived.wait(10)
    event = json.loads(got[0])["event"]
    assert event["type"] == "app_home_opened" and event["user"] == "U0ALICE" and event["tab"] == "home"
    home = [{"type": "header", "text": {"type": "plain_text", "text": "socialdesk"}}, {"type": "divider"}]
    slack.views_publish(user_id="U0ALICE", view={"type": "home", "blocks": home})
    state = requests.get(mounted_page + "/state", timeout=5).json()
    assert [m["text"] for m in state["staff_dms"]["U0ALICE"]] == ["*socialdesk report, last 7 days*: 3 conversations"]
    assert state["staff_dms"]["U0BOB"] == [] and state["home"] == {"U0ALICE": home}
    assert requests.post(mounted_page + "/home", json={"user": "U0NOBODY"}, timeout=5).status_code == 400


def test_customer_panels_say_to_whom_each_message_went(slack_state, x_state, graph_state):
    page = create_page(slack_state, x_state, None, graph_state).test_client()
    hal = x_state.customer_dms("hal", "can I change my address?")["sender_id"]
    x_state.add_dm(x_state.brand_id, "Of course", recipient_id=hal)
    carol = x_state.customer_mentions("carol", "@acme_support late again")
    x_state.post(x_state.brand_id, "@carol sorry!", in_reply_to=carol["id"])
    comment = graph_state.customer_comments("Jane Doe", "still nothing")
    graph_state.comment(graph_state.page_id, comment["id"], "So sorry Jane")
    graph_state.customer_messages("Sam Lee", "in stock?")
    graph_state.ig_customer_messages("lena.k", "green?")
    state = page.get("/state").json
    assert [d["to"] for d in state["dms"]] == ["DM to @hal", "DM to @acme_support"]
    assert [t["to"] for t in state["x"]] == ["public reply to @carol", "public post mentioning @acme_support"]
    to = {(f["author"], f["where"]): f["to"] for f in state["facebook"]}
    assert to[("Acme Shop", "comment")] == "public reply to Jane Doe"
    assert to[("Jane Doe", "comment")] == "public comment on the Page's post"
    assert to[("Sam Lee", "Messenger")] == "private message to Acme Shop"
    assert to[("@lena.k", "Instagram DM")] == "DM to @acme.shop"


def _product_shortcodes() -> set[str]:
    """Every emoji shortcode socialdesk emits or acts on: `:name:` in its text,
    the reactions it adds (…_REACTION = "name") and the ones it acts on."""
    from handlers.slack_actions import REACTIONS
    found = set(REACTIONS) | {"heart"}  # ❤️ likes on the platform (handlers: reaction_added)
    for folder in ("bot", "handlers", "adapters", "service"):
        for source in (Path(__file__).parent.parent / folder).rglob("*.py"):
            text = source.read_text(encoding="utf-8")
            # Not ids joined by colons around f-string fields ("{review_id}:rev:{hash}").
            found |= set(re.findall(r"""["'][^"'\n]*?(?<![\w:/}]):([a-z][a-z0-9_+-]*):(?![\w/{])""", text)) - {"memory"}
            for line in re.findall(r"^\s*[A-Z_]*REACTION[A-Z_, ]*=.*$", text, re.MULTILINE):
                found |= set(re.findall(r'"([a-z][a-z0-9_+-]*)"', line))
    return found


def test_every_emoji_shortcode_the_product_uses_is_drawn_as_emoji():
    from sandbox.emoji import EMOJI
    used = _product_shortcodes()
    assert {"eyes", "white_check_mark", "zzz", "outbox_tray", "hourglass_flowing_sand", "lock", "raised_hand",
            "heavy_multiplication_x"} <= used
    assert sorted(used - set(EMOJI)) == []
    assert all(EMOJI[name] and ":" not in EMOJI[name] for name in EMOJI)


def test_the_prefilled_post_goes_through_the_warning_step():
    """docs/sandbox.md: one minute before the due time the thread gets ⏳. The
    pre-filled post used to say "nobody answers", which raises it to high
    priority: a 1-minute SLA, due when the warning would be — no warning."""
    from html import unescape
    from importlib import resources

    from bot.env import parse_duration
    from bot.rules.sla import PRIORITY_FACTORS
    from bot.rules.urgency import assess
    from sandbox.graph_emulator import GraphState
    from sandbox.runner import sandbox_environment
    from sandbox.slack_emulator import SlackState
    from sandbox.x_emulator import XState
    page = resources.files("sandbox").joinpath("static/index.html").read_text(encoding="utf-8")
    prefilled = unescape(re.search(r'<textarea id="customer-text"[^>]*>([^<]*)</textarea>', page).group(1))
    env = sandbox_environment("http://127.0.0.1:1", 2, "sqlite://", SlackState(), XState(), GraphState())
    sla = parse_duration(env["SLA_FIRST_RESPONSE"]) * PRIORITY_FACTORS[assess(prefilled).priority]
    assert sla > parse_duration(env["SLA_WARN_BEFORE"]), prefilled


def test_the_page_shows_the_bots_last_polling_pass_and_webhook(slack_state, x_state, database_url):
    """What the header's polling line (and the browser test) read: the bot's
    own record of its last pass and last webhook per feed."""
    from datetime import datetime, timezone

    from sqlalchemy.orm import Session

    from bot.store.db import make_engine
    from bot.store.models import PollCursor
    engine = make_engine(database_url)
    with Session(engine) as session:
        session.add(PollCursor(key="x:1", failures=0, updated_at=datetime(2026, 12, 6, 6, 0, 3, tzinfo=timezone.utc),
                               webhook_at=datetime(2026, 12, 6, 6, 0, 1, 500000, tzinfo=timezone.utc)))
        session.commit()
    engine.dispose()
    page = create_page(slack_state, x_state, database_url=database_url).test_client()
    assert page.get("/state").json["polling"] == [{"feed": "x:1", "polled_at": "2026-12-06T06:00:03.000+00:00",
                                                   "next_at": None, "webhook_at": "2026-12-06T06:00:01.500+00:00"}]
    assert create_page(slack_state, x_state).test_client().get("/state").json["polling"] == []


def test_each_start_has_its_own_run_id_so_a_tab_left_open_reloads(slack_state, x_state):
    """Found in a new user's hour: after a restart a tab still showed the last
    run's conversations, and presses on them went nowhere without a word."""
    first = create_page(slack_state, x_state).test_client()
    run = first.get("/state").get_json()["run"]
    assert run and first.get("/state").get_json()["run"] == run  # the same for one start
    assert create_page(slack_state, x_state).test_client().get("/state").get_json()["run"] != run
    page = first.get("/").get_data(as_text=True)
    assert "fresh.run !== STATE.run" in page and "location.reload()" in page


def test_the_page_offers_hide_beside_like(page):
    """docs/sandbox.md tells a visitor to 🙈 a Threads reply: the page's /react takes it
    (and 👀 ✅ 💤: tests/test_sandbox_bluesky.py)."""
    for name, status in (("heart", 200), ("see_no_evil", 200), ("thumbsup", 400), (None, 400)):
        answer = page.post("/react", json={"user": "U0ALICE", "ts": "1.000001", "name": name})
        assert answer.status_code == status, name
    assert '"🙈 " + (m.hide || "(colleagues only)")' in page.get("/").get_data(as_text=True)


def test_a_stopped_sandbox_lets_its_folder_go_at_once(tmp_path):
    """`make demo` again on the same folder, in the same process (the browser test does): the folder's lock was
    released only when the collector freed the stopped sandbox's frame, and the second start was refused as "in use by
    another running sandbox" (CI, 2026-12-07). The collector is held off here, so the old code fails every time."""
    import fcntl
    import gc
    gc.disable()
    try:
        ready, stop, outcome = threading.Event(), threading.Event(), {}
        runner = threading.Thread(target=lambda: outcome.setdefault("rc", run_sandbox(
            port=free_port(), bot_port=free_port(), data_dir=str(tmp_path), ready=ready, stop=stop)), daemon=True)
        runner.start()
        assert ready.wait(90), outcome
        stop.set()
        runner.join(60)
        assert outcome["rc"] == 0
        with open(tmp_path / "sandbox.lock", "w") as again:
            fcntl.flock(again, fcntl.LOCK_EX | fcntl.LOCK_NB)  # raises BlockingIOError while the lock is held
    finally:
        gc.enable()
