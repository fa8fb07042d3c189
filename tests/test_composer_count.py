"""The composer's character count is the platform's: on the reply check's
corpus (tests/fixtures/reply_corpus.tsv), stretched to either side of each
limit, the modal's count equals X's own weighted count (twitter-text, as X's
API counts) and says "too many" exactly when the adapter's check refuses the
reply — for X posts and DMs, Facebook comments and Messenger, Instagram."""
from __future__ import annotations

from pathlib import Path

import pytest
from twitter_text import parse_tweet

from adapters.base import ActionKind
from bot.desk.composer import as_slack_text, measure
from tests.helpers import SQLITE_ONLY

CORPUS = Path(__file__).parent / "fixtures" / "reply_corpus.tsv"
EXTRA = ["日本語のサポートです。ご不便をおかけして申し訳ありません。", "🙂👍🏽 thanks!", "See https://example.com/a/very/long/path?q=1 ok",
         "Tabs\tand\nnew lines & <angles>", "ｆｕｌｌ ｗｉｄｔｈ"]


def _texts() -> list[str]:
    rows = [line.split("\t", 1)[1] for line in CORPUS.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]
    return rows + EXTRA


def _around(text: str, limit: int) -> list[str]:
    """The text, and repeated to just under and just over `limit` characters."""
    times = max(1, limit // max(1, len(text)))
    return [text, " ".join([text] * times), " ".join([text] * (times + 1))]


# Counting reads no table (measure without look-ups): once is enough, not once per database (~5 s of CPU each).
@SQLITE_ONLY
@pytest.mark.meta
def test_the_modal_counts_as_the_platform_and_its_check_do(deps, report_figure):
    cases = [(platform, kind) for platform in ("x", "facebook", "instagram")
             for kind in (ActionKind.REPLY, ActionKind.PRIVATE)]
    compared = disagreements = x_checked = 0
    for platform, kind in cases:
        adapter = deps.adapters[platform]
        for base in _texts():
            for text in _around(base, adapter.measure("", kind)[1]):
                length, limit = measure(deps, platform, as_slack_text(text), "U0ALICE", kind)
                if platform == "x" and kind is ActionKind.REPLY:
                    assert length == parse_tweet(text).weightedLength, text
                    x_checked += 1
                refused = adapter.check_reply(text, kind, None)
                too_long = refused is not None and "characters" in refused
                compared += 1
                if (length > limit) != too_long:
                    disagreements += 1
    report_figure(f"composer count: {compared - disagreements}/{compared} texts × platforms agree with the "
                  f"adapter's own check; {x_checked}/{x_checked} X counts equal twitter-text's weighted length")
    assert disagreements == 0 and compared > 1000
