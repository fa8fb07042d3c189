"""The cue families behind bot.rules.urgency — kept apart so a team can read
(and tune) exactly what raises a priority. Every entry is a regular expression
matched case-insensitively from the start of a word; the reason on the root
quotes what matched and names its family.

Families, not word lists: a customer writes about a fire in their own words
("started smoking", "melted the plug", "swelled up and is hissing"), so a
safety case is either one of the plain words below or a thing that can hurt
someone (DANGER_THINGS) near something going wrong with it (HARM_VERBS).
"""
from __future__ import annotations

_ED = r"(?:s|ed|ing|t)?"  # burn, burns, burned, burning, burnt

# Someone could be hurt: said outright.
SAFETY = (
    r"fire\b(?! sale)", "caught fire", "on fire", "flames?", r"spark" + _ED, r"smok(?:e|ed|es|ing|y)\b(?! salmon)",
    r"burn" + _ED + r"\b(?! question)", "scorch", r"melt" + _ED, "melted", "molten", r"explo(?:de|ded|ding|sion)",
    "blew up", r"overheat" + _ED, r"swol(?:e|len)", r"swell" + _ED, "bulg(?:e|ed|ing)", "hiss(?:es|ed|ing)?",
    "electric shock", r"shock(?:ed)? (?:me|my|him|her|them|us)", "electrocut", "gas (?:smell|leak)",
    "smell(?:s|ed)? (?:of )?gas", "carbon monoxide", "fumes", "toxic", "poison", "allergic reaction", "anaphyla", "epipen",
    "chok(?:e|ed|ing)", "injur", r"hurt (?:my|her|his|him|them|their|our|me)\b", "bleed", "stitches",
    r"brakes? (?:failed|stopped working|gave out|don't work)", r"blew (?:a|the) fuse", "tripped the",
    "hospital", "a&e", "emergency room", "ambulance", "paramedic", "emergency", "could have (?:been )?kill",
    "nearly kill", "almost kill", r"killed (?:my|our|a|the|him|her|someone)", "could have died", "nearly died",
    "dangerous", "hazard", "unsafe", "safety", "recall", "button batter", r"swallow(?:ed)? (?:a |the |some )?(?:magnet|batter|part|piece)",
    r"broken? (?:my|his|her|their|our) (?:wrist|arm|leg|ankle|hip|nose|tooth|teeth|finger|toe|collarbone)", "glass in", "metal in", "crashed into", "knocked (?:me|him|her) off",
    "ran (?:me|him|her) off the road", "police", r"(?:call|called|calling|ring|rang) (?:999|911|112)", r"electrical smell",
    r"(?:ill|sick|unwell) after (?:eating|drinking|taking|using)",
    r"burning smell", r"smell of burning",
    # Issue 25: harm told in everyday words (a jolt, a zap, shattered glass, a family throwing up).
    r"(?:a |proper )?(?:jolt|zap)\b", r"tingl\w* (?:when|every|from)", r"shatter\w*", "shards", r"throw(?:ing|n)? up", "food poisoning",
    r"(?:been|was|were|got) (?:violently )?sick", r"chipped (?:a |my |her |his )?tooth", "lost an eye", r"choking (?:risk|hazard)",
    r"(?:deep|nasty|bad) cuts?", r"cuts? (?:on|all over) (?:my|her|his|their)", r"(?:my|her|his) (?:feet|hands?|fingers?|arms?|legs?|face) (?:are|is|was|were) (?:cut|burnt|burned|bleeding)",
    "urgent care", r"needs? surgery", "road rash", r"scald\w*", "sharp pieces", r"needle (?:in|baked)",
    r"could(?:'ve| have) lost", r"(?:nail varnish|chemical|plastic|electrical) smell", r"smell(?:s|ed|ing)? like (?:burn|nail varnish|chemicals?|plastic)",
    r"(?:electrics|fuse box|rcd|trip switch) (?:went|keeps?|tripped|tripping)", r"(?:went|go) up in flames", r"is it going to (?:go up|explode|catch)",
    r"popped open (?:on|while|with)", r"(?:red )?raw patch", r"blister\w*", r"(?:missed|nearly hit|landed on) (?:my|our) (?:cat|dog|kid|son|daughter|baby|child|head|foot)", r"(?:hit|ran over|knocked over|knocked down) (?:my|me|him|her|a)\b",
)
# Things that hurt people when they go wrong …
DANGER_THINGS = (
    "batter(?:y|ies)", "charger", "power ?bank", "heater", "plug", "socket", "cable", "wire", "wiring", "oven",
    "hob", "stove", "boiler", "kettle", "toaster", "fryer", "microwave", "e-?bike", "e-?scooter", "scooter", "vape",
    "hoverboard", "lithium", "li-?ion", "drone", "car seat", "pram", "buggy", "stroller", "crib", "cot", "high ?chair", "brakes?", "airbag",
    "tyres?", "tires?", "ladder", "radiator", "electric blanket", "lamp", "fridge", "freezer",
    "dryer", "washing machine", "dishwasher", "iron", "cooker", "grill", "bbq", "barbecue", "candle",
    "hair ?dryer", "straighteners", "laptop", "cell pack", "junction box", "extension lead", "pressure cooker", "lid",
    "glass", "shelf", "tv stand", "stand", "buckle", "harness", "helmet", "wheel", "handlebars?", "gate", "blind cord", "magnets?",
)
# … and what going wrong sounds like (within a few words of one of them).
HARM_VERBS = (
    r"smok\w*", r"smoulder\w*", r"smolder\w*", r"melt\w*", r"swell\w*", r"swol\w*", r"bulg\w*", r"hiss\w*",
    r"spark\w*", r"puff(?:ed|ing|s)? up", r"overheat\w*", r"explod\w*", r"burst\w*", r"shock\w*", r"snapp\w*", r"collaps\w*",
    r"came (?:off|apart|loose)", r"fell (?:off|apart|on)", r"crack\w*", r"hot to (?:the )?touch", r"too hot", r"scorch\w*",
    r"scald\w*", r"singe\w*", r"charr\w*", "blackened", r"ignit\w*", "tripped",
    r"flicker\w*", r"went bang", r"blew off", r"popped (?:open|off)", r"came away", r"snapped", r"discolou?r\w*", r"brown mark",
    r"leak\w* (?:hot|water) (?:in|on)to", r"(?:so|really|very) hot", r"warm (?:even|when|while)", r"loose", r"split open",
)
# Money the customer did not agree to: a money word near a denial.
MONEY = (r"charges?", r"payments?", r"transactions?", "statement", r"debits?", r"purchases?", "direct debit", r"withdrawals?",
         # Issue 25: an account changed or used by someone else is the same story.
         r"orders?", r"(?:e-?mail|password|address|bank details|phone number|login)s? (?:was |were |has been |got )?(?:changed|updated|reset)",
         r"saved card", r"authori[sz]ed user", r"loan", r"invoice", r"reward points", r"gift card", r"balance")
NOT_MINE = (r"(?:don't|do not|didn't|did not|dont|didnt) recogni[sz]e", r"(?:didn't|did not|didnt|never|havent|haven't) (?:make|made|authori[sz]e|agree|order|place|buy|sign|request|appl|add|use|do|did|been)",
            "not mine", r"(?:isn't|isnt|aren't|arent) mine", "none (?:are|of them are|is) mine", r"wasn't me", r"wasnt me", "not me", r"(?:i )?never did")
# Someone vulnerable, near harm.
PEOPLE_AT_RISK = ("kid", "child", "children", "son", "daughter", "baby", "toddler", "infant", "dog", "cat",
                  "grandma", "grandad", "pregnant", "wife", "husband", "mum", "mom", "dad")
ALLERGY = (r"allerg\w*", r"nut", r"peanut\w*", r"gluten", r"coeliac", r"celiac", r"dairy", r"lactose", r"sesame", r"shellfish")
ALLERGY_HARM = (r"reaction", r"swell\w*", r"swoll\w*", r"rash", r"hives", r"breath\w*", r"epi-?pen", r"hospital", r"\bill\b",
                r"sick\b", r"vomit\w*", r"throat", r"itch\w*", r"ambulance", "a&e", r"doctor", r"gp\b")
HARM_TO_PEOPLE = (r"swallow\w*", r"chok\w*", r"rash", r"hives", r"vomit\w*", r"sick\b(?! of)", r"burn\w*", r"cut\b",
                  r"fell", r"slipped", r"tripped", r"hurt", r"bruis\w*", r"screaming", r"reaction", r"swell\w*", r"swoll\w*",
                  r"bitten", r"stung", r"trapped")

# Money taken that the customer did not agree to; an account not theirs any more.
FRAUD = (
    "fraud", "scam", "phishing", "stolen", "stole", "stealing", "theft", "hacked", "hacker", "hacking", "identity", "unauthori[sz]ed",
    r"(?:didn't|did not|never|not) authori[sz]", "impersonat", "chargeback", r"dispute (?:the|this|a) (?:charge|payment)",
    r"(?:someone|somebody)(?:'s| has| is)? (?:else )?(?:has )?(?:been )?(?:used|using|accessed|logged into|got into|ordered|ordering|bought|buying|spent|changed)",
    r"asking (?:me )?for my (?:card|bank|account|password|pin|login|security)", r"someone else's (?:name|address|details|data|account|order|card|info)",
    r"(?:other people's|another customer's|other customers') (?:names?|address|details|data|accounts?|orders?|info)",
    r"(?:charges?|payments?|transactions?|orders?|purchases?) (?:that )?i (?:didn't|did not|never|don't recogni[sz]e)",
    r"(?:don't|do not) recogni[sz]e (?:this|these|the|a|any) (?:charge|payment|transaction|order|purchase)",
    r"(?:charged|billed|debited|took) (?:me )?(?:£|\$|€)?\d[\d,.]* (?:for )?(?:something|an order|a \w+) i (?:never|didn't|did not)",
    r"(?:account|card|email|password) (?:was |has been |got )?(?:compromised|taken over|breached)",
    r"locked (?:me )?out of my (?:own )?account and", "fake (?:website|site|account|page|email|text|profile)",
    "data breach", "leaked my", r"claim(?:ing|ed|s)? to be (?:from )?(?:you|your|acme)",
    r"pretend(?:ing|ed|s)? to be (?:from )?(?:you|your)",
    "cloned", r"card (?:details )?(?:was |were )?used (?:at|on|in)", r"(?:asked|asking|ask) (?:me )?for my (?:pin|card|password|code|details|bank)",
    r"(?:text|email|message|call|page|site|website|account) (?:from |claiming to be from )?[\"“]?(?:you|acme)", r"fake (?:\w+ )?(?:website|site|version|page|account)",
    r"login alert", r"money(?:'s| has| is)? (?:gone|missing|taken) from", r"(?:balance|account) (?:went|has gone|is) (?:from .{1,12} )?to (?:zero|0|£0|\$0)",
    r"maxed out (?:overnight|last night)", r"another device and", r"in my name",
    "counterfeit", r"selling (?:your|fake) (?:vouchers|gift cards|products|tickets)",
    r"(?:password|email|e-mail|address) (?:was |has been )?(?:changed|updated)(?: and| to)",
)
# The law, regulators, the police.
LEGAL = (
    "lawyer", "solicitor", "attorney", r"sue\b", "suing", "lawsuit", "small claims", r"court\b(?! shoes?)(?!yard)",
    r"legal(?:ly)?\b(?! tender| guardian| age| drinking| in )", "see you in court",
    "class action", "trading standards", "ombudsman", "consumer (?:protection|rights act|council)",
    "regulator", r"\bfca\b", r"\bcma\b", r"\bftc\b", r"\bico\b", "better business bureau", r"\bbbb\b",
    "attorney general", r"(?:my|our|local) (?:mp|congressman|congresswoman|senator|councillor)\b", "data protection", "gdpr", "subject access request", "cease and desist",
    "breach of contract", "discriminat", "tribunal", "citizens advice", "ofcom", "ofgem", "ofwat",
    r"letter (?:before|of) (?:action|claim)", "barrister", r"in breach\b", "formal notice", "county court", "legal action", "the courts", "no win no fee",
    r"\bavocat", "plainte", r"\banwalt", "abogado", "demanda", r"\basa\b", "financial ombudsman",
)
# Journalists and the news.
PRESS = (
    "journalist", "reporter", "the press", "newspaper", "news desk", "newsroom", "editor at", "bbc", "watchdog",
    r"writing (?:a|an) (?:story|article|piece|feature|report)", r"(?:story|article|piece|feature) (?:about|on) (?:your|you|the)",
    "for comment", "comment for", "media (?:enquiry|inquiry)", "press (?:enquiry|inquiry|office)",
    "go(?:ing)? to the (?:press|media|papers|news)", "on the record", r"(?:my|our) (?:readers|viewers|listeners)",
    "podcast", "guardian", "telegraph", "daily mail", "the times", "herald", r"the sun\b", "the mirror",
    "evening standard", "new york times", "washington post", "wall street journal", "bloomberg", "reuters", r"\bcnn\b",
    "fox news", "sky news", r"\bitv\b", "channel 4", "which\\? magazine", r"\bwhich\?", "tiktok (?:video|followers)",
    # Issue 25: an audience of their own is the press too (creators, newsletters, blogs).
    r"\d[\d,.]*\s?(?:k|m|million|thousand)?\+? (?:followers|subscribers|subs|readers|viewers|listeners|views)\b",
    r"(?:youtube|tiktok|instagram) (?:channel|creator|account)", r"tiktoker", r"(?:content )?creator here", "influencer",
    r"(?:my|our) (?:blog|newsletter|channel|audience|column)\b", "magazine", r"\bedit (?:a|the)", "local paper",
    r"\bproducer (?:at|on|for|with)", r"(?:tv|radio) (?:show|programme|program|station)", "media enquir", "press office",
    r"filming (?:a|outside|at)", "freelance", r"\bi cover\b", r"(?:features?|staff|news|consumer) writer",
    r"national (?:weekly|daily|paper|newspaper|news)", r"researcher (?:on|at|for) (?:a|the)",
)

# Round 5 (batch 3 read): families by what happened, not by the word a writer
# chose. A body in trouble is an emergency whatever caused it; a thing that
# went pop or left black marks is a thing that nearly caught fire; money or an
# account used while the customer was elsewhere is fraud; a law named by name is
# legal; someone who asks for a statement on camera is the press.
SAFETY += (
    # The body in trouble, in a bystander's words.
    r"collaps(?:e|ed|ing)\b(?! (?:the|my|our|your) (?:box|table|chair|tent|stroller|pram|buggy))", "unconscious", "unresponsive",
    r"not (?:breathing|responding|answering properly|waking)", r"(?:can't|cannot|can not|struggling to|hard to) breathe?",
    r"(?:trouble|difficulty|problems?) breathing", r"breathing (?:weird|funny|strange|oddly|badly|heavily|fast|shallow)",
    r"blue (?:around|round|in) the (?:lips|mouth|face)", r"(?:lips|face) (?:went|turned|going|is|are) blue", "fainted", "passed out",
    r"seizures?", r"throat (?:feels |felt |is |was |went )?(?:tight|closing|swollen|swelling)", r"\bhives\b", "overdos",
    r"wrong (?:dose|dosage|strength|tablets|pills|medicine|medication|prescription)", r"first aid(?:er)?", r"(?:dizzy|faint) and",
    r"(?:wrist|arm|leg|ankle|hip|nose|rib|finger|toe|collarbone)s? (?:is |was |are |were |might be |could be )?(?:broken|fractured)",
    r"fractur\w*", r"concuss\w*", r"gagg(?:ed|ing)", r"(?:to|at) the (?:emergency |out of hours )?vets?\b", r"co alarm",
    r"(?:exposed|live|bare) wires?", r"wires? (?:hanging|sticking) (?:out|off|loose)",
    r"(?:brake|brakes|steering|pedal)\b[^.!?]{0,30}(?:to the floor|spongy|gave way|locked up|won't stop|didn't stop)",
    r"hard shoulder", r"went (?:pop|bang|fizz)", r"(?:black|scorch|burn|burnt) marks?", "sooty", r"black (?:soot|residue|smoke)",
)
DANGER_THINGS += ("isolator", "fuse", "pedal", "steering", "rivet", "bolt", "bracket", "frame", "seat", "bed", "bunk",
                  "ceiling", "light fitting", "shower", "outlet", "adapter", "adaptor", "appliance", "tablets?", "pills?")
HARM_VERBS += (r"buckl\w*", r"shear\w*", r"gave way", r"gave out", r"hanging (?:off|out|loose)", r"went pop", r"popp(?:ed|ing)",
               r"black(?:ened)? marks?", r"scorch marks?", r"fizz\w*", r"crackl\w*", r"buzz(?:ed|ing)? and", r"snapped off")
PEOPLE_AT_RISK += ("partner", "mother", "father", "brother", "sister", "nan", "gran", "granny", "grandson", "granddaughter",
                   "elderly", "neighbour", "neighbor", "puppy", "kitten", "pet", "twins?", "newborn", "kids", "my lab")
HARM_TO_PEOPLE += (r"gagg\w*", r"collaps\w*", r"fainted", r"unconscious", r"dizzy", r"drowsy", r"sleepy", r"concuss\w*",
                   r"(?:is|was|might be) broken", r"fractur\w*", r"\bvet\b", r"fell (?:onto|off|down|into)")
# Money or an account used while the customer was elsewhere, asleep, or never there.
MONEY += (r"transfers?", r"tickets?", r"flights?", r"bookings?", r"sessions?", r"devices?", r"\bsim\b",
          r"logins?", r"sign[- ]ins?", r"subscriptions?", r"redeemed", r"withdrawn", r"spent", r"bought", r"spending")
NOT_MINE += (r"(?:i|we) (?:was|were) (?:asleep|at work|abroad|at home|in bed)", r"(?:never|not) (?:even )?been to",
             r"(?:i|we) (?:don't|do not|not|didn't|did not) know", r"(?:don't|do not|didn't) recogni[sz]e",
             r"(?:didn't|did not|never) (?:book|redeem|transfer|log|move|swap|send|change|request|spend|sign)",
             r"(?:it )?wasn't (?:me|us)", r"nothing to do with me")
FRAUD += (
    r"sim[- ]swap", r"(?:moved|ported|transferred) my number", r"new sim (?:was |has been |got )?(?:activated|issued|registered)",
    r"(?:number|account)(?:'s| has| was| is)? (?:been |now )?(?:moved|ported|transferred|switched) (?:over )?to (?:a )?new sim", r"(?:logged|signed) in(?:to)? (?:to )?(?:my )?account (?:from|in)",
    r"active session", r"new device (?:was |has been |got )?(?:added|registered|linked)",
    r"(?:someone|somebody) (?:in|from) (?:another|a different) (?:country|city|state)",
    r"(?:e-?mail|phone|number|address|recovery \w+)\w* (?:is|was) (?:now |changed to )?(?:someone|somebody) else'?s",
    r"(?:entered|typed|gave|shared|put in|handed over|confirmed) (?:them )?my (?:bank |card |login |account )?(?:details|password|pin|code|card|2fa|otp|login|log-?in)",
    r"(?:fake|spoof\w*|impostor|imposter|copycat|cloned?) (?:@\w+ )?(?:account|profile|page|number|caller)",
    r"(?:that|the|this) link (?:isn't|is not|wasn't|was not) (?:your|you)", r"look(?:s|ed)? like (?:it'?s |it was )?from (?:you|your)",
    r"asking (?:people |customers |everyone )?for (?:their |your )?(?:card|bank|account) (?:numbers?|details)",
    r"balance (?:is|was|went to|showing|shows|now) (?:now )?(?:£|\$|€|r)?0\b", r"(?:account|card) (?:was |has been |got )?(?:emptied|drained)",
)
# A law or its enforcer named by name; data rights exercised.
LEGAL += (
    r"(?:equality|consumer rights|data protection|disabilit(?:y|ies)[\w ]{0,20}|fair credit[\w ]{0,12}|privacy|consumer protection|"
    r"trade descriptions|sale of goods|consumer guarantees|fair trading) act\b", r"\bccpa\b", r"\bhipaa\b", r"\bpipeda\b", r"\bada\b",
    "right to be forgotten", r"right to (?:erasure|deletion|access)", r"delete (?:all|every|everything)[^.!?]{0,30}(?:data|information|details)",
    "consumer affairs", "fair trading", r"(?:taking|seeking|sought|get(?:ting)?) (?:legal |formal )?advice", "consumer law",
    r"\b(?:accc|asic|cfpb|acma|ofsted|cqc)\b", r"(?:human rights|equality|trade|utilities|public service) commission",
    r"report(?:ed|ing)? (?:you|@\w+|this|them|it) to (?:the |my )?(?:\w+ ){0,3}(?:dept|department|authority|agency|commission|board|bureau)",
)
# Someone who asks for a statement, an interview or a camera is the press, whatever the outlet.
PRESS += (
    r"(?:give|share|provide|issue|make|send) (?:us |me )?(?:a|an|your) (?:official )?statement", "official statement",
    "spokesperson", "on camera", r"(?:a|this|our) segment (?:on|about)", r"(?:tv|radio|news) (?:segment|crew|piece|report)",
    r"interview (?:with )?(?:a |your )?(?:spokesperson|representative|someone|ceo|manager)", r"(?:local|national|regional|evening) news",
    r"news here", r"(?:our|my) (?:viewers|readers|listeners|audience) (?:tell|have told|say|told|report)",
    r"(?:we've|we have) been contacted by", r"(?:write|writes|edit|edits) (?:the|a) (?:\w+ ){0,3}column", "columnist",
    r"consumer (?:column|show|programme|program|reporter|champion)", r"(?:for|in) (?:our|my|an upcoming|a) (?:story|piece|report|feature|segment|episode)",
)
# The press works at, for or on a show.
PRESS += (r"(?:consumer|news|breakfast|morning|drive[- ]?time|phone-?in) (?:slot|show|bulletin|hour)", r"read (?:out )?(?:a|your) statement",
          r"(?:statement|comment) (?:if|before|by) (?:you|we|the|\d)", r"\bon (?:the )?air\b")
# Fraud: someone posing as the company, a code or a bank detail handed over, money spent where the customer is not.
FRAUD += (
    r"(?:said|claimed|saying|claiming) (?:he|she|they) (?:was|were|is|are) from (?:you|your|the bank)", r"pretend(?:ing|ed|s)? to be @\w+",
    r"(?:gave|told|read|replied with|sent|handed|typed|entered) (?:him|her|them|the (?:guy|man|woman|caller)|someone)? ?(?:the|my|a) (?:\d[- ]?digit )?(?:code|number|pin|otp)\b",
    r"(?:replied|replying|responded) with the code", r"new bank details", r"(?:never|didn't|did not|haven't|have not) changed (?:bank )?(?:accounts|account details|bank details)",
    r"(?:someone|somebody)(?:'s| has| is)? (?:been )?(?:spending|buying|booking|withdrawing|logging in|making)", r"(?:that's|that is|is (?:that|this|it)) (?:not (?:them|you)|really (?:you|them))\b",
    r"\d+ transactions? (?:with|from|at)[^.!?]{0,40}(?:i'm|i am|i was) (?:sitting |still |at home|asleep|in bed)",
)
# Legal: a case being built.
LEGAL += (r"paralegal", r"legal aid", r"(?:keep|preserve|save) (?:every|all)(?: the)? (?:emails?|messages?|records?|chat logs?|evidence|notes)",
          r"(?:as|for) evidence", r"(?:don't|do not) (?:let anyone )?(?:delete|tidy|alter|destroy|wipe)")
# Safety: gas told by its smell, a child shut in, a person nearly thrown.
SAFETY += (r"rotten eggs?", r"sulph\w* smell", r"smell\w* (?:like|of) sulph\w*", r"(?:nearly|almost) (?:slid|fell|slipped|came|was thrown|were thrown) (?:out|off)",
           r"(?:locked|trapped|stuck|shut) (?:in|inside)\b[^.!?]{0,30}(?:kid|child|baby|toddler|\dyo|\d-year|son|daughter)",
           r"(?:\dyo|\d-year-old|toddler|baby|kid|child|son|daughter) (?:is |was )?(?:stuck |locked |trapped )?inside")
DANGER_THINGS += ("chairlift", "ski lift", "lift", r"bar", "rail", "railing", "balcony", "trampoline", "swing")
# A thing that fell on, threw off or let go of someone: furniture tipping onto a child, a machine throwing a
# rider, a strap coming undone with a child in the seat.
HARM_TO_PEOPLE += (r"(?:fell|pulled|tipped|toppled|came down) (?:\w+ )?(?:over )?on(?:to)? (?:him|her|them|himself|herself|themselves|me)\b",)
HARM_VERBS += (r"came undone", r"undid itself", r"tipped over", r"toppled")
SAFETY += (r"threw (?:me|him|her|them|my \w+) (?:off|out)\b", r"(?:pulled|tipped|toppled) (?:\w+ ){0,2}over on(?:to)? (?:him|her|them|himself|herself|my|our)")
# Round 12, batch 11's misses as families. Safety: a child or an animal shut in, a child lost, someone old stuck.
SAFETY += (r"(?:kid|child|baby|toddler|dog|puppy|cat|pet|son|daughter|\dyo|\d-year-old) (?:is |was |has been |got )?"
           r"(?:locked|trapped|shut|stuck) (?:in|inside)\b",
           # round 13 (batch 12): "nobody knows where it is", "left my two kids alone", "my 6 year old on the coach"
           r"(?:no ?one|nobody) knows where (?:she|he|they|it|my \w+|our \w+) (?:is|are)\b",
           r"(?:left|dropped|forgot) (?:my|our|the) (?:\w+ )?(?:\d[- ]?(?:year[- ]old|yo)|child(?:ren)?|kids?|sons?|daughters?|"
           r"toddler|baby)\b[^.!?]{0,30}(?:wrong stop|alone|behind|on the (?:coach|bus|train|plane))",
           r"stair ?lift[^.!?]{0,40}(?:stuck|jammed|trapped)")
# Fraud: the customer's contact details changed by someone else (the account's way back in taken).
MONEY += (r"new (?:phone |mobile )?(?:number|e-?mail|device|payee) (?:was |has been |got )?added", r"profile (?:was |has been )?(?:updated|changed)")
# Legal: a complaint filed with a body that enforces.
LEGAL += (r"(?:filed|lodged|made|submitted) (?:a (?:formal )?complaint )?with (?:the )?(?:\w+ ){0,4}"
          r"(?:commission|ombudsman|regulator|tribunal|authority)\b",)
# Press: someone writing for a publication about a topic, or citing its readers.
PRESS += (r"(?:i'm|i am|we're|we are) writing for (?!my |our |him|her|them|a friend|someone|somebody|help|advice|support|info)"
          r"(?:\w+ ){1,4}(?:on|about)\b", r"reader (?:complaints|letters|emails|messages|stories)")
# Round 13, batch 12's misses. Fraud: a wallet's seed phrase asked for, a caller posing as a named company, a SIM
# swapped, an account opened in the customer's name, "was that really you?".
FRAUD += (r"(?:seed|recovery|secret) phrase", r"(?:swapped|ported) my sim", r"sim (?:was |got |been )?(?:swapped|hijacked)",
          r"(?:called|rang|phoned|texted|emailed|messaged)[^.!?]{0,25}(?:saying|claiming|said|claimed) (?:they|he|she) "
          r"(?:was|were|are|is) from\b", r"(?:gave|told|read) (?:him|her|them) (?:his|her|their|my) (?:card|bank|pin|account)",
          r"(?:opened|took out|applied for) (?:a |an )?(?:new )?(?:\w+ )?(?:account|loan|card|credit)[^.!?]{0,20}in (?:my|her|his|their) name",
          r"never opened (?:one|an account|it|this)", r"(?:is|was) (?:that|this|it) (?:actually|really) (?:you|them|from you)",
          r"(?:someone|somebody)'?s? (?:has )?(?:been )?using my")
# Safety: a call bell that does not answer, a driver who will not let the passenger out, fumes in a cabin, a pet
# breathing fast with pale gums.
SAFETY += (r"call bell", r"(?:won't|wouldn't|refused to|refuses to) let (?:me|us|her|him|them) out", r"locked the doors?",
           r"exhaust (?:smell|fumes)", r"gums (?:look |are |were |went )?(?:pale|white|blue|grey)",
           r"breathing (?:really |very |so )?(?:fast|heavily|shallow)")
# Legal: a firm acting for its client.
LEGAL += (r"(?:has|have) instructed (?:us|this firm|me)", r"(?:direct|send|address) all (?:further )?correspondence")
# Round 14, batches 13 and 14's urgent misses. Press: a journalist in the customer's first language, a piece for a
# paper's pages. Fraud: money taken from the card by someone else, said in the words of a second language.
PRESS += (r"periodista|journaliste|giornalista|jornalista|journalistin|dziennikarz\w*|gazeteci",
          r"(?:doing|writing|working on) a (?:piece|story|feature|report) (?:for|on|about)\b",
          r"(?:business|money|consumer|travel|news|city|finance) pages")
FRAUD += (r"(?:someone|somebody|they) (?:has |have )?(?:take|took|taken|stole|stolen|steal) (?:money|£|\$|€|\d)[^.!?]{0,20}"
          r"(?:from|out of|on) my (?:card|account|bank)",)
NOT_MINE += (r"\bi (?:not|no|did not|didn't) (?:buy|bought|order|ordered) (?:nothing|anything|it|this|that)",)
# Rounds 16–17 (batches 16–18): a heater glowing red, legs pinned, a stronger dose taken, a cot side that came down; credit
# opened in one's name, a payment "I never set up"; praise naming the complaint it did not need ("not one outage").
HARM_VERBS += (r"came down",)
SAFETY += (r"glowing (?:red|orange)", r"pinned (?:his|her|my|their|our) (?:legs?|arms?|hands?|fingers?|foot|feet)", r"(?:higher|double|stronger) dose\b")
FRAUD += (r"(?:opened|took out|set up|applied for) (?:a |an )?[\w ]{0,25}?(?:account|loan|card|credit)[^.!?]{0,20}? in my (?:company's |business's )?name",
          r"(?:account|card|loan|credit) i never (?:applied|asked|signed up) for")
NOT_MINE += (r"(?:didn't|did not|never) set (?:that |it |this |them )?up",)
# Round 18 (batch 19): login codes the customer never asked for, a password changed and the customer locked out, a
# stranger "claiming to be from" the brand.
SAFETY += (r"leak(?:s|ed|ing)? gas",)  # "my fridge is leaking gas, smells strong" (a new user's trial)
FRAUD += (r"codes?\b[^.!?]{0,25}?\bi (?:didn't|didnt|did not|never) (?:ask|request)(?:ed)?(?: for)?", r"claiming to be (?:from|with) ",
          r"password (?:was |got |has been )?changed[^!?]{0,40}\blocked out|locked out[^!?]{0,40}\bpassword (?:was |got |has been )?changed")
# Round 19 (batches 20 and 21): a card "used 4 times in 10 mins", a payment to stop before it is released to a seller who
# vanished, a child's seat with a broken strap.
FRAUD += (r"card(?:'s| has| was)? (?:been )?used (?:\d+|several|multiple|many|a few) times",
          r"stop the (?:payment|money|funds?) (?:from )?(?:releasing|being released|going through|going to the seller)",
          r"seller(?:'s)? (?:account )?(?:has )?(?:now )?(?:been )?(?:deleted|vanished|disappeared|gone)")
SAFETY += (r"(?:child|car|baby|booster) seat\b[^.!?]{0,60}?\bbroken (?:strap|clip|buckle|harness|latch|base)",)
# Round 20 (batch 22): a caller who "asked for his login", an account to lock.
FRAUD += (r"(?:asked|asking|ask) (?:him |her |me |them )?for (?:his|her|my|their) (?:login|password|pin|passcode|bank details|card details)",
          r"(?:please )?lock (?:his|her|my|their|the) account")
# Round 22 (batch 24): pay sent on to a stranger's account after a fake e-mail ("my last payslip has gone to some other
# account").
FRAUD += (r"(?:pay|salary|payslip|wages?|pension|payment|refund|deposit)s? (?:has |have |had )?(?:gone|been (?:sent|paid|diverted|redirected)|went) "
          r"(?:in)?to (?:some(?:one)? (?:else's|other)|another|a different|a strange|an unknown|a stranger's)",)
# Round 23 (batch 25): a body part caught in a product ("got her head stuck in the crate door") or cut open by it.
SAFETY += (r"(?:head|paw|leg|foot|tail|finger|fingers|hand|arm|neck|collar) (?:got )?(?:stuck|trapped|caught|jammed) (?:in|between) (?:the|a|our|my|your)\b",
           # round 24: a smell from a gas appliance and someone dizzy
           r"\bgas (?:geyser|heater|boiler|fire|hob|cooker|water heater)\b[^.!?]{0,80}\bsmell", r"\bsmell\b[^.!?]{0,60}\b(?:dizzy|light-?headed|faint)\b",
           r"\bcut (?:his|her|its|my|their|our) (?:nose|head|paw|leg|foot|hand|finger|face|lip|mouth|tongue) open")
# Round 25 (batch 27): a code asked for "unless I share" it, a login from another country with the password changed,
# orders "I never ordered", an account opened in a late parent's name.
FRAUD += (r"(?:unless|if) i (?:share|give|send|forward)[^.!?]{0,15}\bcode", r"\bfrom (?:a|an) (?:device|phone|computer|location) in (?:another|a different|a foreign) country",
          r"my password (?:does not|doesn't|no longer|won't) work", r"\bnever ordered (?:them|these|it|those|any of (?:it|them|these))\b",
          r"(?:opened|took out|taken out|set up|applied for) (?:a |an )?[\w& ]{0,25}?(?:account|loan|card|credit)[^.!?]{0,20}? in my (?:late )?"
          r"(?:father|mother|dad|mum|mom|husband|wife|son|daughter|grandmother|grandfather)'s name")
# … money sent on to an account "that isn't yours"; a pet ill after eating what was sold (the tuning corpus's two
# posts the model retrained on batch 27 no longer raised).
FRAUD += (r"(?:money|payment|transfer|refund|salary|pay)\b[^.!?]{0,20}\bwent to an? (?:account|card) (?:that|which) (?:isnt|isn't|is not|wasn't|was not) (?:yours|ours|mine)",)
SAFETY += (r"(?:dog|cat|puppy|kitten|pet|rabbit|horse|bird|hamster)\b[^.!?]{0,25}\b(?:got|became|fell|was|is) (?:really |very |so |seriously )?"
           r"(?:ill|sick|poorly|unwell) after (?:eating|eat|chewing|drinking)",)
# Round 21 (batch 23): a podcast host asking for "your side" before it airs.
PRESS += (r"pod(?:cast)? host\b", r"give your side\b", r"before (?:it|the (?:episode|show|piece)) airs")
# Round 26 (batches 28 and 29): a child who nearly went down the stairs head first, a rider thrown when a part snapped
# at speed, someone else's pills floating in a child's medicine, sick all night and "gone a funny
# grey colour"; a SIM "upgraded" overnight and no signal since, a password and phone number changed by nobody the
# customer knows; a correspondent, a newsletter asking for "a line".
SAFETY += (r"\b(?:nearly|almost) (?:went|fell|tumbled|came|toppled) (?:down|off|out|over)\b[^.!?]{0,20}\b(?:stairs|head first|"
           r"balcony|window|banister|railing)",
           r"\b(?:snapped|sheared|broke|came) (?:clean )?off at \d+ ?(?:mph|km/?h|kph)",
           r"\bi came off\b[^.!?]{0,40}\b(?:cut|broke|broken|bruised|hurt|injured|grazed|bleeding)",
           r"\b(?:tablets|pills|capsules)\b[^.!?]{0,25}\b(?:floating|floatin'?|loose) in\b",
           r"\b(?:spewin'?|spewing|puking|throwing up|vomiting|being sick)\b[^.!?]{0,15}\ball night",
           r"\bgone (?:a )?(?:funny|strange|weird|bad|horrible) (?:grey|gray|blue|yellow|white|colou?r)")
FRAUD += (r"\b(?:sim|number)\b[^.!?]{0,30}\b(?:upgraded|swapped|switched|moved|ported)\b[^.!?]{0,60}\bno signal",
          r"\b(?:changing|changed|resetting|reset) my password\b[^.!?]{0,40}\b(?:and|&) (?:adding|added|changing|changed) "
          r"(?:a )?new (?:phone|mobile|number|email)")
PRESS += (r"\bcorrespondent\b", r"\bnewsletter\b(?=[^\n]{0,200}?\b(?:give me|have|get|send me) a (?:line|quote|comment)\b)",
          r"\bcommunications desk\b")
