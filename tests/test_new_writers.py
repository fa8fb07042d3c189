"""Round 6 of issue 25: the families batches 4 and 5 showed missing, each
tested in words written for this file (no batch holds them). A family is what
a post or a reply does — goes public, reports the same fault again, jokes
with a danger word, shuts the door on the customer — so a writer the rules
never saw is read by what they do, not by the word they chose."""
from __future__ import annotations

import pytest

from bot.rules.reply_check import check_reply_text
from bot.rules.urgency import assess


@pytest.mark.parametrize("text", [
    # Going public.
    "Sharing this so everyone in Leeds can see how @acme treats its tenants",
    "RT if your parcel from @acme also vanished into thin air",
    # The same fault again.
    "This is the fifth engineer you've sent and the dishwasher still leaks",
    # A date that cannot move.
    "The suit for my son's graduation was promised by Friday and the graduation is tomorrow morning",
    # Who the customer is, beside a problem.
    "I'm deaf and your only way to rebook is a phone line, I can't use it",
    "She's 91 and you've cut her broadband off, she can't call anyone",
    # Leaving, money in limbo, exasperation.
    "Thinking about moving to a different broadband provider after this week",
    "Where is my money? The app says paid on Friday and nothing has landed",
    "Are you seriously joking, the bed arrived with no slats",
])
def test_a_complaint_that_needs_an_answer_soon_is_high_by_the_rules(text):
    urgency = assess(text, use_model=False)
    assert urgency.priority == "high"
    assert urgency.reason  # the root says why


@pytest.mark.parametrize("text", [
    "Slightly disappointed the mugs are smaller than the photo, not a big deal",      # said as small
    "That chilli sauce nearly killed me lol, do you do a bigger bottle?",           # a danger word in jest
    "I'd kill for a gluten-free option on the menu, any plans?",                    # hyperbole
    "The new throw is dangerously cosy, is there a matching cushion?",
    "Does the murder mystery dinner still run on Fridays?",                         # a question's mood is its topic
])
def test_a_danger_or_complaint_word_said_lightly_stays_normal(text):
    assert assess(text, use_model=False).priority == "normal"


@pytest.mark.parametrize("text", [
    "👏👏 ta 👏",                                                                      # a word among happy emoji
    "🛁 ✨ 🧴 @acme",                                                                  # emoji alone, none unhappy
    "Had a problem with a missing parcel in May, but they sorted it and it's been brilliant since",  # ends well
    "OMG THE CAKE!!! IT'S GORGEOUS!!! MY SON IS SCREAMING!!!",                      # a harm word in joy, shouted
])
def test_praise_is_low_and_never_raised(text):
    assert assess(text, use_model=False).priority == "low"


@pytest.mark.parametrize("text", ["👀 @acme 👀", "🙏🙏🙏", "👏👏 ta 👏"])
def test_emoji_from_a_customer_who_wrote_again_and_again_are_not_praise(text):
    """A customer's fourth post in the wait, emoji alone or a word among them, is waiting, not thanking."""
    for use_model in (False, True):
        urgency = assess(text, posts_in_wait=4, use_model=use_model)
        assert urgency.priority == "high" and "wrote 4 times" in urgency.reason


def test_who_the_customer_is_raises_only_beside_a_problem():
    assert assess("The driver was so kind to my gran in her wheelchair, thank you", use_model=False).priority == "low"


@pytest.mark.parametrize("family, text", [
    ("fraud", "A man who said he was from your bank team asked me to read out the code and now £900 is gone"),
    ("safety", "the hallway smells of rotten eggs since your engineer serviced the boiler"),
    ("legal", "My friend is a paralegal and says to keep every message you send me"),
    ("press", "I present the consumer slot on local radio, happy to read out a statement if you send one"),
    ("safety", "my toddler pulled the shelf over on himself, it was not fixed to the wall properly"),
    ("safety", "the treadmill kept speeding up on its own and threw my dad off the back"),
    ("safety", "the car seat strap came undone on the motorway with my daughter in it"),
])
def test_new_urgent_families_are_urgent_and_named(family, text):
    urgency = assess(text, use_model=False)
    assert (urgency.priority, urgency.reason.split(":")[0]) == ("urgent", family)


@pytest.mark.parametrize("text", [
    "Great service as always! Also FYI the charger I bought is sparking when I plug it in",
    "Amazing food!! My daughter had an allergic reaction to the satay though",
    "my kid swallowed a battery lol what do I do",                                   # laughing, still harm
])
def test_a_danger_told_politely_or_laughing_is_still_urgent(text):
    assert assess(text, use_model=False).priority == "urgent"


def test_a_joke_about_the_radio_is_not_the_press():
    assert assess("the bus driver's taste in radio stations is questionable, his driving is perfect",
                  use_model=False).priority != "urgent"


@pytest.mark.parametrize("text", [
    "Closing the ticket.", "As previously stated, the form is on our website.",
    "I'll go really slowly this time: the code is on the box.", "Enough is enough, we've done what we can.",
    "Plenty of other customers are happy with the sofa.", "Maybe it's how you're using it.",
    "At your age you might want a family member to set it up.",
    "If you leave that review we'll be forced to pursue the unpaid balance.",
    "It's the man with the toaster again, can someone else deal with him", "OK boomer",
])
def test_new_phrasings_of_bad_tone_are_held_by_a_family(text):
    assert {finding.kind for finding in check_reply_text(text)} - {"tone"}  # a phrase family, not the model


@pytest.mark.parametrize("text", ["This made our day, thank you for the photo!", "lol same, hope the toast survived!"])
def test_warm_replies_pass(text):
    assert not check_reply_text(text)


@pytest.mark.parametrize("text, kind", [
    ("Your door code is 11 42 90, change it after the visit.", "secret"),
    ("Here are your 2FA backup codes: 4821-9930, 1177-2045.", "secret"),
    ("Login: sam_k / pass: Maple!22", "secret"),
    ("Your optician report shows early glaucoma, so the lenses were changed.", "health"),
    ("We rang you on 087 555 1234 this morning.", "phone"),
    ("Your NRIC S7654321A is on file for the warranty.", "identity"),
])
def test_personal_data_in_new_formats_is_held(text, kind):
    assert kind in {finding.kind for finding in check_reply_text(text)}


def test_the_tone_model_reads_words_not_a_writers_punctuation():
    """Trained on seven batches with marks among its hashed words, the tone model weighed a full stop as bad
    tone (+1.0 of the 0.90 it gave "We are looking into it publicly too."): the batches' writers end curt
    replies with one. The heads that read a post keep their marks ("?!" says someone is waiting)."""
    import numpy as np
    from bot.rules import urgency_model
    plain = urgency_model.bag_of_words("We are looking into it publicly too.", punctuation=False)
    assert np.array_equal(plain, urgency_model.bag_of_words("We are looking into it publicly too", punctuation=False))
    assert not np.array_equal(urgency_model.bag_of_words("hello?!"), urgency_model.bag_of_words("hello"))


@pytest.mark.skipif(not __import__("bot.rules.tone_model", fromlist=["x"]).available(),
                    reason="socialdesk[nlp] is not installed")
def test_plain_replies_of_the_flow_tests_pass_the_tone_model():
    from bench.urgency import PLAIN_REPLIES
    from bot.rules import tone_model
    for text in PLAIN_REPLIES:
        assert tone_model.bad_tone(text)[0] < tone_model.line(text), text
