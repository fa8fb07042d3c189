"""X quotes of the brand's posts are customer posts (X's 2026 rule lets the
brand reply to a customer who quoted it): found by polling the quotes of the
brand's latest posts and by the X Activity API's post.quote.create, answered
with exactly one public reply; and a delivery that names only the author's id
(empty `includes`) gets the handle from find_name (GET /2/users/:id)."""
from __future__ import annotations

from bot.outbound.deliver import deliver
from bot.inbound.poll import poll
from tests.helpers import all_text, roots


def test_a_polled_quote_opens_a_conversation_answered_by_one_reply(bot, deps, clock, x_state, slack_state):
    ours = x_state.post(x_state.brand_id, "Our new opening hours start Monday!")
    quote = x_state.customer_quotes("quinn", "so no more Sunday pickups?? & nobody told us", ours["id"])
    result = poll(deps, clock())
    assert "quotes: 1 new post in 1 thread" in result.describe()
    [root] = roots(slack_state)
    assert "*@quinn*" in all_text(root) and "Sunday pickups?? &amp; nobody told us" in all_text(root)
    bot.staff_says(root["ts"], "Sundays stay open until noon, Quinn.")
    deliver(deps, clock.advance(seconds=5))
    [reply] = x_state.replies_to(quote["id"])  # X's rule: a quoter may be answered
    assert reply["text"].endswith("Sundays stay open until noon, Quinn.")
    poll(deps, clock.advance(minutes=20))  # seen again by polling: still one conversation
    assert len(roots(slack_state)) == 1


def test_a_quote_of_someone_else_is_not_polled(deps, clock, x_state, slack_state):
    theirs = x_state.post(x_state.add_user("rita"), "my own post")
    x_state.customer_quotes("sam", "quoting rita, not the brand", theirs["id"])
    assert poll(deps, clock()).posted == 0 and roots(slack_state) == []


def test_a_pushed_quote_names_its_author_once_looked_up(bot, deps, clock, x_state, slack_state):
    x_state.webhook_url = bot.server.url + "/webhooks/x"
    ours = x_state.post(x_state.brand_id, "We are hiring!")
    quote = x_state.customer_quotes("tess", "is this remote?", ours["id"])  # post.quote.create, includes {}
    bot.executor.drain()
    assert x_state.webhook_answers == [200]
    [root] = roots(slack_state)
    assert "is this remote?" in all_text(root)
    assert "*@tess*" in all_text(root)  # looked up after the answer (GET /2/users/:id), not the numeric id
    assert x_state.used["users"][1] == 1
    adapter = deps.adapters["x"]
    assert adapter.find_name(quote["author_id"]) == ("@tess", "tess")
    assert adapter.find_name("99") is None  # X knows no such user: the stand-in stays
    x_state.fail_next("users", 503)
    assert adapter.find_name(quote["author_id"]) is None  # X failing: never raises
