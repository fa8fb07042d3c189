"""REPLY_CHECK's rules against a labelled corpus of realistic staff replies
(tests/fixtures/reply_corpus.tsv): no personal data gets through, >= 90 % of
bad tone is held, <= 2 % of good replies are held."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from bot.rules.reply_check import PERSONAL, check_reply_text, describe
from tests.helpers import examples

CORPUS = Path(__file__).parent / "fixtures" / "reply_corpus.tsv"
TONE = {"insult", "profanity", "shouting", "sarcasm"}


def _corpus() -> list[tuple[str, str]]:
    rows = [line.rstrip("\n").split("\t", 1) for line in CORPUS.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")]
    return [(label, text) for label, text in rows]


def test_tuning_corpus_rates(report_figure):
    rows = _corpus()
    assert len(rows) >= 240
    labels = {label for label, _ in rows}
    assert labels == {"good", "email", "phone", "card", "bank"} | TONE
    checked = [(label, text, check_reply_text(text)) for label, text in rows]
    held = {label: sum(1 for lab, _, found in checked if lab == label and found) for label in labels}
    total = {label: sum(1 for lab, _ in rows if lab == label) for label in labels}
    personal_missed = [text for label, text, found in checked
                       if label in PERSONAL and not any(f.kind == label for f in found)]
    tone_held = sum(held[label] for label in TONE) / sum(total[label] for label in TONE)
    good_held = held["good"] / total["good"]
    report_figure(f"reply check, TUNING corpus (rules written on it: not evidence), {len(rows)} replies: personal data held "
                  f"{sum(held[l] for l in PERSONAL)}/{sum(total[l] for l in PERSONAL)}, bad tone held {tone_held:.1%} "
                  f"({sum(held[l] for l in TONE)}/{sum(total[l] for l in TONE)}), good replies held {good_held:.1%} "
                  f"({held['good']}/{total['good']})")
    assert personal_missed == []
    assert tone_held >= 0.90
    assert good_held <= 0.02


HELDOUT = Path(__file__).parent / "fixtures" / "heldout" / "replies.jsonl"


def test_heldout_corpus(report_figure):
    """Written by a session that never saw the rules (tests/fixtures/heldout/
    PROVENANCE.md) and run once the method was frozen: the figures, good or bad."""
    rows = [json.loads(line) for line in HELDOUT.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) >= 150
    found = [(row["label"], check_reply_text(row["text"])) for row in rows]
    total = Counter(label for label, _ in found)
    held = Counter(label for label, findings in found if findings)
    as_personal = sum(1 for label, findings in found
                      if label == "personal_data" and any(f.personal for f in findings))
    report_figure(f"reply check, HELD-OUT corpus, {len(rows)} replies: bad tone held {held['bad_tone']}/{total['bad_tone']} "
                  f"({held['bad_tone'] / total['bad_tone']:.1%}), good held {held['ok']}/{total['ok']} "
                  f"({held['ok'] / total['ok']:.1%}), personal data held {held['personal_data']}/{total['personal_data']} "
                  f"({as_personal} of them as personal data)")
    assert sum(total.values()) == len(rows)


# Written for these tests (in no corpus): bad tone in words the lists had no
# entry for before issue 25, each caught by a family of phrases.
@pytest.mark.parametrize("text", [
    "It's honestly not that difficult to find the returns page.",
    "Perhaps start reading the confirmation emails we send.",
    "Well, that's on you for choosing standard delivery.",
    "Every other customer manages to install it in five minutes.",
    "Oh, you poor thing, a parcel two hours late.",
    "If it were that urgent you could have collected it yourself.",
    "Please LISTEN to what we said yesterday.",
])
def test_new_phrasings_of_bad_tone_are_held_by_the_rules(text):
    assert check_reply_text(text) != ()


@pytest.mark.parametrize("text", [
    "You're right, that's not good enough — I've refunded the delivery fee.",
    "It's not difficult to fix: hold the power button for ten seconds and it resets.",
    "Next time you order, the code WELCOME5 still works.",
    "That sounds awful, I'm sorry. Could you DM us your order number?",
    "Nobody should have to wait this long — sorry, it's with the courier now.",
])
def test_kind_replies_with_hard_words_go_out(text):
    assert check_reply_text(text) == ()


def test_an_iban_is_personal_data_and_masked():
    findings = check_reply_text("We've refunded GB82 WEST 1234 5698 7654 32 today")
    assert [f.kind for f in findings] == ["bank"]
    assert "GB82 WEST" not in describe(findings) and "5432" in describe(findings)
    assert check_reply_text("Order ref GB12ABCD12345678 ships") == ()  # check digits fail


@settings(max_examples=examples(300), deadline=None)
@given(st.text(max_size=600))
def test_any_text_is_checked_without_error(text):
    for finding in check_reply_text(text) + check_reply_text(text, private=True):
        assert finding.line()


def test_a_lone_surrogate_is_checked_without_error():
    # JSON may carry "\ud800"; the tokenizer behind the tone model raised on it.
    assert check_reply_text("sorry \ud800 about that") == ()
    assert check_reply_text("\ud800") == ()
