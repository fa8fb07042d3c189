"""Round 24 (batch 26 read; docs/benchmarks.md "Round 24"): batch 26's nine good replies held — capitals of joy, of
a count or of a warning ("YOU DID IT!!!", "FOUR HUNDRED AND TWELVE!", "PLEASE DON'T FEED ANY MORE"), a fix done
"properly this time", a team joking about itself ("still crying about it"), a case reference in groups, a shop's
trading name and unit before its address and postcode — and its misses: the sting as blame of the victim or the
family, a need belittled, a threat, mockery; a card, a PIN or a birthday given in parts; someone else away; palliative
care. Each in words written here, beside kind replies that must pass."""
from __future__ import annotations

import pytest

from bot.rules import urgency
from bot.rules.reply_check import check_reply_text


@pytest.mark.parametrize("text", [
    "YOU DID IT!!! Three peaks in a day, what a team.",
    "ONE THOUSAND AND ONE! Thanks for every order since day one.",
    "PLEASE DON'T USE THE CHARGER until our engineer has checked it. We'll call you today.",
    "PLEASE STOP USING THE HEATER NOW and unplug it. A replacement is on its way.",
    "GREAT NEWS! The part arrived this morning and the van is on its way.",
    "I've asked a supervisor to check it so it's sorted properly this time.",
    "Our web team hate that bug too and are still moaning about it 😄 A fix ships Friday.",
    "Your case reference is 5521-8830-42. Quote it if you call.",
    "Post it back to our repairs centre: Tidewell Tools, Unit 9, Harbour Road, Falmouth TR11 2AB.",
    "We've forwarded your solicitor's letter to our legal team, who will reply by Friday.",
    "Happy birthday, Sam! Your birthday treat is in the app.",
])
def test_round_24_near_misses_pass(families_alone, text):
    assert not check_reply_text(text), text


@pytest.mark.parametrize("text", [
    "GOOD NEWS: IT'S DONE. STOP EMAILING US.",
    "WELL DONE, YOU FINALLY READ IT.",
])
def test_round_24_cheers_that_turn_on_the_customer_are_still_shouting(text):
    assert "shouting" in {finding.kind for finding in check_reply_text(text)}, text


@pytest.mark.parametrize("text", [
    "Your card is frozen. In fairness, we do warn people not to open links like that.",
    "Refund sent. Some people just like to blame the product.",
    "We've opened an investigation. Parents do need to check the label themselves, of course.",
    "Credit added for your dad. Family should really be keeping an eye on his meter.",
    "Replacement sent. The cups are not for being thrown about by toddlers.",
    "The funds are released. It would have been quicker if the form had been right.",
    "Ask a grandchild to help you set it up.",
    "The large print is in the menu. Maybe get your eyes checked?",
    "Sorry nobody met you. It might be easier to travel with a companion in future.",
    "New bulbs ship today. Make sure whoever fits them actually knows what they're doing.",
    "Well done on passing! Anyone can pass it, so don't get too carried away.",
    "If you tag us again with that video, we'll cancel your account.",
    "Any further comments like these will be referred on.",
    "Leaving fake reviews can lead to legal action.",
    "We keep a record of customers who complain often.",
    "I had to read your message twice to follow it, ha.",
    "Glad you've got so much spare time!",
    "Hopefully the courier is more patient than you were.",
    "Hopefully you two can agree on this at least!",
    "Sorry, Mark in the warehouse is useless. We'll send someone competent.",
    "You shared the code, so technically this isn't fraud. Don't expect much.",
    "Pay the bill and the line comes back.",
    "A deposit is not a charge. It's a simple concept.",
    "Heaters get hot, that's the point.",
    "Can someone from returns take this one, he's been a nightmare.",
])
def test_round_24_tone_families(families_alone, text):
    assert {finding.kind for finding in check_reply_text(text)} - {"tone"}, text


@pytest.mark.parametrize("text, kind", [
    ("The card on file starts 4111 1111 and ends 1111 1111. Is that right?", "card"),
    ("Your new PIN begins with 72. The rest is in the letter.", "secret"),
    ("Happy birthday, Jo! We have you down as the ninth of March 1984.", "identity"),
    ("We've paused Mr Ali's deliveries while he's visiting his son in Leeds.", "whereabouts"),
    ("You said you're on nights all week, so we'll leave it in the porch.", "whereabouts"),
    ("We've moved Mrs Green's plan now she's in palliative care.", "health"),
])
def test_round_24_personal_data_families(families_alone, text, kind):
    assert kind in {finding.kind for finding in check_reply_text(text)}, text


@pytest.mark.parametrize("text", [
    "The toddler got her head caught between the cot rail and the mattress. She's fine but the gap is too big.",
    "There's a smell from the gas boiler you fitted and my dad got dizzy in the kitchen.",
])
def test_round_24_a_gap_that_catches_a_head_and_a_gas_smell_that_dizzies_are_urgent(text):
    assert urgency.assess(text, use_model=False).priority == "urgent"
