"""Round 17 of issue 25's reply check and urgency (batch 18 read): each family
with words of its own that it must hold, beside everyday kind replies and
posts in the same words that must pass (see tests/test_reply_check_round_16.py)."""
from __future__ import annotations

import pytest

from bot.rules import tone_model
from bot.rules.reply_check import check_reply_text
from bot.rules.urgency import assess


@pytest.mark.parametrize("text, kind", [
    ("We'll pause the box since you're away in Lisbon from the 3rd to the 19th.", "whereabouts"),
    ("Noted, the flat will be empty until Sunday so the parcel stays at the depot.", "whereabouts"),
    ("We'll deliver on the 22nd; until then nobody will be home, so we'll hold it.", "whereabouts"),
    ("The engineer can see you're at the car park by Tesco Extra in Bangor now, he's on his way.", "whereabouts"),
    ("We've matched your National Insurance number QQ 98 ** ** A, thanks!", "identity"),
    ("Your licence SMITH802174JA7XY is verified.", "identity"),
    ("The code we sent was 553 019, read it to the agent when they ring.", "secret"),
])
def test_round_17_personal_data_families(text, kind):
    assert kind in {f.kind for f in check_reply_text(text) if f.personal}


@pytest.mark.parametrize("text", [
    "Perhaps the delivery notes could have been clearer about the side gate.",
    "It's really quite simple once you try it.",
    "We don't comment to small blogs.",
    "Thanks for your third message today. We did see the first two.",
    "It isn't our job to chase your paperwork for you.",
    "Can someone in billing deal with this guy, he won't stop ringing.",
    "We'll be sure to file it with all the others.",
    "I'm sure a teacher like yourself knows how to read a timetable.",
    "Go ahead and take us to the ombudsman. We have lawyers for this.",
    "Sir, I think we know how to install a boiler.",
    "The screen wouldn't have cracked if you had used the case.",
    "@Jo pretty sure he's trying it on for a freebie",
    "Shame you didn't call us before posting.",
    "Maybe ask someone who speaks English to fill in the form.",
    "Your voucher will be sent once the review is removed.",
    "As said in our previous four replies, it's being looked at.",
    "Ticket closed. Please don't reply to this thread.",
    "Sorry we couldn't read your mind about the colour.",
    "Next time book a slot you'll actually be home for.",
    "Most customers find the wait reasonable.",
    "We've logged your so-called complaint.",
    "Sorry the suite wasn't quite posh enough for you.",
    "We're thrilled you've found a better provider. Best of luck with them.",
])
def test_round_17_tone_families(text):
    assert any(not f.personal for f in check_reply_text(text))


@pytest.mark.parametrize("text", [
    "Call us on our support number, +44 7700 900123, any time before 8pm.",
    "Our WhatsApp line is 07700 900456 for quick questions.",
    "Your parcel will wait at the depot while you're away, just tell us the dates by DM.",
    "If no one will be home, the driver leaves a card.",
    "We can see you're in the queue now, an agent will be with you shortly.",
    "Your National Insurance number is on your payslip if you need it for the form.",
    "The code we sent has expired, so here's how to get a new one: tap 'resend' in the app.",
    "We've been doing this for 40 years and we still love baking your cakes!",
    "It's our job to make this right, and we will.",
    "Thanks for your message today, we'll reply properly by noon.",
    "Most customers find the new app easier after the update, here's a quick guide.",
    "We won't keep you long, the survey is just two questions.",
    "Sorry the room wasn't warm enough for you, we've sent a heater up.",
    "Please don't reply to this thread with your card details; DM us instead.",
    "Best of luck with the move, and welcome back any time!",
    "Kind of you to say! We'll pass it on to the team.",
])
def test_round_17_kind_replies_pass_the_families(monkeypatch, text):
    # The families alone: with the tone model, round 16's and round 17's alike, three of these sixteen are held
    # ("If no one will be home, …" 0.88, "It's our job to make this right …" 0.88, "We won't keep you long, …" 0.95)
    # — near misses written in the words of the bad replies; docs/benchmarks.md, round 17.
    monkeypatch.setattr(tone_model, "_ready", lambda: None)
    assert check_reply_text(text) == ()


@pytest.mark.parametrize("text, family", [
    ("Somebody opened a store card account in my name, I got a welcome letter today", "fraud"),
    ("there's a loan on my file I never applied for, £3,000, from your app", "fraud"),
])
def test_round_17_urgent_cues(text, family):
    urgency = assess(text, use_model=False)
    assert urgency.priority == "urgent" and urgency.reason.startswith(family)


@pytest.mark.parametrize("text", [
    "Driver got the parcel up our muddy track without a single complaint. Proper service",
    "Two years with your card reader, not one outage. Worth every penny",
])
def test_round_17_praise_that_names_no_complaint_is_not_raised(text):
    assert assess(text, use_model=False).priority in ("low", "normal")
