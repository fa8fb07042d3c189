"""Round 19 (batches 20 and 21 read; docs/benchmarks.md "Round 19"): the families read off their misses, each tested
in words written here, not the batches' own — beside kind replies in the same words that must pass. (Its model
change, the tone model asked about kind replies too, was not kept: round 20.)"""
from __future__ import annotations

import pytest

from bot.rules import urgency
from bot.rules.reply_check import check_reply_text


@pytest.mark.parametrize("text", [
    "Sorry for the wait! To be fair, you did pick the slowest postage option at checkout.",
    "Thanks for the feedback. Most customers manage the assembly in under an hour, but we're here if you need us.",
    "Apologies for the mix-up. Students do tend to leave their deposits until the last minute, so please send it today.",
    "We've read your post, along with everyone else's.",
    "Thanks for your patience. Hopefully that's clear now.",
    "A tip for next time: the tracking link is in the email we sent you.",
    "We're looking into it. Please be aware that members who post abusive comments may have their accounts suspended.",
    "We'd ask you to consider removing your review while we look into this.",
    "Per my last message, the order has shipped.",
    "Okay, once more then: the shop opens at nine.",
    "Posting it again won't make anything happen faster, I'm afraid.",
    "We've told you three times now that the engineer is booked.",
    "Sounds like someone needs a new alarm clock! Your slot is 8am.",
    "Glad you finally found the download button, it's been there all along.",
    "Calling us ten times won't speed anything up.",
    "Hi Tom, looking into it now. [internal: this guy again, keep it short]",
    "Thanks, we'll sort it. Note for Priya: he's had two refunds already.",
    "Hi Amy, passing this on. I can't face another one of hers today.",
    "Honestly, expecting a bespoke sofa in three days was a bit optimistic.",
    "Wi-fi's down, sorry. Maybe read a book for once?",
])
def test_round_19_tone_families(families_alone, text):
    assert {finding.kind for finding in check_reply_text(text)} - {"tone"}, text


@pytest.mark.parametrize("text", [
    "Sorry for the wait, that's on us. The replacement ships today.",
    "Thanks so much! Most of our team are fans of that recipe too.",
    "We've refunded the delivery charge, and apologies again for the trouble.",
    "Next time you order, the code WELCOME10 still works — enjoy!",
    "Hi Sam, we've booked the engineer for Tuesday between 8 and 12. Sorry it took three calls to get here.",
    "We're so sorry. You shouldn't have had to chase us, and we've added a credit to your account.",
    "Happy to help! Your new card is on its way and should arrive by Friday.",
    "Good news, the seller has confirmed the parcel left their warehouse this morning.",
    "Thanks for flagging the broken link, our web team fixed it within the hour.",
    "You're welcome to contact the ombudsman, and here's how: we'll DM you the details.",
])
def test_round_19_kind_replies_pass_the_families(families_alone, text):
    assert not check_reply_text(text), text


@pytest.mark.parametrize("text, kind", [
    ("Hi Dan, your brother still owes £260 on the joint account, so we can't close it yet.", "finances"),
    ("Your account is £880 in arrears, please call us today.", "finances"),
    ("As you're on Universal Credit, the lower rate applies from Monday.", "finances"),
    ("We found a county court judgment against you from 2023, so the check failed.", "finances"),
    ("No problem Lena, we'll hold the parcels while you're in Marbella.", "whereabouts"),
    ("Lovely, your flat's empty all weekend then, we'll send the cleaner Saturday.", "whereabouts"),
    ("Your gran is on her own until the evening visit at 7pm.", "whereabouts"),
    ("Our deliveries are paused from the 4th to the 19th while you're away.", "whereabouts"),
    ("The cleaner will use the lock box on the side gate, code 3-9-2-8.", "secret"),
    ("Hope your dad is recovering from his hip operation, the chair is on its way.", "health"),
    ("Your usual driver is off for a while after a stroke.", "health"),
    ("Your account is flagged for hearing loss, so we'll text you instead.", "health"),
])
def test_round_19_personal_data_families(families_alone, text, kind):
    assert kind in {finding.kind for finding in check_reply_text(text)}, text


@pytest.mark.parametrize("text", [
    "We'll pause deliveries while you're away, just let us know when you're back.",
    "Receiving pension credit doesn't stop anyone applying for the social tariff.",
    "Our shop will be closed and unattended over Christmas, orders resume on the 2nd.",
    "Never share the key safe code with anyone claiming to be from us.",
    "The refund of £40 is on its way to your card.",
])
def test_round_19_near_misses_name_no_ones_data(families_alone, text):
    assert not [finding for finding in check_reply_text(text) if finding.personal], text


@pytest.mark.parametrize("text", [
    "Someone in another country has been using my card, it's been used 6 times since midnight",
    "The seller's account has vanished and the item never came, please stop the payment going to the seller",
    "The booster seat you fitted in the hire car has a broken buckle and my son was strapped in it on the motorway",
])
def test_round_19_urgent_cues(text):
    assert urgency.assess(text, use_model=False).priority == "urgent", text


def test_calories_burned_are_not_a_fire():
    assert urgency.assess("My watch says I burned 650 calories on the hike, so pizza tonight", use_model=False).priority != "urgent"
