"""Urgency from the customer's words: the corpus accuracy, and the flow — an
angry post becomes a high-priority root with its reason and half the SLA; a
person's choice is never overridden by the words."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.store.models import Conversation
from bot.inbound.poll import poll
from bot.rules.urgency import ORDER, assess
from tests.helpers import all_text, roots

CORPUS = Path(__file__).parent / "fixtures" / "urgency_corpus.tsv"


def test_corpus_accuracy(report_figure):
    rows = [line.split("\t", 1) for line in CORPUS.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")]
    assert len(rows) >= 80
    guessed = [(label, assess(text).priority) for label, text in rows]
    right = sum(1 for label, guess in guessed if label == guess)
    per_label = {label: (sum(1 for lab, g in guessed if lab == label and g == label),
                         sum(1 for lab, _ in guessed if lab == label)) for label in ORDER}
    report_figure(f"urgency on {len(rows)} labelled posts: {right / len(rows):.1%} right; " + ", ".join(
        f"{label} {hit}/{total}" for label, (hit, total) in per_label.items()))
    assert right / len(rows) >= 0.85
    # The costly mistake: an urgent post treated as routine.
    assert [g for label, g in guessed if label == "urgent" and g in ("low", "normal")] == []


@pytest.mark.settings(SLA_FIRST_RESPONSE="1h")
def test_an_angry_post_is_high_priority_with_its_reason_and_half_the_sla(bot, deps, clock, x_state, slack_state):
    x_state.customer_mentions("ann", "@acme_support I want a refund, the jacket fell apart")
    x_state.customer_mentions("bo", "@acme_support what are your opening hours?")
    poll(deps, clock())
    with deps.sessions() as session:
        ann, bo = (session.query(Conversation).filter_by(customer_handle=h).one() for h in ("@ann", "@bo"))
    assert (ann.priority, bo.priority) == ("high", "normal")
    assert ann.due_at - ann.waiting_since == timedelta(minutes=30)
    root = next(r for r in roots(slack_state) if "@ann" in all_text(r))
    assert "priority high (“refund”)" in all_text(root)


def test_a_persons_choice_is_never_overridden_by_the_words(bot, deps, clock, x_state, slack_state):
    x_state.customer_mentions("cy", "@acme_support hello, quick question")
    poll(deps, clock())
    response = slack_state.user_runs_command("U0ALICE", "C0SUPPORT", "priority #1 low").json()["text"]
    assert "now low priority" in response
    x_state.customer_mentions("cy", "@acme_support this is unacceptable, I want my money back")
    poll(deps, clock.advance(minutes=5))
    with deps.sessions() as session:
        assert session.get(Conversation, 1).priority == "low"


def test_writing_again_and_again_raises_it(bot, deps, clock, x_state, slack_state):
    for n, text in enumerate(["@acme_support hi, is my order shipped?", "@acme_support hello?",
                              "@acme_support anyone?"]):
        x_state.customer_mentions("dee", text)
        poll(deps, clock.advance(minutes=n))
    with deps.sessions() as session:
        conv = session.get(Conversation, 1)
        assert conv.priority == "high" and "wrote 3 times" in conv.priority_reason
