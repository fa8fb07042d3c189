"""Round 26 (batches 28 and 29 read; docs/benchmarks.md "Round 26"): personal data in shapes the patterns did not
read — a code or PIN with a word between its name and its digits, a password described, a social security number in
two parts, a passport number a few words on, an e-mail read out, a house number in words, a birthday's full date, a
hotel room, a place left unattended, a phone's place "right now", a driver on his break at a named pub, a condition
someone is recovering from or on; and posts: a child who nearly went down the stairs, a rider thrown when a part
snapped at speed, pills floating in a child's medicine, sick all night, a SIM "upgraded" and no signal since, a
password and phone changed by nobody the customer knows, a correspondent, a newsletter asking for a line. Each in
words written here (not the batches'), beside kind replies and calm posts that must pass."""
from __future__ import annotations

import pytest

from bot.rules import urgency
from bot.rules.reply_check import check_reply_text


@pytest.mark.parametrize("text, kind", [
    ("Code 4471 90 accepted, Ben, you're in.", "secret"),
    ("Your PIN is really 2580, Ola, not 2850 as you typed.", "secret"),
    ("You typed 3344 as your PIN, Dev, which is why the machine kept it.", "secret"),
    ("Tip: your password is still your cat's name then the year you moved in.", "secret"),
    ("We matched 987-65 and then 4321 from your social, so you're verified.", "identity"),
    ("The passport on the booking for Mrs Ade reads: 501277834.", "identity"),
    ("We have it as amara.k, then at, then webmail.example, is that right?", "email"),
    ("The driver will leave it at number forty-one, Mill Lane, as you asked.", "address"),
    ("Happy birthday, Frank! Born 02/11/1950 and still our best customer.", "identity"),
    ("We've sent the charger to your hotel, the Bayview, room 218.", "whereabouts"),
    ("Noted that your cottage will be empty from the 5th, so we'll hold the delivery.", "whereabouts"),
    ("The tracker shows your van in the Asda car park on Kirk Road right now.", "whereabouts"),
    ("Your installer Dave is on his lunch at the Red Lion if you want the keys.", "whereabouts"),
    ("As Mum is recovering from a knee replacement, the driver will bring it upstairs.", "health"),
    ("We know your father is on dialysis three days a week, so we've moved the visit.", "health"),
])
def test_round_26_personal_data_shapes(families_alone, text, kind):
    assert kind in {finding.kind for finding in check_reply_text(text)}, text


@pytest.mark.parametrize("text", [
    "Enter the code from the text message and you'll be logged in.",
    "Error code 5012 means the router needs a restart.",
    "Discount code 2024 is valid until Sunday, enjoy!",
    "Error code 5012 confirmed: it's the router, not your line.",
    "Your PIN is never stored by us, so nobody here can see it.",
    "Your password is up to you, but we recommend twelve characters or more.",
    "Passport holders from the EU don't need a visa for this trip.",
    "Our showroom is at number twelve on the retail park, next to the garden centre.",
    "Happy birthday, Frank! Enjoy the cake on us.",
    "Our hotel partners keep room service open until 11pm.",
    "The shop will be closed on Monday for the bank holiday.",
    "Your phone should update itself overnight right now the fix is rolling out.",
    "We're sorry you've been unwell, and we hope you're feeling better soon.",
])
def test_round_26_near_misses_pass(families_alone, text):
    assert not {f.kind for f in check_reply_text(text)} & {"secret", "identity", "email", "address", "whereabouts",
                                                              "health", "phone"}, text


@pytest.mark.parametrize("text", [
    "The stair gate you sold me gave way and my toddler almost tumbled down the stairs.",
    "The pedal sheared off at 25mph on the hill, I came off and broke my wrist.",
    "There were capsules floating loose in the bottle of my son's cough medicine and she's very drowsy now.",
    "All four of us have been throwing up all night after the fish pie.",
    "My grandad's gone a funny grey colour since he ate your chicken pie.",
    "I got a message that my number would be ported tonight and since then no signal at all.",
    "Email says thanks for changing my password and adding a new mobile. I did neither.",
    "I'm a correspondent for a Cardiff weekly looking into your recall.",
    "I run a small newsletter on home energy. Readers keep asking about this, could you give me a quote by Friday?",
])
def test_round_26_posts_are_urgent(text):
    assert urgency.assess(text, use_model=False).priority == "urgent", text


@pytest.mark.parametrize("text", [
    "The new stair carpet looks great, the dog nearly went down them sliding though, haha.",
    "He's very sleepy after the long walk, the new bed is a hit!",
    "Just subscribed to your newsletter, love the recipes.",
])
def test_round_26_calm_posts_stay_calm(text):
    assert urgency.assess(text, use_model=False).priority != "urgent", text


def test_round_26_a_place_left_empty_asked_about_is_a_question():
    assert not check_reply_text("If your house will be empty while we fit it, tell us where to leave the key safe.")
