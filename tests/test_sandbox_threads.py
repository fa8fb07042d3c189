"""The sandbox (`make demo`) has the brand's Threads account: from the page a
customer replies to the brand's Threads post or mentions the brand on Threads —
one root each in Slack, by the signed webhook when the page's webhooks are on,
by the next poll when they are off — and a staff thread reply shows on the
page's customer view as the brand's Threads reply to that customer."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
import requests

from bot.inbound.poll import poll
from bot.outbound.deliver import deliver
from sandbox.page import create_page
from tests.helpers import all_text, roots
from tests.test_sandbox_page import running_sandbox  # noqa: F401 - the fixture

pytestmark = pytest.mark.threads
TEXT = "So sorry Dana — a replacement is on its way today."


@pytest.fixture
def page(bot, slack_state, x_state, threads_state):
    """The page with Threads' webhooks pointed at the bot's /webhooks/meta, as the sandbox starts it."""
    threads_state.webhook_url = bot.server.url + "/webhooks/meta"
    return create_page(slack_state, x_state, threads=threads_state).test_client()


def _says(page, kind: str, who: str, text: str) -> str:
    answer = page.post("/customer", json={"username": who, "text": text, "kind": kind})
    assert answer.status_code == 200 and answer.json["ok"], answer.json
    return answer.json["id"]


def test_a_reply_and_a_mention_from_the_page_are_one_root_each_and_the_staff_reply_shows_as_the_brands(
        page, bot, deps, clock, threads_state, slack_state):
    reply_id = _says(page, "threads", "dana.k", "my order #1234 never arrived")
    mention_id = _says(page, "threads_mention", "sam.r", "@acme_support your app logs me out")
    bot.executor.drain()
    assert threads_state.webhook_answers == [200, 200]   # each pushed, signed with the Threads app secret
    [brand_post] = [m for m in threads_state.media.values() if m["_owner"] == threads_state.user_id]
    assert threads_state.media[reply_id]["replied_to"]["id"] == brand_post["id"]
    assert threads_state.media[mention_id]["text"] == "@acme_support your app logs me out"  # the @ not doubled
    # The worker's next poll finds the same two posts: still one root each.
    poll(deps, clock.advance(minutes=1))
    shown = [all_text(r) for r in roots(slack_state)]
    assert len(shown) == 2, shown
    dana = next(r for r in roots(slack_state) if "my order #1234 never arrived" in all_text(r))
    assert any("your app logs me out" in s and "@sam.r" in s for s in shown)

    bot.staff_says(dana["ts"], TEXT)
    deliver(deps, clock.advance(minutes=1))
    [sent] = threads_state.brand_replies()
    assert (sent["text"], sent["replied_to"]["id"]) == (TEXT, reply_id)
    view = page.get("/state").json["facebook"]
    assert [(i["author"], i["where"], i["to"]) for i in view if i["brand"] and i["text"] == TEXT] == [
        ("@acme_support", "Threads", "public reply to @dana.k")]
    assert {i["to"] for i in view if not i["brand"]} == {"public reply to @acme_support",
                                                         "public post mentioning @acme_support"}


def test_with_webhooks_off_a_threads_reply_waits_for_the_next_poll(page, bot, deps, clock, threads_state,
                                                                    slack_state):
    assert page.post("/delivery", json={"webhook": False}).json["ok"]
    assert threads_state.webhook_url is None
    _says(page, "threads", "lee", "where is my refund?")
    bot.executor.drain()
    assert threads_state.webhook_answers == [] and roots(slack_state) == []   # on Threads, not pushed
    poll(deps, clock())
    [root] = roots(slack_state)
    assert "where is my refund?" in all_text(root) and "@lee" in all_text(root)
    page.post("/delivery", json={"webhook": True})
    assert threads_state.webhook_url == bot.server.url + "/webhooks/meta"


def test_the_sandbox_runs_threads_and_a_reply_with_webhooks_off_arrives_on_a_hand_run_poll(
        running_sandbox):  # noqa: F811
    page = f"http://127.0.0.1:{running_sandbox['port']}"
    assert "export THREADS_API_URL=" in running_sandbox["printed"]
    assert requests.post(f"{page}/delivery", json={"webhook": False}, timeout=10).json()["ok"]
    answer = requests.post(f"{page}/customer", timeout=10,
                           json={"username": "kit", "text": "the zip broke after a week", "kind": "threads"})
    assert answer.status_code == 200 and answer.json()["ok"], answer.text
    settings = running_sandbox["dir"] / "sandbox.env"
    done = subprocess.run(["bash", "-c", f". {settings} && exec {sys.executable} -m bot poll"],
                          capture_output=True, text=True, timeout=90, env={"PATH": os.environ["PATH"]})
    assert done.returncode == 0, done.stderr
    line = done.stdout.strip().splitlines()[-1]
    assert "Threads @acme_support" in line and "error" not in line.lower(), line
    state = requests.get(f"{page}/state", timeout=10).json()
    assert [r for r in state["channel"] if "the zip broke after a week" in str(r)], state["channel"]
    assert [i for i in state["facebook"] if i["where"] == "Threads" and i["author"] == "@kit"]


def test_a_reply_hidden_with_see_no_evil_says_so_on_the_page(page, bot, threads_state, slack_state):
    from tests.test_threads import _react
    reply_id = _says(page, "threads", "troll", "buy followers at spam.example")
    bot.executor.drain()
    [root] = roots(slack_state)
    _react(bot, root["ts"], "see_no_evil")   # the product's own 🙈: manage_reply hide=true
    assert threads_state.media[reply_id]["hide_status"] == "HIDDEN"
    [shown] = [i for i in page.get("/state").json["facebook"] if i["author"] == "@troll"]
    assert shown["to"] == "public reply to @acme_support (hidden by the brand)"
    _react(bot, root["ts"], "see_no_evil", removed=True)
    [shown] = [i for i in page.get("/state").json["facebook"] if i["author"] == "@troll"]
    assert shown["to"] == "public reply to @acme_support"
