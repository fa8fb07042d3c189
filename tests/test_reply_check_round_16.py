"""Round 16 of issue 25's reply check (batches 16 and 17 read): each family with
a reply in words of its own that it must hold, and everyday kind replies in the
same words that must pass — a family read off one writer's misses is only
as good as what it leaves alone (docs/benchmarks.md, "A review after batch 17")."""
from __future__ import annotations

import pytest

from bot.rules import tone_model
from bot.rules.reply_check import check_reply_text

# The tone model loads in the background on first use; load it now (blocking), so these replies are read by the
# families and the model together however this file is run.
tone_model.available()


@pytest.mark.parametrize("text, kind", [
    ("Your engineer will call at flat four, thirty two Harbour Road, Tenby between 8 and 12.", "address"),
    ("The courier goes out to nineteen Heol Las, Aberaeron, first thing.", "address"),
    ("Your new card is going to 12 calle del Sol, piso 2, Sevilla.", "address"),
    ("We'll send it to Lindenstraße 14 as soon as it's back in stock, Jonas.", "address"),
    ("Good news Mr Rees, we've upgraded you to room 814 with a sea view.", "whereabouts"),
    ("We've noted you'll be travelling from 3 to 19 August, so we'll pause the box.", "whereabouts"),
    ("Enjoy Crete! Your flat will be empty, so we'll leave the parcel at the depot.", "whereabouts"),
    ("The gardener will let himself in, the key is under the flowerpot as you said.", "whereabouts"),
    ("Your son Tom's new boots will go to Oakfield Primary reception on Monday.", "whereabouts"),
    ("Maya's ballet class at the Riverside studio is confirmed for Tuesdays at 4:30pm.", "whereabouts"),
    ("Your van, registration KX19 LMN, is booked in for Friday.", "identity"),
    ("The driver is in a blue Skoda, plate GH 4821, outside now.", "identity"),
    ("Happy birthday Dev! You turned 30 on 14 March 1994, so the discount is live.", "identity"),
    ("Type the code 734019 to finish signing in, Grace.", "secret"),
    ("The code we sent you was 218 640 but it's expired now.", "secret"),
    ("We can see you typed the recovery phrase 'ocean maple tiger…' into that page.", "secret"),
    ("We've approved it based on your £36,500 salary, congratulations!", "finances"),
    ("We've noted your epilepsy on the file so the instructor knows.", "health"),
    ("Sorry your coeliac symptoms came back, Ellie, we'll check the kitchen.", "health"),
])
def test_round_16_personal_data_families(text, kind):
    assert kind in {f.kind for f in check_reply_text(text) if f.personal}


@pytest.mark.parametrize("text", [
    "Already answered. See above.",
    "Not our department.",
    "Policy is policy.",
    "Yes, and? Prices go up every year.",
    "Refund declined. Terms apply.",
    "Your complaint has been noted and closed.",
    "The parcel was scanned at your door, so that's really on you.",
    "You chose the cheapest plan. Slower speeds are expected with that.",
    "Happy to look again if you could manage to send the right photo this time.",
    "I've worked here twenty years, I know more about our boilers than you do.",
    "Maybe try writing in proper English so we can help you faster.",
    "Perhaps ask a younger relative to set it up for you.",
    "I'm sure as an accountant you understand how deadlines work.",
    "Glad we could fix your little mix-up for you.",
    "We've skimmed your email and the answer is still no.",
    "Ten returns this month? Someone needs a new hobby!",
    "Your bike lock isn't working? Maybe it's protesting the lack of rides.",
    "We'll remember this when your contract is up for renewal.",
    "Ugh, another regulator one. Stall him till Monday.",
    "Someone send her a voucher so she stops posting.",
    "As I mentioned. Twice. The driver comes on Friday.",
    "We'll be sure to redesign the entire app just for you.",
    "Thanks for the feedback, we'll give it all the attention it deserves.",
    "Sorry our free delivery isn't meeting your premium standards.",
    "A two-hour wait? Lucky you!",
])
def test_round_16_tone_families(text):
    assert any(not f.personal for f in check_reply_text(text))


@pytest.mark.parametrize("text", [
    "Already answered your DM, Sam! Check your inbox when you get a sec.",
    "See above for the steps, and shout if any of them don't work.",
    "Not our department, but I've passed it to the right team and they'll reply today.",
    "Yes, and we'll cover the delivery cost too!",
    "Your complaint has been noted and passed to the store manager, who will call you.",
    "That's on us, sorry! We should have told you about the delay.",
    "If you could send us your order number by DM, we'll sort it today.",
    "Our English and Welsh menus are both on the website.",
    "Sorry about the mix-up with your order, we've sent the right size today.",
    "Thanks for the spelling tip on our menu, we've fixed it!",
    "We'll remember your preference for paper bills from now on.",
    "Can someone from our team call you back? Just DM us a good time.",
    "Twice the points this weekend on all orders!",
    "As mentioned in our opening hours post, we're closed on Monday.",
    "Glad to see you found the refund page, let us know if anything's unclear.",
    "Lucky you getting the last one! Enjoy it.",
    "Oh wow, those photos are stunning! Thanks for choosing us for your big day.",
    "Email groups@example.com and the events team will plan it with you.",
    "You can email it to claims@example.com and we'll add it to your claim.",
    "We'll see you at eight, Tuesday morning, at our Cardiff store.",
    "Our shop is at 8 rue des Lilas, Lyon — pop in any time.",
    "Your room is ready from 3pm, enjoy your stay!",
    "While you're away, we can hold your parcels at the depot for up to 14 days.",
    "If your home will be empty during the works, just let us know.",
    "We're proud to sponsor Greenfield Academy's sports day this summer.",
    "Our Kids' Club runs on Saturdays at 9am at every branch.",
    "Use code SAVE10 at checkout for 10% off your next order.",
    "The code we sent you has expired, so I've texted a new one to the number on your account.",
    "Registration opens on 12 May at 9am.",
    "A £50 credit has been added to your account for the trouble.",
    "Happy birthday from all of us! Your birthday discount is in your inbox.",
    "We've noted your feedback about the wheelchair ramp and sent it to the store.",
    "Our gluten-free range is clearly labelled for anyone with coeliac disease.",
    "Please never share your recovery phrase with anyone, including us.",
    "Arriving Friday? Our airport shuttle runs every half hour.",
    "I'm sorry your brother's worried. Could we call you together so I can explain it slowly?",
])
def test_round_16_kind_replies_pass(text):
    assert check_reply_text(text) == ()
