"""A second reader of a staff reply's tone, for the sarcasm and condescension
no phrase family has yet: logistic regression over the MiniLM sentence
vector (bot.rules.urgency_model.embedder — the optional socialdesk[nlp]
extra, nothing downloaded) beside hashed word and word-pair counts, trained
offline on every development batch by `bench/urgency.py --train` into tone_model.json.

Without the extra the phrase families decide alone. The model holds a reply
only when it is confident (BAD_AT, chosen by leaving one writer out at a
time so that good replies are rarely held) and never one with an apology
or empathy in it (round 19 asked about those too, at a stricter line: batch 22
then had 3 more good replies held and no more bad ones; docs/benchmarks.md);
the finding quotes the bad example the reply reads like.
"""
from __future__ import annotations

import atexit
import json
import logging
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bot.rules import urgency_model

log = logging.getLogger(__name__)
MODEL = Path(__file__).with_name("tone_model.json")
# Left one writer out at a time over 921 development replies in five batches
# (bench/urgency.py --lobo, the whole check as shipped, round 5): at 0.93 bad
# tone held 354/367 and good 1/554; at 0.9, 357/367 and 2/554; at 0.85,
# 359/367 and 4/554. 0.93 was kept in round 4 because the model gave "We are
# looking into it publicly too." (a plain reply of the flow tests) 0.90;
# trained on five batches with character n-grams it gives it 0.87. Round 6,
# seven batches (1,301 replies), words without marks: at 0.9 bad tone held
# 491/507 and good 2/794; at 0.93, 484/507 and 1/794; at 0.85, 495/507 and
# 4/794. The plain reply scores 0.90 trained on all seven: its nearest
# examples are bad replies about posting publicly ("Posting this publicly won't
# get you anything faster"), and it has none of the kind words that mark the
# good ones. Balancing good and bad within each length, a stronger penalty (l2
# 1.0) or training only on replies without kind words moved it to 0.86–0.88 and
# held fewer bad replies at the same good ones (docs/benchmarks.md): 0.93.
# Round 8, re-chosen for the MiniLM reader over nine batches (2,075 replies; the whole check, each fold trained as
# --train trains): left one batch out, at 0.93 bad tone held 593/647 and good 8/1,034; at 0.88, 610/647 and
# 11/1,034 (1.1 %); at 0.8, 618/647 and 16/1,034. Trained on tuning + batches 1–5 and scored on 6 and 7: at 0.93
# 113/140 and good 7/240, at 0.88 118/140 and the same 7 (the phrase families' holds). 0.88 won on both splits
# but held two plain staff replies of the flow tests, which no batch has: the model trained on batches 1–7 gives
# "Notably, your parcel was found!" 0.926 and "Hi hob, on it." 0.892 — so 0.93 was kept (with little room).
# Round 9: 240 plain staff replies joined the training data as good ones (tests/fixtures/plain_replies/), batch 8
# became development data, and the line was re-chosen leaving one batch out (12 folds, 2,111 replies; the plain
# replies a fold of their own; the whole check as shipped, with round 9's families): at 0.93 bad tone held 641/717
# (89.4 %) and good 5/1,394 (0.4 %); at 0.8, 678/717 (94.6 %) and 16/1,394 (1.1 %); at 0.7, 682/717 and 28/1,394.
# The folds of the two newest writers (batches 7 and 8) at 0.93: 48 and 52 of 70; at 0.8: 57 and 61, their good
# replies held 1 → 2 and 0. With replies under six words held only at 0.93 (below), 0.8 holds 678/717 and 14/1,394.
BAD_AT = 0.8
# A short reply gives the model little to go on, and a plain one ("Hi hob, on it.", "Notably, your parcel was found!",
# 0.79 and 0.84 trained on every batch) reads as curt as a curt one: under SHORT_WORDS words the model must be as
# sure as BAD_AT_SHORT, the line of rounds 4–8 (round 9).
SHORT_WORDS = 6
BAD_AT_SHORT = 0.93


def line(text: str) -> float:
    """How sure the model must be to hold `text`."""
    return BAD_AT_SHORT if len(urgency_model.words_only(text).split()) < SHORT_WORDS else BAD_AT


# Under this many words ("Sent!", "On it.") a reply gives the model too little
# to go on; the phrase families still read it.
MIN_WORDS = 4
bag_of_words = urgency_model.bag_of_words  # the urgency heads read the same hashed words


def features(texts: list[str]):
    # Words, not marks: trained with them (round 6, seven batches) the model weighed a full stop as bad tone
    # (+1.0 of the 0.90 it gave the flow tests' "We are looking into it publicly too."): the writers of the
    # batches end curt replies with one and kind ones with "!" or an emoji — a habit, not a tone.
    return urgency_model.head_features(urgency_model.embedder()(texts), texts, punctuation=False)


@dataclass(frozen=True)
class _Model:
    weights: object   # 2 × features (good, bad)
    bias: object
    examples: tuple[str, ...]   # the bad replies it learned from
    example_vectors: object

    def read(self, row) -> tuple[float, str]:
        import numpy as np
        logits = self.weights @ row + self.bias
        odds = np.exp(logits - logits.max())
        nearest = self.examples[int(np.argmax(self.example_vectors @ row[:self.example_vectors.shape[1]]))]
        return float(odds[1] / odds.sum()), nearest


def from_saved(saved: dict, embed=None) -> _Model:
    """The model as --train saved it (embed: reads the examples' vectors when a file lacks them)."""
    import numpy as np
    examples = tuple(saved["bad_examples"])
    vectors = (urgency_model.unpack(saved["example_vectors"], len(examples)) if "example_vectors" in saved
               else embed(list(examples)))
    return _Model(np.array(saved["weights"], dtype=np.float32), np.array(saved["bias"], dtype=np.float32),
                  examples, vectors)


@lru_cache(maxsize=1)
def _model() -> _Model | None:
    embed = urgency_model.embedder()
    if embed is None or not MODEL.exists():
        return None
    saved = json.loads(MODEL.read_text(encoding="utf-8"))
    log.info("reply check: phrase families and the tone model (%d bad examples)", len(saved["bad_examples"]))
    return from_saved(saved, embed)


def available() -> bool:
    """Loads the model (blocking) and says whether there is one: for tests and benches."""
    return _model() is not None


_loading = threading.Lock()
_loader: list[threading.Thread] = []
# How long a process leaving waits for a load under way. A daemon thread is stopped where it stands when the
# interpreter finalises; inside onnxruntime's session set-up that is a C++ std::terminate — the process aborts
# ("terminate called without an active exception", exit 134) instead of leaving 0: a web worker's clean SIGTERM
# and a test worker both met it when a reply was checked just before the end.
EXIT_WAIT = 15.0


@atexit.register
def _let_the_load_finish() -> None:
    if _loader and _loader[0].is_alive():
        _loader[0].join(EXIT_WAIT)


def _ready() -> _Model | None:
    """The model if it is loaded; otherwise start loading it in the background
    and answer None. The reply check runs while Slack waits for an ack (3 s),
    and loading the sentence model takes 1–3 s on a loaded VM: the first replies of a
    process are read by the phrase families alone rather than risk the ack."""
    if _model.cache_info().currsize:
        return _model()
    with _loading:
        if not _loader:
            _loader.append(threading.Thread(target=_model, name="tone-model-load", daemon=True))
            _loader[0].start()
    return None


def bad_tone(text: str) -> tuple[float, str] | None:
    """(chance the reply's tone is bad, the bad example it reads most like),
    or None without the model (or while it loads) or when it cannot read the text."""
    model = _ready()
    row = _row(text) if model is not None else None
    return None if row is None else model.read(row)


def _row(text: str):
    if len(urgency_model.words_only(text).split()) < MIN_WORDS:
        return None
    try:
        return features([text])[0]
    except Exception as error:  # an optional reader must never block a reply: the rules decide
        log.warning("reply check: the tone model could not read a reply (%s); the rules decide", error)
        return None
