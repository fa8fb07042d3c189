"""`make demo` as a newcomer uses it: the sandbox page in a real browser
(Debian's chromium driven by Playwright), the real `web` and `worker`
processes behind it. Run with `make test-browser` (CI installs chromium)."""
from __future__ import annotations

import os
import socket
import threading

import pytest
from playwright.sync_api import expect, sync_playwright

from sandbox.runner import run_sandbox

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
WAIT_MS = 45_000  # the worker polls every 3 s; first start of web + worker included


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def sandbox_url(tmp_path):
    port, ready, stop = _free_port(), threading.Event(), threading.Event()
    outcome = {}
    runner = threading.Thread(target=lambda: outcome.setdefault("rc", run_sandbox(
        port=port, bot_port=_free_port(), data_dir=str(tmp_path), ready=ready, stop=stop)), daemon=True)
    runner.start()
    assert ready.wait(60), f"sandbox did not start: {outcome}"
    yield f"http://127.0.0.1:{port}"
    stop.set()
    runner.join(60)
    assert outcome.get("rc") == 0, "a bot process died during the test"


@pytest.fixture
def page():
    assert os.path.exists(CHROMIUM), "browser tests need Debian's chromium: apt-get install -y chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser.new_page(viewport={"width": 1280, "height": 900})
        browser.close()


def test_customer_post_staff_reply_claim_priority_and_status_in_the_browser(sandbox_url, page):
    page.goto(sandbox_url)
    page.fill("#customer-name", "carol")
    page.fill("#customer-text", "@acme_support my order #1234 hasn't arrived & <!channel> nobody answers!")
    page.click("text=Post as customer")

    root = page.locator("#channel .root").first
    expect(root).to_contain_text("my order #1234 hasn't arrived & <!channel> nobody answers!", timeout=WAIT_MS)
    expect(root).to_contain_text("@carol")
    expect(root.locator(".status")).to_contain_text("Waiting on us")

    page.select_option("#staff-user", "U0ALICE")
    page.fill("#staff-text", "Sorry Carol, we're on it: your parcel left today.")
    page.click("text=Reply as staff")
    brand_reply = page.locator("#timeline .tweet.brand")
    expect(brand_reply).to_contain_text("Sorry Carol, we're on it: your parcel left today.", timeout=WAIT_MS)
    expect(brand_reply).to_have_count(1)
    expect(root.locator(".status")).to_contain_text("Answered", timeout=WAIT_MS)

    root.locator("text=👀 claim").click()
    expect(root.locator(".status")).to_contain_text("👀 @U0ALICE", timeout=WAIT_MS)

    # A second customer who posts again before anyone answered: one thread.
    page.fill("#customer-name", "dave")
    for text in ("@acme_support is anyone there?", "@acme_support hello??"):
        page.fill("#customer-text", text)
        page.click("text=Post as customer")
    dave = page.locator("#channel .root", has_text="@dave")
    expect(dave.locator(".status")).to_contain_text("posted 2 times", timeout=WAIT_MS)
    expect(dave).to_have_count(1)
    expect(dave).to_contain_text("hello??")

    # Staff set a priority from the root's menu and ask /social for the state of the desk.
    dave.locator("select[aria-label=priority]").select_option(label="🔴 Urgent")
    expect(dave.locator(".status")).to_contain_text("priority urgent", timeout=WAIT_MS)
    page.fill("#command-text", "/social status")
    page.click("text=Run /social")
    expect(page.locator("#command-answer")).to_contain_text("Open: 2 · Waiting: 1 · Overdue: 0", timeout=WAIT_MS)
    if os.environ.get("SANDBOX_SCREENSHOT"):  # how README's picture is made
        page.screenshot(path=os.environ["SANDBOX_SCREENSHOT"], full_page=True)
