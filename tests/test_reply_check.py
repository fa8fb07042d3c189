"""REPLY_CHECK's rules against a labelled corpus of realistic staff replies
(tests/fixtures/reply_corpus.tsv): no personal data gets through, >= 90 % of
bad tone is held, <= 2 % of good replies are held."""
from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings, strategies as st

from bot.rules.reply_check import PERSONAL, check_reply_text, describe

CORPUS = Path(__file__).parent / "fixtures" / "reply_corpus.tsv"
TONE = {"insult", "profanity", "shouting", "sarcasm"}


def _corpus() -> list[tuple[str, str]]:
    rows = [line.rstrip("\n").split("\t", 1) for line in CORPUS.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")]
    return [(label, text) for label, text in rows]


def test_corpus_rates(report_figure):
    rows = _corpus()
    assert len(rows) >= 150
    labels = {label for label, _ in rows}
    assert labels == {"good", "email", "phone", "card"} | TONE
    held = {label: sum(1 for lab, text in rows if lab == label and check_reply_text(text)) for label in labels}
    total = {label: sum(1 for lab, _ in rows if lab == label) for label in labels}
    personal_missed = [text for label, text in rows
                       if label in PERSONAL and not any(f.kind == label for f in check_reply_text(text))]
    tone_held = sum(held[label] for label in TONE) / sum(total[label] for label in TONE)
    good_held = held["good"] / total["good"]
    report_figure(f"reply check on {len(rows)} labelled replies: personal data held "
                  f"{sum(held[l] for l in PERSONAL)}/{sum(total[l] for l in PERSONAL)}, bad tone held {tone_held:.1%} "
                  f"({sum(held[l] for l in TONE)}/{sum(total[l] for l in TONE)}), good replies held {good_held:.1%} "
                  f"({held['good']}/{total['good']})")
    assert personal_missed == []
    assert tone_held >= 0.90
    assert good_held <= 0.02


def test_each_finding_names_what_it_found():
    findings = check_reply_text("It's your fault, jane.doe@gmail.com, call 555-123-4567!!!")
    kinds = {f.kind for f in findings}
    assert {"blame", "email", "phone", "shouting"} <= kinds
    said = describe(findings)
    assert "j•••@gmail.com" in said and "•••• 4567" in said and "your fault" in said
    assert "jane.doe" not in said  # the private message does not repeat the personal data


def test_private_replies_may_carry_personal_data_but_not_bad_tone():
    assert check_reply_text("Your login is jane.doe@gmail.com, card ending 4242 4242 4242 4242", private=True) == ()
    assert [f.kind for f in check_reply_text("Stop whining, jane.doe@gmail.com", private=True)] == ["blame"]


def test_numbers_that_are_not_personal_data_pass():
    assert check_reply_text("Order 4242424242424241 ships today") == ()  # fails Luhn: not a card
    assert check_reply_text("Call us free on 1-800-555-0199 or 0800 123 4567") == ()
    assert check_reply_text("Your refund (ref 77-2231) arrives 2026-12-24, 3-5 business days") == ()
    assert check_reply_text("Write to support@example.com") == ()


def test_the_allow_list_lets_a_teams_own_address_and_number_through():
    allow = frozenset({"@acme.example", "020 7946 0000"})
    assert check_reply_text("Mail ana@acme.example or ring 020 7946 0000", allow=allow) == ()
    assert check_reply_text("Mail ana@acme.example or ring 020 7946 0958", allow=allow) != ()


def test_it_is_not_your_fault_is_not_blame():
    assert check_reply_text("It's not your fault at all, sorry!") == ()
    assert check_reply_text("That's your fault.") != ()


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=600))
def test_any_text_is_checked_without_error(text):
    for finding in check_reply_text(text) + check_reply_text(text, private=True):
        assert finding.line()
