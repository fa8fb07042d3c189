"""The word lists behind bot/reply_check — kept apart so a team can read (and
tune) exactly what is held. Every entry is a regular expression matched
case-insensitively on word boundaries (most are plain phrases); each finding
names the words that matched."""
from __future__ import annotations

# Insults and blame aimed at the customer. Phrases, not single negative words:
# an apology is full of "terrible", "broken", "frustrating" and must pass.
BLAME_PHRASES = (
    "your fault", "your own fault", "your mistake", "that's your problem", "not our problem", "not our fault",
    "user error", r"you should(?: have|'ve) (?:checked|read|looked|known|measured|asked|thought|listened)",
    "you didn't read", "you did not read", "you clearly", "clearly you", "you obviously", "obviously you",
    "did you even", "learn to read", "read the faq before", "read the instructions before",
    "anyone with half a brain", "half a brain", "simple directions", "simple instructions",
    "you people", "people like you", "customers like you", "calm down", "get over it", "just deal with it",
    "grow up", "get a life", "shut up",
    r"stop (?:whining|complaining|crying|harassing|spamming|moaning|tagging|messaging|posting|emailing|calling)",
    r"(?:read|check|look at) (?:the|our) \w+(?: \w+)? next time", r"next time,? (?:read|check|try|look)",
    r"(?:use|using) (?:your|a) (?:brain|head|eyes)", "common sense", "exists for a reason", "getting old",
    "a you problem", "complain first", "load of rubbish", "talking rubbish", "nonsense", "as we already told you", "as i already told you",
    "we already told you", "i already told you", "like i said", "like we said",
    "you failed to", "if you had bothered", "if you'd bothered", "you're lying",
    "you are lying", "you're wrong", "you are wrong",
    r"you(?:'re| are) being (?:\w+ )?(?:unreasonable|rude|difficult|ridiculous|dramatic|childish|silly)",
    "nobody forced you", "no one forced you", "we don't care", "we do not care", "nobody cares",
    "no one cares", "take your business elsewhere", "shop somewhere else", "go somewhere else",
    "you broke it", "broke it yourself", "never happy", "what a stupid",
)
# Words that insult whoever they are said to.
INSULT_WORDS = (
    "idiot", "idiots", "idiotic", "moron", "morons", "moronic", "stupid", "dumb", "clueless", "imbecile",
    "pathetic", "loser", "losers", "liar", "liars", "lunatic", "whiner", "whiners", "ignorant",
    "ridiculous thing", "dumbest", "stupidest", "silliest", "most ridiculous",
)
PROFANITY = (
    "damn", "damned", "dammit", "goddamn", r"the hell", r"hell (?:of|no)", "go to hell", "crap", "crappy", "shit", "shitty", "bullshit", "shite",
    "fuck", "fucked", "fucking", "fucker", "f*ck", "f*cked", "f*cking", "f**k", "fck", "fcking", "wtf", "stfu",
    "gtfo", "ffs", "bloody", "bugger", "bollocks", "arse", "ass", "asshole", "arsehole", "bastard", "bitch",
    "piss", "pissed", "dick", "dickhead", "cunt", "twat", "wanker", "prick", "screwed", "screw you",
    "sucks", "jackass", "douche", "douchebag", "motherfucker", "omfg", "bs",
)
# Dismissive sarcasm and non-apologies: what reads as contempt to everyone watching.
SARCASM_PHRASES = (
    "good luck with that", "thanks for nothing", "cool story", "nice try", "if you say so",
    "bless your heart", r"congratulations on (?:discovering|finding out|figuring|learning|realising|realizing)", "sure you did", "i'm sure you did", "oh really",
    "whatever you say", "yeah right", "what a surprise", "what a shocking", "big surprise", "newsflash",
    "news flash", "per my last", "as per my previous", "not sure what you expected", "what did you expect",
    "sorry you feel that way", "sorry if you feel", "sorry that you feel", "with all due respect",
    "no offense", "no offence", "🙄", "shocker", "you must be joking", r"you(?:'ve| have) got to be kidding",
    r"are you (?:kidding|serious|joking)", r"seriously\?", r"(?:^|[.!?]\s*)(?:whatever|typical|nope)(?=[.!])",
    r"lol,? no", r"haha,? no", "lmao", "rofl", r"you know\.",
)
# Business numbers meant to be published (after the toll-free ones, which are
# found by rule): UK non-geographic 03, 080, 084, 087.
BUSINESS_NUMBER_PREFIXES = ("03", "080", "084", "087")
# Capitalised words that are not shouting (counted as ordinary words).
ACRONYMS = frozenset((
    "DM", "DMS", "FAQ", "FAQS", "ID", "PIN", "US", "UK", "EU", "USA", "OK", "ASAP", "ETA", "UPS", "USPS",
    "DHL", "PDF", "URL", "IT", "TV", "API", "IOS", "PC", "SMS", "VIP", "ATM", "AM", "PM", "GMT", "UTC",
    "CET", "EST", "PST", "FYI", "NB", "PS", "VAT", "GST", "NHS", "BBC", "CEO", "HQ", "QR", "ISBN", "SKU",
    "IBAN", "BIC", "CVV", "TBC", "TBD", "I", "A", "AI", "APP", "WIFI", "USB", "HDMI", "LED", "GPS", "IP",
))
# E-mail local parts that belong to a team, not a person: safe to post publicly.
ROLE_MAILBOXES = frozenset((
    "support", "help", "helpdesk", "care", "customercare", "service", "services", "customerservice",
    "info", "hello", "hi", "team", "contact", "press", "media", "privacy", "billing", "sales", "feedback",
    "noreply", "no-reply", "returns", "orders", "complaints", "social", "accessibility", "careers", "jobs",
    "security", "legal", "accounts", "bookings", "reservations",
))
# Empathy markers: a sentence with one of these is not hostile, however negative its words.
EMPATHY = ("sorry", "apolog", "understand", "regret", "appreciate", "thank", "hear you", "our fault",
           "on us", "unacceptable", "right to be")
