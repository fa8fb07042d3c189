"""Urgency from the customer's words: the corpus accuracy, and the flow — an
angry post becomes a high-priority root with its reason and half the SLA; a
person's choice is never overridden by the words."""
from __future__ import annotations

import logging
from collections import Counter
from datetime import timedelta

import pytest
from hypothesis import given, settings, strategies as st

from bot.store.models import Conversation
from bot.inbound.poll import poll
from bot.rules import urgency_model
from bot.rules.urgency import ORDER, assess
from tests.corpora import BATCHES, HELD_OUT
from tests.helpers import all_text, examples, roots

HAS_MODEL = urgency_model.available()


def _tuning() -> list[tuple[str, str]]:
    """The first corpus, written beside the word rules."""
    return [(post["label"], post["text"]) for post in BATCHES[0].read_posts()]


def figures(rows: list[tuple[str, str]], use_model: bool) -> dict:
    """Per-class recall, accuracy, urgent recall and praise raised, as the
    summary prints them for the tuning and the held-out corpus alike."""
    guessed = [(label, assess(text, use_model=use_model).priority) for label, text in rows]
    seen = Counter(guessed)
    total = Counter(label for label, _ in rows)
    return {"right": sum(seen[(label, label)] for label in ORDER), "n": len(rows), "seen": seen, "total": total,
            "guessed": [guess for _, guess in guessed],
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
def test_tuning_corpus(use_model):
    if use_model and not HAS_MODEL:
        pytest.skip("socialdesk[nlp] is not installed: the word rules decide alone")
    rows = _tuning()
    assert len(rows) >= 160
    f = figures(rows, use_model)
    # Its figures are printed by test_batch, as "first corpus (TUNING)".
    assert f["right"] / f["n"] >= 0.9
    # The costly mistake: an urgent post treated as routine.
    assert len(f["urgent_missed"]) <= 1, f["urgent_missed"]
    assert f["praise_raised"] == 0


URGENT_CLASSES = ("safety", "fraud", "legal", "press")
# Every batch of labelled posts, from one list (tests/corpora.py): the tuning
# ones, batches 1 and 2 as DEVELOPMENT (read, tuned and trained on), and
# batch 3 as HELD-OUT once the lead adds tests/fixtures/heldout3/ — until
# then it is not collected at all.
PRESENT = [batch for batch in BATCHES if batch.has_posts]


def batch_figures(posts: list[dict], use_model: bool) -> tuple[str, dict]:
    f = figures([(post["label"], post["text"]) for post in posts], use_model)
    guessed = f["guessed"]  # each post read once: the model's share of the suite's CPU
    by_class = Counter(post.get("class", "") for post in posts if post["label"] == "urgent")
    caught = Counter(post.get("class", "") for post, guess in zip(posts, guessed, strict=True)
                     if post["label"] == "urgent" and guess == "urgent")
    confusion = "; ".join(f"{label}→" + "/".join(str(f["seen"][(label, g)]) for g in ORDER) for label in ORDER)
    classes = ", ".join(f"{c} {caught[c]}/{by_class[c]}" for c in URGENT_CLASSES if by_class[c])
    return (summary("", f)[2:] + (f"; urgent by class {classes}" if classes else "")
            + f"; confusion (columns low/normal/high/urgent) {confusion}"), f


def _reader(use_model: bool) -> str:
    if use_model and not HAS_MODEL:
        pytest.skip("socialdesk[nlp] is not installed: the word rules decide alone")
    return "rules + embedding model" if use_model else "word rules alone"


@pytest.mark.parametrize("use_model", [False, True], ids=["rules", "rules+model"])
@pytest.mark.parametrize("batch", PRESENT, ids=lambda batch: batch.name.replace(" ", "-"))
def test_batch(report_figure, batch, use_model):
    """Each batch's figures, printed under its role. Only HELD-OUT figures are
    evidence (written blind, evaluated once); nothing is asserted about them.
    The others were tuned or trained on: what is asserted there must hold."""
    reader = _reader(use_model)
    posts = batch.read_posts()
    assert posts
    line, f = batch_figures(posts, use_model)
    report_figure(f"urgency, {batch.title}, {reader}: {line}")
    if batch.role == HELD_OUT:
        return
    if use_model and batch.in_models:  # trained on these: the model raises no praise, lowers no urgent post to praise
        # What the cues raise the model cannot lower (a cue decides first): batch 6's "JUST GOT MY TICKETS …
        # CANNOT BREATHE" and "Forgot my PIN so many times … Anyway, all good" are the words' doing; no family was
        # widened for them when the reader changed (docs/benchmarks.md, "A different reader").
        # The model's guesses are the figures' own (each post read once: the model's reads are most of the suite's
        # CPU in these tests); the words alone are cheap.
        words = [assess(post["text"], use_model=False).priority for post in posts]
        by_model = [post["text"] for post, guess, plain in zip(posts, f["guessed"], words, strict=True)
                    if post["label"] == "low" and guess in ("high", "urgent") and ORDER.index(guess) > ORDER.index(plain)]
        assert by_model == []
        assert f["praise_raised"] <= sum(1 for post, plain in zip(posts, words, strict=True)
                                         if post["label"] == "low" and plain in ("high", "urgent"))
        assert f["seen"][("urgent", "low")] == 0
    if batch.name == "batch 1":
        assert f["seen"][("urgent", "urgent")] >= 55


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
    # Round 5: families by what happened (batch 3 showed them missing), written anew.
    ("safety", "the toaster went pop last night and there are black marks up the tiles behind it"),
    ("safety", "My neighbour collapsed in your car park and nobody at the desk knew first aid"),
    ("safety", "since taking the new batch my dad's throat feels tight and he's wheezing"),
    ("fraud", "someone signed into my account from Spain at 4am, I was asleep, please lock it"),
    ("fraud", "I typed my card details into that page before I saw the link isn't yours"),
    ("legal", "I've reported you to the Department of Fair Trading and I'm taking legal advice"),
    ("legal", "Under the Equality Act you have to make the changing rooms accessible"),
    ("press", "I write the money column for a Sunday paper and my readers keep asking about you"),
    ("press", "Could a spokesperson give us a statement for tonight's bulletin?"),
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
    # A danger told as past and put right, in thanks: no cue raises it.
    "The smoking charger is all sorted now since you swapped it, thank you so much, love it!",
])
def test_praise_is_low_however_it_is_put(text):
    assert assess(text, use_model=False).priority == "low"
    assert assess(text).priority == "low"


@pytest.mark.parametrize("text", [
    "do you sell a fire pit cover?", "are the court shoes back in size 6?", "we had a fire drill so I missed the van",
    "is the heater safe to leave on overnight?", "I have a nut allergy, which bars are safe?",
    "what's your refund policy on sale items?",
])
# (The embedding model, when installed, raises about 1 routine post in 9 to
# urgent when it never saw their writer: bench/urgency.py --lobo.)
def test_safety_words_in_routine_posts_stay_normal(text):
    assert assess(text, use_model=False).priority == "normal"


@pytest.mark.skipif(not HAS_MODEL, reason="socialdesk[nlp] is not installed")
def test_the_model_raises_what_no_cue_catches_and_names_its_nearest_example():
    # Round 6: the shelf that toppled onto a toddler (this test's example until then) is a cue now.
    text = "my son put one of the little round cells from the remote in his mouth and now he is coughing"
    assert assess(text, use_model=False).priority == "normal"
    urgency = assess(text)
    assert urgency.priority == "urgent"
    assert urgency.reason.startswith("sounds like a safety problem (reads like: “")
    nearest = urgency_model.likeness(text).nearest
    assert urgency_model.words_only(nearest).split()[0] in urgency.reason


@pytest.mark.skipif(not HAS_MODEL, reason="socialdesk[nlp] is not installed")
def test_a_safety_post_that_reads_a_little_like_praise_is_never_lowered():
    # Round 16's model reads the cot post like praise ("BABY SLEPT 7 HOURS …", 0.65) and round 15's read the stair
    # gate post so: a cue names the cot now, and a post a danger cue named (the cue doubted, mended or in jest) is
    # never lowered to praise unless praise is said in words.
    assert assess("the cot side came down with my baby asleep in it").priority == "urgent"
    assert assess("The stair gate came down on his fingers").priority != "low"
    assert assess("The stair gate came down on his fingers", use_model=False).priority == "urgent"


@pytest.mark.skipif(not HAS_MODEL, reason="socialdesk[nlp] is not installed")
def test_the_model_loads_once_per_process():
    for _ in range(3):
        assess("the charger was hot to the touch and the plug looked brown")
        assert urgency_model.available()
    assert urgency_model._model.cache_info().misses == 1
    assert urgency_model.embedder.cache_info().misses == 1


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
    with caplog.at_level(logging.INFO, logger="bot.inbound"):
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


def test_praise_in_words_stops_the_model_raising(monkeypatch):
    # A model sure it is urgent (or a complaint) does not raise a post that says thanks in words the rules know —
    # the trouble it hears is a story that ended well — but raises the same trouble told without them.
    sure = urgency_model.Likeness({"low": 0.02, "normal": 0.03, "high": 0.9, "urgent": 0.05},
                                  {c: "the battery swelled up and hissed" for c in ORDER}, urgent=0.95, praise=0.0)
    monkeypatch.setattr(urgency_model, "likeness", lambda plain: sure)
    ended_well = "Lost my luggage on a work trip and your team went above and beyond to find it"
    assert assess(ended_well, use_model=False).priority == "normal"
    assert assess(ended_well).priority == "normal"
    assert assess("Lost my luggage on a work trip and nobody from your team has called me back").priority == "urgent"
    sure_high = urgency_model.Likeness(sure.chances, sure.nearest_by_class, urgent=0.1, praise=0.0)
    monkeypatch.setattr(urgency_model, "likeness", lambda plain: sure_high)
    assert assess(ended_well).priority == "normal"
    assert assess("Lost my luggage on a work trip and nobody from your team has called me back").priority == "high"


@pytest.mark.parametrize("text, quoted", [
    ("@acme_support 🔥", "🔥"), ("absolutely killing it with the new range", "killing it"), ("Lovely staff", "Lovely"),
    ("great service, thanks", "great"),
])
def test_praise_is_quoted_as_the_customer_wrote_it(text, quoted):
    # A new user's trial (2026-12-07): all three of the first read `praise: “great”` or “Love”, words not in the post.
    assert assess(text, use_model=False).reason == f"praise: “{quoted}”"


def test_a_fridge_leaking_gas_is_urgent():
    # A new user's trial (2026-12-07): left normal with no reason.
    urgency = assess("@acme_support my fridge from you is leaking gas, smells strong in the kitchen", use_model=False)
    assert urgency.priority == "urgent" and urgency.reason.startswith("safety")
