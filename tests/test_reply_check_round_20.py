"""Round 20 (batch 22 read; docs/benchmarks.md "Round 20"): round 19's model change undone — the tone model is never
asked about a reply with an apology, thanks or empathy in it — and the families read off batch 22's misses, each in
words written here beside kind replies in the same words that must pass."""
from __future__ import annotations

import pytest

from bot.rules import tone_model, urgency
from bot.rules.reply_check import check_reply_text


def test_the_tone_model_is_not_asked_about_a_kind_reply(monkeypatch):
    # Asked at a stricter line (round 19), it held "You're absolutely right to be angry about this." (0.97) and "I'll
    # be honest, this one's on us." (0.96) from batch 22 — and no bad reply the families had missed.
    asked = []
    monkeypatch.setattr(tone_model, "bad_tone", lambda text: asked.append(text) or (0.99, "an example"))
    assert not check_reply_text("You're so right to be cross, and we're sorry. This one's on us.")
    assert asked == []
    assert [f.kind for f in check_reply_text("The parcel is with the courier now.")] == ["tone"] and asked


@pytest.mark.parametrize("text", [
    "We've moved your slot to Friday. Next time it might help to check the calendar before booking.",
    "Order updated. Please send the correct details first time, it saves everyone a job.",
    "Sorry it arrived late, though booking a cake the morning of the party is cutting it fine.",
    "We've passed on your comments. The site can't be built around one person's preferences, though.",
    "Your refund will be paid when we say it's paid.",
    "That really isn't our problem, but we've logged it.",
    "Sorry about the scratch, we've sent a voucher. It was only a tiny mark, to be fair.",
    "Let's keep it civil, shall we?",
    "Builders always leave these things to the last minute, don't they?",
    "Keep posting these comments and we'll look at legal action.",
    "Gosh, if only there were a help page for this. Oh wait, there is.",
    "Noted. Anything else?",
    "We'll get round to it.",
])
def test_round_20_tone_families(families_alone, text):
    assert {finding.kind for finding in check_reply_text(text)} - {"tone"}, text


@pytest.mark.parametrize("text", [
    "I'm not going to argue with that at all. You're right, and we'll fix it today.",
    "Please don't fret. Our adviser will ring you and go through the statement slowly with you.",
    "We're happy to talk you through it slowly over the phone whenever suits.",
    "If anyone rings asking for your PIN, hang up and call the number on your card.",
    "Our team will never ask for your password, so please ignore that message.",
    "Next time you're in, ask for Priya, she'd love to say hello!",
    "Enjoy your new sofa! Send us a photo if you like.",
    "Noted, thank you. We'll update the page today.",
])
def test_round_20_kind_replies_pass(families_alone, text):
    assert not check_reply_text(text), text


@pytest.mark.parametrize("text, kind", [
    ("Your recovery codes are 5521-0983 and 7710-4432, keep them safe.", "secret"),
    ("We'll hold the boxes while you're on the stag do in Prague.", "whereabouts"),
    ("Thanks, we've recorded the pregnancy on your file and changed the plan.", "health"),
    ("Your wife called to say she's in hospital until Monday, so we've paused the order.", "health"),
])
def test_round_20_personal_data_families(families_alone, text, kind):
    assert kind in {finding.kind for finding in check_reply_text(text)}, text


@pytest.mark.parametrize("text", [
    "A man rang my mum pretending to be from the bank and asked her for her login, please lock her account now",
    "Someone asking for my card details keeps phoning, saying they're your staff",
])
def test_round_20_urgent_cues(text):
    assert urgency.assess(text, use_model=False).priority == "urgent", text


def test_a_fans_joke_about_buying_too_much_is_not_raised():
    # Batch 22: "If I buy one more plant from you my landlord is going to start charging them rent." — the model
    # heard being charged and raised it to high; a fan's joke names praise ("from you") and no complaint.
    for text in ("If I buy one more jumper from you my wardrobe will need its own postcode",
                 "If I order one more plant from you my flat becomes a jungle"):
        assert urgency.assess(text).priority in ("low", "normal"), text
    assert urgency.assess("If I order one more time and it arrives late again I'm cancelling my account").priority == "high"
