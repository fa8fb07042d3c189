"""Round 22 (batch 24 read; docs/benchmarks.md "Round 22"): batch 24's misses — the sting after the fix told as advice
for next time, what the customer should have done, their capitals or threats held against them; health named beside a
medicine, an operation or a clinic's appointment; an absence with its length; a PUK; a street named before its number;
an identity number behind "national id" — and its two good replies held (an announcement "so everyone knows", a data
protection officer's mailbox). Each in words written here, beside kind replies that must pass."""
from __future__ import annotations

import pytest

from bot.rules import urgency
from bot.rules.reply_check import check_reply_text


@pytest.mark.parametrize("text", [
    "Just so everyone knows, the page offering free tickets isn't ours. Please don't click it.",
    "Our data protection officer is on dpo@example.com for any subject access request.",
    "Next time you order, the code SPRING10 takes 10% off.",
    "If you'll be away for a while, you can choose a safe place in the app.",
    "Never share your PUK code with anyone, even someone saying they're from us.",
    "Your prescription is ready to collect from 2pm.",
    "Our surgery is open until 6 on weekdays.",
    "Sorry to hear about the delay with your order, it ships today.",
    "Our Lisbon shop at Rua Augusta 40, Baixa, is open daily.",
    "The capital letters on the label mean it's the allergen list.",
    "We'll be in touch before the end of the week, Tom.",
    "We explain it step by step in the guide, and we're happy to go through it on a call.",
    "Fair question! Let's go through it together on a call.",
])
def test_round_22_near_misses_pass(families_alone, text):
    assert not check_reply_text(text), text


@pytest.mark.parametrize("text", [
    "Your refund's on its way. Next time, maybe don't wait until the sale ends to order.",
    "The engineer will call at 9. Perhaps keep your phone switched on this time so he can actually get through.",
    "The part is on order. Our fitters know what they're doing, so perhaps trust them next time.",
    "Sorry it arrived late. You should really have booked more than two days before the party, though.",
    "We've blocked the scam page. Anyone sending money to a stranger should have known better.",
    "Credit applied. Checking the boxes before you sign is your job, not ours.",
    "Parts ship tomorrow. The all caps weren't really necessary, we read every message.",
    "We'll look at it once you've switched off the caps lock.",
    "Rebooked for Monday. Threatening to cancel every week isn't really getting you anywhere.",
    "Assistance is booked. It's a single escalator, so we'd appreciate a little perspective.",
    "Thanks, we've refunded you. Our driver tells a rather different story about the gate.",
    "The credit shows next month. We did explain this the first three times.",
    "Glad it's sorted. A shame you felt the need to tag every page first.",
    "Weather happens, and we can't reroute the ferry for one passenger.",
    "One parcel late? Somebody call the police.",
    "Sure, Dave. Sure.",
    "We're happy to help, but only customers who can be civil.",
    "Let's try this slowly. The plug. The one that says 'power' on it.",
    "Refer to our previous reply.",
    "Replacement on the way. To be fair, your order form did say size 8.",
])
def test_round_22_tone_families(families_alone, text):
    assert {finding.kind for finding in check_reply_text(text)} - {"tone"}, text


@pytest.mark.parametrize("text, kind", [
    ("Hi Tom, your daughter Ella's inhaler prescription is ready at the pharmacy.", "health"),
    ("Hi Jo, as your hip operation is on Friday, the bed will arrive the week after.", "health"),
    ("Hi Ann, your dialysis appointment has moved to 9am Tuesday.", "health"),
    ("Hi Raj, we've received your referral from Dr Shah for the trial.", "health"),
    ("We've told the driver that she has dementia and may need a moment at the door.", "health"),
    ("So sorry to hear about the seizures, Ben. We've noted it on the account.", "health"),
    ("Hi Kim, the parcel goes to the depot since you'll be away in Crete for two weeks.", "whereabouts"),
    ("Your new SIM is active. The PUK is 87654321 if the phone asks.", "secret"),
    ("We've updated your address to Calle Mayor 18, 2B, Madrid.", "address"),
    ("We've matched your national identity card number 987654321V to the account.", "identity"),
])
def test_round_22_personal_data_families(families_alone, text, kind):
    assert kind in {finding.kind for finding in check_reply_text(text)}, text


def test_round_22_a_licence_number_with_hyphens_is_still_an_identity():
    # The identity value may not be a bare word (round 22); a licence number in hyphenated groups still is one.
    assert "identity" in {f.kind for f in check_reply_text("Your booking is under licence number DL-55443322.")}


def test_round_22_pay_sent_to_a_strangers_account_after_a_fake_email_is_urgent():
    text = "Clicked a link in a text about my pension, typed my login, and my pension payment went to another account."
    assert urgency.assess(text, use_model=False).priority == "urgent"


def test_round_22_no_complaints_in_scots_is_not_a_complaint():
    assert urgency.assess("The cat sat in the box all day. Nae complaints, he loves it.", use_model=False).priority in ("low", "normal")
