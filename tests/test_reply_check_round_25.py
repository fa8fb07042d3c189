"""Round 25 (batch 27 read; docs/benchmarks.md "Round 25"): batch 27's good replies held — capitals and marks in a
reply of joy ("THE DRESS FITS!!! We're so happy for you"), a brand's safety mailbox — and its misses: the sting as a
count of complaints held against them, a hobby, a skill or a disability mocked, a threat, blame of family or victim;
a code read out digit by digit, a card, a birthday or bank details given in parts, long COVID; a code shared "unless I
share" it, a login from another country, orders never ordered, an account in a late parent's name. Each in words
written here, beside kind replies that must pass."""
from __future__ import annotations

import pytest

from bot.rules import urgency
from bot.rules.reply_check import check_reply_text


@pytest.mark.parametrize("text", [
    "THE CAKE ARRIVED!!! We're so happy for you both, enjoy the party.",
    "WE DID IT!!! Congratulations to everyone who voted.",
    "Please send the photos to safety@example.com so our team can trace the batch.",
    "Our quality team is on quality@example.com if you'd like to send the label.",
    "Loyal for life, that's lovely to hear. Thank you!",
    "If the box goes in the fridge straight away, the salad lasts up to five days.",
    "Repeated charges show as pending for a day before they drop off.",
])
def test_round_25_near_misses_pass(families_alone, text):
    assert not check_reply_text(text), text


def test_round_25_joy_undone_is_still_shouting():
    assert "shouting" in {f.kind for f in check_reply_text("WELL DONE!!! NOW STOP POSTING ABOUT IT.")}


@pytest.mark.parametrize("text", [
    "The instructions are on the lid. Would you like us to read them out to you?",
    "We get this from people who don't understand baking. That's science, not our oven.",
    "Refund done. It's a £3 part, so we were a little surprised by the tone.",
    "To be fair, if the milk had gone in the fridge it would probably have lasted.",
    "Ordering a week earlier would avoid this kind of panic.",
    "This is the third complaint from this address, so please follow the manual.",
    "We offered a swap in May. But sure, let's go round again.",
    "As we mentioned the last three times you called, the button is at the top.",
    "Might be worth checking your welding technique too.",
    "Keep a paper map too, like walkers did before they needed an app for everything.",
    "Lovely photos! Brave choice on the colour, but it's your day.",
    "Maybe get someone with steadier hands to fill it in?",
    "It's in plain English, so it shouldn't take long, even for you.",
    "We don't take kindly to being called liars online.",
    "We do keep an eye on accounts with lots of complaints.",
    "Please note that repeated public posts about a case can slow things down.",
    "The station is an hour away, so it's hardly the end of the world.",
    "It would help if the family kept us updated, rather than leaving it to us.",
    "If your drivers reported faults sooner, we'd catch them earlier.",
    "As you know, we always say never share your PIN, so please remember that next time.",
    "Not a priority, sorry.",
    "Lol, \"fast\". Cute.",
    "If you ride beyond your ability, breakages are to be expected.",
    "It took three of us to work out what you meant.",
])
def test_round_25_tone_families(families_alone, text):
    assert {finding.kind for finding in check_reply_text(text)} - {"tone"}, text


@pytest.mark.parametrize("text, kind", [
    ("Please read out code 4 8 1 5 9 2 to our agent when they call.", "secret"),
    ("The card on file starts 4111 1111 and the rest is 1111 1111, is that right?", "card"),
    ("We checked your birthday, 3 April, and the year, 1979, and both match.", "identity"),
    ("Refund to sort code 12-34-56, and the account number, 12345678, as you gave it.", "bank"),
    ("We've noted your long COVID on the account, Priya, so calls can be shorter.", "health"),
])
def test_round_25_personal_data_families(families_alone, text, kind):
    assert kind in {finding.kind for finding in check_reply_text(text)}, text


@pytest.mark.parametrize("text", [
    "A man on WhatsApp said my account would close unless I shared the code. I shared it and now my phone has no signal.",
    "Got an alert of a login from a device in another country last night and now my password doesn't work.",
    "Four orders on my account shipped to Bristol. I never ordered any of them.",
    "Someone took out a loan in my late mother's name.",
])
def test_round_25_fraud_said_plainly_is_urgent(text):
    assert urgency.assess(text, use_model=False).priority == "urgent"


def test_round_25_loyal_for_life_is_praise_not_a_threat():
    assert urgency.assess("Still using my first kettle from 1994. Loyal for life.", use_model=False).priority in ("low", "normal")
