"""REPLY_CHECK's rules against a labelled corpus of realistic staff replies
(tests/fixtures/reply_corpus.tsv): no personal data gets through, >= 90 % of
bad tone is held, <= 2 % of good replies are held."""
from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from bot.rules import tone_model
from bot.rules.reply_check import PERSONAL, check_reply_text, describe
from tests.corpora import BATCHES, HELD_OUT
from tests.helpers import examples

CORPUS = Path(__file__).parent / "fixtures" / "reply_corpus.tsv"
TONE = {"insult", "profanity", "shouting", "sarcasm"}


def _corpus() -> list[tuple[str, str]]:
    rows = [line.rstrip("\n").split("\t", 1) for line in CORPUS.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")]
    return [(label, text) for label, text in rows]


def test_tuning_corpus_rates():
    rows = _corpus()
    assert len(rows) >= 240
    labels = {label for label, _ in rows}
    assert labels == {"good", "email", "phone", "card", "bank"} | TONE
    checked = [(label, text, check_reply_text(text)) for label, text in rows]
    held = {label: sum(1 for lab, _, found in checked if lab == label and found) for label in labels}
    total = {label: sum(1 for lab, _ in rows if lab == label) for label in labels}
    personal_missed = [text for label, text, found in checked
                       if label in PERSONAL & labels and not any(f.kind == label for f in found)]
    tone_held = sum(held[label] for label in TONE) / sum(total[label] for label in TONE)
    good_held = held["good"] / total["good"]
    # Its figures are printed by test_batch, as "first corpus (TUNING)".
    assert personal_missed == []
    assert tone_held >= 0.90
    assert good_held <= 0.02


# Every batch of labelled replies from one list (tests/corpora.py); batch 3
# (HELD-OUT) is collected once the lead adds tests/fixtures/heldout3/.
PRESENT = [batch for batch in BATCHES if batch.has_replies]


def batch_figures(rows: list[dict]) -> tuple[str, Counter, Counter, list[str]]:
    # The tone model loads in the background on first use: wait for it, so a
    # figure never depends on how far that load had come.
    reader = "phrase families + tone model" if tone_model.available() else "phrase families alone"
    found = [(row["label"], row["text"], check_reply_text(row["text"])) for row in rows]
    total = Counter(label for label, _, _ in found)
    held = Counter(label for label, _, findings in found if findings)
    missed = [text for label, text, findings in found if label == "personal_data" and not any(f.personal for f in findings)]
    line = (f"{reader}, {len(rows)} replies: bad tone held {held['bad_tone']}/{total['bad_tone']} "
            f"({held['bad_tone'] / max(total['bad_tone'], 1):.1%}), good held {held['ok']}/{total['ok']} "
            f"({held['ok'] / max(total['ok'], 1):.1%}), personal data held as personal data "
            f"{total['personal_data'] - len(missed)}/{total['personal_data']}")
    return line, held, total, missed, found


@pytest.mark.parametrize("batch", PRESENT, ids=lambda batch: batch.name.replace(" ", "-"))
def test_batch(report_figure, batch):
    """Each batch's figures under its role; HELD-OUT ones are printed, never asserted."""
    rows = batch.read_replies()
    assert rows
    line, held, total, missed, found = batch_figures(rows)
    report_figure(f"reply check, {batch.title}, {line}")
    if batch.role == HELD_OUT:
        return
    if batch.in_models:  # the tone model was trained on these: it holds hardly any of their good replies
        # (round 9's line 0.8 holds one of the 240 plain staff replies it was trained on, at 0.81: a regularised
        # model does not fit every row it learned from; at 0.93 it held none of any batch). Round 15's model,
        # trained with batch 15's short curt replies, holds 3 of those 240 at 0.81–0.89 ("Posting the fix here for
        # everyone."); raising the line to 0.85 would hold 2 fewer there and, left one writer out, 29 fewer of 1,207
        # bad-tone replies for 4 fewer of 2,234 good ones — so the line stays, and here the issue's own line holds.
        kind = [text for label, text, findings in found if label == "ok" and any(f.kind == "tone" for f in findings)]
        assert len(kind) <= 0.02 * total["ok"], kind
    if not batch.rules_read:  # batch 6: its 3 good replies held and 8 personal-data misses are the families' to mend
        return
    # Tuned on: no good reply is held more than 2 % of the time, and personal data
    # is always held — but for batch 1's info@ address of a bakery (a role mailbox passes on purpose).
    assert held["ok"] <= 0.02 * total["ok"]
    assert len(missed) <= (batch.name == "batch 1"), missed


# Written for these tests (in no corpus): bad tone in words the lists had no
# entry for before issue 25, each caught by a family of phrases.
@pytest.mark.parametrize("text", [
    "It's honestly not that difficult to find the returns page.",
    "Perhaps start reading the confirmation emails we send.",
    "Well, that's on you for choosing standard delivery.",
    "Every other customer manages to install it in five minutes.",
    "Oh, you poor thing, a parcel two hours late.",
    "If it were that urgent you could have collected it yourself.",
    "Please LISTEN to what we said yesterday.",
    # Round 5: threats, mocking what they might do, jibes as questions, exasperation.
    "Go ahead and call your lawyer, we'll wait.",
    "What part of 'final sale' did you miss?",
    "Ugh, fine, we'll check it again.",
    "Any more messages like this will be ignored.",
    "Hate to break it to you, but a parcel a day late is not a crisis.",
])
def test_new_phrasings_of_bad_tone_are_held_by_the_rules(text):
    assert check_reply_text(text) != ()


@pytest.mark.parametrize("text", [
    "You're right, that's not good enough — I've refunded the delivery fee.",
    "It's not difficult to fix: hold the power button for ten seconds and it resets.",
    "Next time you order, the code WELCOME5 still works.",
    "That sounds awful, I'm sorry. Could you DM us your order number?",
    "Nobody should have to wait this long — sorry, it's with the courier now.",
    "Ugh, that sounds miserable. So sorry — can you DM us your order number?",
    "Please call your bank and use the number on the back of your card.",
])
def test_kind_replies_with_hard_words_go_out(text):
    assert check_reply_text(text) == ()


@pytest.mark.parametrize("text", [
    # Round 9: a texting keyword, an insult at ourselves, a name VADER reads as a feeling (in no corpus).
    "Reply STOP to 70070 and the texts end today.",
    "Silly me, I sent the wrong link. Here's the right one.",
    "Ugh, stupid keyboard: I meant Friday, not Monday.",
    "Dumb question on my side: was it the blue one or the red one?",
    "Hi Rob, that's sorted for you.",
    "@grace_hope your parcel is at the depot.",
    "We fired up the ovens early for your order, enjoy!",
    "The killer deals end Sunday, so grab yours while you can.",
])
def test_plain_replies_that_only_look_loud_rude_or_hostile_pass_the_families(monkeypatch, text):
    # The families alone (as while the tone model loads, or without the extra): the model reads some of these as
    # curt on its own account — "Ugh, stupid keyboard: …" 0.90 (docs/benchmarks.md, round 9).
    monkeypatch.setattr(tone_model, "_ready", lambda: None)
    assert check_reply_text(text) == ()


@pytest.mark.parametrize("text", [
    "STOP messaging us about this.",
    "That's a stupid question, honestly.",
    "Your stupid phone is the problem, not our app.",
    "Rob, you are a liar and a thief.",
])
def test_the_same_words_aimed_at_the_customer_are_still_held(text):
    assert check_reply_text(text) != ()





@pytest.mark.parametrize("text, kind", [
    # Written the long way round (bot/rules/reply_disguise.py): digits as words, "at" and "dot".
    ("Our driver will ring you on oh-seven-seven-oh-oh, nine-oh-oh, one-two-three.", "phone"),
    ("We rang zero two zero seven nine four six zero eight eight one and left a message.", "phone"),
    ("The card ending five five five five, five five five five, five five five five, four four four four is "
     "cancelled.", "card"),
    ("Your invoice went to tom dot baker at example dot org this morning.", "email"),
    ("Receipt re-sent to j.okafor (at) example (dot) net!", "email"),
    # Health said of the customer: a condition, treatment or record.
    ("Because you're epileptic we've turned off the flashing effects on your account.", "health"),
    ("Congratulations Amy Chen on your IVF news, a gift is on its way!", "health"),
    ("Hi Raj, your GP records say you can't take ibuprofen, so we've swapped it.", "health"),
    ("Sorry Dan, we know your depression has made this month hard.", "health"),
    # A code handed over without its name.
    ("Type 448120 at the prompt and you're in.", "secret"),
    ("Please enter 7731 to unlock the locker.", "secret"),
    # A passport number in brackets; an address with an Indian street kind.
    ("We've noted your passport (no. K7719203) on the booking.", "identity"),
    ("The courier will leave it with your neighbour at 44 Shanti Vihar.", "address"),
    # Round 9 (families read off batches 6–8's misses; these sentences are in no corpus).
    ("Noted that the passenger's asthma diagnosis needs a seat near the galley, Mr Osei.", "health"),
    ("Mrs Lindqvist, her blood test results from Tuesday are back.", "health"),
    ("The chef knows your daughter is severely allergic to sesame.", "health"),
    ("Your repeat prescription for atorvastatin has been posted, Paul.", "health"),
    ("We've packed the lisinopril 10mg separately this time.", "health"),
    ("Your login code is 4 4 8 1 2 0, it lasts ten minutes.", "secret"),
    ("OTP: ( 3 3 9 0 1 2 )", "secret"),
    ("Done! The door code is now seven-one-one-four.", "secret"),
    ("The passport number we hold for you is X4471203.", "identity"),
    ("Scan received: P<IRLMURPHY<<SIOBHAN<<<<<<<<", "identity"),
    ("The driver who hit your car is Tom; his number is 555-0163.", "phone"),
    ("Call Priya at (555) 0177 to swap the tickets.", "phone"),
    ("The fitter has your Eircode T12 X5KH and comes at nine.", "address"),
    ("Parcel redirected to 9 Elm Street, Austin, TX 78701 as asked.", "address"),
    ("Your pension of £1,240 a month was paid into the wrong account.", "finances"),
    ("We checked and her overdraft is now 300 GBP.", "finances"),
    # Round 10 (batch 9's misses, as families; these sentences are in no corpus).
    ("The pin we just texted you is 5521, it works once.", "secret"),
    ("Refund sent to IBAN GB00 TEST 1234 5612 3456 78 today.", "bank"),
    ("Our records say Ama was born 3 March 1990, so the senior fare doesn't apply.", "identity"),
    ("Your ID card, number Y7654321-K, is on the booking.", "identity"),
    ("The licence number as we have it is ABCDE 123456 XY9ZZ.", "identity"),
    ("Her consultant's letter mentions epilepsy, so we've moved her to a quiet room.", "health"),
    ("We've told the kitchen your husband has a severe shellfish allergy.", "health"),
])
def test_personal_data_written_the_long_way_round_is_held(text, kind):
    assert kind in {finding.kind for finding in check_reply_text(text)}
    assert not any(finding.personal for finding in check_reply_text(text, private=True))  # a DM may say it


@pytest.mark.parametrize("text", [
    "If you have a nut allergy, the ingredients list is on the box.",
    "We've sent a link to your recovery email.",
    "You're expecting a refund of £12 by Friday.",
    "Your prescription order is ready, sorry for the wait!",
    "Wishing you a speedy recovery, and sorry again about the step.",
    "Someone one two three … we'll count you in!",
    "Meet us at the pop-up at Westfield this weekend.",
    "If you're allergic to nuts, every allergen is listed on the menu.",
    "Is anyone allergic to anything? Tell the crew at boarding.",
    "Your prescription is ready for collection, sorry for the wait!",
    "We've refunded $54 to your card; your balance will update overnight.",
    "Write to our complaints team by post at 12 Quay Street, Leeds.",
    "The order number is 555-0199, quote it when you call.",
    "Ask any pharmacist about a flu test, they're free this month.",
    "Let us know if your child has a nut allergy and we'll swap the dessert.",
    "Does anyone in your party have a gluten intolerance?",
    "Please bring a letter from your GP if you need the accessible room.",
    "The code we send by text expires after ten minutes; never share it.",
    "Your licence renewal reminder goes out in 2026.",
])
def test_the_long_way_round_families_leave_kind_replies_alone(text):
    assert not any(finding.personal for finding in check_reply_text(text))


def test_an_iban_is_personal_data_and_masked():
    findings = check_reply_text("We've refunded GB82 WEST 1234 5698 7654 32 today")
    assert [f.kind for f in findings] == ["bank"]
    assert "GB82 WEST" not in describe(findings) and "5432" in describe(findings)
    assert check_reply_text("Order ref GB12ABCD12345678 ships") == ()  # check digits fail


@settings(max_examples=examples(300), deadline=None)
@given(st.text(max_size=600))
def test_any_text_is_checked_without_error(text):
    for finding in check_reply_text(text) + check_reply_text(text, private=True):
        assert finding.line()


def test_a_lone_surrogate_is_checked_without_error():
    # JSON may carry "\ud800"; the tokenizer behind the tone model raised on it.
    assert check_reply_text("sorry \ud800 about that") == ()
    assert check_reply_text("\ud800") == ()


@pytest.mark.skipif(not tone_model.available(), reason="socialdesk[nlp] is not installed")  # loads it, blocking
def test_the_tone_model_holds_what_no_family_catches_and_names_what_it_reads_like():
    # Written for this test, in no corpus: no phrase family matches it.
    text = "We have better things to do than read the same complaint twice."
    (finding,) = check_reply_text(text)
    assert finding.kind == "tone" and finding.found.startswith("reads like “")
    assert check_reply_text("We're sorry, we have read your complaint twice and we'll fix it today.") == ()


def test_while_the_tone_model_loads_the_families_decide(monkeypatch):
    monkeypatch.setattr(tone_model, "_ready", lambda: None)
    assert check_reply_text("We have better things to do than read the same complaint twice.") == ()


def test_without_the_tone_model_the_families_decide(monkeypatch, caplog):
    def broken(texts):
        raise TypeError("TextEncodeInput must be Union[TextInputSequence, Tuple[InputSequence, InputSequence]]")
    monkeypatch.setattr(tone_model, "features", broken)
    monkeypatch.setattr(tone_model, "_ready", lambda: tone_model._Model(None, None, (), None))
    assert check_reply_text("We have better things to do than read the same complaint twice.") == ()
    assert "the rules decide" in caplog.text


# Written for these tests: personal data beyond e-mail, phone and a Luhn-valid card.
@pytest.mark.parametrize("text, kind", [
    ("The refund went to card 4929-1234-5678-9012 today.", "card"),  # printed as a card, Luhn fails: still a card
    ("Your date of birth 14/02/1988 is on the booking.", "identity"),
    ("We have your DOB as 3rd March 1975, is that right?", "identity"),
    ("Passport number 123456789 is on the ticket.", "identity"),
    ("NI number AB 12 34 56 C was on the form.", "identity"),
    ("Refund sent to sort code 12-34-56, account 12345678.", "bank"),
    # Issue 25, batch 2 showed these formats missed; written anew for the tests.
    ("Your online banking passcode is now 55Tiger!, keep it safe.", "secret"),
    ("We've set the memorable word to 'marmalade' for you.", "secret"),
    ("Your NHS number 943 476 5919 is on the letter.", "identity"),
    ("The courier left it at 27 Orchard Close as you asked.", "address"),
    # Batch 3 missed these formats (a code given after a clause, a 3-4 local
    # number, an address after a depot named earlier); written anew for the tests.
    ("The verification code we emailed you is 837261, it expires soon.", "secret"),
    ("The PIN we set on the card for you is 4471.", "secret"),
    ("Got it, your new landline 555-0187 is saved.", "phone"),
    ("It's at the sorting office now, so we'll bring it to 9 Larch Hwy on Monday.", "address"),
    ("We'll post the replacement to M5V 2T6 this week.", "address"),
    ("Refund sent to account number 0012345678 this morning.", "bank"),
    ("SSN 123456789 is now on the claim.", "identity"),
])
def test_more_personal_data_is_held_and_masked(text, kind):
    findings = check_reply_text(text)
    assert [f.kind for f in findings] == [kind]
    assert findings[0].personal
    assert not any(digits in describe(findings) for digits in ("1234 5678", "14/02/1988", "123456789", "12 34 56"))


@pytest.mark.parametrize("text", [
    "Order 1234 5678 9012 3456 shipped today.",  # grouped like a card, but no card starts with 1
    "Your reference is 5021353261 and the parcel is due Friday.",
    "The sale starts on 14/02 and ends 28/02.",
    "Never share your PIN or password with anyone, we will never ask for them.",
    "The CVV is the 3 digits on the back of the card.",
    "Our branch at 4 High Street opens at 9.",
    "Your refund went out under transaction ID TXN-00482913.",
    "Promo code SPRING24 takes 10% off.",
    "Never share the code we send you with anyone, not even us.",
    "Your order number is 123-4567.",
    "Our Leeds store is at 12 Briggate, LS1 6HD, open till 8pm.",
])
def test_order_numbers_and_dates_are_not_personal_data(text):
    assert not any(f.personal for f in check_reply_text(text))


@pytest.mark.parametrize("text,shouted", [
    ("Please do NOT open the box, a courier collects it.", []),   # one emphatic word: emphasis (was 📢)
    ("It is NOT covered by the warranty, sorry.", []),
    ("This is NOT OK at ALL.", ["NOT", "ALL"]),                   # two loud words: shouting
    ("We have ALREADY refunded you, please CHECK your bank.", ["ALREADY", "CHECK"]),
    ("NO.", ["NO"]),                                              # the whole reply: shouting
    ("Please READ the message we sent you.", ["READ"]),          # a command at the reader, in capitals
])
def test_shouting_takes_more_than_one_loud_word_most_of_the_reply_or_a_command(text, shouted):
    assert [f.found for f in check_reply_text(text) if f.kind == "shouting"] == shouted


# Round 14: a sentence-initial family ("… Bye.", "… Next.", "… Again.") was anchored after a full stop inside the
# phrase, where the phrases' own word-boundary guard refused it: it only ever matched at the reply's start.
@pytest.mark.parametrize("text", [
    "We can't do anything more. Bye.",
    "Your parcel is in the depot. Next.",
    "It's been explained. Again.",
])
def test_a_curt_last_sentence_is_held_after_other_sentences(text):
    assert check_reply_text(text)


@pytest.mark.parametrize("text, kind", [
    ("Hi Jo, we've noted that your dad has dementia and set up the account for his carer.", "health"),
    ("Sorry to hear about Priya's seizure on the train last month.", "health"),
    ("Your medical exemption for diabetes is on file now.", "health"),
    ("We've checked passport number 987654321 and your seat is booked.", "identity"),
    ("Done, your driving licence number was changed to SMITH701234AB9CD.", "identity"),
    ("The refund went to the account ending 4321, sort code 20-00-00.", "bank"),
    ("Your password hint 'first car + 88' has been reset.", "secret"),
])
def test_round_14_personal_data_families(text, kind):
    assert kind in {f.kind for f in check_reply_text(text) if f.personal}


@pytest.mark.parametrize("text", [
    "Our stores have dementia-friendly hours every Tuesday morning.",
    "If your son has epilepsy, please tell the ride staff before boarding.",
    "We'd hate to lose you, Sam. I've sent you a direct line to our loyalty team.",
    "We've blocked your card as a precaution and our fraud team will call you today.",
    "Thanks so much for the lovely message, have a great weekend. Bye!",
    "Appreciate you giving us the chance to respond before posting, our comms team will DM you.",
])
def test_round_14_kind_replies_pass(text):
    assert check_reply_text(text) == ()


@pytest.mark.parametrize("text", [
    "Thanks for your \"concerns\". Noted.",
    "Good luck with your complaint to the ombudsman 👍",
    "What more do you want from us?",
    "Chasing won't change how long it takes.",
    "Please refer to my previous reply, which covers this.",
    "That's not on us, the box says keep dry.",
    "Meant to send this to Jay: she's been at it all week.",
])
def test_round_14_tone_families(text):
    assert any(not f.personal for f in check_reply_text(text))


@pytest.mark.parametrize("text, kind", [
    ("We've refunded 4111 1111 **** 1111, Ana.", "card"),
    ("The card ending 4444, expiry 09/28, was charged twice: refunded now.", "card"),
    ("Hi Lee, the date of birth we hold is the twenty-first of March, nineteen ninety.", "identity"),
    ("Your car's registration AB12 CDE is on the pass now.", "identity"),
    ("Your new one-time code, it's 448-912.", "secret"),
    ("The memorable word hint on your account is your house number, 4411.", "secret"),
    ("The engineer found your home router in Leeds on Mill Lane was fine.", "address"),
    ("We left it with your neighbour at number 9 as you asked.", "address"),
    ("Great news, you're staying at the Harbour Inn until Friday, so we'll courier the keys there.", "whereabouts"),
    ("Your daughter is at the information desk by herself, a member of staff is with her now.", "whereabouts"),
    ("Your swimming lessons are every Monday and Wednesday at 7pm at our Leith pool.", "whereabouts"),
    ("We've noted your son Leo's severe sesame allergy on the booking.", "health"),
    ("As you're registered blind, your statements will come in large print.", "health"),
    ("Congratulations on the pregnancy, Meera! Your cover now includes maternity care.", "health"),
])
def test_round_15_personal_data_families(text, kind):
    assert kind in {f.kind for f in check_reply_text(text) if f.personal}


@pytest.mark.parametrize("text", [
    "If you're away from the 3rd, just tell us and we'll hold the parcel.",
    "Our Leith pool is open every Monday at 7am for early swims.",
    "If your child has a nut allergy, please speak to the manager before ordering.",
    "I can see why you're upset. I've asked a manager to look at the photos with you today.",
])
def test_round_15_kind_replies_pass(text):
    assert check_reply_text(text) == ()


@pytest.mark.parametrize("text", [
    "note to team: same customer again, just send the template",
    "People who raise chargebacks get blacklisted. Just so you know.",
    "The fault is probably something on your device, not ours.",
    "As I said in my last two replies, the refund takes a week. Hope that's clearer.",
    "Thanks for the 1 star, really helps 👍",
    "Bulbs get hot, that's normal. No need for the drama.",
])
def test_round_15_tone_families(text):
    assert any(not f.personal for f in check_reply_text(text))


# A review of rounds 14–15's families against everyday kind replies no batch had: as frozen (146e181) they held 19 of these 21.
@pytest.mark.parametrize("text", [
    "Your subscription box ships every Monday at 9am.",
    "We've blacklisted the scam number that texted you.",
    "Sorry, the upgrade is not happening this month, we'll post when it is.",
    "You need to accept the new terms in the app to continue.",
    "If you want to leave a review, here's the link.",
    "That's what our team is for! Happy to help.",
    "Any questions? Check the FAQ.",
    "Our kitchens follow basic hygiene rules and more.",
    "Sorry, we meant to send that to your email.",
    "Sorry the room was filthy on arrival, we've refunded the night.",
    "Please refer to our previous email for the tracking link.",
    "We've passed your case to our legal team, who will contact you.",
    "As I mentioned in my last message, the refund is on its way.",
    "Thanks for your patience, which we really appreciate.",
    "We sent a password reminder on 3 March 2024 to your email.",
    "Your home branch in King Street can help with that.",
    "We have asthma inhalers in stock at every branch.",
    "For your allergy questions, see the menu online.",
    "While you're away from your desk, the app keeps syncing.",
    "A child under 14 cannot travel alone on our trains.",
    "The audiobook range is blind-friendly.",
])
def test_everyday_kind_replies_pass_the_newer_families(text):
    assert check_reply_text(text) == ()


def test_a_process_leaving_while_the_tone_model_loads_waits_for_it_and_exits_zero(tmp_path):
    # The load runs on a daemon thread; stopped inside onnxruntime's set-up by the interpreter's end, the process
    # aborted (exit 134). Here the load (a stand-in reading stdin) finishes only once the process is already leaving
    # — after its last atexit handler of its own has said so — and must still finish, and the exit be 0.
    import subprocess
    import sys
    script = tmp_path / "leave.py"
    script.write_text(
        "import atexit, sys\n"
        "from bot.rules import tone_model\n"
        "def load():\n"
        "    sys.stdin.readline()\n"
        "    print('loaded', flush=True)\n"
        "tone_model._model = load\n"
        "tone_model._model.cache_info = lambda: type('info', (), {'currsize': 0})()\n"
        "assert tone_model._ready() is None\n"
        "atexit.register(lambda: print('leaving', flush=True))\n")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    process = subprocess.Popen([sys.executable, str(script)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                               env=env)
    assert process.stdout.readline() == "leaving\n"
    try:
        process.stdin.write("go\n")
        process.stdin.close()
    except BrokenPipeError:  # the process did not wait: gone already
        pass
    assert process.stdout.read() == "loaded\n"
    assert process.wait(timeout=30) == 0
