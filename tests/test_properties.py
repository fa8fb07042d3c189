"""Property tests (hypothesis) for the code that meets untrusted text:
Slack escaping and unescaping, what a root or thread message shows, duration
and business-hours parsing, and X's payload parsers. For any input: no
exception escapes but the documented ValueError, customer text never pings
(<!channel>, <!here>, <@U…>) nor forms a link, and Block Kit limits hold
(section text 3,000 characters, 50 blocks)."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from hypothesis import given, settings, strategies as st

from adapters._x_wire import posts_from_webhook, post_from_v2, dm_from_v2
from bot.rules.business_hours import parse_business_hours, parse_holidays
from bot.env import parse_duration
from bot.slack.render import followup_message, root_message
from bot.rules.text import escape_for_slack, slack_to_plain
from tests.helpers import examples
from tests.payloads import collect

PROPS = settings(max_examples=examples(300), deadline=None, derandomize=True, database=None)
NOW = datetime(2026, 12, 2, 12, 0, tzinfo=timezone.utc)
# Customer text that tries to be markup, mixed with anything at all.
hostile_text = st.one_of(st.text(max_size=300), st.lists(st.sampled_from([
    "<!channel>", "<!here>", "<!everyone>", "<@U0ALICE>", "<#C0SUPPORT|support>", "<https://evil.example|click>",
    "&amp;", "&lt;", "&gt;", "&", "<", ">", "|", "*bold*", "`code`", "\n", " ", "x" * 50, "😀"]),
    max_size=40).map("".join), st.text(min_size=3000, max_size=13000))


def _slack_texts(message: dict):
    """Every mrkdwn/text string Slack parses for markup in a chat.postMessage body."""
    yield message["text"]
    for block in message["blocks"] + [b for a in message.get("attachments", []) for b in a["blocks"]]:
        if block.get("text", {}).get("type") == "mrkdwn":
            yield block["text"]["text"]
        for element in block.get("elements", []):
            if element.get("type") == "mrkdwn":
                yield element["text"]


OUR_MARKUP = re.compile(r"<!date\^\d+\^[^|>]*\|[^>]*>")  # slack_date(): the reader's own time zone


@PROPS
@given(hostile_text)
def test_escaped_text_has_no_markup_and_comes_back_whole(text):
    escaped = escape_for_slack(text)
    assert "<" not in escaped and ">" not in escaped
    assert slack_to_plain(escaped, lambda user: f"@{user}") == text


@PROPS
@given(text=hostile_text, handle=st.text(max_size=40), name=st.one_of(st.none(), st.text(max_size=60)),
       private=st.booleans())
def test_a_customer_post_never_pings_links_or_breaks_block_kit(text, handle, name, private):
    msg = SimpleNamespace(text=text, author_handle=handle or "@x", author_id="1", author_name=name,
                          created_at=NOW, external_url="https://x.com/i/web/status/1", parked_reason=None,
                          attachments=None, change=None, listened=False,
                          rating=3 if name else None, title=name, location=name)  # a review: its headline and place are outside text too
    conv = SimpleNamespace(id=7, private=private, customer_handle=handle or "@x", status="waiting", assignee=None,
                           priority="normal", due_at=NOW, snoozed_until=None, posts_in_wait=1,
                           reply_privately_by=None, waiting_since=NOW, platform="x", labels=[])
    for message in (root_message(conv, msg, "X", NOW), followup_message(msg, "X", someone_else=True)):
        blocks = message["blocks"] + [b for a in message.get("attachments", []) for b in a["blocks"]]
        assert len(message["blocks"]) <= 50
        for shown in _slack_texts(message):
            ours_removed = OUR_MARKUP.sub("", shown).replace("<https://x.com/i/web/status/1|open post>", "") \
                .replace("<https://x.com/i/web/status/1|open conversation>", "") \
                .replace("<https://x.com/i/web/status/1|open review>", "") \
                .replace("<https://x.com/i/web/status/1|Read it all on X>", "")
            assert "<" not in ours_removed and ">" not in ours_removed, shown[:200]
        for block in blocks:
            if block["type"] == "section":
                assert len(block["text"]["text"]) <= 3000


@PROPS
@given(st.one_of(st.text(max_size=30), st.builds("{}{}{}{}{}".format, st.sampled_from(["", " ", "\t", "\n"]),
                                                 st.integers(0, 10**12), st.sampled_from(["", " "]),
                                                 st.sampled_from(list("smhdSMx") + ["", "ms"]),
                                                 st.sampled_from(["", " ", "\n"]))))
def test_any_duration_text_parses_or_says_why(text):
    """Exactly one outcome per text: a whole number and one unit (spaces
    around them allowed) is that many seconds, up to ten years; anything else
    names the text and what is wrong (a huge number was an OverflowError)."""
    words = text.strip()
    number, unit = words[:-1].strip(), words[-1:]
    if unit and unit in "smhd" and number.isdecimal():
        seconds = int(number) * {"s": 1, "m": 60, "h": 3600, "d": 86400}[unit]
        if seconds <= 3650 * 86400:
            assert parse_duration(text) == timedelta(seconds=seconds)
            return
        why = "is longer than 3650 days"
    else:
        why = "is not a duration (use e.g. 45s, 15m, 2h, 1d)"
    with pytest.raises(ValueError) as raised:
        parse_duration(text)
    assert str(raised.value) == f"{text!r} {why}"


@PROPS
@given(st.one_of(st.text(max_size=60), st.lists(st.sampled_from(
    ["Mon", "-", "Fri", " ", "09:00", "17:30", "24:00", "25:61", ",", "Sat", "Sun-Thu", "00:00"]), max_size=12)
    .map("".join)))
def test_any_business_hours_or_holidays_text_parses_or_says_why(text):
    for parse in (parse_business_hours, parse_holidays):
        try:
            parse(text)
        except ValueError as exc:
            assert str(exc)


json_values = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20)),
                           lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                   st.dictionaries(st.text(max_size=12), inner, max_size=4)),
                           max_leaves=10)
MENTION = next(p for p in collect("x") if p.name == "x/api_mentions_docs").body["data"][0]
HANDLED = (ValueError, KeyError, TypeError, AttributeError, IndexError)  # each a 400 at the route


@PROPS
@given(field=st.sampled_from(sorted(MENTION)), value=json_values, body=json_values)
def test_x_parsers_take_any_payload_or_refuse_it_cleanly(field, value, body):
    tweet = {**MENTION, field: value}
    for parse in (lambda: post_from_v2(tweet, {}, "0"), lambda: dm_from_v2(tweet, {}, "0"),
                  lambda: posts_from_webhook(body if isinstance(body, dict) else {"x": body}, "0")):
        try:
            parsed = parse()
        except HANDLED:
            continue
        for post in parsed if isinstance(parsed, list) else [parsed] if parsed else []:
            assert isinstance(post.text, str) and isinstance(post.external_id, str)
