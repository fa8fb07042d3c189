"""Round 21 (batch 23 read; docs/benchmarks.md "Round 21"): batch 23's five good replies held were the families' own
false alarms — a team's name read as a feeling ("our complaints team", "the fraud line"), a depot's address after its
unit, a Freepost address in capitals — and its misses, the sting inside kind words. Each in words written here."""
from __future__ import annotations

import pytest

from bot.rules import urgency
from bot.rules.reply_check import check_reply_text


@pytest.mark.parametrize("text", [
    "We can't go into it here, but our complaints team has your file and will write to you by Monday.",
    "If your card was used without you, ring the fraud line on the back of it now.",
    "You can write to our customer relations team at PO Box 4410, Leeds.",
    "Our warehouse at Unit 12, Riverside Road, Hull is open for collections 8 till 6.",
    "Send it back free to Freepost ACME REPAIRS, no stamp needed.",
    "Your security questions can be changed in the app under Settings.",
    "We'll never ask for your mother's maiden name, which is yours to keep.",
])
def test_round_21_near_misses_pass(families_alone, text):
    assert not check_reply_text(text), text


@pytest.mark.parametrize("text", [
    "Thanks for your patience, the new charger ships today. Maybe read the label before blaming our drivers next time.",
    "We've refunded you. Please try to enter the right address properly this time.",
    "Sorry for the delay! Like most organised customers, you could order earlier.",
    "We're sorry it broke. A bit less drama in the comments would be appreciated.",
    "As a professional, you'd normally check the spec first, but we'll help.",
    "We also have a paper form for people who struggle with computers.",
    "We're a bakery, not a bank. Please pay at the till.",
    "We'll pass it on to the chef, who will no doubt be thrilled.",
    "Sorry, not sorry. The offer has ended.",
    "Nothing we can do. Try another shop.",
    "Ask the courier, not us.",
])
def test_round_21_tone_families(families_alone, text):
    assert {finding.kind for finding in check_reply_text(text)} - {"tone"}, text


@pytest.mark.parametrize("text, kind", [
    ("Hi Siti, the courier will come to 9 Jalan Mawar, Shah Alam at noon.", "address"),
    ("Verified with your first pet, Biscuit, thanks!", "secret"),
    ("Thanks, that's the house at 3 Maes y Coed with the new boiler.", "address"),
])
def test_round_21_personal_data_families(families_alone, text, kind):
    assert kind in {finding.kind for finding in check_reply_text(text)}, text


def test_round_21_a_podcast_host_asking_for_your_side_is_press():
    text = "Podcast host here, 40k listeners. We're covering your recall on Friday's episode, want to give your side?"
    assert urgency.assess(text, use_model=False).priority == "urgent"


def test_a_jokes_own_idiom_is_not_raised_by_the_model_alone():
    # "Bought a second-hand washer. It has seen things." read as urgent by the model trained on batch 23; the cues
    # still raise what they name.
    assert urgency.assess("Got a second-hand pram off a neighbour. It has seen things.").priority != "urgent"
    assert urgency.assess("Asking for a friend: the charger is smoking and melted the plug").priority == "urgent"
