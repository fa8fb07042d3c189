"""Round 18 of issue 25's reply check and urgency (batch 19 read): each family
with words of its own that it must hold, beside everyday kind replies and
posts in the same words that must pass (see tests/test_reply_check_round_16.py)."""
from __future__ import annotations

import pytest

from bot.rules import tone_model
from bot.rules.reply_check import check_reply_text
from bot.rules.urgency import assess

tone_model.available()  # loaded now (blocking): the replies below are read by the families and the model together


@pytest.mark.parametrize("text, kind", [
    ("We'll call you on oh seven seven double oh, nine double oh, four five six later.", "phone"),
    ("The card ending two two two two, starting four one one one, is blocked now.", "card"),
    ("Refunded to the card starting 4111, ending 1111.", "card"),
    ("Thanks, the code you gave our agent was 448 120 and it's been used.", "secret"),
    ("Thanks Amina, your ID number 87654321 is linked to the wallet now.", "identity"),
    ("As your work permit expires next month, we'll need a new document.", "identity"),
    ("We'll leave the keys at reception for your hotel room, 902, tonight.", "whereabouts"),
    ("We'll hold the post while Mr Adeyemi is away in Lagos from the 2nd to the 20th.", "whereabouts"),
    ("We'll meet your daughter Ella at Riverside High at 3:30.", "whereabouts"),
    ("Your plan covers the £3,100 credit card debt, Mrs Hart.", "finances"),
])
def test_round_18_personal_data_families(text, kind):
    assert kind in {f.kind for f in check_reply_text(text) if f.personal}


@pytest.mark.parametrize("text", [
    "The returns policy is on the website for anyone who bothers to read it.",
    "Apps can be tricky for older customers. Maybe a grandchild could help?",
    "An experienced plumber should know to isolate the water first.",
    "Sorry for the delay. If you'd chosen next-day delivery this wouldn't have happened.",
    "We did warn customers about this scam. Not much we can do if you clicked the link.",
    "It's only a birthday party. I'm sure you'll survive without the bouncy castle.",
    "Complaint closed. No further action.",
    "Another message like this and you'll be banned from the app.",
    "We know students are busy, but that's no reason to be rude to our drivers.",
    "For the last time, opened items can't be refunded.",
    "Please try to actually be home for the next slot.",
    "Most drivers manage to park in the marked bays.",
    "We've done all we can. Best of luck elsewhere.",
    "Go ahead and report us. We're not worried.",
    "[internal] she is clearly lying about the dent, offer 5% max",
    "It would help if you typed it properly next time.",
    "That's a question for your landlord, not us.",
    "Thanks for sharing this with all your followers. Very helpful of you.",
])
def test_round_18_tone_families(text):
    assert any(not f.personal for f in check_reply_text(text))


@pytest.mark.parametrize("text", [
    "We've frozen your card and a fraud specialist will call you from the number on the back of it.",
    "If you're not happy with our final response, you can refer your complaint to the ombudsman.",
    "You can raise a dispute through the deposit scheme if we can't agree.",
    "Our double room sleeps two, and the triple sleeps three.",
    "Any card ending in a 4 digit code like 1234 is shown only in your app, never here.",
    "Your order ID number is in the confirmation e-mail.",
    "Visa and Mastercard are both accepted.",
    "Room 12 is our quiet room if you need a break during the event.",
    "Our manager is away this week, but the team can help with anything.",
    "We support Riverside High's fundraiser every year.",
    "The £5 fee has been refunded to your card.",
    "Thanks for your patience, we've booked the engineer for Thursday.",
    "It's only a short walk from the station to our shop.",
    "We're not worried about the delay affecting your warranty, it's fully covered.",
    "Go ahead and order, the discount is applied at checkout.",
    "Best of luck with the exams this week!",
    "That's very helpful of you to let us know, thank you!",
])
def test_round_18_kind_replies_pass(text):
    assert check_reply_text(text) == ()


@pytest.mark.parametrize("text", [
    "getting verification codes from you i never asked for and now i'm locked out, my password was changed",
    "someone on Instagram claiming to be from your support team asked for my card details",
])
def test_round_18_urgent_cues(text):
    assert assess(text, use_model=False).priority == "urgent"


def test_the_press_called_in_jest_is_not_press():
    assert assess("my son has discovered the washing machine. Alert the press.", use_model=False).priority != "urgent"


def test_a_street_and_its_postcode_are_one_finding():
    # A new user's trial (2026-12-07): two bullets, "•• Road" and "•• postcode", for one address.
    found = check_reply_text("We will send it to 14 Elm Road, Leeds LS6 2AB tomorrow.")
    assert [f.kind for f in found] == ["address"]
    assert [f.kind for f in check_reply_text("Your postcode LS6 2AB is on file.")] == ["address"]
