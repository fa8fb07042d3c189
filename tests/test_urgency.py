"""Urgency from the customer's words: the corpus accuracy, and the flow — an
angry post becomes a high-priority root with its reason and half the SLA; a
person's choice is never overridden by the words."""
from __future__ import annotations

import logging

from datetime import timedelta
from pathlib import Path

import json
from collections import Counter

import pytest
from hypothesis import given, settings, strategies as st

from bot.store.models import Conversation
from bot.inbound.poll import poll
from bot.rules import urgency_model
from bot.rules.urgency import ORDER, assess
from tests.helpers import all_text, examples, roots

CORPUS = Path(__file__).parent / "fixtures" / "urgency_corpus.tsv"
HAS_MODEL = urgency_model.available()


def _tuning() -> list[tuple[str, str]]:
    return [(row[0], row[-1]) for row in (line.split("\t") for line in CORPUS.read_text(encoding="utf-8").splitlines()
                                          if line and not line.startswith("#"))]


def figures(rows: list[tuple[str, str]], use_model: bool) -> dict:
    """Per-class recall, accuracy, urgent recall and praise raised, as the
    summary prints them for the tuning and the held-out corpus alike."""
    guessed = [(label, assess(text, use_model=use_model).priority) for label, text in rows]
    seen = Counter(guessed)
    total = Counter(label for label, _ in rows)
    return {"right": sum(seen[(label, label)] for label in ORDER), "n": len(rows), "seen": seen, "total": total,
            "urgent_missed": [text for (label, text), (_, guess) in zip(rows, guessed, strict=True)
                              if label == "urgent" and guess in ("low", "normal")],
            "praise_raised": sum(1 for label, guess in guessed if label == "low" and guess in ("high", "urgent"))}


def summary(name: str, f: dict) -> str:
    recall = ", ".join(f"{label} {f['seen'][(label, label)]}/{f['total'][label]}" for label in ORDER if f["total"][label])
    urgent = f["seen"][("urgent", "urgent")]
    return (f"{name}: {f['right'] / f['n']:.1%} right of {f['n']}; recall {recall}; urgent recall "
            f"{urgent / max(f['total']['urgent'], 1):.1%}, urgent left normal or low {len(f['urgent_missed'])}; "
            f"praise raised {f['praise_raised']}")


@pytest.mark.parametrize("use_model", [False, True], ids=["rules", "rules+model"])
def test_tuning_corpus(report_figure, use_model):
    if use_model and not HAS_MODEL:
        pytest.skip("socialdesk[nlp] is not installed: the word rules decide alone")
    rows = _tuning()
    assert len(rows) >= 160
    f = figures(rows, use_model)
    report_figure(summary(f"urgency, TUNING corpus (rules written on it: not evidence), "
                          f"{'rules + embedding model' if use_model else 'word rules alone'}", f))
    assert f["right"] / f["n"] >= 0.9
    # The costly mistake: an urgent post treated as routine.
    assert len(f["urgent_missed"]) <= 1, f["urgent_missed"]
    assert f["praise_raised"] == 0


FIXTURES = Path(__file__).parent / "fixtures"
# Batch 1 was evaluated once, then its misses were read and the method tuned on
# it: development data now (tests/fixtures/heldout/PROVENANCE.md). Batch 2 is
# the held-out one, written by a session that never saw the rules; the lead
# adds it after the method is frozen, and this file only ever reads it here.
DEVELOPMENT = FIXTURES / "heldout" / "urgency.jsonl"
HELDOUT = FIXTURES / "heldout2" / "urgency.jsonl"
URGENT_CLASSES = ("safety", "fraud", "legal", "press")


def jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def batch_figures(posts: list[dict], use_model: bool) -> str:
    f = figures([(post["label"], post["text"]) for post in posts], use_model)
    guessed = [assess(post["text"], use_model=use_model).priority for post in posts]
    by_class = Counter(post.get("class", "") for post in posts if post["label"] == "urgent")
    caught = Counter(post.get("class", "") for post, guess in zip(posts, guessed, strict=True)
                     if post["label"] == "urgent" and guess == "urgent")
    confusion = "; ".join(f"{label}→" + "/".join(str(f["seen"][(label, g)]) for g in ORDER) for label in ORDER)
    return (summary("", f)[2:] + "; urgent by class " + ", ".join(f"{c} {caught[c]}/{by_class[c]}" for c in URGENT_CLASSES)
            + f"; confusion (columns low/normal/high/urgent) {confusion}")


def _reader(use_model: bool) -> str:
    if use_model and not HAS_MODEL:
        pytest.skip("socialdesk[nlp] is not installed: the word rules decide alone")
    return "rules + embedding model" if use_model else "word rules alone"


@pytest.mark.parametrize("use_model", [False, True], ids=["rules", "rules+model"])
def test_development_batch_1(report_figure, use_model):
    """Batch 1 and the posts written for issue 25: tuned on, so not evidence —
    printed so a change that loses what they reach shows."""
    reader = _reader(use_model)
    for path, name in ((DEVELOPMENT, "batch 1 (DEVELOPMENT: read and tuned on, not evidence)"),
                       (FIXTURES / "tuning" / "urgency.jsonl", "posts written for issue 25 (TUNING)")):
        posts = jsonl(path)
        assert len(posts) >= 200
        report_figure(f"urgency, {name}, {reader}: {batch_figures(posts, use_model)}")
    posts = jsonl(DEVELOPMENT)
    assert sum(assess(p["text"], use_model=use_model).priority == "urgent" for p in posts if p["label"] == "urgent") >= 55
    assert not [p["text"] for p in posts if p["label"] == "low"
                and assess(p["text"], use_model=use_model).priority in ("high", "urgent")]


@pytest.mark.parametrize("use_model", [False, True], ids=["rules", "rules+model"])
def test_heldout_batch_2(report_figure, use_model):
    """The honest figures: batch 2, written by a session that never saw the
    rules, evaluated once by the lead after the method was frozen. Whatever
    they are, they are printed; nothing is asserted about them."""
    reader = _reader(use_model)
    if not HELDOUT.exists():
        pytest.skip(f"{HELDOUT.relative_to(FIXTURES.parent.parent)} is not there yet")
    posts = jsonl(HELDOUT)
    assert posts
    report_figure(f"urgency, HELD-OUT batch 2, {reader}: {batch_figures(posts, use_model)}")


# Written for these tests (not in either corpus): each says it in words no cue
# list had before issue 25. The word rules alone must catch them.
PARAPHRASES = [
    ("safety", "The hair straighteners from your shop melted through the cable while I was using them"),
    ("safety", "Power bank started bulging and now it's hot to the touch, it's next to my bed"),
    ("safety", "my daughter choked on a bit that snapped off the teething ring, she's ok now but wow"),
    ("safety", "Wiring behind your oven was scorched when the fitter came back to look"),
    ("safety", "my husband has a sesame allergy and ended up at the GP after your 'plain' bagel"),
    ("fraud", "There's a £89.99 debit on my statement from you that I never authorised"),
    ("fraud", "somebody has been ordering stuff on my login, it isn't me"),
    ("fraud", "got an email pretending to be your billing team and I clicked the link"),
    ("legal", "my solicitor has advised me to keep every message, expect a letter"),
    ("legal", "I'll be taking you to the small claims court over this sofa"),
    ("legal", "Reported you to the regulator today, enough is enough"),
    ("press", "I'm a journalist at the Evening Standard working on a story about your refunds"),
    ("press", "Producer at a consumer podcast here: would you like to give a statement?"),
    ("press", "I'm writing an article on delivery firms and your name keeps coming up"),
]


@pytest.mark.parametrize("family, text", PARAPHRASES)
def test_paraphrased_urgent_posts_are_urgent_with_their_family(family, text):
    urgency = assess(text, use_model=False)
    assert urgency.priority == "urgent"
    assert urgency.reason.startswith(f"{family}: “")


@pytest.mark.parametrize("text", [
    "@acme the new pizza is fire 🔥🔥", "You absolutely killed it with the winter range @acme",
    "THANK YOU SO MUCH!!! you saved my holiday", "Got my refund in two days, thanks so much!",
    "no worries at all, all sorted now, cheers", "Brilliant staff at your Leeds branch, thank you",
])
def test_praise_is_low_however_it_is_put(text):
    assert assess(text, use_model=False).priority == "low"
    assert assess(text).priority == "low"


@pytest.mark.parametrize("text", [
    "do you sell a fire pit cover?", "are the court shoes back in size 6?", "we had a fire drill so I missed the van",
    "is the heater safe to leave on overnight?", "I have a nut allergy, which bars are safe?",
    "what's your refund policy on sale items?",
])
# (The embedding model, when installed, raises about 2 % of routine posts to
# urgent — "we had a fire drill" among them: bench/urgency.py --cv.)
def test_safety_words_in_routine_posts_stay_normal(text):
    assert assess(text, use_model=False).priority == "normal"


@pytest.mark.skipif(not HAS_MODEL, reason="socialdesk[nlp] is not installed")
def test_the_model_raises_what_no_cue_catches_and_names_its_nearest_example():
    text = "the cot side came down with my baby asleep in it"
    assert assess(text, use_model=False).priority == "normal"
    urgency = assess(text)
    assert urgency.priority == "urgent"
    assert urgency.reason.startswith("sounds like a safety problem (reads like: “")
    nearest = urgency_model.likeness(text).nearest
    assert urgency_model.words_only(nearest).split()[0] in urgency.reason


def test_a_model_that_fails_on_a_post_leaves_it_to_the_rules(monkeypatch, caplog):
    def broken(texts):
        raise TypeError("TextEncodeInput must be Union[TextInputSequence, Tuple[InputSequence, InputSequence]]")
    model = urgency_model._Model(broken, None, None, ("low", "normal", "high", "urgent"), (), None)
    monkeypatch.setattr(urgency_model, "_model", lambda: model)
    text = "my cat has been ill since she ate your new food and I am worried sick"
    assert assess(text) == assess(text, use_model=False)
    assert "the word rules decide" in caplog.text


@pytest.mark.skipif(not HAS_MODEL, reason="socialdesk[nlp] is not installed")
def test_the_model_reads_the_words_not_the_handle():
    for text in ("what time do you close today?", "how do I get an invoice for my company?"):
        with_handle = urgency_model.likeness(f"@acme_support {text} https://t.co/abc")
        assert with_handle.urgent == pytest.approx(urgency_model.likeness(text).urgent)
        assert assess(text).priority == "normal"


@settings(max_examples=examples(200), deadline=None)
@given(st.text(max_size=400) | st.just("\ud800 my charger \udfff"))
def test_any_text_is_assessed_without_error(text):
    assert assess(text).priority in ORDER


@pytest.mark.settings(SLA_FIRST_RESPONSE="1h")
def test_an_angry_post_is_high_priority_with_its_reason_and_half_the_sla(bot, deps, clock, x_state, slack_state,
                                                                       caplog):
    x_state.customer_mentions("ann", "@acme_support I want a refund, the jacket fell apart")
    x_state.customer_mentions("bo", "@acme_support what are your opening hours?")
    with caplog.at_level(logging.INFO, logger="bot.inbound.ingest"):
        poll(deps, clock())
    with deps.sessions() as session:
        ann, bo = (session.query(Conversation).filter_by(customer_handle=h).one() for h in ("@ann", "@bo"))
    assert (ann.priority, bo.priority) == ("high", "normal")
    assert ann.due_at - ann.waiting_since == timedelta(minutes=30)
    root = next(r for r in roots(slack_state) if "@ann" in all_text(r))
    assert "priority high (“refund”)" in all_text(root)
    said = [r.getMessage() for r in caplog.records if "from the customer's words" in r.getMessage()]
    assert said == [f"#{ann.id} priority high from the customer's words: “refund”"]  # once, by number (was "#new")


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


@pytest.mark.parametrize("text", ["Love the new collection but the sizes run small!",
                                  "Amazing service, though the parcel was a day late"])
def test_praise_that_softens_a_complaint_is_not_read_as_praise(text):
    """Found in a new user's hour: the complaint after the "but" kept double the SLA as praise."""
    assert assess(text, use_model=False).priority == "normal"
    assert assess("Love it, thank you so much!", use_model=False).priority == "low"
