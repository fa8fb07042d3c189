"""Platform fields placed in Slack markup cannot ping anyone or spoof a link.

Issue 19's probe put X usernames and attachment URLs inside Slack's link
syntax (<url|label>) and got 3 pings and 2 links to somewhere else under a
label of its choosing. Here hostile values go through the real ingest path —
an X mention polled from the X emulator, a Messenger message delivered to
/webhooks/meta — and every text Slack would parse as markup (each
chat.postMessage / chat.update the Slack emulator recorded: `text` and every
mrkdwn object) is read the way Slack reads it: no <!…>, <@…> or <#…> but our
own dates, and every link goes where the platform said, http(s) only."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from bot.inbound.poll import poll
from bot.slack.render import slack_link
from bot.rules.text import escape_for_slack
from tests.helpers import all_text, roots, thread

HOSTILE_NAMES = ["<!channel>", "<@U123>", "x|evil", "a><https://evil.example|click", "<!here|here> me"]
# What Slack parses as markup: <…> up to the first >; inside, the target ends at the first |.
MARKUP = re.compile(r"<([^<>]*)>")


def _mrkdwn_texts(params: dict) -> list[str]:
    """`text` and every mrkdwn text object of a chat.postMessage / chat.update."""
    found = [params.get("text") or ""]

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "mrkdwn" and isinstance(node.get("text"), str):
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(params.get("blocks"))
    walk(params.get("attachments"))
    return found


def _what_slack_sees(slack_state) -> tuple[list[str], list[tuple[str, str]]]:
    """(pings and channel links, [(link target, label)]) across every message the bot wrote."""
    pings, links = [], []
    for method, params in slack_state.calls:
        if method not in ("chat.postMessage", "chat.update"):
            continue
        for text in _mrkdwn_texts(params):
            for inner in MARKUP.findall(text):
                target, _, label = inner.partition("|")
                if target.startswith("!date^"):
                    continue  # ours: a date Slack renders in each reader's time zone
                if target.startswith(("!", "@", "#")):
                    pings.append(inner)
                else:
                    links.append((target, label))
    return pings, links


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_hostile_x_username_pings_nobody_and_links_to_its_post(deps, clock, x_state, slack_state, name):
    tweet = x_state.customer_mentions(name, "@acme_support where is my order?")
    x_state.users[tweet["author_id"]]["name"] = "<!everyone> Support|Team"
    poll(deps, clock())
    [root] = roots(slack_state)
    pings, links = _what_slack_sees(slack_state)
    assert pings == []
    assert links and all(urlsplit(target).netloc == "x.com" for target, _ in links), links
    assert all(label == "open post" and target.endswith(f"/status/{tweet['id']}") for target, label in links)
    shown = all_text(root)
    assert f"*@{escape_for_slack(name)}*" in shown  # the handle is shown, literally
    assert "&lt;!everyone&gt; Support|Team" in shown


HOSTILE_ATTACHMENTS = [
    {"type": "file", "payload": {"url": "https://a.example/>|<https://evil.example|click", "title": "<!channel> x|evil"}},
    {"type": "file", "payload": {"url": "https://a.example/x y<@U123>"}},
    {"type": "image", "payload": {"url": "javascript:alert(1)"}},
    {"type": "file", "payload": {"url": "javascript:alert(document.cookie)//https://a.example/"}},
    {"type": "image", "payload": {"url": "https://a.example/pic.png?a=1|<!here>"}},
]


@pytest.mark.meta
def test_hostile_attachment_urls_and_names_ping_nobody_and_link_where_they_say(webhooks_on, graph_state,
                                                                               slack_state):
    graph_state.customer_messages("Mallory", "see attached <!channel>", attachments=HOSTILE_ATTACHMENTS)
    webhooks_on.executor.drain()
    [root] = roots(slack_state)
    pings, links = _what_slack_sees(slack_state)
    assert pings == []
    assert {urlsplit(target).netloc for target, _ in links} <= {"a.example", "www.facebook.com", "facebook.com",
                                                                  "m.me", "business.facebook.com"}, links
    assert not [t for t, _ in links if "evil.example" in urlsplit(t).netloc or not t.startswith("https://")]
    assert ("https://a.example/%3E%7C%3Chttps://evil.example%7Cclick", "open") in links
    assert ("https://a.example/x%20y%3C@U123%3E", "open") in links
    images = [b for m in [root, *thread(slack_state, root)] for b in m.get("blocks") or [] if b["type"] == "image"]
    assert [b["image_url"] for b in images] == ["https://a.example/pic.png?a=1|<!here>"]  # not markup: a URL field
    shown = all_text(root)
    assert "&lt;!channel&gt; x|evil" in shown  # the attachment's name, literally
    # A URL that is not a web address is never a link nor an image (the Meta
    # adapter keeps only web addresses; render.slack_link refuses the rest too).
    assert not [t for t, _ in links if "javascript" in t]


@pytest.mark.parametrize("url, label, link", [
    ("https://x.com/a><!channel>/status/1", "open post", "<https://x.com/a%3E%3C!channel%3E/status/1|open post>"),
    ("https://a.example/>|<https://evil.example|click", "open",
     "<https://a.example/%3E%7C%3Chttps://evil.example%7Cclick|open>"),
    ("https://a.example/a b\tc\n", "x", "<https://a.example/a%20b%09c|x>"),
    ("HTTPS://A.example/?q=1&r=2", "x", "<HTTPS://A.example/?q=1&r=2|x>"),
    ("https://a.example/", "Open it on <X>|now", "<https://a.example/|Open it on &lt;X&gt;¦now>"),
    ("javascript:alert(1)", "open", "open"),
    ("data:text/html,<b>", "open", "open"),
    ("//evil.example/x", "open", "open"),
    ("https:///nohost", "open", "open"),
    (None, "open", "open"),
])
def test_slack_link(url, label, link):
    assert slack_link(url, label) == link
