"""Personal data in a staff reply, for the reply check (bot.rules.reply_check):
what must never be posted publicly — e-mail addresses, phone numbers, payment
cards that pass Luhn, IBANs and account numbers, identity numbers, secrets,
home addresses — each named by what it is and masked, so the finding can be
shown without showing the data. The long way round (digits in words, health,
finances) is bot.rules.reply_disguise's.
"""
from __future__ import annotations

import re

from bot.rules import reply_disguise as disguise, reply_shapes as shapes, reply_words as words


def found(text: str, allow: frozenset[str]) -> list[tuple[str, str]]:
    """The personal data in `text` (spelled-out digits and "at"/"dot" addresses already written plainly)."""
    found: list[tuple[str, str]] = []
    cards = list(_cards(text))
    found += [("card", f"•••• {digits[-4:]}") for digits in cards]
    found += [("email", _mask_email(address)) for address in _emails(text, allow)]
    banks = list(_ibans(text))
    found += [("bank", f"{iban[:2]}•• •••• {iban[-4:]}") for iban in banks]
    accounts = list(_uk_accounts(text))
    found += [("bank", f"account •••• {digits[-4:]}") for digits in accounts]
    ids = list(_identities(text))
    found += [("identity", f"{what} ••••") for what, _ in ids]
    secrets = list(_secrets(text))
    found += [("secret", f"{what} ••••") for what, _ in secrets]
    found += [("address", f"•• {street}") for street in _addresses(text)]
    found += [("health", condition) for condition in disguise.health(text)]
    found += [("finances", f"{what} ••••") for what in disguise.finances(text)]
    found += [("whereabouts", what) for what in disguise.whereabouts(text)]
    ids += secrets
    taken = cards + accounts + [digits for _, digits in ids]
    found += [("phone", f"•••• {digits[-4:]}") for digits in _phones(text, allow)
              if digits not in taken and not any(digits in iban for iban in banks)]
    found += [("phone", f"•••• {tail[-4:]}") for tail in map(disguise.first_group, SPLIT_PHONE.finditer(text))]
    found += [("card", "•••• in parts") for _ in CARD_SPLIT.finditer(text)]
    found += [("secret", f"{m.group(1).lower()} in parts") for m in SECRET_SPLIT.finditer(text)]
    kinds = {kind for kind, _ in found}
    return found + [shape for shape in shapes.found(text) if shape[0] not in kinds]  # round 26's shapes


EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# Digits with the separators people write numbers with; what they are is decided below.
# A number glued to letters by a hyphen is a reference ("TXN-00482913"), not a phone.
NUMBER = re.compile(r"(?<![\w+])(?<![A-Za-z]-)(?:\+|00)?\(?\d[\d ().\-/]{4,24}\d(?![\w])")
CARD = re.compile(r"(?<![\w])\d(?:[ -]?\d){12,18}(?![\w])")
DATE = re.compile(r"\d{1,4}([-/.])\d{1,2}\1\d{1,4}")
_REFERENCE_NAMES = r"order|ref|reference|case|ticket|invoice|booking|tracking"
REFERENCE = re.compile(rf"\b(?:{_REFERENCE_NAMES}|item|sku|model|part|id|no|"
                       # "his number is 555-0147" is a person's phone (round 9)
                       r"(?<!\bhis )(?<!\bher )(?<!\btheir )(?<!\bmy )(?<!\byour )number is|#)\W*(?:number|no\.?|#)?\W*$",
                       re.IGNORECASE)
# … and a longer reference, named as one just before it: "Your reference is 4471-2290-18." (round 24; not "ID number",
# which is a person's, nor "his number is")
REFERENCE_NAMED = re.compile(rf"\b(?:{_REFERENCE_NAMES})\b(?:\s+(?:number|no\.?|#))?\s*(?:is|was|:)?\s*$",
                             re.IGNORECASE)
TOLL_FREE = ("800", "888", "877", "866", "855", "844", "833")


def _emails(text: str, allow: frozenset[str]):
    for address in EMAIL.findall(text):
        local, _, domain = address.lower().partition("@")
        if local.split("+")[0] in words.ROLE_MAILBOXES:
            continue  # support@…, help@…: a team's address, not a person's
        if address.lower() in allow or f"@{domain}" in allow:
            continue
        yield address


def _mask_email(address: str) -> str:
    local, _, domain = address.partition("@")
    return f"{local[:1]}•••@{domain}"


def _luhn(digits: str) -> bool:
    total = 0
    for i, char in enumerate(reversed(digits)):
        value = int(char) * (2 if i % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


# Round 15 (batch 15): a card shown with its middle masked ("4111 1111 **** 1111" still gives 12 of 16 digits), or
# its last digits beside its expiry date — together they pay online at many merchants.
CARD_MASKED = re.compile(r"(?<![\w*•])\d{4}[ -]\d{4}[ -][*•xX#]{4}[ -]\d{4}(?![\w*•])")
CARD_EXPIRY = re.compile(r"\b(?:card|ending|ends)\b[^.!?]{0,30}?\b(\d{4})\b[^.!?\d]{0,15}?\b(?:expiry|exp\.?|expires|expiring|"
                         r"valid (?:to|until|thru|through))(?: date)?\W{0,3}(?:is\W+)?\d{1,2}/\d{2,4}\b", re.IGNORECASE)


# Its first digits beside its last: "the card ending 1111, starting 4111" (round 18) — most of a number told.
CARD_BOTH_ENDS = re.compile(r"\b(?:starting|beginning)(?: with)? (\d{4,6})\b[^.!?]{0,30}?\bending(?: in| with)? (\d{4})\b|"
                            r"\bending(?: in| with)? (\d{4})\b[^.!?]{0,30}?\b(?:starting|beginning)(?: with)? (\d{4,6})\b", re.IGNORECASE)


def _cards(text: str):
    for match in CARD_BOTH_ENDS.finditer(text):
        yield match.group(2) or match.group(3)
    for match in CARD_MASKED.finditer(text):
        yield re.sub(r"\D", "", match.group())
    for match in CARD_EXPIRY.finditer(text):
        yield match.group(1)
    for match in CARD.finditer(text):
        raw = match.group()
        groups = [len(g) for g in re.split(r"[ -]", raw)]
        # As cards are written: one run, groups of four, or Amex's 4-6-5.
        if len(groups) > 1 and groups != [4, 6, 5] and any(g != 4 for g in groups[:-1]):
            continue
        digits = re.sub(r"\D", "", raw)
        # Grouped as a card is printed and starting as card numbers do (2–6), it
        # is one even when a digit is mistyped and Luhn fails ("4929-1234-5678-9012"):
        # the customer's card is exposed all the same. An ungrouped run must pass
        # Luhn — order and tracking numbers are long runs of digits too.
        printed = len(groups) > 1 and digits[0] in "23456"
        if 13 <= len(digits) <= 19 and (printed or _luhn(digits)):
            yield digits


IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?![A-Za-z0-9])")


def _ibans(text: str):
    """IBANs as people write them (grouped by four or not) whose check digits hold (ISO 13616, mod 97)."""
    for match in IBAN.finditer(text):
        iban = match.group().replace(" ", "")
        named = re.search(r"\biban\W{0,12}$", text[max(0, match.start() - 14):match.start()], re.IGNORECASE)
        # Named as one, it is one even when its check digits fail (a mistyped or test IBAN, round 10: batch 9's
        # "IBAN DE00 1234 …"): the customer's account is shown all the same.
        if 15 <= len(iban) <= 34 and (named or int("".join(str(int(c, 36)) for c in iban[4:] + iban[:4])) % 97 == 1):
            yield iban


# A sort code with an account number (UK), or an account number named as one.
# A routing number, BSB or bank account number named as one, in any country's length.
UK_ACCOUNT = re.compile(r"sort code:?\s*\d{2}[- ]?\d{2}[- ]?\d{2}\D{0,32}?(\d{8})\b|"
                        # … or beside the account's last digits: "account ending 5678, sort code 40-11-22" (round 14)
                        r"(?:account|acct\.?|a/c) ending(?: in)?:?\s*\d{2,4}\b[^.!?\d]{0,30}?sort code:?\s*(\d{2}[- ]?\d{2}[- ]?\d{2})\b|"
                        r"sort code:?\s*(\d{2}[- ]?\d{2}[- ]?\d{2})\b[^.!?\d]{0,30}?(?:account|acct\.?|a/c) ending(?: in)?:?\s*\d{2,4}\b|"
                        r"(?:account|acct\.?|a/c|routing|aba|bsb|transit) (?:number|no\.?|#)?:?\s*(?:is\s+)?(\d(?:[ -]?\d){5,16})\b",
                        re.IGNORECASE)
_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*"
_A_DATE = rf"(?:\d{{1,4}}[-/.]\d{{1,2}}[-/.]\d{{2,4}}|\d{{1,2}}(?:st|nd|rd|th)? {_MONTHS},? \d{{4}}|{_MONTHS} \d{{1,2}}(?:st|nd|rd|th)?,? \d{{4}})"
# Any identity number named as one, in any country's format ("Medicare number 2123 45670 1", "PAN ABCDE1234F",
# "driving licence MORGA753116SM9IJ"): the name says what it is; four digits or more say it is the number itself.
_DAY_WORD = (r"(?:\d{1,2}(?:st|nd|rd|th)?|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|"
             r"\w+teenth|twentieth|twenty[- ]\w+|thirtieth|thirty[- ]first)")
_ID_NAMES = (
    r"\b(?:medicare|pps|pan|sin|aadhaa?r|tax file|tfn|nhs|social insurance|national (?:id|identity)|id card|"
    r"ssn|social security|tax (?:id|code|reference)|tin|ein|itin|utr|ird|bsn|"
    r"identity card|health (?:card|insurance)|(?:driving|driver'?s) licen[cs]e|licen[cs]e|permit|visa|"
    # round 6: national identity numbers by their names elsewhere (Singapore's NRIC, Malaysia's MyKad …)
    r"nric|fin|mykad|hkid|cpr|personnummer|curp|rut|dni|nie|cnp|pesel|bvn|nin|cpf|rfc|ktp|emirates id|iqama|codice fiscale)")
# Letters and digits, joined by hyphens ("DL-TEST-12-34567", "X1234567-T") or by spaces before digits (round 10).
# Never a word on its own: "national id" + "entity" is not a value, and would hide "national identity card number
# 000000000V" behind it (round 22, batch 24's Sri Lankan NIC).
_ID_VALUE = r"(?![A-Za-z]+(?![\w-])(?! \d))([A-Z0-9](?:[A-Z0-9]|-(?=[A-Z0-9])|[ ](?=\d)){5,20})"
# Each names what it is, so a reference number is never mistaken for one.
# (what, pattern, the digits its value needs to be a number: "pan in the dishwasher" names none; a passport's
# machine-readable line is one without any)
IDENTITIES = (
    # … or the day in words and the month named: "the date of birth on file is the third of May, nineteen …" (round 15)
    ("date of birth", re.compile(rf"(?:date of birth|d\.?o\.?b\.?|born(?: on)?)\W+(?:\w+\W+){{0,4}}?((?:the )?{_DAY_WORD} (?:of )?{_MONTHS}"
                                 rf"|{_MONTHS} (?:the )?{_DAY_WORD})\b", re.IGNORECASE), 0),
    ("date of birth", re.compile(rf"(?:date of birth|d\.?o\.?b\.?|born(?: on)?|birthday)\W+(?:\w+\W+){{0,3}}?({_A_DATE})", re.IGNORECASE), 4),
    # … or a birthday and a whole date with its year: "Happy birthday … our records say the fifth of June 1990" (round 24)
    ("date of birth", re.compile(rf"\bbirthday\b[\s\S]{{0,80}}?((?:the )?{_DAY_WORD} (?:of )?{_MONTHS},? (?:19|20)\d\d)\b", re.IGNORECASE), 0),
    # … or the day and, a clause on, the year: "we checked your birthday, 14 February, and the year, 1985" (round 25)
    ("date of birth", re.compile(rf"\bbirthday\b\W{{0,3}}((?:the )?{_DAY_WORD} (?:of )?{_MONTHS})\b[^.!?]{{0,30}}?\byear\W{{0,5}}(?:19|20)\d\d\b",
                                 re.IGNORECASE), 0),
    # … or the age reached on the day: "we see you turned 40 on 2 May 1985" (round 16)
    ("date of birth", re.compile(rf"\bturn(?:ed|s|ing)\s+\d{{1,3}}\s+on\s+({_A_DATE})", re.IGNORECASE), 4),
    # "passport number: 123456789", "passport (number 123456789)", "passport no. is X1234567"
    # (the words before "is" hold no digits: "passport number 123456789 and your booking is confirmed", round 14)
    # … "the passport number on file is 123456789" (round 9; first, or "number" would be read as the number)
    ("passport number", re.compile(r"passport (?:number|no\.?)(?: [^\W\d]+){1,5}? (?:is|was|reads|:)\s*([A-Z0-9]{6,9})\b"
                                   r"|passports?\W{0,3}(?:numbers?|no\.?|#)?\W{0,3}(?:is\s*)?([A-Z0-9]{6,9})\b", re.IGNORECASE), 4),
    # A car's registration: it finds the car, and with it where its driver is (round 15: "your hire car, rego …")
    ("vehicle registration", re.compile(r"(?:(?:car|vehicle|van|motorbike)(?:'s)? (?:registration|reg|rego|plate)(?: number| no\.?)?|"
                                        r"number plate|licen[cs]e plate|\brego)\W{0,3}(?:is\W+)?([A-Z0-9]{2,4}[- ]?[A-Z0-9]{2,4})\b",
                                        re.IGNORECASE), 2),
    # … named by "registration" or "plate" alone, the plate in capitals with its digits ("registration AB12 CDE", "plate WXY
    # 1234"), or a British plate as printed, which no reference shares: "your car BD51 SMR is parked in bay 14" (round 16).
    ("vehicle registration", re.compile(r"\b(?:registration|reg|plate)(?: number| no\.?)?\W{0,3}(?:is\W+)?"
                                        r"((?-i:[A-Z]{1,3}[ -]?\d{1,4}(?:[ -]?[A-Z]{1,3})?))(?![\w-])", re.IGNORECASE), 2),
    ("vehicle registration", re.compile(r"(?<![\w-])([A-Z]{2}\d{2} ?[A-Z]{3})(?![\w-])"), 2),
    # A passport's machine-readable line: "P<GBRSMITH<<JOHN<<<" (round 9).
    ("passport number", re.compile(r"\b(P<[A-Z]{3}[A-Z<]{4,}\d*)"), 0),
    ("national insurance number", re.compile(r"\b([A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D])\b"), 4),
    # … partly masked, it still names the person's number: "your National Insurance number QQ 12 ** ** C" (round 17)
    ("national insurance number", re.compile(r"\b([A-Z]{2} ?\d{2} ?[\d*•xX]{2} ?[\d*•xX]{2} ?[A-D])(?![\w*•])"), 2),
    # Round 18 (batch 19): "your ID number 12345678" (a national ID by no other name; "your order ID" is a reference),
    # and a visa or permit with its end: "since your visa expires on 30 June" — a person's immigration status.
    ("identity number", re.compile(r"\byour (?:national )?id (?:number|no\.?)\W{0,3}(?:is\W+)?(\d{6,12})\b", re.IGNORECASE), 6),
    ("immigration status", re.compile(r"\byour (visa|residence permit|work permit|immigration status|asylum claim|refugee status|leave to remain)\b"
                                      r"[^.!?]{0,20}?\b(?:expires|expired|ends|ended|runs out|ran out|was refused|is pending|has lapsed)", re.IGNORECASE), 0),
    # A British driving licence number: the surname's first five letters, six digits, initials, a digit, two letters
    ("driving licence number", re.compile(r"\b([A-Z9]{5}\d{6}[A-Z9]{2}\d[A-Z]{2})\b"), 6),
    ("social security number", re.compile(r"(?<![\d-])(\d{3}-\d{2}-\d{4})(?![\d-])"), 4),
    # … run together beside "your social" (round 23: "Thanks for sending 123456789, your social is verified")
    ("social security number", re.compile(r"(?<![\d-])(\d{9})(?![\d-])(?=[^.!?]{0,40}\byour social\b)"
                                          r"|\byour social(?: security)?(?: number| no\.?)?\W{1,5}(?:is\W+)?(\d{9})\b", re.IGNORECASE), 9),
    ("identity number", re.compile(_ID_NAMES + r"(?: card)?,?(?: number| no\.?| #)?(?: as| of| to)?:?\s*(?:is\s+)?" + _ID_VALUE,
                                   re.IGNORECASE), 4),
    # … named, then a short clause, then given: "the licence number as we have it is ABCDE 123456 XY9ZZ" (round 10)
    # … or with no "number" at all: "the driving licence we have on file is HARPE912034JL9AB" (round 13)
    # … or changed to it: "your licence number was updated to OKAFO801234TU9AB" (round 14)
    ("identity number", re.compile(_ID_NAMES + r"(?: card)?(?: number| no\.?)?(?: \w+){1,4}? (?:is|as|reads|(?:changed|updated|set|"
                                   r"corrected|amended) to):?\s*" + _ID_VALUE,
                                   re.IGNORECASE), 4),
)
# A secret that opens an account, whoever it belongs to: a password, PIN, card
# security code or security answer, followed (within a few small words) by a
# value — quoted, or a word with a digit in it. "Never share your PIN" and "the
# CVV is the 3 digits on the back" name one without giving it.
_SECRET_NAME = (r"\b(password (?:hint|reminder)|password|passcode|pass code|passphrase|"
                # round 10: the code sent to the customer's phone, named by how it came ("the code we texted you")
                r"(?:code|pin)(?= (?:that )?(?:(?:we|i) (?:just )?(?:texted|sms'?e?d|sent(?= is\b| was\b| (?:to )?(?:you\b|your (?:phone|mobile))))|you (?:read out|gave|were given|received|got)))|pin(?: number| code)?|puk(?: code)?|cvv2?|cvc2?|csc|security (?:code|answer|number)|"
                r"memorable (?:word|answer|information|date)|"
                r"(?:(?:one[- ]time|verification|login|access|2fa|mfa|otp|sms|authentication|auth|confirmation|reset|sign[- ]in|"
                # round 6: the codes that open a door or an account's back way ("lock code", "2FA backup codes")
                r"backup|recovery|lock|door|gate|alarm|locker|key ?safe|entry|unlock)\s+){1,2}"
                r"(?:codes?|passcodes?|pins?)|pass(?=\s*:)|otp)\b")
# … quoted, digits in groups ("55 81 20"), or a word with a digit in it.
# Round 9 (batches 6–8): digit by digit ("7 7 3 0 1 2", "[ 5 1 9 2 0 4 ]") and in words ("nine-three-four-one").
_SECRET_VALUE = (r"(['\"“‘][^'\"”’\n]{2,40}['\"”’]|[\[(]\s*\d(?:\s*\d){3,7}\s*[\])]|\d(?:\s\d){3,7}\b|"
                 rf"{disguise.DIGIT_WORD}(?:[\s,-]+{disguise.DIGIT_WORD}){{3,7}}\b|"
                 # round 23: said in parts ("55, then 10, then 93")
                 r"\d{2,4}(?:,? then \d{2,4}){1,3}\b|"
                 r"\d{2,4}(?:[ -]\d{2,4}){1,3}\b|(?=\S*\d)[^\s,;]{3,40})")
SECRET = re.compile(
    _SECRET_NAME + r"(?:\W+(?:is|are|was|to|as|now|set|reset|changed|from|of|your|new|the|temporary|still|has been|will be|it's|it is|"
    r"which is)){0,4}\W+"
    + _SECRET_VALUE, re.IGNORECASE)
# … or named, then a short clause, then given: "the 2FA code we texted you is
# 550021", "the password we reset it to is Welcome2024". The value must follow
# a word that gives it (is, was, to, as, a colon), so "never share the code
# we send you" names one without giving it.
SECRET_GIVEN = re.compile(_SECRET_NAME + r"[^.!?\n]{1,40}?(?:\b(?:is|was|to|as|now|be)|:)\s+" + _SECRET_VALUE, re.IGNORECASE)
# … or a hint that gives the secret away with its digits: "your PIN hint on file is your birthday, 0312" (round 15)
HINT = re.compile(r"\b((?:pin|password|passcode|memorable \w+) (?:hint|reminder))\b[^.!?\n]{0,40}?(?:\bis\b|\bwas\b|:)[^.!?\n]{0,25}?"
                  r"\b(?!(?:19|20)\d\d\b)(\d{4,8})\b", re.IGNORECASE)  # not a year: "the reminder was sent in 2024"
# … or a login given whole, the user name and the password side by side: "here's your login so you can check the
# booking: rahul_k88 / mango@123" (round 12).
CREDENTIALS = re.compile(r"\b(login|log-in|log ?in details|sign-?in details|credentials|user ?name and password)\b"
                         r"[^.!?\n]{0,40}?:\s*(\S{3,40}\s*/\s*\S{3,40})", re.IGNORECASE)
# A street address: a house number, a capitalised street name and its kind
# ("14 Acacia Avenue", "301 W 57th St", "5 Mill Lane"). A shop's or an office's
# address is meant to be published: one after "store", "branch" … passes.
ADDRESS = re.compile(
    r"(?<![\w£$€.,])\d{1,5}[A-Za-z]?,? (?:[NSEW]\.? )?(?:[A-Z0-9][\w'-]*\.? ){1,3}"
    r"(Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Close|Drive|Dr|Way|Place|Pl|Court|Ct|Crescent|Cres|Terrace|Gardens|"
    r"Grove|Boulevard|Blvd|Mews|Row|Square|Walk|Hill|Parade|Rise|View|Highway|Hwy|Parkway|Pkwy|Circle|Cir|Trail|"
    r"Green|Gate|Heights|Quay|Wharf|Alley|Crt|Cl|Pde|Tce|"
    # … and the kinds of an Indian address ("12 Gandhi Nagar", "4 MG Marg", "22 Lajpat Colony")
    r"Nagar|Marg|Colony|Layout|Vihar|Enclave|Bagh|Puram)\b"
    # … or a postcode (UK "SW1A 1AA", Canada "M5V 2T6"): it places a home as surely.
    r"|(?<![\w-])([A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}|[A-Z]\d[A-Z] \d[A-Z]\d"
    # … Ireland's Eircode ("D04 X1Y2"), and a US state with its ZIP code ("Austin, TX 78701") (round 9)
    r"|[AC-FHKNPRTV-Y]\d[\dW] [\dAC-FHKNPRTV-Y]{4}|(?<=, )[A-Z]{2} \d{5}(?:-\d{4})?)(?![\w-])")
# A flat or house by its number before a named building or area and a comma: "Flat 3B, Lotus Residency, Baner"
# (round 12: the addresses of places named, not numbered along a street).
FLAT = re.compile(r"\b(Flat|Apt|Apartment|House No\.?) \d{1,4}[A-Z]?, (?:[A-Z][\w'-]* ){0,3}[A-Z][\w'-]*,")
_PLACES = (r"\b(?:store|shop|branch|office|showroom|warehouse|depot|outlet|restaurant|caf[eé]|by post|team|department|"
           r"centre|center|mall|pharmacy|station|hq|headquarters|locker|collection point|studio|salon|workshop|venue|garage)s?\b")
# The place named just before its address: "our branch at", "the store on", "depot:".
PUBLIC_PLACE = re.compile(_PLACES + r"(?:\s+(?:\w+\s+)?(?:is |are |was )?(?:at|on|in|located at|found at|address(?: is)?|:)"
                          # … its unit or suite first: "our depot at Unit 4, Harbour Road" (round 21)
                          r"(?:\s+(?:unit|suite|building|block|floor|level))?"
                          r"|\s*[:,(-]"
                          # … or its trading name between ("our shop: Kernow Kit, 4 Harbour Row", round 23)
                          r"|\s*:\s+(?:[A-Z][\w'&-]*\s+){0,3}[A-Z][\w'&-]*,(?:\s+(?:unit|suite|building|block))?)\s*$", re.IGNORECASE)
# A street named first, as in French, Spanish, Italian, Portuguese and Welsh ("8 rue des Lilas", "fourteen Heol y Bryn,
# Llandeilo" once its number is written as digits), or a German one with its number after (round 16).
STREET_FIRST = re.compile(r"(?<![\w£$€.,])\d{1,5}[A-Za-z]?,? ((?:rue|avenue|boulevard|chemin|allée|calle|avenida|carrer|plaza|paseo|"
                          r"via|viale|piazza|corso|strada|rua|travessa|largo|Heol|Ffordd|Stryd|L[oô]n|Rhodfa|Maes|Jalan|Jln|Lorong|Persiaran)) (?:[\w'-]+ ){0,3}?[A-Z]"
                          r"|\b[A-Z][a-zäöüß]+(straße|strasse|weg|gasse|platz|allee) \d{1,4}[a-z]?\b"
                          # … or a Portuguese, Spanish or Italian one with its number after: "Rua das Flores 12, 3 Esq" (round 22)
                          r"|\b((?-i:Rua|Avenida|Calle|Carrer|Travessa|Largo|Via|Viale|Corso|Piazza)) (?:[\w'-]+ ){1,3}?\d{1,4}[A-Za-z]?,")
# A postcode after a shop's street address is the shop's too: "our Leeds store is at 12 Briggate, LS1 6HD".
PUBLIC_POSTCODE = re.compile(_PLACES + r"[^.!?]{0,40}$", re.IGNORECASE)


def _uk_accounts(text: str):
    for match in UK_ACCOUNT.finditer(text):
        yield re.sub(r"\D", "", disguise.first_group(match))


def _identities(text: str):
    for what, pattern, needs in IDENTITIES:
        for match in pattern.finditer(text):
            digits = re.sub(r"\D", "", disguise.first_group(match))
            if len(digits) >= needs:
                yield what, digits


# A wallet's recovery words quoted back: "you entered the phrase "apple river stone…" on the fake site" (round 16).
SEED = re.compile(r"\b(?:entered|typed|gave|shared|sent|used)\s+(?:the|your|a)\s+((?:seed |recovery |secret |wallet )?phrase)\s+"
                  r"(['\"“‘][^'\"”’\n]{2,60}['\"”’])", re.IGNORECASE)


# Security answers given back: "your first pet Fluffy and your mother's maiden name, Jenkins" (round 21).
SECURITY_ANSWER = re.compile(r"\b((?:first pet|mother's maiden name|first school|first car|memorable place))(?:'s name)?(?: was| is|,)?\s+"
                             r"((?-i:[A-Z][a-z]+))\b", re.IGNORECASE)
# A door's code a few words after the door: "the key safe by the back door, code 4-7-1-9" (round 19).
DOOR_CODE = re.compile(r"\b((?:key ?safe|lock ?box|door|gate))\b[^.!?\n]{0,40}?\bcode\W{1,3}(\d(?:[\s-]?\d){3,7})\b", re.IGNORECASE)


def _secrets(text: str):
    for pattern in (SECRET, SECRET_GIVEN, CREDENTIALS, HINT, SEED, DOOR_CODE, SECURITY_ANSWER):
        for match in pattern.finditer(text):
            yield match.group(1).lower(), re.sub(r"\D", "", disguise.undisguised(match.group(2)))
    yield from disguise.codes_given(text)


# Round 15 (batches 14 and 15): a home placed without its number — "your home IP in Halifax on Birch Street" — and a
# neighbour's house by its number: "left with your neighbour Mrs Ellis at number 12".
HOME_STREET = re.compile(r"\b(?:your|his|her|their) (?:home|house|flat)\b(?! branch| store| page| screen| team)[^.!?]{0,40}?\b(?:on|in) ((?:[A-Z][\w'-]* ){1,3}"
                         r"(?:Street|Road|Avenue|Lane|Close|Drive|Way|Crescent|Terrace|Gardens|Grove|Place))\b")
NEIGHBOUR = re.compile(r"\bneighbou?r\b[^.!?]{0,40}?\bat (?:number|no\.?|#) ?(\d{1,4}[A-Za-z]?)\b", re.IGNORECASE)


def _addresses(text: str):
    yield from (match.group(1) for match in HOME_STREET.finditer(text))
    yield from (f"number {match.group(1)}" for match in NEIGHBOUR.finditer(text))
    street_end = None
    public_end = None
    for match in ADDRESS.finditer(text):
        if _placed(PUBLIC_PLACE if match.group(1) else PUBLIC_POSTCODE, text, match):
            public_end = match.end() if match.group(1) else public_end
            continue
        if not match.group(1) and public_end is not None and match.start() - public_end <= 40:
            continue  # the postcode of a shop's street named public just before it (round 24)
        # "14 Elm Road, Leeds LS6 2AB" is one address: its postcode is not a second finding (a new user's trial)
        if match.group(1) or street_end is None or match.start() - street_end > 40:
            yield match.group(1) or "postcode"
        if match.group(1):
            street_end = match.end()
    for pattern in (STREET_FIRST, FLAT):
        yield from (disguise.first_group(match).lower() for match in pattern.finditer(text) if not _placed(PUBLIC_PLACE, text, match))


def _placed(place: re.Pattern, text: str, match: re.Match) -> bool:
    """A shop's or an office's address, its place named just before it ("our Leeds branch at …")."""
    return bool(place.search(text[max(0, match.start() - 60):match.start()]))


# A number said to be the brand's own: "on our support number, +44 …", "our helpline: …" (round 17).
OUR_LINE = re.compile(r"\bour (?:\w+ )?(?:number|line|helpline|hotline|phone line|whatsapp)\b[^.!?\d]{0,12}$", re.IGNORECASE)


# A card or a PIN given in parts: "The card we have on file starts 4111 1111. It ends 1111 1111.", "Your new PIN starts with
# 39. The last two digits are 06." (round 24, batch 26).
CARD_SPLIT = re.compile(r"\bcard\b[^.!?]{0,30}?\bstarts (?:with )?(\d{4} ?\d{4})\b[^.!?]{0,10}[.!?]?\s*(?:it |and )?(?:ends (?:with |in )?|the rest is |then )\d{4} ?\d{4}\b",
                        re.IGNORECASE)
SECRET_SPLIT = re.compile(r"\b(pin|passcode|password|security code)\b[^.!?]{0,20}?\b(?:starts|begins) with\s+\d{2,4}\b", re.IGNORECASE)


# A mobile number given in two parts, its start and then the rest: "Is 07700 900 still the right start, with 781 at the
# end?", "We tried 07700 this morning. The rest of the number, 900456, …" (round 23, batch 25).
SPLIT_PHONE = re.compile(r"(?:\b0|\+44 ?)7\d{3}\b[^.!?]{0,50}[.!?]?[^.!?]{0,30}?\b(?:rest of (?:the|your) number|at the end|ending in|ends in|"
                         r"then)\b\W{0,4}(\d{3,6})\b|(?:\b0|\+44 ?)7\d{3}(?: \d{3})?\b[^.!?]{0,50}?\bwith (\d{3,6}) at the end\b", re.IGNORECASE)


def _phones(text: str, allow: frozenset[str]):
    allowed = {re.sub(r"\D", "", entry) for entry in allow if not re.search(r"[A-Za-z@]", entry)}
    for match in NUMBER.finditer(text):
        raw = match.group().strip(" .-/")
        digits = re.sub(r"\D", "", raw)
        if DATE.fullmatch(raw) or digits in allowed or _toll_free(digits) or OUR_LINE.search(text[max(0, match.start() - 40):match.start()]):
            continue
        international = raw.startswith(("+", "00")) and 8 <= len(digits) <= 15
        groups = [g for g in re.split(r"[ ().\-/]+", raw) if g]
        written_as_phone = 9 <= len(digits) <= 12 and len(groups) >= 2 and all(len(g) >= 2 for g in groups[1:])
        national = len(digits) in (10, 11) and digits.startswith("0") and len(groups) == 1
        # A North American local number ("555-0142") is seven digits as 3-4; an
        # order or case number written so says what it is just before it.
        local = re.fullmatch(r"\d{3}[-. ]\d{4}|\(\d{3}\) ?\d{4}", raw) is not None and not REFERENCE.search(
            text[max(0, match.start() - 30):match.start()])
        if written_as_phone and REFERENCE_NAMED.search(text[max(0, match.start() - 30):match.start()]):
            continue  # "your reference is 4471-2290-18" (round 24)
        if international or written_as_phone or national or local:
            yield digits


def _toll_free(digits: str) -> bool:
    """A company's free-phone or business line (1-800-…, 0800 …, 0345 …) is meant to be published."""
    national = digits[1:] if digits.startswith("1") and len(digits) == 11 else digits
    # UK 084/087 business lines have eleven digits; ten from 08x are an Irish mobile ("087 123 4567", round 6).
    business = digits.startswith(words.BUSINESS_NUMBER_PREFIXES) and not (digits[:3] in ("084", "087") and len(digits) != 11)
    return (national[:3] in TOLL_FREE and len(national) == 10) or business
