"""The composer in the sandbox page, in a real browser (issue 22, item 5):
✍️ Reply opens the modal drawn from its Block Kit blocks, the count follows
the typing, a reply too long is refused in place, Cancel and a second opening
show "is writing", and Send puts one reply on X and its copy in the thread."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.test_sandbox_page import WAIT_MS, _post_as_customer, browser, sandbox  # noqa: F401 (fixture)


def test_one_reply_written_through_the_composer(tmp_path, browser):  # noqa: F811
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    with sandbox(str(tmp_path)) as url:
        page.goto(url)
        page.select_option("#staff-user", "U0ALICE")
        _post_as_customer(page, "carol", "@acme_support my order #1234 hasn't arrived")
        carol = page.locator("#channel .conversation", has_text="@carol")
        expect(carol).to_contain_text("Waiting on us", timeout=WAIT_MS)

        carol.get_by_role("button", name="✍️ Reply").click()
        modal = page.locator("#modal")
        expect(modal).to_contain_text("my order #1234 hasn't arrived", timeout=WAIT_MS)
        expect(carol).to_contain_text("✍️ @alice is writing", timeout=WAIT_MS)
        modal.get_by_role("button", name="Cancel").click()
        expect(modal).to_have_count(0)
        expect(carol).not_to_contain_text("is writing", timeout=WAIT_MS)

        carol.get_by_role("button", name="✍️ Reply").click()
        box = page.get_by_role("textbox", name="Your reply")
        box.fill("x" * 300)
        expect(modal).to_contain_text("300 of 280 characters as X counts them", timeout=WAIT_MS)
        modal.get_by_role("button", name="Send").click()
        expect(modal).to_contain_text("the limit is 280", timeout=WAIT_MS)  # refused in place

        box.fill("Sorry Carol 🙂 your parcel left today: https://example.com/track")
        expect(modal).to_contain_text("62 of 280 characters as X counts them", timeout=WAIT_MS)  # a link is 23, 🙂 is 2
        expect(modal).to_contain_text("The reply check found nothing")
        modal.get_by_role("button", name="Send").click()
        expect(modal).to_have_count(0, timeout=WAIT_MS)
        brand = page.locator("#timeline .tweet.brand")
        expect(brand).to_have_count(1, timeout=WAIT_MS)
        expect(brand).to_contain_text("Sorry Carol 🙂 your parcel left today")
        expect(carol).to_contain_text("✍️ Reply by @alice (X)", timeout=WAIT_MS)
        expect(carol).not_to_contain_text("is writing")
