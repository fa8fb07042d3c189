"""The mood families behind bot.rules.urgency — what makes a post high rather
than normal, and what makes it praise, a joke or a figure of speech rather than
trouble (the urgent cue families are in bot.rules.urgency_words). Every entry is
a regular expression matched case-insensitively from the start of a word.

High is said by what is at stake (going public, the same fault again, a date
that cannot move, money in limbo, leaving), praise and figures are blanked
before the urgent cues are read, and who the customer is (NEEDS) raises only
beside a problem.
"""
from __future__ import annotations

# Money back, leaving, anger, being ignored: someone should answer soon.
HIGH = (
    "refund", "money back", "cancel", "never again", "worst", "unacceptable", "disgust", "disgrace", "furious",
    "angry", "livid", "fuming", "complain", "charged twice", "overcharg", "double charged", "charged me again",
    "hidden fee", "still waiting", r"still no\b", "still hasn't", "still haven't", "nobody (?:answers|replies|has)",
    "no one (?:answers|replies|has)", "no (?:reply|response|answer)", "ignor(?:e|ed|ing) me", "anyone there", "on hold",
    r"switching to (?!your|you\b)", "competitor", "a joke", "ruined", "terrible", "awful", "appalling", "shocking", "horrendous",
    "horrible", "rude", "useless", "incompetent", "pathetic", "ridiculous", "rip(?:-| )?off", "ripped off", "lied",
    "lying", "liars?", "misleading", "false advertising", "never arrived", "never turned up",
    "broken too", "declined", "urgent", r"(?:[3-9]|\d\d+) days (?:late|now|and)", r"\d+ (?:weeks|months) (?:late|now|and)",
    r"(?:two|three|four|five|six|[2-9]) weeks", r"(?:three|four|five|six|[3-9]|several|multiple|many|countless|so many) times",
    r"messaged \d+ times", r"(?:third|fourth|fifth) time", "heard nothing", "nothing back", "disappoint",
    r"(?:want|need|demand|expect) (?:my|the|a|our) (?:\w+ )?(?:\w+ )?(?:back|refunded|reimbursed)",
    "done with you", "fed up", "sick of", "had enough", "not happy", "unhappy", "very disappointed", "so disappointed",
    r"(?:one|1)[- ]star", "bad review", "boycott", "close my account", "lost a customer", "lost my business",
    r"never (?:buying|ordering|shopping|using|flying|booking)", "(?:chasing|chased)", "left me (?:without|with no)",
    "no (?:heating|hot water|power|electricity|internet)", "stranded", "wasted",
)
PRAISE = (
    "thank", "thanks", "thx", "cheers", "love", "loving", "amazing", "fantastic", "brilliant", "great", "best",
    "perfect", "shout ?out", "enjoy", "happy", "kind words", "well done", "kudos", "props to", "impressed",
    "recommend", "5 stars", "five stars", "10/10", "awesome", "excellent", "superb", "wonderful", "lovely",
    "delighted", "over the moon", "made my day", "lifesaver", "life saver", "above and beyond", "grateful",
    "appreciate", "legend", "hero", "gorgeous", "beautiful", "stunning", "delicious", "incredible", "nice one",
    "pleased", "smooth", "spot on", "top notch", "first class", "👏", "😍", "🎉", "❤", "🙌", "🥰", "👍", "💯",
    "😊", "🙏", "🔥",
)
# Safety words said in praise: read as "great".
PRAISE_FIGURES = (
    r"(?:is|was|looks?|are|so|straight|pure|absolute) (?:🔥|fire)\b", r"fire 🔥", "killed it", "killing it",
    "smoking hot", r"blew (?:me|my mind) away", "blown away", "mind ?blow", "(?:to|will) die for", "dead good",
    "the bomb", "explod(?:e|ed|ing) with flavou?r", "🔥+",
)
# Figures of speech and plain questions that use a safety word with no danger in it.
FIGURATIVE = (
    r"fire ?(?:pits?|place|wood|proof|resistant|retardant|extinguisher|doors?|safe|stick|tv|tablet|alarm test)",
    "hot deal", "burning question", "fire drill", "food court", r"(?:like|tastes?|tasted|smells?) (?:of )?burnt (?:toast|sugar|coffee)", "dying to", r"\bsick\b(?= (?:deal|fit|look|trainers))", "fire sale",
    "no emergency", "not an emergency", r"not (?:urgent|dangerous|a safety)", "no (?:one|body) (?:was )?(?:hurt|injured)",
    r"smoke-?free", r"fire blankets?", "safety (?:tips?|features?|gates?|glasses|goggles|pins?|harness|catch|catches|locks?)", r"smoke (?:alarms?|detectors?)",
    r"(?:not|no|nae|zero) (?:a )?complain\w*", r"(?:mirror|scales?|camera|photos?|pictures?) (?:is|are|was|were|keeps?) lying", r"noise[- ]?cancell?(?:ing|ation)", "no questions asked",
    r"(?:screaming|crying|shouting|squealing) with (?:joy|laughter|excitement|delight)", "allergen (?:info|information|list)", "is (?:it|this) safe", "recall (?:the|my|that|what)",
)
# Questions about money and leaving that are not complaints yet.
ROUTINE = (r"refund policy", r"return policy", r"cancell?ation policy",
           r"how long (?:do|does|will|should) (?:a |the |my )?refunds? (?:usually |normally )?take")
# Words that say something is wrong, so a polite post is not praise.
PROBLEM = (r"\?", r"\bnot\b", "n't", r"\bnever\b", r"\bbroke", r"\bwrong\b", r"\bissue", r"\bproblem", r"\berror",
           r"\blate\b", r"\bmissing\b", r"\bhelp (?:me|us|please)\b", r"please help", r"need (?:some )?help", r"\bstill\b",
           r"unfortunately", r"\bexcept\b", r"thanks for nothing", r"\bno\b(?! (?:worries|problem|bother|fuss|hassle))")
# A danger told as past and mended, in thanks: "the charger overheating problem
# is totally fixed with the replacement, great product". With praise and a
# cheerful post (bot.rules.urgency), no cue raises it.
RESOLVED = (
    r"(?:is|are|was|were|all|totally|completely|fully|now|got) (?:been )?(?:fixed|sorted|resolved|gone)", r"sorted (?:it|that|this|everything)",
    r"(?:gone|fixed|sorted|fine|perfect) since", r"since you (?:replaced|fixed|sorted|swapped|refunded)", r"all (?:good|fine|cool|sorted|safe) now",
    r"works? (?:perfectly|great|fine) now", r"no (?:more|longer) (?:problems?|issues?)",
)

# Round 6 (batches 4 and 5 read): the high class by what the customer says is
# at stake, not by the word they chose. Each family is a kind of post every
# writer so far has written — going public, the same fault again, a date that
# cannot move, a need the service does not meet, someone with no one else,
# leaving, money in limbo, exasperation — so a new writer's version of it is
# caught by what it does.
HIGH += (
    # Going public: warning others, a thread, a group, a review everywhere.
    "name and shame", r"(?:so|let|make sure|want) (?:that )?(?:everyone|others|the whole world|the world|people|other (?:people|customers|parents))\b[^.!?]{0,25}(?:knows?|can see|see|sees|are warned|avoid)",
    r"(?:rt|retweet|share|repost) (?:if|this|so)\b", "🧵", r"thread\b[^.!?]{0,40}\b1/\d", r"posting (?:this |it )?(?:here|publicly|so (?:others|everyone|people))",
    r"on blast", r"\bavoid\b", r"(?:^|[.!?]\s*)(?:do not|don't) (?:order|buy|use|book|shop|bank|fly|stay)\b", r"every (?:platform|site|review site|app store)",
    r"pinning this", r"warn(?:ing)? (?:others|everyone|people|other)", r"horror story", "so others know", r"tagging @\w+ (?:and|so)",
    # The same fault again, after being told it was fixed.
    r"(?:second|third|fourth|fifth|sixth|2nd|3rd|4th|5th|6th|\d+th) (?:time|visit|message|replacement|attempt|engineer|call|email|chat|complaint|repair|unit|delivery|week)",
    r"\b(\d) for \1\b", r"same (?:problem|issue|fault|thing|error|bug|noise)\b[^.!?]{0,40}(?:again|as before|as last|each time|both times)",
    r"(?:hi|hello|hey),? (?:it's |its |it is )?(?:me )?again\b", r"(?:both|each) times?\b", r"reported (?:it|this) (?:in|back in|last)\b",
    r"(?:raised|reported|mentioned) (?:it|this) (?:in|back in) (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)",
    r"(?:said|told (?:me|us)|promised)[^.!?]{0,30}(?:fixed|patched|sorted|reset|resolved)\b[^.!?]{0,30}(?:again|but|and)",
    # A date that cannot move: the event is today or tomorrow and the thing is not here.
    r"(?:wedding|funeral|graduation|christening|exam|interview|flight|ferry|keys|move|moving day|first day|term|party|18th|21st)\b[^.!?]{0,50}"
    r"(?:tomorrow|tonight|today|this (?:morning|afternoon|evening|weekend|saturday|sunday)|in (?:an|one|two|\d) hours?|at \d)",
    r"(?:meant|supposed|promised|guaranteed|due) (?:to (?:be|arrive|land|come)|for|by|before)[^.!?]{0,60}[.!?]+\s*(?:it's|its|it is|now|term|graduation|guests|the wedding)",
    # A need the service does not meet: access, sight, hearing, mobility.
)
# Who the customer is (access needs, age, illness, grief, a baby): high only beside a problem
# ("the courier was so kind to my dad who's in a wheelchair" is praise).
NEEDS = (
    "wheelchair", r"(?:partially|visually) (?:sighted|impaired)", r"\bblind\b(?! cord| spot)", r"\bdeaf\b", "hard of hearing", r"captions?\b", r"subtitles?\b",
    "large print", "screen reader", r"\baccessib\w*", r"mobility (?:scooter|aid|issues?|problems?)", r"grab rails?", "step-free", "step free",
    r"stammer|stutter", r"macular|glaucoma|cataracts?", r"(?:i'm|i am|i have|as an?) (?:disabled|autistic|dyslexic|amputee)", "hearing aid",
    "sign language", r"guide dog", r"crutches|walking frame|walking stick",
    # Someone with no one else: age, illness, grief, a baby, the dark and the cold.
    r"(?:i'm|i am|she's|she is|he's|he is|(?:mum|mom|dad|gran|nan|grandma|grandad|mother|father|husband|wife) is) (?:[7-9]\d|1[01]\d)\b", r"\b[7-9]\d[- ]?(?:year[- ]old|yo)\b", r"pensioners?", "elderly", "dementia",
    r"\bcarer\b", r"widow\w*", r"passed away", r"death certificate", r"bereave\w*", r"(?:just|recently) had (?:surgery|an operation|a baby|chemo)",
    "newborn", r"(?:on my own|alone) with", "lives alone", r"terminally ill", r"prepay(?:ment)? meter", r"(?:getting|it's|its|it is) (?:dark|cold|freezing)\b",
    r"nowhere to (?:go|stay|sleep)",
)
HIGH += (
    r"(?:no|without) (?:heat|heating|water|power|electricity) (?:for|since|and)",
    # Leaving.
    r"(?:switch|switching|move|moving|go|going) (?:to )?(?:another|a different|other) (?:\w+ )?(?:provider|supplier|company|bank|shop|store|vet|gym|network|insurer|brand|airline)",
    r"(?:switch|switching|change|changing) (?:\w+ )?(?:shops|vets|providers|suppliers|banks|networks|insurers|gyms|airlines)", "shopping around",
    r"(?:considering|thinking (?:of|about)|about to|ready to|tempted to) (?:switch|cancel|leav|mov|clos|quit|go elsewhere)\w*", r"go(?:ing)? elsewhere",
    r"take my (?:business|money|custom) elsewhere", "last chance", r"(?:one|1) good reason (?:to stay|not to|why)", r"why (?:i|we) shouldn't (?:just )?(?:leave|switch|cancel|go|get)",
    r"loyalty means nothing", r"loyal (?:since|for)\b(?! life)",
    # Money in limbo: taken, not arrived, gone.
    r"where(?:'s| is) (?:my|our|the) (?:money|refund|payment|paycheck|pay|wages|cash|deposit|funds)", r"debited but", r"(?:taken|debited|deducted|charged) twice",
    r"(?:balance|money|credit|funds|points|deposit)\b[^.!?]{0,25}(?:vanished|disappeared|gone missing)", r"(?:supposed|meant) to (?:land|clear|go through|be paid|be credited)",
    r"(?:money|funds)(?:'s| is| are)? still (?:gone|missing|not|pending)", r"still (?:gone|missing) from my",
    # Exasperation.
    r"are you (?:actually |seriously |even )?(?:joking|kidding|serious)", r"(?:i'm|i am|so|absolutely|bloody|seriously) (?:raging|seething)", r"(?:so|sooo+) over (?:this|it)\b", "you had one job",
    r"who trains your", r"rolled (?:his|her|their) eyes", r"\bffs\b", r"laughed (?:at me|at us|when|in my face)", r"(?:what's|whats|what is) the point (?:of|in)",
    r"beyond a joke", r"like an idiot", r"(?:can't|cannot) believe (?:this|how|that you|you)",
)
# A complaint said as small: a minor gripe is asked about, not escalated ("Bit disappointed … Not a big deal").
HEDGES = (r"not a (?:big|huge) deal", "just saying", r"\bminor\b", r"small (?:gripe|thing|niggle|complaint)", r"\b(?:bit|tad|little|slightly) (?:disappoint|annoy|stale|flat|bright|loud|small|big)",
          r"no biggie", r"otherwise (?:great|nice|lovely|fine|good|perfect|a great)", r"not complaining", r"just annoying", r"still works", r"\bnot the end of the world",
          r"\bmaybe (?:change|add|consider)")
# Said in jest or in joy: a danger word with laughter is a figure ("your hot sauce nearly killed me lol").
JEST = (r"\blol\b", r"\blmao\b", r"\bhaha\w*", r"😂", r"🤣", r"😅", r"😹", r"\bjk\b", r"in the best (?:possible )?way", r"kids,? eh", r"false alarm")
# Figures of speech of harm, read as nothing: hyperbole a new writer reaches for.
FIGURATIVE += (
    r"(?:would|i'd|i would|to) kill for", r"kill (?:the|these|those|all|off)? ?(?:notifications?|alerts?|sound|music|app|lights?|emails?|pop-?ups?)",
    r"(?:nearly|almost|literally|basically) (?:killed|died|dead|kills?)\b(?= [^.!?]{0,30}(?:happ|laugh|joy|lol|😂|🤣|of|from|with))",
    r"died (?:of|from|with) (?:happiness|laughter|joy|embarrassment|cuteness)", r"dangerously (?:addictive|good|tasty|delicious|comfy|comfortable|cosy|cozy|soft|tempting|cheap|fast|cute|easy|moreish|more-?ish)",
    r"(?:an? )?(?:absolute |total )?(?:explosion|exploded|exploding|explodes) (?:of|with) (?:colou?r|flavou?r|laughter|joy|fun)",
    r"fire hazard to (?:my|your|the) (?:mouth|tongue|wallet|taste ?buds)", r"(?:literally|basically|pure) poison", r"(?:is|was|are) criminal\b",
    r"crime scene", r"bloody murder", r"(?:stealing|robbing|robbed|robbery)[^.!?]{0,30}in the best way", r"i'm the robber", r"no injuries", r"nobody (?:got )?hurt",
    r"(?:not|isn't|wasn't) (?:your|the \w+'s) fault", r"(?:i am|i'm|we are|we're|now|officially) (?:now )?legally (?:a|an)\b",
    r"taste in (?:radio|tv|music)", r"lethal(?:ly)? (?:fast|good|quick)",
)
# Praise in the registers the first lists lacked: regional thanks, a fan's devotion.
PRAISE += ("big up", "fair play", "credit where", r"fab\b", "faultless", "flawless", "rock solid", "spotless", "world class",
           "like a dream", r"sound (?:man|lad|woman|guy|people)", r"ta\b", "hats off", "chuffed", "buzzing", "ride or die",
           r"can't wait", r"counting (?:down )?the days", "nothing beats", "regret nothing", "with my life", "whole personality",
           r"(?:biggest|number one|#1) fan", "obsessed", r"forever\b", "unpaid marketing", "streak", r"so good\b", r"(?:a|an absolute|such a|total|real) gem\b", r"so (?:kind|helpful|patient|lovely)", r"angels?\b")
RESOLVED += (r"fixed (?:everything|it all|it|the \w+|my \w+)", r"(?:made|put) (?:it|things) right", r"came through",r"(?:been|is|are|was) (?:\w+ )?(?:solid|flawless|faultless|great|perfect|fine|fab|brilliant|spot on) (?:ever )?since", r"since then")
# A product named for what it is not: a pharmacy's blister pack.
ROUTINE += (r"blister ?packs?",)
# A fan's joke about their own habit, said as the post's last words: "stickers on my laptop, my bottle and my helmet.
# I might have a problem" (round 14, batch 12) — "I might have a problem with my order" names one and stays.
FIGURATIVE += (r"(?:i )?(?:might|may|think i) have a (?:slight |small |tiny )?problem(?=\s*(?:[.!]|😂|🤣|😅|🙈|$))",)
# Round 17 (batch 18): praise naming the complaint it did not need ("without a single complaint", "not one outage").
PRAISE_FIGURES += (r"without (?:a |one )?(?:single )?(?:complaint|grumble|moan)", r"not (?:one|a single) (?:outage|problem|issue|fault|hiccup|complaint)")
# Round 18 (batch 19): "my son has discovered the washing machine. Alert the press." — the press called in jest.
FIGURATIVE += (r"alert the (?:press|media|papers|authorities)",)
# Round 19 (batch 20): calories burned are exercise, not a fire ("@FitTrack says I burned 400 calories").
FIGURATIVE += (r"burn(?:ed|t|s|ing)? (?:off )?(?:\d+|some|loads of|a few hundred|all those) (?:k?cal(?:orie)?s?)",)
# Round 20 (batch 22): a fan's joke about buying too much — "If I buy one more plant from you my landlord is going to
# start charging them rent" — the four-class model heard being charged.
PRAISE += (r"if i (?:buy|order) one more \w+(?: \w+)? from you",)
# Round 21 (batch 23): thanks in Twi, and a problem "solved in one call".
PRAISE += (r"\bmedaase\b",)
RESOLVED += (r"problem solved", r"solved (?:it )?in one (?:call|go|chat|visit)")
# Round 21: a joke's own idiom, which the model may not raise on its own (the cues still may): "Bought a second-hand
# washer. It has seen things. It won't tell me what." read as urgent by the model trained on batch 23. Laughter alone
# ("lol") may not stop the model: "lol so I got an email saying my account would be deleted unless I logged in at …"
# is phishing (batch 5's fold).
JOKE_IDIOMS = (r"(?:it|this \w+|she|he|they) (?:has|have) seen things", r"asking for a friend")
