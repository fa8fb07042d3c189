"""Round 23 (batch 25 read; docs/benchmarks.md "Round 22 and batch 25, round 23"): batch 25's seven good replies held —
capitals and marks of joy or of a warning that protects ("CONGRATULATIONS ON THE PB!!!", "DO NOT EAT IT", "SCAM
ALERT:"), a fault owned read by VADER as hostile, a shop's trading name before its address — and its misses: the sting
as a record never wrong, a rare need, doubted honesty, a dialect mocked, the cold reply alone; a phone number or a code
given in parts, a medicine by its stem, a named child's school, a person waiting alone. Each in words written here."""
from __future__ import annotations

import pytest

from bot.rules import urgency
from bot.rules.reply_check import check_reply_text


@pytest.mark.parametrize("text", [
    "CONGRATULATIONS ON THE NEW SHOP!!! We'll be in for a coffee.",
    "WELL DONE ON THE MARATHON!!! Sub four hours, what a run.",
    "Happy birthday, Ruth!!! Enjoy the cake.",
    "PLEASE DO NOT CHARGE the scooter again. We're collecting it today.",
    "WARNING: the text about a parcel fee is NOT from us. Don't click the link.",
    "FRAUD ALERT: we will never ask for your PIN.",
    "Sorry, the booking failed on our side, not yours. It's fixed now.",
    "Pop in to our studio: Inkwell Lane Tattoo, 12 Market Street, Bude. Open from 10.",
    "We open at 7 and close at 10, then 11 at weekends.",
    "Call our billing line on 0800 7123 then press 4.",
    "Your order ships today, then the rest next week.",
    "Don't worry, we'll keep an eye on your account for anything unusual.",
])
def test_round_23_near_misses_pass(families_alone, text):
    assert not check_reply_text(text), text


@pytest.mark.parametrize("text, kind", [
    ("WELL DONE FOR NOTHING!!!", "shouting"),
    ("DO NOT CONTACT US AGAIN.", "shouting"),
    ("Congrats on finally reading it!!!", "shouting"),
])
def test_round_23_shouting_at_the_customer_is_still_held(text, kind):
    assert kind in {finding.kind for finding in check_reply_text(text)}, text


@pytest.mark.parametrize("text", [
    "Sorry for the wait. Our systems are never wrong, so check your bank app a bit more carefully.",
    "Funny how you're the only one of 12,000 members with this issue. We'll look anyway.",
    "The new valve ships today. Most brewers with any sense keep a spare.",
    "Thanks for flagging it. Very few of our customers use a screen reader, so it isn't top of the list.",
    "Replacement on its way. We do see a lot of people claiming damage, so we've noted your account.",
    "Sorry the collar snapped. Dogs that haven't been properly trained do pull harder.",
    "A courier is on the way. The constant calls don't help anyone, though.",
    "Our condolences. These things happen to everyone eventually.",
    "If £40 seems a lot, the basic kit might be more your budget.",
    "It's under Settings. Very simple, even for someone of your generation.",
    "Sorry he was short with you. Remember a bad review can cost a hard-working driver his job.",
    "Thanks for the feedback. Customers posting repeated complaints may be blocked from the page.",
    "We're on it. We keep screenshots of all public posts, for the record.",
    "All sorted, Dan. You've been one of our more demanding clients this year!",
    "Sorry the bulb failed. Not sure one bulb ruins a whole evening, though.",
    "We found a van for the 3rd. Booking a week ahead is cutting it very fine.",
    "Refund processed, as we said in our last three emails.",
    "We've told the driver. Maybe make yourself easier to spot next time.",
    "Fixed. Took us a while to work out what you'd actually typed, mind.",
    "Couldn't understand a word of that voicemail.",
    "Love the cowboy talk 😂 Your order has shipped.",
    "*you're. Anyway, DM us.",
    "That never happened. Our drivers don't leave parcels outside.",
    "Noted. Nothing further.",
    "No exchanges. End of.",
    "Already answered. See above.",
    "Probably just condensation. Carry on.",
    "Good luck with your \"campaign\". We've seen scarier.",
    "Oh no, the lid is blue now. However will the kitchen cope.",
])
def test_round_23_tone_families(families_alone, text):
    assert {finding.kind for finding in check_reply_text(text)} - {"tone"}, text


@pytest.mark.parametrize("text, kind", [
    ("Is 07700 900 the right start, with 123 at the end? Our driver can't get through.", "phone"),
    ("We rang 07700 earlier. The rest of the number, 900789, went to voicemail.", "phone"),
    ("The code we sent was 41, then 77, then 20.", "secret"),
    ("Thanks for sending 987654321, your social is now verified.", "identity"),
    ("Hi Ana, your sirolimus refill is packed with the dressings.", "health"),
    ("We'll leave the kit at Max's school, Trelawny Primary, before lunch.", "whereabouts"),
    ("The driver can see you're waiting alone at the bus shelter and will be there in 3 minutes.", "whereabouts"),
    ("We'll keep the boxes until you're back from Madeira on the 14th.", "whereabouts"),
    ("Nothing will be left at the empty flat while you're away.", "whereabouts"),
])
def test_round_23_personal_data_families(families_alone, text, kind):
    assert kind in {finding.kind for finding in check_reply_text(text)}, text


def test_round_23_a_pet_caught_in_a_product_is_urgent():
    text = "our cat got his paw stuck in the FeedEasy bowl lid and cut his leg open trying to pull it out"
    assert urgency.assess(text, use_model=False).priority == "urgent"


@pytest.mark.skipif(not __import__("bot.rules.tone_model", fromlist=["available"]).available(),
                    reason="the tone model is the optional nlp extra")
def test_joy_and_a_plain_greeting_are_not_asked_of_the_tone_model_but_sarcastic_congratulations_are():
    from bot.rules import reply_check
    assert reply_check.joyful("Lucky you getting the last one! Enjoy it.")
    assert not reply_check.joyful("Congratulations on finding the one faulty sofa in the country.")
    assert check_reply_text("Congratulations on finding the one faulty sofa in the country.")
    # … nor a greeting with an offer of help and nothing else (the model trained on batch 25 read it 0.803)
    assert check_reply_text("Hello Quinn, how can we help?") == ()
    assert check_reply_text("Lovely to hear from you again, for the sixth time this week. How can we help now?")
