"""Urgency from the customer's words: a priority for a new post, with the
reason in a few words, from rules you can read here plus VADER sentiment as
one signal. It only ever raises a conversation's priority, and never one
staff set by hand; the priority shortens the SLA as it always did
(bot.rules.sla.PRIORITY_FACTORS). tests/fixtures/urgency_corpus.tsv holds the accuracy.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.rules.reply_words import ACRONYMS

# Safety, legal, fraud, the press: someone senior should see it now.
URGENT_CUES = (
    "lawyer", "solicitor", "attorney", r"sue\b", "suing", "legal action", "court", "trading standards",
    "ombudsman", "chargeback", "fraud", "scam", "stolen", "stole my", "hacked", "identity", "unauthori[sz]ed",
    "police", "journalist", "the press", "bbc", "fire", "sparked", "burn(?:t|ed)", "smoke", "gas smell",
    "injur", "allergic", "hospital", "a&e", "emergency", "killed", "crashed into", "safety",
)
# Money back, leaving, anger, being ignored.
HIGH_CUES = (
    "refund", "money back", "cancel", "never again", "worst", "unacceptable", "disgust", "disgrace", "furious",
    "angry", "complaint", "charged twice", "overcharged", "double charged", "still waiting", "nobody answers",
    "no one answers", "anyone there", "on hold", "switching to", "competitor", "a joke", "ruined", "terrible",
    "awful", "rude", "never arrived", "broken too", "declined", "urgent", r"\d+ (?:days|weeks) late",
    "messaged \\d+ times", "asked (?:three|3|four|4|several) times", "done with you",
)
PRAISE_CUES = ("thank", "thanks", "cheers", "love", "amazing", "fantastic", "brilliant", "great", "best",
               "perfect", "shoutout", "enjoy", "happy", "kind words", "👏", "😍", "🎉")
PROBLEM_CUES = ("?", "not ", "n't", "no ", "never", "broken", "wrong", "issue", "problem", "error", "late",
                "missing", "help")
ORDER = ("low", "normal", "high", "urgent")


@dataclass(frozen=True)
class Urgency:
    priority: str   # a key of bot.rules.sla.PRIORITY_FACTORS
    reason: str     # shown on the root: why socialdesk thinks so


def _cues(patterns) -> re.Pattern:
    return re.compile(r"(?<!\w)(?:" + "|".join(patterns) + r")", re.IGNORECASE)


@lru_cache(maxsize=1)
def _patterns():
    return _cues(URGENT_CUES), _cues(HIGH_CUES)


@lru_cache(maxsize=1)
def _vader():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    return SentimentIntensityAnalyzer()


# Shouting is capitals, not punctuation: "hello??" and "?!?!" are someone
# waiting, "HELLO??" or "I ordered the XL" one loud word. A run of three loud
# words ("WHY IS MY ORDER…", "HELP ME NOW") or a post mostly in capitals over
# ten letters or more ("I WANT A REFUND") is. tests/test_snooze_and_urgency.py has the table.
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_NOT_WORDS = re.compile(r"[@#]\w+|https?://\S+")
LOUD_RUN, CAPS_SHARE, CAPS_LETTERS = 3, 0.6, 10


def shouting(text: str) -> bool:
    words = _WORD.findall(_NOT_WORDS.sub(" ", text))
    letters = [c for word in words for c in word if c.isalpha()]
    if len(letters) >= CAPS_LETTERS and sum(c.isupper() for c in letters) / len(letters) >= CAPS_SHARE:
        return True
    loud = 0  # loud words in the current run of capitals; "I", "A" and acronyms continue a run
    for word in words:
        if not word.isupper():
            loud = 0
            continue
        loud += len(word) >= 2 and word.replace("'", "") not in ACRONYMS
        if loud >= LOUD_RUN:
            return True
    return False


# A review's stars at or below this raise its priority: a public 1–2 star
# review is read by every later customer until it is answered.
LOW_RATING = 2


def assess(text: str, posts_in_wait: int = 1, rating: int | None = None) -> Urgency:
    """The priority the customer's words (and how often they have written
    while waiting, and a review's stars) suggest, with its reason."""
    urgent, high = _patterns()
    found = urgent.search(text)
    if found:
        return Urgency("urgent", f"“{found.group().strip()}”")
    score = _vader().polarity_scores(text)["compound"]
    reasons = [f"{rating}-star review"] if rating is not None and rating <= LOW_RATING else []
    found = high.search(text)
    if found:
        reasons.append(f"“{found.group().strip()}”")
    if posts_in_wait >= 3:
        reasons.append(f"wrote {posts_in_wait} times")
    if score <= -0.6:
        reasons.append(f"very negative (VADER {score:+.2f})")
    lowered = text.lower()
    if shouting(text) and (reasons or score < 0 or any(c in lowered for c in PROBLEM_CUES)):
        reasons.append("shouting")  # about a problem; "THANK YOU SO MUCH" is not a complaint
    if reasons:
        return Urgency("high", ", ".join(reasons))
    if score >= 0.5 and any(c in lowered for c in PRAISE_CUES) and not any(c in lowered for c in PROBLEM_CUES):
        return Urgency("low", f"praise (VADER {score:+.2f})")
    return Urgency("normal", "")


def raised(current: str, suggested: str) -> bool:
    return ORDER.index(suggested) > ORDER.index(current)
