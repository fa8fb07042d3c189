"""The tone families read off the writers of rounds 19–21 (batches 20–23): the sting inside kind words, told the
ways those writers told it — kept beside bot.rules.reply_words' older families, which reached 400 lines, and read
together with them by bot.rules.reply_check. Each entry is a regular expression matched case-insensitively as a
whole phrase."""
from __future__ import annotations

CONDESCENSION: tuple[str, ...] = ()
SARCASM_PHRASES: tuple[str, ...] = ()

# Round 19 (batches 20 and 21 read): the sting told as what most people manage ("most tenants manage fine", "most
# people book well in advance"), a trade or group's habits ("musicians do tend to"), what they did choose ("to be
# fair, you did book our cheapest slot"), lectures for next time, the customer's count of messages held against
# them, a review to take down "while we look into it", reminders that are threats, and notes to a colleague.
CONDESCENSION += (
    r"most (?:\w+ )?(?:people|customers|tenants|runners|users|members|riders|sellers|parents|drivers) (?:manage|seem to manage|don't have|do not have|book)\b",
    r"\w+s do (?:tend to|need to understand)\b", r"(?:in fairness|to be fair|of course),? you did (?:book|choose|pick|order|buy|opt)\b",
    r"a tip for next time", r"in future it (?:may|might) help to", r"if you(?:'d| had) [^.!?]{0,60}(?:to begin with|in the first place)",
    r"is a (?:bit |little )?(?:strong|harsh) word", r"(?:we'd|we would) appreciate (?:a little|some) (?:understanding|patience) from",
    r"each to their own", r"along with everyone else'?s\.?$", r"hopefully that's clear now", r"as the last (?:\w+ )?agents? (?:told|said)",
    r"(?:that's|that is) on your end", r"a hearing person (?:call|ring|phone|contact)", r"in simple terms", r"(?:a bit|too|rather) advanced for you",
    r"(?:false|untrue) claims about a business", r"(?:removing|take (?:down )?(?:your|the|this) (?:review|post)(?: down)?)[^.!?]{0,30}while we (?:look|investigate)",
    r"(?:consider )?removing your review", r"we (?:do )?keep records of all (?:customer )?interactions",
    r"(?:accounts?|sellers?|members?|customers?) (?:who|that|with) [^.!?]{0,50}\bmay (?:have their [\w ]{1,20}|be) (?:reviewed|closed|suspended|removed)",
    r"this is your final warning", r"please stop (?:sending|posting|messaging) the same", r"once more,? then\b", r"one more time, shall we",
    r"(?:doesn't|does not|won't|will not) (?:speed (?:anything|it|things) up|make (?:anything|it|things) (?:happen )?(?:any )?faster)",
    r"^per my (?:previous|last) (?:message|email|reply)", r"not a (?:counselling|therapy|dating) (?:service|line)",
    r"that's how (?:shopping|buying|contracts?|renting) works", r"a bit rich to", r"^interesting that\b",
    r"best of luck with the (?:county court|ombudsman|small claims|tribunal)", r"(?:usually|always|normally) side with us",
    r"when we have time, as we do", r"(?:we'd|we would) rather not argue", r"are you sure it was us", r"no need to tag us",
    r"other posts you (?:pasted|copied|posted) it (?:under|on)", r"if you plan (?:properly|ahead|better)\b",
    r"(?:he's|she's|they're) an adult,? after all", r"without ever upgrading", r"you(?:'ve| have) only just noticed",
    r"can't say we blame (?:him|her|them)", r"sounds like someone needs (?:a|an|some)\b", r"^ah yes, the (?:famous|classic|old)\b",
    r"you finally found", r"(?:been|was) there all along", r"assuming you can (?:make it|manage)", r"(?:isn't|is not) really a support issue",
    r"hope you figure it out", r"would have suited your expectations", r"(?:could|can) help (?:him|her|them) understand",
    r"(?:explained|told you|said) [^.!?]{0,40}(?:twice|three times|several times|a few times) now", r"you're the \w+ person this week to",
    r"(?:people|customers) who don't read", r"sounds like a (?:training|user) (?:issue|problem)",
    r"works (?:fine|perfectly) (?:with [\w ]{1,20} )?for most (?:users|people|customers)", r"worth investing in a better",
    r"(?:is|was|a bit) optimistic\b", r"can't really take responsibility", r"for once\?",
    r"(?:eat|read|open|check) (?:them|it) when (?:they|it) arrives? rather than",
)
# … and a note meant for a colleague: "[internal: she's one of the demanding ones]", "[copy to Raj: …]", "Note for
# Dave: …", "@Claire this is the one who …", "I can't face another angry dog mum today".
CONDESCENSION += (
    r"\[(?:internal|copy to|note (?:to|for)|fyi)\b", r"\[\w+, can (?:you|someone) (?:take|handle|deal with)", r"(?:(?<=[.!?]\s)|^)note for \w+:",
    r"@\w+ this is the one who", r"i can'?t face (?:it|another|him|her|them|this)\b", r"can (?:you|someone) (?:take|handle) (?:her|him|this one)\b",
)

# Round 20 (batch 22 read): the sting after the fix ("next time it might help to read the booking confirmation",
# "cutting it fine", "only a bit soft, to be fair"), a group's habits, a wait "when we say", the cold short reply
# standing alone, mockery ("Oh wait, there is."), and a threat as "our legal options".
CONDESCENSION += (
    r"next time it (?:might|may|would) help to", r"(?:the right|correct) details first time", r"saves everyone a job", r"(?:is|was) cutting it (?:(?:very|a bit|rather|pretty|quite) )?(?:fine|close)",
    r"we didn't [\w -]{1,20}, your \w+ did", r"(?:someone|somebody) with better (?:eyesight|eyes|hearing)", r"around one person's",
    r"dealt with when it's dealt with", r"when we say (?:they're|it's|they are|it is)\b", r"^try turning it off and on(?: again)?\.?$",
    r"(?:(?:isn't|is not) really|really (?:isn't|is not)) our (?:problem|concern|issue)", r"only an? (?:bit|little|tiny|small|slight)(?: \w+)?, to be fair", r"drama queen", r"let's keep it civil",
    r"\w+s always leave (?:these|things|it|everything)\b", r"tipping (?:does )?(?:tend to )?help", r"^aww+,? did the",
    r"(?:carry on|keep (?:this|that) up|keep posting)[^.!?]{0,40}(?:legal|action|consequences)", r"consider our legal options",
)
SARCASM_PHRASES += (
    r"oh wait,? there is", r"^gosh, if only", r"queen of sheba", r"(?:photo|pics?) or it didn't happen", r"^enjoy your new (?:provider|supplier|bank|network)\.?$",
    r"^noted\. anything else\?$", r"^ok\? and what now\?$", r"processed\. check your bank\.?$", r"^we'll get round to it\.?$",
)

# Round 21 (batch 23 read): the sting inside kind words — "worth keeping a closer eye on him", "before blaming the
# driver", "properly this time", "like most organised parents", "a bit less drama", "for your budget, you got a lot";
# a trade or need held against them ("as a professional, you'd normally", "people who struggle with computers"); "not a
# bereavement service"; the cold reply alone ("Ask the shop, not us.", "Refund denied.").
CONDESCENSION += (
    r"(?:worth|try) keeping a closer eye", r"before blaming (?:the|our|us)\b", r"(?<!fixed )(?<!sorted )(?<!done )(?<!repaired )(?:properly|actually \w+) this time\b",
    r"like most (?:organised|organized|sensible|normal) \w+", r"(?:a bit|a little) less drama", r"for your budget,? you got",
    r"as a professional,? you(?:'d| would)", r"people who struggle with (?:computers|technology|tech|the internet)",
    r"(?:we're|we are) not a (?:bereavement|counselling|therapy|dating|babysitting) service", r"(?:we're|we are) a [\w ]{1,20}, not a \w+",
    r"reading the (?:manual|instructions) (?:usually|always|really) helps", r"who's a (?:bit|little|lot) more (?:organised|organized|careful|competent)",
    r"felt the need to tell the (?:whole )?(?:internet|world)", r"^ask the \w+, not us\.?$", r"^nothing we can do\.", r"refund denied\.?$",
)
SARCASM_PHRASES += (
    r"sorry,? not sorry", r"no doubt be thrilled", r"(?:we're|i'm|we are|i am) sure your [\w ]{1,30} will (?:be devastated|survive)",
    r"^your (?:opinion|view|feedback) has been logged\.?$",
)

# Round 22 (batch 24 read): the sting after the fix told as advice for next time ("next time perhaps don't leave it",
# "maybe keep your phone on this time", "perhaps trust them next time"), what they should have done ("should really
# have ordered", "should probably have known better"), their job not ours, the customer's capitals or threats held
# against them ("the capital letters weren't really necessary", "once you've found the caps lock key", "threatening to
# leave … getting you anywhere"), "a little perspective", "our staff tell a rather different story", "we did explain it
# the first two times", "a shame you felt the need to", "can't calm the sea for one passenger", mock alarm ("somebody
# call the coastguard"), "Sure, Jan.", "only people who can be civil", "let's try this slowly".
CONDESCENSION += (
    r"next time,? (?:perhaps|maybe|please)? ?(?:don't|do not|try not to|avoid)\b", r"(?:perhaps|maybe|please) (?:just )?\w+ (?:them|us|it|him|her) next time",
    r"(?:maybe|perhaps|do) (?:keep|leave|have|put) your [\w ]{1,20} (?:on|in|at home|ready|switched on) this time",
    r"\bso (?:he|she|they|we) can actually\b", r"(?:maybe|perhaps) budget (?:a bit |a little )?more",
    r"should (?:really|probably|maybe|perhaps) have (?:\w+ )?(?:ordered|known|booked|checked|read|asked|planned|left|measured|come)",
    r"(?:should|could) (?:probably |really )?have known better", r"(?:is|was) your (?:job|responsibility|duty), not ours",
    r"(?:capital letters|caps lock|all caps|shouting)[^.!?]{0,30}(?:weren't|wasn't|were not|was not|isn't|is not|aren't) (?:really |strictly )?(?:necessary|needed|required)",
    r"(?:once|when|after) you(?:'ve| have) (?:found|located|switched off|turned off) (?:the|your) caps ?lock",
    r"threatening to (?:leave|cancel|switch|sue)[^.!?]{0,40}(?:getting you anywhere|helps?|helping|works?|working)",
    r"(?:appreciate|ask for|need) (?:a little|a bit of|some) perspective", r"(?:tell|tells|told) (?:us )?a (?:rather |very |slightly )?different story",
    r"(?:did|have|had) (?:already )?explain(?:ed)? (?:it|this|that)?\s*(?:the )?(?:first|last) (?:two|three|few|couple of) times",
    r"(?:a shame|a pity|unfortunate|disappointing) (?:that )?you felt the need to", r"for one (?:passenger|customer|person|guest|caller|shopper)\b",
    r"only (?:people|customers|those) who can be (?:civil|polite|reasonable)", r"let'?s (?:try|go through|do) this (?:slowly|one more time|again, slowly)",
    r"to be fair,? (?:the|your) [\w ]{1,20} (?:did|clearly) (?:say|said|show|state)", r"in your own (?:handwriting|writing)",
    r"the one (?:that|which) says '[^']{1,20}' on it", r"^refer to (?:our |my )?(?:previous|last|earlier) (?:reply|message|response)",
)
SARCASM_PHRASES += (
    r"(?:somebody|someone) (?:call|alert|ring) the (?:coastguard|police|fire brigade|army|media|press|authorities)", r"^sure,? \w+\. sure\.?$",
)

# Round 23 (batch 25 read): the sting as a record that is never wrong, a customer "the only one of 40,000 users",
# a trade's sense ("most fishermen with any sense"), a need that is rare ("very few of our customers are blind"),
# honesty doubted ("a lot of people claiming breakages"), a dog "not properly trained", messages that "don't help",
# grief made small ("these things happen to everyone"), a budget ("more your budget"), an age ("someone of your
# generation"), a review's cost to someone's job, a threat of suspension or of screenshots kept, a label ("one of our
# more demanding customers"); a dialect or spelling mocked ("love the pirate talk", "*their."); the cold reply alone
# ("Noted. Nothing further.", "No refunds. End of.", "Already answered.", "That never happened.").
CONDESCENSION += (
    r"our (?:records|systems?|figures|staff|agents|drivers) (?:are|is) never wrong", r"(?:read|check|look at) your [\w ]{1,20} (?:a bit |a little )?more carefully",
    r"you(?:'re| are) the only (?:one|person|customer|user)s? (?:of|out of) [\d,]+", r"\bwith any sense\b",
    r"(?:very )?few of our (?:customers|users|riders|guests|members|passengers) (?:are|use|need)\b", r"(?:isn't|is not|not) (?:top|high) (?:of|on) (?:the|our) (?:list|priorities)",
    r"(?:a lot of|many|plenty of|so many) (?:people|customers) claiming", r"(?:haven't|have not|hasn't|has not) been properly (?:trained|taught)",
    r"(?:constant|repeated|endless|all (?:the|these|your)) (?:messages|calls|emails|posts|chasing) (?:don't|do not|doesn't|does not|won't) help",
    r"these things happen to (?:everyone|all of us|us all)(?: eventually)?", r"(?:more|better suited to) your (?:budget|price range|league)",
    r"someone of your (?:generation|age)", r"(?:review|complaint|post) (?:can|could|might) cost [\w -]{1,30} (?:their|his|her) (?:job|livelihood)",
    r"(?:accounts?|customers?|users?|members?|reviewers?) (?:posting|leaving|making|who post|who leave)[^.!?]{0,40}\b(?:can|may|will|could) be (?:suspended|banned|blocked|removed|closed|reviewed)",
    r"(?:keep|take|have) screenshots of (?:all|every|your)", r"\bdefamatory\b", r"(?:one of|among) our (?:more|most) (?:demanding|difficult|challenging)",
    r"not sure (?:one|a|a single) [\w ]{1,20} (?:ruins|ruined|spoils|spoilt)", r"missing (?:one|a|the) [\w ]{1,20} (?:isn't|is not) the end of the world",
    r"as (?:we|i) (?:said|explained|mentioned) in (?:the|our|my) last (?:two|three|four|five|few|\d+)",
    r"make yourself (?:a bit |a little )?(?:easier to (?:spot|find|see)|more visible)", r"work out what you(?:'d| had)? (?:actually )?(?:written|meant|said|typed)",
    r"(?:couldn't|could not|can't|cannot) understand a word", r"(?:pirate|caveman|cowboy|yokel) talk", r"^\*[\w']+\.", r"^that (?:never happened|didn't happen|did not happen)",
    r"^noted\. nothing (?:further|more|else)", r"\bend of\.$", r"^already answered\.", r"^probably just \w+\.", r"\bcarry on\.$",
    r"we've seen (?:scarier|worse|bigger)", r"good luck with your [\"“'‘]",
)
SARCASM_PHRASES += (
    r"however will (?:the|we|you|they|anyone)\b[^.!?]{0,30}\bcope", r"(?:amazing|funny|strange|interesting|odd) how you(?:'re| are) the only",
)

# Round 24 (batch 26 read): the sting as blame of the victim ("in fairness, we do tell customers not to click links",
# "some people just … like to blame the product", "parents do need to check the ingredients themselves"), of a family
# ("family should really be keeping an eye on these things"), of a toddler's parent, of the bereaved's paperwork ("would
# have been quicker if"); a need or a trade belittled ("ask a grandchild to help you", "maybe get your glasses checked",
# "easier to travel with a companion", "whoever changes the batteries … actually knows what they're doing", "anyone
# can pass it, so don't get too carried away"); a threat ("we'll cancel your membership", "passed to our legal team",
# "false reviews can lead to legal action", "we keep a record of customers who complain"); mockery ("what language it
# was in", "so much free time", "more patient than you were", "agree on this at least"); a colleague named useless;
# the cold reply ("Pay the bill and it'll be reconnected.", "It's a simple concept.", "that's the point").
CONDESCENSION += (
    r"in fairness,? we do (?:tell|warn|say|remind)", r"(?:like|tend) to blame (?:the|our|us)\b", r"\bsome people just\b",
    r"(?:parents|customers|owners|people|you) do need to check", r"themselves, of course", r"should (?:really )?be keeping an eye on",
    r"not for being (?:thrown|dropped|kicked|chewed|sat on)", r"(?:would have been|would've been) (?:quicker|easier|faster) if",
    r"ask (?:a|your) (?:grandchild|grandson|granddaughter|son|daughter|relative|family member|neighbour) to help",
    r"get your (?:glasses|eyes|eyesight|hearing) checked", r"(?:travel|come|go) with a (?:companion|carer|helper) (?:in future|next time)",
    r"actually knows? what (?:they're|he's|she's|you're|they are) doing", r"anyone can pass it", r"don't get (?:too )?carried away",
    r"if you (?:tag|post|message|contact|mention|email) us (?:one more time|again)[^.!?]{0,60}\bwe(?:'ll| will) (?:cancel|close|block|ban|suspend|remove)",
    r"(?:further|more) (?:posts|comments|messages) (?:of this nature|like (?:this|these)) will be", r"posts of this nature",
    r"(?:false|fake|misleading) reviews? (?:can|could|may|will) (?:lead to|result in)", r"keep a record of (?:customers|people) who",
    r"what language it was (?:in|written in)", r"had to read your message (?:twice|three times)", r"so much (?:free|spare) time",
    r"more patient than you", r"agree on this at least", r"(?-i:[A-Z][a-z]+)(?: on the \w+)? is (?:useless|hopeless|a nightmare)",
    r"someone competent", r"don't expect much", r"technically (?:this|that|it) (?:isn't|is not)", r"^pay the bill and",
    r"(?:it's|it is) a (?:simple|basic|easy) concept", r"(?:that's|that is) the (?:whole )?point\.", r"can someone from \w+ take this one",
)

# Round 25 (batch 27 read): the sting as an offer to read it out to them, a lack of understanding ("people who don't
# understand brewing", "science, not our glass"), surprise at their tone over a cheap part, what would have lasted or
# avoided "this kind of panic", the count of their complaints or calls ("the fourth complaint from this address", "as
# we mentioned the last four times you called"), "let's go round again", a hobby or a skill mocked ("checking your
# sharpening technique", "before they needed an app for everything", "brave choice on the colour"), a disability
# mocked ("someone with steadier hands", "many blind people ordered veg online"), "even for you", a threat ("we don't
# take kindly", "we do keep an eye on accounts", "public posts … can slow down processing"), "hardly the end of the
# world", blame of family, drivers or the victim ("as you know, we always say never share your code"), a short cold
# "Not a priority", "Lol, … Cute.".
CONDESCENSION += (
    r"(?:like|want) us to read (?:them|it) out to you", r"people who don't understand\b", r"that's science,? not (?:our|the)\b",
    r"we were (?:a little|a bit|rather|quite) surprised by the tone", r"would (?:probably )?have (?:probably )?lasted", r"would avoid this kind of",
    r"(?:the|your) (?:second|third|fourth|fifth|sixth|\w+th) complaint from (?:this|your) address", r"let's go round again",
    r"as we (?:mentioned|said|explained) the last (?:two|three|four|five|few|\d+) times", r"(?:checking|check) your [\w ]{1,20} technique",
    r"before they needed an app for everything", r"brave choice on the", r"someone with steadier hands", r"many blind people",
    r"even for you\b", r"we don't take kindly to", r"(?:we do |we )keep an eye on accounts with", r"(?:public posts|posting publicly)[^.!?]{0,40}\bcan slow(?: down)?",
    r"hardly the end of the world", r"if the family kept us updated", r"if your (?:drivers|staff|team|kids|children) reported",
    r"as you know,? we always say", r"please remember that next time", r"^not a priority", r"^lol,", r"\bcute\.$",
    r"beyond your ability", r"breakages are to be expected", r"whole (?:eleven|ten|twelve|\d+) posts|all (?:eleven|ten|twelve|\d+) posts",
    r"(?:took|it took) (?:three|two|four) of us to work out", r"loved the accent",
)
