"""`make demo` as a newcomer uses it: the sandbox page in a real browser
(Debian's chromium driven by Playwright), the real `web` and `worker`
processes behind it, driven through the bot's own buttons and menu. Run with
`make test-browser` (CI installs chromium and an emoji font)."""
from __future__ import annotations

import os
import threading
from contextlib import contextmanager

import pytest
from playwright.sync_api import expect, sync_playwright

from sandbox.runner import run_sandbox
from tests.ports import free_port

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
WAIT_MS = 45_000  # the worker polls every 3 s; first start of web + worker included


_free_port = free_port  # tests/ports.py


# The demo's 10 s Undo window, shortened: no test here presses Undo
# (tests/test_send_delay.py does); each reply waited the whole window,
# and the DM test alone sent six (95 s of its run, 4 min 51 s for the six tests).
TEST_SEND_DELAY = "2s"


def _start(data_dir: str):
    """A sandbox on two ports found free; `settled` is set once it runs or has stopped (outcome["rc"])."""
    port, settled, stop, outcome = _free_port(), threading.Event(), threading.Event(), {}

    def run():
        outcome["rc"] = run_sandbox(port=port, bot_port=_free_port(), data_dir=data_dir, ready=settled, stop=stop)
        settled.set()
    runner = threading.Thread(target=run, daemon=True)
    runner.start()
    started = settled.wait(60) and "rc" not in outcome
    return port, stop, outcome, runner, started


@contextmanager
def sandbox(data_dir: str):
    """One `make demo` run, on its own ports, stopped like Ctrl-C."""
    before = os.environ.get("SEND_DELAY")
    os.environ["SEND_DELAY"] = TEST_SEND_DELAY  # read by run_sandbox as it starts
    try:
        # A port found free can be taken by another process before the sandbox checks it; the sandbox then says
        # so and stops at once (rc 1): a new pair of ports, not a failed test.
        for _attempt in range(3):
            port, stop, outcome, runner, started = _start(data_dir)
            if outcome.get("rc") != 1:
                break
    finally:  # the children have their environment now
        if before is None:
            os.environ.pop("SEND_DELAY", None)
        else:
            os.environ["SEND_DELAY"] = before
    if not started:
        stop.set()
    assert started, f"sandbox did not start: {outcome}"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop.set()
        runner.join(60)
    assert outcome.get("rc") == 0, "a bot process died during the test"


@pytest.fixture
def browser():
    assert os.path.exists(CHROMIUM), "browser tests need Debian's chromium: apt-get install -y chromium"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        launched.close()


def _post_as_customer(page, name: str, text: str, dm: bool = False, kind: str = "") -> None:
    page.fill("#customer-name", name)
    page.fill("#customer-text", text)
    page.select_option("#customer-kind", "dm" if dm else kind)
    page.click("#customer-form button")


def test_a_support_shift_in_the_browser_through_the_bots_own_buttons(tmp_path, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    with sandbox(str(tmp_path)) as url:
        page.goto(url)
        expect(page.locator("#intro")).to_contain_text("Post or DM as a customer")
        page.select_option("#staff-user", "U0ALICE")
        _post_as_customer(page, "carol", "@acme_support my order #1234 hasn't arrived & <!channel> nobody answers!")
        carol = page.locator("#channel .conversation", has_text="@carol")
        expect(carol).to_contain_text("my order #1234 hasn't arrived & <!channel> nobody answers!", timeout=WAIT_MS)
        expect(carol).to_contain_text("Waiting on us")
        expect(carol).not_to_contain_text("U0")  # people by name, never by id

        carol.locator("button", has_text="Claim").click()  # the bot's own Block Kit button
        expect(carol).to_contain_text("👀 @alice", timeout=WAIT_MS)
        expect(carol.locator(".private")).to_contain_text("You claimed #1.", timeout=WAIT_MS)  # only for Alice

        carol.locator("textarea").fill("Sorry Carol, we're on it: your parcel left today.")
        carol.get_by_role("button", name="Reply", exact=True).click()
        brand = page.locator("#timeline .tweet.brand")
        expect(brand).to_contain_text("@carol Sorry Carol, we're on it: your parcel left today.", timeout=WAIT_MS)
        expect(brand).to_have_count(1)
        # SEND_DELAY (2 s here): the Undo sat in the thread under the reply; once it left, the notice says so, no button.
        expect(carol.locator(".thread")).to_contain_text("📤 Sent to X.", timeout=WAIT_MS)
        expect(carol).to_contain_text("Answered", timeout=WAIT_MS)
        expect(carol).to_contain_text("📤", timeout=WAIT_MS)

        # A reply the brand would regret is held; its author cancels it from the private notice.
        carol.locator("textarea").fill("Calm down, it was delivered. Call us from 07700 900123.")
        carol.get_by_role("button", name="Reply", exact=True).click()
        expect(carol.locator(".private", has_text="Held — not sent to X")).to_have_count(1, timeout=WAIT_MS)
        carol.locator(".private button", has_text="Cancel").last.click()
        expect(carol.locator(".private", has_text="Cancelled: nothing was sent")).to_have_count(1, timeout=WAIT_MS)
        # Pressed with its response_url, as in Slack: the notice itself was replaced, not answered beside.
        expect(carol.locator(".private", has_text="Held — not sent to X")).to_have_count(0)
        thread = carol.locator(".thread > *").all_inner_texts()  # private notices in time order among messages
        claimed = next(i for i, t in enumerate(thread) if "You claimed #1." in t)
        replied = next(i for i, t in enumerate(thread) if "we're on it: your parcel left today" in t)
        assert claimed < replied, thread
        expect(brand).to_have_count(1)

        # A second customer posts twice before anyone answered: one thread, with its own reply box.
        _post_as_customer(page, "dave", "@acme_support is anyone there?")
        _post_as_customer(page, "dave", "@acme_support hello??")
        dave = page.locator("#channel .conversation", has_text="@dave")
        expect(dave).to_contain_text("posted 2 times", timeout=WAIT_MS)
        expect(dave).to_have_count(1)
        # 👀 ✅ 💤 act on a root only (as in Slack): the follow-up in the thread offers ❤️ and 🙈 alone.
        expect(dave.get_by_role("button", name="+ 👀", exact=True)).to_have_count(1)
        expect(dave.locator(".thread").get_by_role("button", name="🙈 (colleagues only)", exact=True)).to_have_count(1)
        expect(dave.locator(".thread").get_by_role("button", name="+ 👀", exact=True)).to_have_count(0)
        dave.locator("select[aria-label=Priority]").select_option(label="🔴 Urgent")
        expect(dave).to_contain_text("priority urgent", timeout=WAIT_MS)

        page.fill("#command-text", "/social assign #2 @bob")
        page.click("#command-form button")
        expect(page.locator("#command-answer")).to_contain_text("#2 is now assigned to @bob", timeout=WAIT_MS)
        expect(dave).to_contain_text("👀 @bob", timeout=WAIT_MS)
        page.fill("#command-text", "/social report here")  # the week as a chart, uploaded the way Slack takes files
        page.click("#command-form button")
        expect(page.locator("#command-answer")).to_contain_text("Making the report", timeout=WAIT_MS)
        expect(page.locator("#channel img.file")).to_be_visible(timeout=WAIT_MS)
        page.fill("#command-text", "/social status")
        page.click("#command-form button")
        expect(page.locator("#command-answer")).to_contain_text("Open: 2 · Waiting: 1 · Overdue: 0", timeout=WAIT_MS)
        page.click("#open-home")  # app_home_opened → the bot publishes Alice's Home tab
        expect(page.locator("#home")).to_contain_text("Open: 2", timeout=WAIT_MS)
        if os.environ.get("SANDBOX_SCREENSHOT"):  # how README's picture is made
            page.screenshot(path=os.environ["SANDBOX_SCREENSHOT"], full_page=True)

        narrow = browser.new_page(viewport={"width": 800, "height": 900})
        narrow.goto(url)
        expect(narrow.locator("#channel .conversation:not(.report)")).to_have_count(2, timeout=WAIT_MS)
        assert narrow.evaluate("document.documentElement.scrollWidth") <= 800  # nothing sticks out

    # `make demo` again: it starts clean, and a new customer reaches the channel.
    with sandbox(str(tmp_path)) as url:
        page.goto(url)
        _post_as_customer(page, "erin", "@acme_support second run, hello")
        erin = page.locator("#channel .conversation", has_text="@erin")
        expect(erin).to_contain_text("second run, hello", timeout=WAIT_MS)
        expect(page.locator("#channel .conversation")).to_have_count(1)


def test_dms_reply_privately_and_likes_in_the_browser_by_webhook(tmp_path, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    with sandbox(str(tmp_path)) as url:
        page.goto(url)
        expect(page.locator("#webhook-mode")).to_be_checked()
        page.select_option("#staff-user", "U0BOB")
        _post_as_customer(page, "hal", "can I change my delivery address?", dm=True)
        hal = page.locator("#channel .conversation", has_text="@hal")
        expect(hal).to_contain_text("Private message", timeout=WAIT_MS)
        hal.locator("textarea").fill("Of course Hal, send it here.")
        hal.get_by_role("button", name="Reply", exact=True).click()
        dms = page.locator("#dms .tweet.brand")
        expect(dms).to_contain_text("Of course Hal, send it here.", timeout=WAIT_MS)
        expect(page.locator("#timeline .tweet.brand")).to_have_count(0)  # nothing public

        _post_as_customer(page, "kim", "@acme_support you charged me twice!")
        kim = page.locator("#channel .conversation", has_text="@kim")
        expect(kim).to_contain_text("Waiting on us", timeout=WAIT_MS)
        kim.locator("button", has_text="Like on X").first.click()
        expect(kim).to_contain_text("❤️ 1", timeout=WAIT_MS)
        kim.locator("button", has_text="Reply privately").click()
        expect(kim).to_contain_text("next message goes privately", timeout=WAIT_MS)
        kim.locator("textarea").fill("So sorry Kim, I refunded the second charge.")
        kim.get_by_role("button", name="Reply", exact=True).click()
        expect(dms.filter(has_text="refunded the second charge")).to_have_count(1, timeout=WAIT_MS)
        expect(kim).to_contain_text("Answered", timeout=WAIT_MS)
        expect(page.locator("#timeline .tweet.brand")).to_have_count(0)

        # Facebook: a comment on the Page's post, and a Messenger message, answered from their threads.
        _post_as_customer(page, "Jane Doe", "Ordered two weeks ago, still nothing", kind="facebook")
        jane = page.locator("#channel .conversation", has_text="Jane Doe")
        expect(jane).to_contain_text("Facebook", timeout=WAIT_MS)
        jane.locator("textarea").fill("So sorry Jane, it left our warehouse today.")
        jane.get_by_role("button", name="Reply", exact=True).click()
        page_side = page.locator("#facebook .tweet.brand")
        expect(page_side.filter(has_text="it left our warehouse today")).to_have_count(1, timeout=WAIT_MS)
        _post_as_customer(page, "Sam Lee", "Is the blue one back in stock?", kind="messenger")
        sam = page.locator("#channel .conversation", has_text="Sam Lee")
        expect(sam).to_contain_text("reply window closes", timeout=WAIT_MS)
        sam.locator("textarea").fill("Yes, since this morning!")
        sam.get_by_role("button", name="Reply", exact=True).click()
        expect(page_side.filter(has_text="since this morning")).to_have_count(1, timeout=WAIT_MS)
        expect(sam).to_contain_text("Answered", timeout=WAIT_MS)

        _post_as_customer(page, "lena.k", "Does this come in green?", kind="instagram")
        lena = page.locator("#channel .conversation", has_text="@lena.k")
        expect(lena).to_contain_text("Instagram", timeout=WAIT_MS)
        lena.locator("textarea").fill("It does, from next week!")
        lena.get_by_role("button", name="Reply", exact=True).click()
        expect(page_side.filter(has_text="from next week")).to_have_count(1, timeout=WAIT_MS)

        # Bluesky (polled: it has no webhooks): a DM, claimed with the 👀 reaction button, answered from its
        # thread; both sides show on the Bluesky panel (it had none: Bluesky showed nowhere on the right).
        _post_as_customer(page, "gus", "Can I change my address?", kind="bluesky_dm")
        sky = page.locator("#bluesky .tweet")
        expect(sky.filter(has_text="Can I change my address?")).to_contain_text("DM to @acme.bsky.social")
        gus = page.locator("#channel .conversation", has_text="@gus.bsky.social")
        expect(gus).to_contain_text("Bluesky", timeout=WAIT_MS)
        gus.get_by_role("button", name="+ 👀", exact=True).click()
        expect(gus.get_by_role("button", name="− 👀", exact=True)).to_be_visible(timeout=WAIT_MS)
        gus.locator("textarea").fill("Sure Gus, send it here.")
        gus.get_by_role("button", name="Reply", exact=True).click()
        expect(page.locator("#bluesky .tweet.brand", has_text="send it here")).to_contain_text(
            "DM to @gus.bsky.social", timeout=WAIT_MS)


def test_with_webhooks_unticked_a_post_arrives_by_polling(tmp_path, browser):
    """A webhook seen earlier used to hold polling at the 15-minute safety net
    for an hour: after unticking, posts never showed in a demo's time."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    with sandbox(str(tmp_path)) as url:
        page.goto(url)
        mentions = "STATE.polling.some(p => /^x:\\d+$/.test(p.feed)"  # the worker's X mentions feed
        page.wait_for_function(f"() => {mentions})", timeout=WAIT_MS)  # polled once: a webhook now marks it
        _post_as_customer(page, "olga", "@acme_support do you ship to Norway?")  # by webhook
        expect(page.locator("#channel .conversation", has_text="@olga")).to_contain_text("Norway", timeout=WAIT_MS)
        # The worker has polled X mentions since that webhook (the pass that used to put the next one 15 min away).
        page.wait_for_function(f"() => {mentions} && p.webhook_at && p.polled_at > p.webhook_at)", timeout=WAIT_MS)
        page.uncheck("#webhook-mode")
        expect(page.locator("#webhook-note")).to_be_visible()  # the sandbox has taken it: X pushes nothing now
        expect(page.locator("#webhook-note")).to_contain_text("Instagram DMs come by webhook only")
        _post_as_customer(page, "pete", "@acme_support found by polling, not pushed")
        pete = page.locator("#channel .conversation", has_text="@pete")
        expect(pete).to_contain_text("found by polling, not pushed", timeout=WAIT_MS)
        expect(page.locator("#timeline .tweet", has_text="found by polling")).to_contain_text(
            "public post mentioning @acme_support")


def test_a_one_star_review_is_answered_from_its_thread_and_the_answer_shows_under_it(tmp_path, browser):
    """The Reviews panel: a customer's 1-star Trustpilot review arrives as one root with its stars (by
    Trustpilot's webhook), staff answer in the thread, the company reply shows under the review; the
    customer edits it (shown in the thread, which reopens) and deletes it (said in the thread)."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    with sandbox(str(tmp_path)) as url:
        page.goto(url)
        page.select_option("#staff-user", "U0ALICE")
        expect(page.locator("#review-platform option")).to_have_text(["Trustpilot", "Google", "Yelp"])
        expect(page.locator("#reviews")).to_contain_text("Yelp has no push: the bot finds new and edited reviews by polling")
        expect(page.locator("#reviews")).to_contain_text("Yelp never tells an app a review was removed")
        page.fill("#review-name", "Dana K")
        page.select_option("#review-stars", "1")
        page.fill("#review-title", "Disappointing evening")
        page.fill("#review-text", "Cold food and we waited an hour for it.")
        page.click("#review-form button")
        review = page.locator("#reviews .review", has_text="Dana K")
        expect(review).to_contain_text("★☆☆☆☆", timeout=WAIT_MS)
        dana = page.locator("#channel .conversation", has_text="Dana K")
        expect(dana).to_contain_text("Cold food and we waited an hour for it.", timeout=WAIT_MS)
        expect(dana).to_contain_text("★☆☆☆☆")
        expect(dana).to_contain_text("Trustpilot")
        expect(dana).to_contain_text("Waiting on us")
        expect(page.locator("#channel .conversation")).to_have_count(1)  # one root for one review

        answer = "Dana, we are so sorry about Saturday. Our manager will call you today."
        dana.locator("textarea").fill(answer)
        dana.get_by_role("button", name="Reply", exact=True).click()
        expect(review.locator(".owner")).to_contain_text(answer, timeout=WAIT_MS)  # after SEND_DELAY's Undo
        expect(review.locator(".owner")).to_have_count(1)
        expect(dana).to_contain_text("Answered", timeout=WAIT_MS)

        review.get_by_role("button", name="✏️ Edit my review").click()
        review.locator("select[aria-label='new stars']").select_option("4")
        review.locator("textarea[aria-label='new text']").fill("They called me the next day and made it right.")
        review.get_by_role("button", name="Save my changes").click()
        expect(review).to_contain_text("★★★★☆", timeout=WAIT_MS)
        expect(dana.locator(".thread")).to_contain_text("revised their review", timeout=WAIT_MS)
        expect(dana.locator(".thread")).to_contain_text("made it right")
        expect(dana).to_contain_text("Waiting on us", timeout=WAIT_MS)  # a revised review is a new wait

        review.get_by_role("button", name="🗑️ Delete my review").click()
        expect(review).to_have_count(0, timeout=WAIT_MS)   # Google's and Yelp's "No reviews yet." were there already
        expect(dana).to_contain_text("The customer removed this review", timeout=WAIT_MS)
        expect(page.locator("#channel .conversation")).to_have_count(1)
