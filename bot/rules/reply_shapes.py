"""Personal data in shapes the main patterns (bot.rules.reply_personal) do not
read: round 26, batches 28 and 29's misses as families, each tested in new
words beside kind replies that must pass (tests/test_reply_check_round_26.py).

A code or a PIN said with a word between its name and its digits ("Code 559201
confirmed", "your PIN is actually 1978", "you typed 1987 as your PIN"); a
password described rather than given ("your password is still your dog's name
followed by 1987"); a social security number in its two parts; a passport
number a few words after its name; an e-mail address read out ("musa.bello,
then at, then example.com"); a house number in words before its street
("number twenty-two, Station Road"); a birthday's full date ("80 years young on
14/03/1946"); and where someone is or is not — a hotel
room, a home or shop left unattended, a phone's place "right now", a driver on
his break at a named pub; a condition someone is recovering from or is on.
"""
from __future__ import annotations

import re

_DIGITS = r"\d(?:[\s-]?\d){3,7}"
_WORDS_TO_NINETY = (r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
                    r"seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
                    r"(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?")
_STREET = (r"(?:Road|Street|Lane|Avenue|Close|Drive|Way|Crescent|Terrace|Place|Gardens|Court|Row|Walk|Grove|Hill|Square|"
           r"Mews|Parade|View)")
_OPERATION = (r"(?:(?:knee|hip|heart|eye|back|spinal|shoulder|cataract|hernia|bypass|brain|bowel|breast|gastric)\s+"
              r"(?:operation|surgery|replacement|transplant|procedure|op)|a stroke|a heart attack|chemo\w*|dialysis|"
              r"home oxygen|oxygen|a transplant)")

SHAPES: tuple[tuple[str, re.Pattern, str], ...] = (
    # … not a shop's own code ("discount code 2024 is valid until Sunday")
    ("secret", re.compile(rf"(?<!discount )(?<!promo )(?<!voucher )(?<!coupon )(?<!offer )(?<!error )(?<!area )"
                          rf"\bcode\s+({_DIGITS})\s+(?:confirmed|accepted|verified|entered|is valid|worked)\b", re.IGNORECASE),
     "one-time code"),
    ("secret", re.compile(r"\b(?:pin|passcode)\b[^.!?\n]{0,20}?\b(?:is|was)\s+(?:actually|really|still|now|in fact)\s+\d{4,6}\b|"
                          r"\btyped\s+\d{4,6}\s+as\s+(?:your|the|his|her)\s+(?:pin|passcode)\b", re.IGNORECASE), "pin"),
    ("secret", re.compile(r"\bpassword\s+(?:is|was)\s+(?:still\s+|now\s+|actually\s+)?(?:your|the|his|her)\b[^.!?\n]{0,40}?"
                          r"\b(?:name|birthday|birth year|postcode|followed by|then|plus)\b", re.IGNORECASE), "password described"),
    ("identity", re.compile(r"\b\d{3}-\d{2}\b[^.!?]{0,40}?\b\d{4}\b[^.!?]{0,25}?\b(?:social|ssn)\b", re.IGNORECASE),
     "social security number in parts"),
    ("identity", re.compile(r"\b(?:birthday|born|years (?:young|old)|dob|date of birth)\b[^.!?]{0,40}?"
                            r"\b\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)\d{2}\b", re.IGNORECASE), "date of birth"),
    ("identity", re.compile(r"\bpassport(?:\s+(?:number|no\.?))?\b[^.!?\d]{0,40}?[:,]?\s*[A-Z]{0,2}\d{6,9}\b", re.IGNORECASE),
     "passport"),
    ("email", re.compile(r"\b[\w.+-]+,?\s+then\s+at,?\s+then\s+[\w-]+\.[\w.]+", re.IGNORECASE), "e-mail read out"),
    ("address", re.compile(rf"\bnumber\s+{_WORDS_TO_NINETY},?\s+(?:[A-Z][\w'-]*\s+){{1,3}}{_STREET}\b"), "house number in words"),
    ("whereabouts", re.compile(r"\b(?:hotel|inn|lodge|resort|hostel|guesthouse|b&b)\b[^.!?]{0,30}?\broom\s+\d{1,4}\b", re.IGNORECASE),
     "hotel room"),
    # … said, not asked ("if your home will be empty during the works, let us know" is a question)
    ("whereabouts", re.compile(r"(?<!\bif )(?<!\bwhether )(?<!\bwhen )(?<!\bin case )"
                               r"\b(?:your|the|his|her|their)\s+(?:house|home|flat|shop|property|premises|place|unit|cottage)\b"
                               r"[^.!?]{0,40}?\bwill be\s+(?:closed and\s+|left\s+)?(?:unattended|unoccupied|empty)\b",
                               re.IGNORECASE), "a place left unattended"),
    ("whereabouts", re.compile(r"\b(?:your|his|her|their)\s+(?:phone|device|car|van|bike)\b[^.!?]{0,15}?\b(?:at|in)\s+(?:the\s+)?"
                               r"[A-Z][^.!?]{0,40}?\bright now\b"), "where they are now"),
    ("whereabouts", re.compile(r"\bis on (?:his|her|their) (?:break|lunch(?: break)?) at (?:the )?[A-Z]"), "where someone is now"),
    ("health", re.compile(rf"\b(?:you're|you are|he's|she's|they're|he is|she is|they are|[A-Z][a-z]+ is|"
                          rf"(?:[Yy]our|[Hh]is|[Hh]er|[Tt]heir) (?:\w+ )?(?:father|mother|dad|mum|mom|husband|wife|partner|son|daughter|"
                          rf"child|nan|gran|grandad|grandma|grandpa|grandfather|grandmother) is)\s+(?:now\s+|still\s+)?"
                          rf"(?:recovering from|on)\s+(?:a |an |the |his |her |their |your )?({_OPERATION})\b"), "condition"),
)


def found(text: str) -> list[tuple[str, str]]:
    """(kind, what) for each shape found, masked: the data itself is never repeated."""
    return [(kind, what) for kind, pattern, what in SHAPES if pattern.search(text)]
