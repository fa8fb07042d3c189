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
    r"(?<!respond )(?<!reply )(?<!comment )before (?:tweeting|complaining|posting|moaning|whining|ranting|kicking off)", r"refuse(?:s|d)? to (?:follow|read|listen)",
    r"(?:basic|simple|clear) instructions", r"that'?s on you", r"(?:a|an) you (?:issue|problem|thing)",
    r"(?:that's |this is )?what happens when you", r"(?:a little|some|more) patience would", "(?:not|isn't) (?:all|everything) (?:is )?about you",
    r"changed your mind (?:again|twice)", "make up your mind", r"(?:most|other|all (?:our )?other|every other) (?:customers?|people|users?) "
    r"(?:manages?|can|seems?|don't|doesn't|ha(?:ve|s) no|figures?)", "some people will", r"(?:like|as) (?:everyone|everybody) else (?:does|did|manages)",
    r"not a charity", r"if it (?:was|were|is) (?:that|so) (?:important|urgent)", r"(?:nobody|no one|no-one) else (?:has|had|seems)",
    r"(?:shop|go|look|take your \w+) elsewhere", r"damage you (?:caused|did|made)", r"some of us (?:have|are)",
    r"next time,? (?:maybe|perhaps|just|try to)?\s*(?:order|buy|check|read|choose|pick)", r"(?:the )?right one next time",
    r"not sure why you (?:thought|think|expected|assumed)", r"why would you (?:think|expect|assume)",
    r"we get it,? you(?:'re| are)", "interesting theory", r"(?:nice|cute|interesting) (?:theory|story|idea)\.",
    # Issue 25: talking down in everyday words — explaining slowly, "not complicated",
    # "someone more tech savvy", "have you tried actually…", "rules are rules".
    r"(?:smaller|simpler|short) words", r"spell (?:it|this|that) out", r"(?<!can )(?<!could )(?:explain|say|put) (?:it|this|that) (?:slowly|simply|more simply|again slowly)",
    r"(?:explain|say) (?:it|this|that) (?:one more|once more|for the \w+) time", r"how many (?:more )?(?:ways|times) (?:can|do|must|will|should) (?:i|we)",
    r"(?:not|isn't|is not|it's not) (?:really |that |very |exactly )?complicated", r"(?:isn't|is not|not) (?:everyone's|your) strong (?:suit|point)",
    "reading comprehension", r"(?:ask|get|find) someone (?:more |a bit more |who is more )?(?:tech[- ]?savvy|technical|competent)",
    r"have you tried (?:actually |just )?(?:turning (?:it|your)|reading|looking|plugging)", "you'd be surprised how often",
    r"not sure what (?:else )?(?:to suggest|to tell you|we can tell you|you were expecting|else you (?:were )?expect\w*|you expected)",
    r"(?:don't|do not) know what (?:else )?to tell you", "rules are rules", r"simple as(?=[.!]|$)",
    r"you seem to (?:have forgotten|be determined|think)", r"which you (?:seem to have|have|must have) forgotten",
    r"as (?:i|we)(?:'ve| have)? (?:already|previously) (?:explained|said|mentioned|stated|told)", r"as (?:stated|explained|mentioned|said) (?:twice|already|before|(?:several|numerous|multiple|many) times|repeatedly)",
    r"we heard you the first time", r"(?:not|isn't|is not) our job", r"we(?:'re| are) not (?:mind readers|a charity|your (?:personal|mum|mom|servants?))",
    r"(?:a|just a) (?:shop|business|company|retailer),? not (?:a|your)", "you get what you pay for", r"(?:can't|cannot) be helped",
    r"not reading all (?:that|this)", r"(?:we|i) (?:don't|do not) (?:normally|usually) (?:respond|reply)", r"rants? like (?:this|yours)",
    r"maybe (?:next time )?(?:don't|do not|try|ask|measure|read|check)\b", r"next time,? (?:don't|do not)", r"perhaps you should(?:'ve| have)",
    r"should(?:'ve| have) thought of that", r"if you can't (?:handle|work out|figure out|manage|be bothered|follow)",
    r"if you won't (?:follow|read|listen)", r"(?:clogging|spamming) (?:up )?(?:our|the)", r"(?:wasting|waste) (?:our|my) time",
    r"(?:when|once) you(?:'ve| have) calmed down", r"(?:such|a|this) (?:big )?fuss", "you're not special", "you are not special",
    "where it belongs", "we both know", r"that'?s rich", r"(?:actually|really|just) want help or", r"determined to be (?:angry|difficult|upset)",
    r"try being (?:polite|nice|patient|reasonable)", r"won't make (?:the \w+|it|us|them) (?:go|come|arrive|any)", "buyer's remorse",
    r"between you and your (?:bank|courier|provider)", r"hardly our (?:fault|problem)", r"you(?:'re| are) (?:just )?(?:charging|using|doing|holding|fitting|washing) it wrong",
    r"because you (?:didn't|did not|never) (?:answer|read|check|reply|listen|follow)", r"^meh\b", "squeeze in another", r"(?:daft|silly|dumb) question",
    r"(?:won't|will not) be entertaining", "kindly refrain", "babysit", r"(?:don't|do not) respond to threats", r"(?:not going|refuse) to argue(?![^.!?]{0,30}[.!?]\s*you(?:'re| are) (?:right|correct))",
    r"nothing better to do", r"right after (?:everyone|all the people|the customers) who", r"along with (?:all )?the (?:others|rest|other \w+) you(?:'ve| have)? sent",
    r"(?:lovely|nice|great) to hear from you again", r"for the (?:\w+th|second|third|hundredth|umpteenth|\d+(?:st|nd|rd|th)) time (?:this|today)",
    r"(?:all|both) (?:two|three) (?:sentences|words|lines) of it", r"not sure where the confusion", r"where(?:'s| is) the confusion",
    r"(?:don't|do not) know how to make (?:this|it) (?:any )?(?:simpler|clearer|easier|plainer)",
    r"(?:amazing|funny|strange|interesting|odd) how (?:everyone|everybody|nobody|no one|this only|it only|you only)",
    r"literally the first", r"instead of just \w+ing us", r"like we (?:asked|told you|said)",
    r"skill issue", r"(?:called|there) (?:a|an) [\w ]{1,20} for a reason", r"(?:in|with) big letters", r"(?<!so )everyone knows",
    r"must be something you (?:did|done)", r"because you complained", r"actually (?:open|read|check|look at) (?:the|your|our)",
    r"(?:don't|do not) tag us again", r"what exactly do you want us to do", r"more time on your", r"call the (?:news|police|papers)(?=[.!]|$)",
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
# Masked or misspelt, it is still swearing in public: f***ing, a**hole, p*ssed, sh1t
# (regular expressions, unlike the plain words above).
MASKED_PROFANITY = (r"[a-z]+\*+[a-z]+", r"[a-z]+\*{2,}", r"sh[1!]t\w*", r"f[4u@]ck\w*", r"a(?:ss|rse)hole")
# Dismissive sarcasm and non-apologies: what reads as contempt to everyone watching.
SARCASM_PHRASES = (
    "good luck with that", "thanks for nothing", "cool story", "nice try", "if you say so",
    "bless your heart", r"congratulations on (?:discovering|finding out|figuring|learning|realising|realizing)", "sure you did", "i'm sure you did", "oh really",
    "whatever you say", "yeah right", "what a surprise", "what a shocking", "big surprise", "newsflash",
    "news flash", "per my last", "as per my previous", "not sure what you expected", "what did you expect",
    "sorry you feel that way", "sorry if you feel", "sorry that you feel", "with all due respect",
    "no offense", "no offence", "🙄", "shocker", "you must be joking", r"you(?:'ve| have) got to be kidding",
    r"are you (?:kidding|serious|joking)", r"seriously\?", r"(?:^|(?<=[.!?])\s*)(?:whatever|typical|nope)(?=[.!])",
    r"lol,? no", r"haha,? no", "lmao", "rofl", r"you know\.",
    r"how will you (?:ever )?(?:survive|cope|manage)", "must be nice", r"finally (?:read|figured|understood|noticed|worked out)",
    r"(?:worked|works) (?:fine|perfectly|great) for everyone else", "have fun with that", "get right on (?:that|it)", "🙃",
    r"(?:^|(?<=[.!?])\s*)k\.?$", r"thanks for the (?:incredibly|really|super|very|oh so) (?:helpful|useful|valuable|insightful)",
    r"wow,? thanks", "thanks,? genius", r"(?:oh )?you poor thing", "cry me a river", "boo hoo", "sorry not sorry",
    # Issue 25: mock praise, mock surprise, pet names and mock service.
    r"sure,? because", r"because obviously", r"yes,? because", "who could have guessed", "who would have thought", "funnily enough",
    r"what a (?:shock|surprise|shocker)", r"shocking that", r"(?:add|added) (?:it|this|yours) to the pile", r"(?:really|truly|sure|certainly) made (?:our|my) day",
    r"(?:lose|losing) (?:any )?sleep over", "magic wand", r"all by (?:it|him|her)self", "🤡",
    r"(?:brilliant|great|nice|amazing|excellent|fine) detective work", r"well done (?:for|on) (?:finally|actually)", r"(?:just )?drop everything for you",
    r"not that (?:it|this)(?:'ll| will) (?:change|make|do)", r"(?:^|(?<=[.!?,])\s*)bless(?:,|\s|$)", "sweetie", "sweetheart", r"\bhun\b", "darling",
    r"\bdude\b", r"honestly,? mate", r"thanks for (?:your|the) (?:essay|novel|lecture|life story)", r"(?:we|i)(?:'ll| will) be sure to prioriti[sz]e",
    r"(?:^|(?<=[.!?])\s*)truly\.", r"how (?:will|would) you (?:ever )?cope", r"a whole (?:day|hour|week) late", r"a whole \d+ (?:minutes|mins|hours|days)",
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
    # round 16: a team's mailbox the batches' brands gave ("Email groups@…", "email it to claims@…")
    "groups", "claims", "enquiries", "safety", "quality", "recalls",
    # round 22: a data protection officer's mailbox ("our data protection team is on dpo@…")
    "dpo", "gdpr", "dataprotection", "data.protection", "data-protection", "inquiries", "events", "membership", "members", "trade", "wholesale", "schools",
))
# Empathy markers: a sentence with one of these is not hostile, however negative its words.
EMPATHY = ("sorry", "apolog", "understand", "regret", "appreciate", "thank", "hear you", "our fault",
           "on us", "unacceptable", "right to be", "you're right", "you are right", "got this wrong", "got that wrong",
           "fair point", "took that seriously", "see why you're upset", "see why you are upset",
           # the fault owned (round 23: "The payment failed on our side, not yours."); "don't worry" is not kind enough
           # alone: "Don't worry, lots of first-time landlords struggle with the basics."
           "on our side, not yours", "on our end, not yours", "failed on our side", "failed on our end")

# Round 5 (batch 3 read): polite-sounding rudeness by what it does, not its words —
# a threat to the customer, mocking what they might do about it, a question
# that is a jibe, exasperation, gossip about them, telling them to keep perspective.
CONDESCENSION += (
    # Threatening the customer.
    r"(?:ban|block|suspend|close|mute|report) your (?:account|profile)", r"(?:legal|further|formal) action against you",
    r"(?:further|any more|future|more) (?:messages|posts|tweets|complaints|emails)[^.!?]{0,20} (?:will|shall) be ignored",
    r"(?:last|final) time (?:we|i)(?:'ll| will)? (?:respond|reply|answer)", r"(?:we|i) won't miss", r"keep (?:posting|tweeting|tagging) (?:like )?this",
    r"we(?:'ll| will) (?:stop|no longer be) (?:responding|replying)",
    # Mocking what the customer might do about it.
    r"(?:go ahead and |go on,? )?(?:call|ring|tell|get) your (?:lawyer|solicitor|mum|mom|reporter)\b(?! (?:team|office|department))", r"see (?:how far|where) (?:that|it) gets you",
    r"see if (?:they|anyone|anybody) (?:care|cares)", r"good luck finding", r"(?:can|may) write whatever (?:they|you) (?:like|want)",
    r"your ['\"“‘](?:lawyer|emergency|solicitor|complaint|urgent|problem|journalist|reporter|review|feedback|concerns?|"
    r"issue|experience|opinion|research|advice|expertise)['\"”’]",
    # A question that is a jibe.
    r"did (?:somebody|someone|we) (?:forget|not read|not check)", r"what part of\b", r"happy now\?", r"are you always (?:this|so)",
    r"do you (?:honestly|really|seriously|actually) (?:think|believe|expect)", r"have you tried not\b", r"is today special",
    # Telling them to keep perspective, or that we are too busy for them.
    "just saying", "hate to break it to you", r"it'?s called (?:a|an|the)\b", r"look it up", r"try scrolling", r"(?:doesn't|does not|don't) revolve around",
    r"keep (?:some )?perspective", r"(?:nobody|no one|no-one) died", r"when we feel like it", r"when we get (?:to|round to|around to) it",
    r"(?:don't|do not) have time for (?:this|you)", r"(?:doing|do) you a favou?r", "manage your expectations", r"if (?:you|u) (?:don't|dont|do not) like it",
    r"customers who actually", r"(?:^|(?<=[.!?])\s*)next\.", "cry more", r"drop everything for (?:you|your)", r"tr(?:y|ies) (?:a bit |a little )?harder",
    r"believe (?:him|her|them|the \w+) over you", r"(?:it )?must be your (?:phone|device|wifi|fault|end|internet|computer)",
    r"(?:user|customer) stupidity", r"\b(?:read|check|look)\.\s+(?:the|your)\.", r"if (?:people|customers|you) (?:stopped|would stop|quit)",
    r"(?:driver|engineer|courier|team|staff|technician|neighbou?r)\w* (?:said|says|tells us|told us) (?:that )?(?:you|your)\b[^.!?]{0,40}"
    r"(?:rude|mess|never|weren't|were not|wasn't|lying|aggressive|dirty|filthy)", r"between us,",
    # Exasperation.
    r"^(?:ugh|meh|pfft|sigh|jeez|geez)[,.!]*\s+(?:fine|ok|okay|whatever|again|we.ll|i.ll)\b", r"(?:^|(?<=[.!?])\s*|ugh,? )fine[.,]", r"(?:^|(?<=[.!?])\s+)again\.?$", r"\blol(?=[.!?]*$|,? (?:ok|okay|fine|no|sure|whatever|good luck))",
    r"(?:one|1)[- ]star review[^.!?]{0,3}[.!,]?\s*(?:really|very|so) (?:helpful|useful)", r"congrat\w*,? you(?:'ve| have)",
    r"(?:we|i) (?:really |honestly |genuinely |simply )(?:don't|do not) care",
)

# Round 6 (batches 4 and 5 read): the same acts in a new writer's words —
# shutting the door on them, counting how often they wrote, comparing them
# with better customers, blaming how they use it, their age or ability, a
# threat over a review, gossip, and weary sighs.
CONDESCENSION += (
    # Shutting the door.
    r"(?:^|(?<=[.!?])\s*)closing (?:the|this|your) (?:ticket|case|chat|thread)[.!]*$", r"(?:^|(?<=[.!?])\s*)(?:bye|goodbye|bye now)\.?$",
    r"heard (?:this|that) (?:one )?before", r"(?:not going to|won't|will not|refuse to) repeat (?:myself|ourselves)",
    r"as previously (?:stated|said|explained|mentioned)", r"\bumpteen", r"said (?:it )?(?:many|several|countless|a (?:hundred|million)) times",
    r"(?:second|third|fourth|fifth|\w+th) time (?:i'm|i am|we're|we are|i've|we've) (?:explaining|said|saying|telling|explained)",
    r"(?<!can )(?<!could )(?<!will )(?<!and )(?<!to )(?:go|say it|explain it|explain this|break it down)\b[^.!?]{0,25}slowly", r"break (?:it|this) down for you", r"keep (?:this|it) simple",
    r"counting is hard", r"(?:getting|this is) tedious", r"(?:will|'ll) (?:come|arrive|get there|be there|be done) when (?:it|he|she|they) (?:comes|arrives|gets? there|is done)",
    r"enough is enough", r"bent over backwards", r"good grief", r"(?:^|(?<=[.!?])\s*)sigh\b", r"(?:^|(?<=[.!?,])\s*)(?:jeez|geez|chill)\b",
    r"whatever helps you sleep", r"ok,? boomer", r"touch grass", r"(?:it's|its|it is) just an? \w+\.", r"doubt (?:anyone|anybody|they) (?:will|would) care",
    r"however (?:will|did) you (?:ever )?(?:cope|survive|manage)", r"alert the (?:press|media|authorities)", r"(?:^|(?<=[.!?])\s*)(?:somewhere|eventually)\.",
    r"friendly reminder that", r"another (?:expert|genius|lawyer|critic|professor|detective)\b", r"you have google",
    r"(?:second|third|fourth|fifth|sixth|\d+th|umpteenth|hundredth) (?:message|email|post|tweet|call|complaint) (?:about|on|regarding)",
    # Comparing them with better customers.
    r"(?:literally )?(?:for )?everyone else\b", r"(?:plenty|lots|loads|most|millions|thousands|hundreds) of (?:our |other )?(?:customers|people|users|guests|members) (?:are|have|seem|manage|love|like|can|use)",
    r"ahead of you who", r"who (?:were|are|was) (?:polite|patient|nice)",
    # Blaming how they use it, or what they did.
    r"how you(?:'re| are) using it", r"if you(?:'d| had) (?:turned up|been|read|checked|listened|arrived|answered|bothered)",
    r"(?:^|(?<=[.!?])\s*)(?:honestly,? )?who (?:orders|books|buys|leaves|expects|does|waits)\b[^.!?]{0,60}\?", r"like an? grown-?up", r"fix careless",
    r"\b(?:lazy|careless) (?:password|people|customers|mistakes?)",
    # Their age or ability.
    r"at your age", r"(?:should|might) (?:probably )?(?:have|get|ask|want)\b[^.!?]{0,25}(?:landline|family member|grandchild|younger)", r"zoom in next time",
    # A threat over what they might post.
    r"forced to (?:pursue|take action|report|refer)", r"pursue you", r"refer your (?:account|case|details) to (?:our|the) (?:legal|debt|collections)",
    r"for defamation", r"if you (?:leave|post|write) (?:that|this|a|the) (?:review|post|comment)",
    # Gossip about them, in the reply.
    r"(?:it's|its) the (?:lady|guy|man|woman|one|bloke) (?:with|from|who)\b", r"(?:someone|somebody) else (?:deal with|handle|take) (?:her|him|them|this)",
    # Their message as noise.
    r"just venting", r"(?:i've|we've|i have|we have) got a queue",
)

# Round 14 (batches 12–14 read): the same acts again in other words — scare quotes round what they sent, good luck
# with their lawyer, thanks "I guess", what more they could want, asking again will not change it, being told to
# chill or refer to an earlier message, a threat over what they post or owe, "basic stuff", "why didn't you just",
# the responsibility theirs "not ours", a dismissed safety worry, and gossip sent to the wrong chat.
CONDESCENSION += (
    r"good luck with (?:the|your) (?:lawyer|solicitor|claim|complaint|review|case|ombudsman|regulator|reporter|journalist)",
    r"what (?:more|else) do you want(?! to)", r"(?:asking|chasing|complaining|posting|shouting|messaging|tagging us)(?: (?:again|more|about it))? "
    r"(?:won't|will not|doesn't|does not|isn't going to) (?:change|help|speed|make)",
    r"(?:gonna |going to )?need you to (?:chill|calm down|relax)", r"refer to (?:my|our) (?:previous|last|earlier) (?:message|reply|answer|response|email)[^.!?]{0,30}(?:already|answered|explained)",
    r"as (?:we|i) (?:already )?knew (?:it )?would", r"which we(?:'ll| will)(?: be)? ignor\w*", r"\bactual (?:emergencies|problems|customers|work)\b",
    r"keep (?:posting|tweeting|tagging)[^.!?]{0,25}(?:like this|about us)",
    r"(?:pass|passing|hand|handing) your (?:account|details|case)[^.!?]{0,30} to (?:our |the )?(?:collections?|debt)",
    r"(?:really |pretty |very )?basic (?:stuff|housekeeping)", r"why (?:didn't|did not|don't|do not) you just",
    r"not to be rude,? but", r"not by (?:shouting|ranting|complaining|moaning) (?:online|on here|publicly|in public)",
    r"(?:your|the (?:tenant|customer|landlord|owner)'?s?) responsibility[^.!?]{0,40}?,? not (?:ours|us|mine)", r"(?:that's|that is|it's|this is) not on us",
    r"kids will be kids", r"(?:we're|we are|i'm|i am) sure (?:it|the \w+)(?:'s| is) nothing", r"one more time,? slowly",
    r"meant to (?:dm|send|message|post|forward) (?:this|that) to(?! you\b| your\b)", r"wrong (?:chat|channel|window|thread),? sorry",
    r"(?:said|says|reckons|told us) (?:the|your|her|his|their) (?:house|home|flat|place|kitchen) was (?:a (?:mess|tip|state|pigsty)|filthy|disgusting)",
)
SARCASM_PHRASES += (
    r"thanks? (?:you )?for [^.!?]{1,40},? i guess", r"congrat\w* on (?:finally|actually)",
    r"i'?m sure your [^!?]{0,40}? will be (?:very |so |really )?(?:interested|thrilled|impressed|fascinated)",
)

# Round 15 (batch 15 read): gossip typed into the customer's thread, a threat over their custom or a chargeback, the
# fault on their side, counting earlier replies, "hope that's clearer now", mock thanks for a bad review, the drama.
CONDESCENSION += (
    r"note to (?:team|self|all)\b", r"serial complainer", r"whose turn is it", r"can (?:you|someone|somebody) (?:deal with|take|handle) this one",
    r"(?:he's|she's|they're|he is|she is) (?:been )?(?:useless|hopeless|a nightmare)", r"(?<!still )(?:crying|moaning|whining) about",
    r"whether we want you as a customer", r"(?:get|be|are|were) blacklisted", r"blacklist you\b", r"land you in (?:legal )?trouble", r"(?:i'd|i would) delete this",
    r"(?:at some point|eventually),? you (?:have|need) to accept",
    r"(?:probably|likely|must be) something on your (?:device|end|side)",
    r"as (?:i|we) (?:mentioned|said|explained) in (?:my|our) last (?:two|three|four|five|few|several|\d+) (?:replies|messages|emails|answers)",
    r"hope (?:that's|that is|this is) clearer now", r"it'?s literally (?:in|on) the",
    r"if you want to leave(?: us)?,", r"(?:no need for|enough of|spare us) the drama", r"(?:don't|do not) know what you expected",
    r"^(?:we're|we are|i'm|i am) busy\.",
    r"^(?:read|check) the (?:faqs?|manual|instructions|website|terms)\.?$", r"(?:^|(?<=[.!?])\s*)not happening\.",
    r"(?:isn't|is not|won't|will not) (?:going to )?get you (?:a |your )?(?:faster|quicker|bigger|better)",
)
SARCASM_PHRASES += (
    r"\bok(?:ay)?,? whatever\b", r"patience,? which (?:we (?:notice|see|can see)|seems|is (?:running|wearing))", r"(?:^|(?<=[.!?])\s*)very (?:creative|original|mature)\.",
    r"(?:one|1)[- ]star(?: review)?(?:,?[^.!?]{0,5}|[.!]\s*)(?:really|very|so) (?:helps?|helpful|useful)", r"a customer who'?s actually",
)

# Round 16 (batches 16 and 17 read): the door shut in three words ("Already answered. See above.", "Policy is policy.",
# "Yes, and?"), blame that names what they chose or could not manage, their English or their age, a mock promise to
# rebuild everything "just for you", jokes at their expense, a threat dressed as a note, and gossip about "her".
# Whole replies where a kind one shares the words ("Not our department, but I've passed it on").
CONDESCENSION += (
    r"already (?:answered|explained|escalated|replied)\.\s*(?:see above|wait)\b", r"(?:^|(?<=[.!?])\s*)(?:see above|wait)\.?$",
    r"^not our (?:department|problem|issue|job|responsibility)\.?$", r"^(?:can't|cannot) help\.", r"\bpolicy is policy\b", r"^yes,? and\?",
    r"^(?:refund|request|claim|complaint) (?:declined|denied|rejected)\.\s*(?:terms apply|no exceptions|final)",
    r"(?:^|(?<=[.!?])\s*)noted\.\s*closing\b", r"\bnoted and closed\b", r"(?:^|(?<=[.!?])\s*)closing this now\.?$",
    r"(?:that's|that is|it's|it is) (?:really|honestly|entirely|totally|kind of|rather) on you\b", r"\byou chose the cheapest\b",
    r"if you could (?:manage|be bothered) to\b", r"know more about (?:our|the|this) \w+ than you", r"\bproper english\b",
    r"ask a younger (?:relative|person|family member|friend|colleague)", r"(?:doesn't|does not|don't|do not) work by magic",
    r"(?:i'm|i am|we're|we are) sure,? as an? \w+,? you (?:understand|know|appreciate)",
    r"your little (?:mix-?up|mistake|error|slip|tantrum|rant|meltdown)", r"(?:we've|we have|i've|i have) skimmed\b",
    r"(?:about )?as good as your (?:\w+ )?(?:spelling|grammar|english|driving|cooking)", r"your (?:review |message |post )?spelling\b",
    r"(?:someone|somebody) needs a (?:new )?hobby", r"maybe (?:it's|its|it is|they're|he's|she's) protesting",
    r"bet you(?:'re| are) glad you didn't", r"think of all the [\w-]+ you (?:got|get) done",
    r"(?:i|we) can't fix everything\b", r"(?:i've|i have) been (?:on|here|working|up) since \d",
    r"we(?:'ll| will) be in touch if (?:this|it) (?:continues|happens again|carries on)", r"we(?:'ll| will) remember this\b",
    r"\bstall (?:her|him|them)\b", r"so (?:she|he)(?:'ll)? (?:stops|shuts up|goes away|gives up)\b", r"(?:she|he)(?:'ll| will) probably give up",
    r"another (?:ombudsman|regulator|chargeback|complaint|refund) one\b", r"(?:she's|he's|she has|he has) posted on every\b",
    r"can (?:someone|somebody) tell [A-Z]\w+ (?:his|her|their)\b", r"(?:^|(?<=[.!?])\s*)twice\.",
    r"as (?:mentioned|said|explained|stated) in (?:literally |just about |pretty much )?every\b",
)
SARCASM_PHRASES += (
    r"(?:rebuild|redesign|change|rewrite|reroute|rethink|reinvent) (?:the|our) (?:entire|whole) [\w ]{1,20}? just for you",
    r"all the attention it deserves", r"(?:the|those|whoever) \w* ?who (?:definitely|clearly|obviously|apparently) caused",
    r"you(?:'ve| have) (?:discovered|found) [^.!?]{1,30} at last", r"(?:i'm|i am|we're|we are) sure (?:they'll|they will) be perfect",
    r"(?:we'll|we will) put that on (?:our|the) (?:website|homepage|posters?|billboards?|mugs?)", r"never happened (?:before )?in the history",
    r"(?:^|(?<=[.!?])\s*)lucky you[!.]", r"(?:we'll|we will|i'll|i will) send (?:a|you a) (?:counsellor|therapist|search party|tissues?)\b",
    r"(?:meeting|meet|live up to) your (?:premium|high|exacting|royal|lofty) standards", r"people used to (?:get married|live|manage|survive) (?:in|without)",
    r"will survive without\b", r"the ['\"“‘]disaster['\"”’]",
)

# Round 17 (batch 18 read): blame put as a fact about them ("perhaps the instructions could have been clearer", "it
# isn't really our job to remind you", "a slot you'll actually be home for"), "a business owner like yourself", "I
# think we know how to pack a cake", a refund held until a review comes down, "so-called", a colleague asked to "deal
# with this farmer", mock joy at their leaving, and wit at their expense ("bold strategy", "read your mind").
CONDESCENSION += (
    r"(?:perhaps|maybe) (?:the|your) (?:\w+ )?(?:instructions|details|address|directions|notes) could have been clearer", r"\bbold strategy\b",
    r"never thought to\b", r"(?:really |quite |very )+simple once you", r"(?:don't|do not) (?:comment|respond|speak) to small (?:blogs|accounts|sites|publications)",
    r"we did see the (?:first|other|previous|last) (?:one|two|three|four|five|\w+)", r"(?:isn't|is not) (?:really )?our job to",
    r"can (?:someone|somebody)(?: in \w+)? (?:deal with|take|handle) this \w+", r"file it with (?:all )?the others",
    r"(?:i'm|i am|we're|we are) sure an? [\w ]{1,25}? like yourself", r"go ahead and take us to", r"we have lawyers for this",
    r"(?:i|we) think we know how to", r"(?:wouldn't|would not) have [\w ]{1,20}? if (?:you had|you'd|it had been (?:charged|used|installed|stored|fitted|kept))",
    r"(?:will|'ll) be ignored\b", r"trying it on\b", r"(?:for|after) a freebie", r"shame you didn't",
    r"(?:ask|get) (?:a friend|someone|somebody|a relative|a family member) (?:who speaks|who can speak|with better) english",
    r"(?:^|(?<=[.!?])\s*)we won't keep you\.?$", r"should really have (?:had )?(?:backup|a backup|spare|a plan)",
    r"is a choice\. we respect it", r"(?:^|(?<=[.!?])\s*)kind of\.$",
    r"(?:refund|replacement|credit|voucher)[^.!?]{0,25}once (?:it's|it is|the review is|you've|you have) (?:removed|deleted|taken down|edited)",
    r"in (?:my|our) (?:previous|last|earlier) (?:two|three|four|five|six|seven|eight|nine|ten|\d+) (?:replies|messages|emails|answers)",
    r"please (?:don't|do not) reply to this (?:thread|post|tweet|message)\.?$", r"^(?:issue|case|ticket) closed\.",
    r"you(?:'ll| will)? actually be (?:home|in|there|around)", r"most (?:customers|people) find the (?:wait|delay|price|fee|process) (?:reasonable|fine|acceptable|normal)",
    r"\bso-called\b",
)
SARCASM_PHRASES += (
    r"(?:wasn't|isn't|weren't|aren't) (?:quite )?(?:luxurious|fancy|posh|glamorous|grand|premium|special|exclusive) enough for you",
    r"thanks for your (?:second|third|fourth|fifth|sixth|\w+th) (?:message|email|post|tweet|call) (?:today|this week|this morning)",
    r"thrilled you(?:'ve| have) found a better", r"best of luck with them\b", r"(?:read|reading) your mind", r"bless you for trying",
)

# Round 18 (batch 19 read): the sting in one sentence of a kind reply ("if you'd chosen the premium slot this wouldn't
# have happened", "please try to actually be in this time"), the customer's trade or age held against them, a
# threat of a ban or of collectors "less friendly than us", a refusal that mocks ("it's only a choir rehearsal"), a
# note meant for a colleague ("[internal] … clearly lying"), and the door shut ("Complaint closed. No further action.").
CONDESCENSION += (
    r"(?:anyone|anybody|those) who (?:bothers|bother|cares|care) to (?:look|read|check)", r"maybe a grandchild", r"tricky for older (?:customers|people|folk)",
    r"an? (?:qualified|professional|experienced) [\w ]{1,20}? should (?:know|have known|understand)", r"turning yourself off and on",
    r"if you(?:'d| had) (?:chosen|picked|paid for|booked|bought|gone for) [^.!?]{0,30}(?:this|it) (?:wouldn't|would not) have happened",
    r"we did warn (?:everyone|you|customers)", r"not much we can do if you", r"meets the (?:legal )?minimum",
    r"(?:i'm|i am|we're|we are) sure you(?:'ll| will) survive", r"^(?:complaint|issue|case|ticket) closed\.",
    r"no further action\.?$", r"(?:any more|another) (?:messages?|posts?|comments?|emails?) like (?:this|that)", r"you(?:'ll| will) be banned",
    r"oh no, an? (?:slightly|tiny|small|little)\b", r"no (?:reason|excuse) to be rude", r"(?:could|should|might) be a (?:bit|little|lot) more "
    r"(?:organised|organized|careful|patient|polite|prepared)", r"for the last time\b", r"less friendly than us", r"try to actually\b",
    r"most \w+ manage to\b", r"(?:it|your message) was a bit hard to follow", r"translation tool on your message", r"best of luck elsewhere",
    r"(?:^|(?<=[.!?])\s*)we've done all we can\.", r"the only sensible one", r"(?:^|(?<=[.!?])\s*)(?:we're|we are) not worried\.?$",
    r"go ahead and (?:contact|call|ring|email|report)", r"(?:closer|better|more) supervision would have", r"\[internal\]", r"(?:is|was) clearly lying",
    r"if you (?:typed|spelled|wrote|entered) it (?:properly|correctly|right)", r"deciphering your", r"whether we want to keep (?:your account|you)",
    r"for your \w+,? not us\.?$", r"pray for patience", r"sorry if anyone was offended",
)
SARCASM_PHRASES += (r"very helpful of you\.?$", r"sharing this with all your followers")
