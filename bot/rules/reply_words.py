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
# Condescension: the customer told they could have managed, in any words. Many
# carry their own "not", so a negation before them does not undo them.
CONDESCENSION = (
    r"(?:isn't|is not|it's not|its not|wasn't|not) (?:really )?(?:that|very|exactly) (?:hard|difficult|complicated)",
    "rocket science", "brain surgery", r"(?:paid|pay|paying) (?:more )?attention", r"(?:try|start|maybe try) reading",
    r"before (?:tweeting|complaining|posting|moaning|whining|ranting|kicking off)", r"refuse(?:s|d)? to (?:follow|read|listen)",
    r"(?:basic|simple|clear) instructions", r"that'?s on you", r"(?:a|an) you (?:issue|problem|thing)",
    r"(?:that's |this is )?what happens when you", r"(?:a little|some|more) patience would", "(?:not|isn't) (?:all|everything) (?:is )?about you",
    r"changed your mind (?:again|twice)", "make up your mind", r"(?:most|other|all (?:our )?other|every other) (?:customers?|people|users?) "
    r"(?:manages?|can|seems?|don't|doesn't|ha(?:ve|s) no|figures?)", "some people will", r"(?:like|as) (?:everyone|everybody) else (?:does|did|manages)",
    r"not a charity", r"if it (?:was|were|is) (?:that|so) (?:important|urgent)", r"(?:nobody|no one|no-one) else (?:has|had|seems)",
    r"(?:shop|go|look|take your \w+) elsewhere", r"damage you (?:caused|did|made)", r"some of us (?:have|are)",
    r"next time,? (?:maybe|perhaps|just|try to)?\s*(?:order|buy|check|read|choose|pick)", r"(?:the )?right one next time",
    r"not sure why you (?:thought|think|expected|assumed)", r"why would you (?:think|expect|assume)",
    r"we get it,? you(?:'re| are)", "interesting theory", r"(?:nice|cute|interesting) (?:theory|story|idea)\.",
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
    "sucks", "jackass", "douche", "douchebag", "motherfucker", "omfg", "bs", "give a toss", "give a damn",
    "don't give a", "sod off", "bloody hell", "pissing",
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
    r"how will you (?:ever )?(?:survive|cope|manage)", "must be nice", r"finally (?:read|figured|understood|noticed|worked out)",
    r"(?:worked|works) (?:fine|perfectly|great) for everyone else", "have fun with that", "get right on (?:that|it)", "🙃",
    r"(?:^|[.!?]\s*)k\.?$", r"thanks for the (?:incredibly|really|super|very|oh so) (?:helpful|useful|valuable|insightful)",
    r"wow,? thanks", "thanks,? genius", r"(?:oh )?you poor thing", "cry me a river", "boo hoo", "sorry not sorry",
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
