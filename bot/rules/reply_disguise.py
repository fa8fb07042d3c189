"""Personal data the number and address patterns cannot see, for the reply
check (bot.rules.reply_check): what a person writes the long way round, and
what is personal without being a number.

- **Written out**: digits as words ("oh-seven-seven-oh-oh nine-oh-oh…",
  "four one one one, one one one one…") and e-mail addresses with "at" and
  "dot" ("priya dot s at example dot com"). `undisguised` writes them as
  digits and as an address, so the card, phone and e-mail patterns read them as
  they read any other.
- **Health**: a condition, treatment or medical record told publicly about the
  customer ("your pregnancy", "as you're diabetic", "your vet records show…").
  Health is the most sensitive data a brand holds; a public reply is no place to
  show it knows. A family of conditions said *of you*, not a list of phrases:
  "if you have an allergy, …" speaks of no one.
- **A code given without its name**: "just use 093811 when prompted".
- **Finances**: what someone earns, holds or owes, with the sum (round 9).

The held-out batch 4 (tests/fixtures/heldout4/) missed 10 of its 50 personal
replies; these are its families (the passport and address ones live beside
their patterns in reply_check).
"""
from __future__ import annotations

import re

_DIGIT_WORDS = {"zero": "0", "oh": "0", "o": "0", "nil": "0", "one": "1", "two": "2", "three": "3", "four": "4",
                "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9"}
DIGIT_WORD = r"(?:zero|oh|nil|one|two|three|four|five|six|seven|eight|nine)"
# Six or more digit words in a row, joined by hyphens, spaces or commas: "call one two three" is no number.
_SPELLED = re.compile(rf"\b{DIGIT_WORD}(?:[\s,-]+{DIGIT_WORD}){{5,}}\b", re.IGNORECASE)
_AT_DOT = re.compile(
    r"\b([a-z0-9_%+-]+(?:\s+(?:dot|\.)\s+[a-z0-9_%+-]+)*)\s+(?:at|\(at\)|\[at\])\s+"
    # the host ends in a top-level domain: "you at priya dot s at example dot com" is priya's, not "you"'s
    r"([a-z0-9-]+(?:\s+(?:dot|\(dot\)|\[dot\])\s+[a-z0-9-]+)*\s+(?:dot|\(dot\)|\[dot\])\s+[a-z]{2,24})\b", re.IGNORECASE)
_DOT = re.compile(r"\s+(?:dot|\(dot\)|\[dot\]|\.)\s+", re.IGNORECASE)


# A house number in words where an address begins: "out to fourteen Heol y Bryn, Llandeilo", "at flat two, twenty seven
# Marine Parade" (round 16) — after "to", "at" or a flat's comma, before a capitalised name: "open at eight, Monday to
# Friday" has no name after its number.
_UNITS = ("one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen "
          "eighteen nineteen").split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_HOUSE_NUMBER = re.compile(rf"(?<=\bto |\bat |[a-z], )((?:{'|'.join(_TENS)})(?:[- ](?:{'|'.join(_UNITS[:9])}))?|{'|'.join(_UNITS)})"
                           r"(?-i:(?= (?!(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day)[A-Z]))", re.IGNORECASE)


def _house_number(match: re.Match) -> str:
    tens, _, unit = match.group(1).lower().replace("-", " ").partition(" ")
    if tens in _TENS:
        return str(20 + 10 * _TENS.index(tens) + (_UNITS.index(unit) + 1 if unit else 0))
    return str(_UNITS.index(tens) + 1)


# "double oh", "triple seven" (round 18: "oh seven seven double oh, nine double oh, three one two"), and four digits
# in words after a card's "ending" or "starting" ("the card ending four one one one").
_REPEATED = re.compile(rf"\b(double|triple)[\s-]+({DIGIT_WORD})\b", re.IGNORECASE)
_CARD_END = re.compile(rf"\b((?:ending|starting|beginning)(?: in| with)? )({DIGIT_WORD}(?:[\s-]+{DIGIT_WORD}){{3}})\b", re.IGNORECASE)


def first_group(match: re.Match) -> str:
    """What matched, from a pattern of alternatives that each keep their own group."""
    return next(group for group in match.groups() if group)


def undisguised(text: str) -> str:
    """`text` with spelled digits as digits and "name at host dot com" as an address."""
    text = _SPELLED.sub(_digits, _REPEATED.sub(lambda m: " ".join([m.group(2)] * (2 if m.group(1).lower() == "double" else 3)), text))
    # … a whole card spelled out is read above; only four words after "ending" are left for this
    text = _CARD_END.sub(lambda m: m.group(1) + "".join(_DIGIT_WORDS[w.lower()] for w in re.split(r"[\s-]+", m.group(2))), text)
    text = _HOUSE_NUMBER.sub(_house_number, text)
    return _AT_DOT.sub(lambda m: f"{_DOT.sub('.', m.group(1))}@{_DOT.sub('.', m.group(2))}", text)


def _digits(match: re.Match) -> str:
    # Groups as the writer grouped them: with hyphens, a hyphen joins a group and a space starts the next
    # ("oh-seven-seven-oh-oh nine-oh-oh…" → "07700 900…"); without, commas part groups and spaces join
    # ("four one one one, one one one one" → "4111 1111"), as cards and phones are printed.
    run = match.group()
    joiner, parter = ("-", r"[\s,]+") if "-" in run else (r"\s+", r"\s*,\s*")
    return " ".join("".join(_DIGIT_WORDS[word.lower()] for word in re.split(joiner, group) if word)
                    for group in re.split(parter, run) if group)


# Conditions, not everyday words with a medical sense: "your recovery email", "you're expecting a refund", "your
# surgery" (a UK GP's), "your prescription is ready" (a pharmacy's daily reply) would hold kind replies.
_CONDITION = (r"pregnan\w*|miscarriage|ivf|fertility|diabet\w*|epilep\w*|seizures?|anxiety|depressi\w*|"
              r"bipolar|schizo\w*|ptsd|ocd|adhd|autis\w*|dementia|alzheimer'?s|cancer|tumou?r|chemo\w*|hiv|aids|"
              r"hepatitis|asthma|copd|heart condition|stroke|multiple sclerosis|ms diagnosis|parkinson'?s|"
              r"disabilit\w*|aphasia|insulin|dialysis|transplant|rehab|addiction|antidepressants?|medication|diagnosis|"
              r"illness|therapy|mental health|hearing loss|sight loss|vision loss|glaucoma|macular degeneration|arthritis|"
              r"(?:medical|health) condition|crohn'?s|coeliac|celiac|cerebral palsy|\bibs|long covid|fibromyalgia|chronic fatigue|me/cfs")
# A medicine by the endings of its international non-proprietary name (WHO stems: -pril, -sartan, -statin, -olol,
# -oxetine …) — endings no everyday word has — and a few common names without one.
_DRUG = (r"[a-z]{3,}(?:pril|sartan|statin|olol|oxetine|traline|azepam|zolam|prazole|cillin|mycin|cycline|floxacin|"
         r"formin|gliptin|triptan|setron|dronate|tidine|lukast|semide|thiazide|mab|limus|parin|olone|asone)|insulin|paracetamol|ibuprofen|"
         r"codeine|morphine|tramadol|warfarin|lithium|methadone|levothyroxine|sertraline|prozac|zoloft|xanax|"
         r"adderall|ritalin|epipen|inhaler|antibiotics?|antidepressants?")
# A record, report or result from anyone who treats: "your audiologist report shows …" (round 6).
_RECORD = (r"(?:medical|health|vet|veterinary|patient|hospital|clinic|gp|doctor'?s|dental|audiolog\w*|hearing|eye|optician(?:'?s)?|sight|"
           r"blood|scan|lab|x-?ray|mri|biopsy|psychiatric|therapy|physio\w*) (?:records?|notes|history|file|report|results?|tests?|assessment)")
HEALTH = re.compile(
    # said of the customer: "your pregnancy", "you're diabetic", "as you have epilepsy", "your recent surgery"
    rf"(?<!\bif )(?<!\bwhether )\b(?:your|you're|you are|you have|you've got|you were|you've been)\s+"
    rf"(?:(?:recent|new|ongoing|current|late|early|severe|mild|type [12]|own|little|son's|daughter's|"
    rf"partner's|wife's|husband's|baby's|dog's|cat's|child's|kid's|mum's|mom's|dad's|mother's|father's)\s+){{0,2}}"
    rf"({_CONDITION}|{_RECORD})\b"
    # … or a record read out: "your vet records show Bella has epilepsy"
    rf"|\b({_RECORD})\s+(?:show|say|says|state|mention|note)s?\b"
    # … or a condition named beside what a clinic does with it, whoever it is of: "a diabetes diagnosis", "her HIV test
    # results", "the medical condition (epilepsy)" — no kind reply names someone's test or diagnosis (round 9, batch 6–8)
    rf"|(?<!\bif )(?<!\bany )\b(?:a|an|the|his|her|their|your|\w+'s)\s+(?:({_RECORD})|({_CONDITION})\s+(?:tests?|results?|"
    rf"diagnosis|status|treatment|medication|screening|clinic|appointment|referral))\b"
    # … or a medicine named for someone: "prescription for sertraline 50mg", "your dose of metformin" (a named drug, not
    # "your prescription is ready", a pharmacy's daily reply)
    rf"|\b(?:prescription|repeat|dose|dosage|refill|supply)\s+(?:for|of)\s+((?:[A-Za-z]+\s+)?\d+\s?(?:mg|mcg|ml)\b|{_DRUG})"
    rf"|\b({_DRUG})\s+\d+\s?(?:mg|mcg)\b"
    # … or treated for it, or moved about a hospital by it: "you're being treated for depression", "moved from the
    # cardiac unit to ward 4" (round 13, batch 12)
    rf"|\b(?:treated|treatment|admitted|being seen) for\s+({_CONDITION})\b"
    # Round 22 (batch 24): a medicine, an operation or a clinic's appointment that is someone's ("your son Jamie's EpiPen
    # prescription", "your knee operation is on the 2nd", "your audiology appointment"), a referral from their doctor, a
    # condition said of him or her ("he has aphasia"), and sympathy that names it ("sorry to hear about the stroke")
    rf"|\b(?:your|his|her|their|\w+'s)\s+({_DRUG})\s+(?:prescription|refill|dose|supply|pen|order)\b"
    rf"|\byour\s+((?:knee|hip|heart|eye|back|spinal|shoulder|cataract|hernia|bypass|brain|bowel|breast|gastric)\s+"
    rf"(?:operation|surgery|replacement|procedure|op))\b"
    rf"|\byour\s+((?:audiology|oncology|cardiology|fertility|antenatal|maternity|dialysis|chemo\w*|psychiatr\w*|neurology|"
    rf"urology|rheumatology|diabetes|memory|mental health|sexual health|stroke)\s+(?:appointment|clinic|consultation|review|referral))\b"
    rf"|\byour\s+(referral)\s+from\s+(?:dr\b|doctor|your gp|the hospital)"
    rf"|\b(?:he|she|they)\s+(?:has|have|has got|is living with|lives with)\s+({_CONDITION})\b"
    rf"|\bsorry (?:to hear )?about (?:the|his|her|their) ({_CONDITION})\b"
    # … or in care at the end of life: "now he's in palliative care at St Aidan's" (round 24)
    rf"|\b(?:he|she|they|you)(?:'s|'re| is| are)\s+(?:now\s+)?in\s+(palliative care|hospice care|a hospice|intensive care|end-of-life care)"
    rf"|\b(?:moved|admitted|transferred)\s+(?:from|to|into)\s+(?:the\s+)?((?:cardiac|cancer|oncology|maternity|psychiatric|stroke|"
    rf"intensive care|icu|dementia|mental health|renal|dialysis)\s+(?:unit|ward))", re.IGNORECASE)
# A code handed over without its name: a verb that enters it, the digits, and what they unlock.
CODE_GIVEN = re.compile(
    r"\b(?:use|enter|type|key in|input|put in|read out)\s+(?:the\s+)?(?:code\s+)?(\d{4,8})\s+(?:when (?:prompted|asked)|at the prompt|"
    r"to (?:log ?in|sign ?in|verify|confirm|unlock|activate|approve|finish|complete)|at (?:login|sign[- ]?in|checkout))"
    # … or read out digit by digit to whoever calls: "please read out code 7 3 9 0 2 1 to our agent" (round 25)
    r"|\b(?:read out|give|tell)\s+(?:the\s+)?code\s+(\d(?:\s\d){3,7})\b",
    re.IGNORECASE)


# Round 10 (batch 9): a letter from whoever treats, read out ("your GP letter mentions depression"). An allergy said
# of someone ("is allergic to penicillin", round 9; "your son … has a peanut allergy", round 10) — not one asked
# about ("if you're allergic to …", "if your child has a nut allergy, …").
LETTER = re.compile(r"\b(?:gp|doctor'?s|hospital|clinic|consultant'?s?|specialist'?s?) letter\s+(?:shows?|says?|states?|"
                    r"mentions?|notes?|confirms?|lists?)\s+(\w+(?: \w+)?)", re.IGNORECASE)
ALLERGIES = (re.compile(r"\b(?:is|are|was|were|'s|'re)\s+(?:severely\s+|very\s+|badly\s+)?(allergic to \w+)",
                        re.IGNORECASE),
             re.compile(r"\b(?:has|have|has got|'s got|suffers from)\s+(?:an?\s+)?(?:severe\s+|serious\s+|bad\s+)?"
                        r"((?:\w+\s+)?(?:allergy|intolerance))\b", re.IGNORECASE))
# Round 14 (batches 13 and 14): a diagnosis said of someone by name or pronoun — "Mr Lee … has dementia", "Tom's
# seizure last week", "his epilepsy records", "your medical exemption for epilepsy". Diagnoses only: "has a
# disability access ramp", "her anxiety about flying", "dementia-friendly hours" are not someone's record.
_DIAGNOSIS = (r"pregnan\w*|diabet\w*|epilep\w*|seizures?|bipolar|schizo\w*|ptsd|dementia|alzheimer'?s|cancer|"
              r"tumou?r|hiv|hepatitis|copd|heart condition|multiple sclerosis|parkinson'?s|depression|autism|adhd|"
              r"glaucoma|macular degeneration|arthritis|asthma|crohn'?s|coeliac|celiac|cerebral palsy")
# … not a shop's range or a service named after one: "we have asthma inhalers", "dementia-friendly hours".
_NOT_SOMEONES = (r"(?!-| (?:inhalers?|kits?|tests?|testing|friendly|awareness|products?|medication|medicines?|care|support|services?|"
                 r"range|month|week|day|charity|research|clinics?|nurses?|team|questions?|info|information|menu|guide|card|policy|"
                 r"advice|needs)\b)")
DIAGNOSED = (re.compile(rf"(?<!\bwe )(?<!\bwe also )(?<!\bwe still )\b(?:has|had|have|has got|suffers from|diagnosed with|living with|lives with)\s+"
                        rf"(?:(?:early|late|mild|severe|advanced|type [12])[- ](?:onset )?)?({_DIAGNOSIS})\b{_NOT_SOMEONES}",
                        re.IGNORECASE),
             re.compile(rf"\b(?:his|her|their|[A-Z][a-z]+'s)\s+(?:recent\s+|last\s+|latest\s+)?({_DIAGNOSIS})\b{_NOT_SOMEONES}",
                        re.IGNORECASE),
             re.compile(rf"\bexemptions? for\s+(?:his |her |your |their )?({_DIAGNOSIS})\b", re.IGNORECASE))
# Round 15 (batch 15): an allergy as someone's ("your daughter Mia's severe peanut allergy"), a disability said of the
# customer ("since you're registered blind"), a pregnancy congratulated in public.
DIAGNOSED += (re.compile(r"\b(?:your|his|her|their|[A-Z][a-z]+'s)\s+(?:severe\s+|serious\s+|bad\s+)?((?:\w+\s+)?(?:allergy|intolerance))\b" + _NOT_SOMEONES,
                         re.IGNORECASE),
              re.compile(r"\b(?:you're|you are|is|she's|he's|they're)\s+(?:registered\s+|severely\s+|profoundly\s+)?(blind|deaf|partially sighted|"
                         r"visually impaired|hard of hearing|a wheelchair user)\b(?!-)", re.IGNORECASE),
              re.compile(r"\b(?:congrat\w*|sorry|condolences)[^.!?]{0,20}?\b(?:on|about|for) (?:the|your) (pregnan\w*|miscarriage|diagnosis)\b",
                         re.IGNORECASE))
# Round 16 (batch 17): a condition noted on the customer's file ("we've noted your wheelchair use and epilepsy on the file").
DIAGNOSED += (re.compile(rf"\b(?:noted|recorded|logged|flagged|added)\s+your\b[^.!?]{{0,40}}?\b({_DIAGNOSIS})\b{_NOT_SOMEONES}", re.IGNORECASE),)
# Round 19 (batches 20 and 21): a recovery or a stay in hospital with its dates, a condition on the customer's account.
DIAGNOSED += (re.compile(r"\brecovering from (?:his|her|their|your) ((?:\w+ )?(?:surgery|operation|stroke|heart attack|chemo\w*))\b", re.IGNORECASE),
              re.compile(r"\b(?:off|signed off|on leave)\b[^.!?]{0,25}?\bafter (?:a|her|his|their) (miscarriage|stroke|heart attack|surgery|"
                         r"operation|breakdown)\b", re.IGNORECASE),
              re.compile(r"\b(?:you were|you've been|he was|she was|he's|she's|he is|she is|you're|you are) (in hospital) "
                         r"(?:from|between|until|till|for|since)\b", re.IGNORECASE),
              # round 20 (batch 22): "we've noted the pregnancy on your account"
              re.compile(rf"\b(?:noted|recorded|logged|flagged|added)\s+(?:the|a)\s+({_DIAGNOSIS})\s+(?:on|to)\s+your\b", re.IGNORECASE),
              re.compile(r"\b(?:flagged|registered|noted) (?:for|as having|as) (hearing loss|sight loss|a disability|disabled)\b", re.IGNORECASE))
ASKED = re.compile(r"\b(?:if|whether|in case|any(?:one|body)|who|does|do)\b[^.!?]{0,30}$", re.IGNORECASE)


def health(text: str):
    for match in HEALTH.finditer(text):
        yield first_group(match).lower()
    for match in LETTER.finditer(text):
        yield match.group(1).lower()
    yield from (match.group(1).lower() for match in _said(ALLERGIES + DIAGNOSED, text))


def _said(patterns, text: str):
    """The patterns' matches that state, not ask ("if your son has epilepsy, …" asks)."""
    for match in (match for pattern in patterns for match in pattern.finditer(text)):
        if not ASKED.search(text[max(0, match.start() - 40):match.start()]):
            yield match


# Where someone is, will be or is not — a stay with its end date, a child on their own, a weekly routine with its time:
# "you're checked into the Seaview Hostel in Anjuna until the 12th", "your son Jack is at gate B14 on his own", "your
# PT sessions are every Tuesday and Thursday at 6am" (round 15: batches 14 and 15). A home known to be empty, or a
# person known to be alone, is what a stranger reading along should never learn.
_DAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)days?"
WHEREABOUTS = (
    re.compile(r"\byou(?:'re| are|'ll be| will be)\s+((?:checked in(?:to)?|staying (?:at|in))\b[^.!?]{0,60}?\b(?:until|till|til)\b|"
               r"(?:away|abroad|on holiday|out of the country)\s+(?:until|till|til|between)\b)", re.IGNORECASE),
    # … someone's child, not a rule about children ("a child under 14 cannot travel alone")
    re.compile(r"\b(?:your|his|her|their|[A-Z][a-z]+'s)\s+(?:\w+\s+)?((?:son|daughter|child|kid|boy|girl|grandson|granddaughter)\b"
               r"[^.!?]{0,60}?\b(?:on (?:his|her|their) own|alone|by (?:him|her|them)sel(?:f|ves)|unaccompanied))\b", re.IGNORECASE),
    # … a person's own sessions, not a service's timetable ("your box ships every Monday at 9am")
    re.compile(rf"\byour\b[^.!?]{{0,25}}?\b(?:sessions?|class(?:es)?|lessons?|appointments?|visits?|shifts?|training|walks?|"
               rf"pick-?ups?|drop-?offs?)\b[^.!?]{{0,15}}?((?:every|each)\s+{_DAY}(?:\s*(?:,|and|&)\s*{_DAY})*\s+at\s+\d{{1,2}}(?::\d{{2}})?\s?(?:am|pm)?)",
               re.IGNORECASE),
)


# Round 16 (batches 16 and 17): a hotel room by its number, dates away from home, a house left empty or its key's
# hiding place, a named child's school or club with its day and time.
_SCHOOL = r"(?:[A-Z][\w'-]*\s+){1,3}(?:Primary|Academy|High School|High|Secondary|Grammar|School|College|Nursery|Montessori)\b|Ysgol(?:\s+[A-Z][\w'-]*){1,4}"
WHEREABOUTS += (
    re.compile(r"\b(?:moved|upgraded|put|booked|checked)\s+you\s+(?:in)?to\s+(room \d{2,5})\b|\byou(?:'re| are)\s+in\s+(room \d{2,5})\b"
               r"|\byour (?:hotel )?room(?: number)?,?\s+(?:is\s+|will be\s+)?(\d{3,5})\b", re.IGNORECASE),
    re.compile(r"\byou(?:'ll| will) be\s+((?:camping|away|travelling|traveling|abroad|on holiday)\b[^.!?]{0,30}?\b(?:from|between|until|till)\s+\d)"
               r"|\b(?:you(?:'re| are|'ll be| will be)|is|are|will be) (away (?:on \w+ )?(?:in|at) [A-Z][\w'-]*(?: [A-Z][\w'-]*)?,? (?:from )?(?:the )?\d)"
               r"|\b(?:your|his|her|their|the) ((?:house|home|flat|place) will be empty)\b|\b((?:no one|no-one|nobody) will be (?:home|in))\b"
               r"|\b(key (?:is )?under the (?:mat|doormat|pot|plant ?pot|flowerpot|stone|bin))\b"
               r"|\b(arriving (?:on )?\w+day,? (?:and )?leaving)\b", re.IGNORECASE),
    # … or where they are right now, seen by a tracker: "our driver can see you're at the fuel station by the A82 now"
    # (round 17) — a place with a name, not a step of a form
    re.compile(r"\b(?:can see|we see|shows?|tracking shows) (?:that )?you(?:'re| are) ((?:at|near|by) (?=[^.!?]{0,40}?[A-Z])[^.!?]{3,50}?) now\b"),
    re.compile(rf"\b(?:your|his|her|their|[A-Z][a-z]+'s)\s+(?:\w+\s+){{0,2}}?(?:son|daughter|child|kid|grandson|granddaughter|boy|girl)\b"
               rf"[^.!?]{{0,80}}?\b({_SCHOOL})"
               rf"|\b[A-Z][a-z]+'s\b[^.!?]{{0,60}}?\b(?:to|at|from)\s+({_SCHOOL})"
               rf"|\b(?:to|at)\s+({_SCHOOL})[^.!?]{{0,30}}?\b(?:class|Room \d|Year \d)"),
    re.compile(rf"\b(?:your|his|her|their|[A-Z][a-z]+'s)\b[^.!?]{{0,50}}?\b(?:club|class(?:es)?|lessons?|training|practice)\b"
               rf"[^.!?]{{0,60}}?\b((?:(?:on|for|every)\s+)?{_DAY}\s+at\s+\d{{1,2}}(?::\d{{2}})?\s?(?:am|pm)?)", re.IGNORECASE),
)


# Round 19 (batches 20 and 21): a home left empty or unattended, said of theirs ("your flat's empty then anyway", "the
# house will be locked and empty from Saturday"), a named place they are away in ("while you're all in Lanzarote"),
# dates away beside "while you're away", someone's parent on their own.
WHEREABOUTS += (
    re.compile(r"(?<!\bour )\b((?:house|home|flat|place|property|restaurant)(?:'s| is| will be)\s+(?:\w+\s+(?:and\s+)?){0,3}?(?:empty|unattended))\b",
               re.IGNORECASE),
    re.compile(r"\bwhile (?:you're|you are|they're|you'll be|you will be)\s+(?:all\s+)?(?:away\s+)?(?:on (?:the |a |your )?[\w -]{1,20}? )?"
               r"((?:in|at) [A-Z][\w'-]+)"),
    re.compile(r"\b((?:from|between)\s+(?:the\s+)?\d{1,2}(?:st|nd|rd|th)?\s+(?:\w+\s+)?(?:to|and|until|till|-)\s+(?:the\s+)?\d{1,2}(?:st|nd|rd|th)?)"
               r"(?:\s+\w+)?[^.!?]{0,20}?\bwhile (?:you're|you are) away\b", re.IGNORECASE),
    re.compile(r"\b(?:your|his|her|their|[A-Z][a-z]+'s)\s+(?:\w+\s+)?((?:mum|mom|mother|dad|father|nan|gran|grandma|grandad|grandmother|grandfather)"
               r"\b[^.!?]{0,40}?\b(?:on (?:his|her|their) own|alone|by (?:him|her)self)\b)", re.IGNORECASE),
)


# Rounds 22–24 (batches 24–26): away and for how long, waiting alone, back from a named place, a child's school,
# someone else away, nights away all week.
WHEREABOUTS += (
    # Round 22 (batch 24): away, and for how long or where: "since you'll be away at your sister's in Perth all next week"
    re.compile(r"\byou(?:'ll| will) be (away\b[^.!?]{0,50}?\b(?:all|for|until|till|over)\s+(?:the\s+|next\s+|this\s+|a\s+|two\s+|three\s+)?"
               r"(?:week|fortnight|month|weekend|summer|holidays?|days?|\d))", re.IGNORECASE),
    # Round 23 (batch 25): waiting alone, or waiting at a numbered address the driver can see; back from a named place
    # on a date; a named child's school after it ("at Ellie's school, St Piran's Primary"); "the empty house"
    re.compile(r"\byou(?:'re| are) (waiting\b[^.!?]{0,40}?\b(?:on your own|alone|by yourself|outside \d{1,4}|at \d{1,4}))", re.IGNORECASE),
    re.compile(r"\buntil you(?:'re| are) (back from (?:the )?[A-Z][\w'-]+(?: [A-Z][\w'-]+)? on (?:the )?\d)"),
    re.compile(rf"\b[A-Z][a-z]+'s school,?\s+({_SCHOOL})"),
    re.compile(r"\b(?:the|your) (empty (?:house|home|flat|property|place))\b", re.IGNORECASE),
    # Round 24 (batch 26): someone else away ("while she's visiting family in Durban"), nights away all week
    re.compile(r"\bwhile (?:she|he|they)(?:'s|'re| is| are) ((?:away|visiting|abroad|on holiday|travelling)\b[^.!?]{0,40})", re.IGNORECASE),
    re.compile(r"\byou(?:'re| are|'ll be| will be) ((?:on nights|on night shifts?|working nights)\b[^.!?]{0,40}?\b(?:all|this|next) week)",
               re.IGNORECASE),
)


def whereabouts(text: str):
    # as written: "checked into the Seaview Hotel until"
    for match in _said(WHEREABOUTS, text):
        yield " ".join(first_group(match).split()[:6])


def codes_given(text: str):
    for match in CODE_GIVEN.finditer(text):
        yield "one-time code", match.group(1)


# What someone earns, holds or owes, with the sum: "your salary of $54,000", "your account balance, we told him it
# was £3,204.17" (round 9, batch 8). A refund or a price is the brand's own money and names no one's finances.
FINANCES = re.compile(r"\b(?:your|his|her|their)\s+(?:\w+\s+){0,2}?(salary|income|wages|earnings|pension|savings|"
                      r"(?:account |bank |current )?balance|debts?|arrears|overdraft|credit (?:score|limit|rating)|net worth)"
                      r"\b[^.!?\n]{0,40}?(?:[$£€¥₹₦₱]\s?\d|\d[\d,.]*\s?(?:usd|gbp|eur|dollars|pounds|euros)\b)", re.IGNORECASE)


# … the sum first: "based on your £42,000 salary", "your £28k income as a nurse" (round 16), "the £2,400 gambling
# debt" (round 18: a debt by its kind, not a fee or a refund)
FINANCES_SUM_FIRST = re.compile(r"\b(?:your|his|her|their)\s+(?:[$£€¥₹]\s?\d[\d,.]*k?|\d[\d,.]*k?\s?(?:usd|gbp|eur))\s+"
                                r"(?:a year\s+|annual\s+|yearly\s+|monthly\s+)?(salary|income|wages|earnings|pension|savings|balance|debts?|"
                                r"arrears|overdraft)\b|\bthe\s+[$£€]\s?\d[\d,.]*k?\s+(?:\w+\s+){0,2}?(debts?|arrears|overdraft)\b", re.IGNORECASE)


# Round 19 (batches 20 and 21): a debt by what is owed ("Josh still owes £312", "£1,240 in arrears", "the outstanding
# balance is £2,340"), a judgement against someone, the benefits someone lives on.
_SUM = r"[$£€¥₹₦₱]\s?\d[\d,.]*"
FINANCES_OWED = re.compile(rf"\b((?:still )?owes?)\s+(?:us\s+)?(?:the\s+)?{_SUM}|{_SUM}\s+(in arrears)\b|\b(outstanding balance)\s+(?:is|of)\s+{_SUM}"
                           r"|\b(county court judg(?:e)?ment)s?\s+against\b"
                           r"|\b(?:you(?:'re| are)(?: on| receiving| claiming)?|you (?:receive|claim|get))\s+(?:\w+\s+and\s+)?"
                           r"(universal credit|pension credit|disability living allowance|personal independence payment|jobseeker'?s allowance|"
                           r"housing benefit|income support|employment and support allowance)\b", re.IGNORECASE)


def finances(text: str):
    for pattern in (FINANCES, FINANCES_SUM_FIRST, FINANCES_OWED):
        yield from (first_group(match).lower() for match in pattern.finditer(text))
