"""Offline training of the optional embedding models (bot/rules/urgency_model.json,
tone_model.json) and their leave-one-batch-out cross-validation, for
bench/urgency.py. Every batch of tests/corpora.py but the held-out one is
trained on; --lobo trains on all of them but one and scores that one, for
each in turn — the figure that predicts a writer the models never saw.

The cue families and phrase families were widened on every batch by now
(batch 3's misses in round 5), so each fold's rules share flatters; the
models' share is honest in every fold.
"""
from __future__ import annotations

import json
from collections import Counter
from contextlib import ExitStack
from unittest import mock

from tests.corpora import development

ORDER = ("low", "normal", "high", "urgent")


def fit(vectors, labels: list[str], l2: float = 0.1, steps: int = 1500, rate: float = 0.5, order=ORDER):
    """Multinomial logistic regression, classes weighted to balance, by plain
    gradient descent: small enough to read, and numpy is all it needs. In
    float32: each step reads the whole matrix twice, so its time is memory
    (one fold of the heads 303 s in float64, fed float32 rows that numpy
    widened at every step; 36 s in float32, the same figures on batch 6)."""
    import numpy as np
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    across = np.ascontiguousarray(vectors.T)
    classes = [c for c in order if c in set(labels)]
    y = np.array([classes.index(label) for label in labels])
    counts = np.bincount(y, minlength=len(classes))
    sample_weight = (len(y) / (len(classes) * counts))[y].astype(np.float32)
    onehot = np.eye(len(classes), dtype=np.float32)[y]
    weights = np.zeros((len(classes), vectors.shape[1]), dtype=np.float32)
    bias = np.zeros(len(classes), dtype=np.float32)
    for _ in range(steps):
        logits = vectors @ weights.T + bias
        odds = np.exp(logits - logits.max(axis=1, keepdims=True))
        error = (odds / odds.sum(axis=1, keepdims=True) - onehot) * sample_weight[:, None] / len(y)
        weights -= rate * ((across @ error).T + l2 * weights / len(y))
        bias -= rate * error.sum(axis=0)
    return classes, weights, bias


def predict(model, vectors):
    import numpy as np
    _, weights, bias = model
    logits = vectors @ weights.T + bias
    odds = np.exp(logits - logits.max(axis=1, keepdims=True))
    return odds / odds.sum(axis=1, keepdims=True)


def _saved(model) -> dict:
    classes, weights, bias = model
    return {"classes": classes, "bias": [round(float(b), 5) for b in bias],
            "weights": [[round(float(w), 5) for w in row] for row in weights]}


# -- urgency --------------------------------------------------------------------------

def posts() -> list[tuple[str, str, int]]:
    """(label, text, batch) of every development post."""
    return [(post["label"], post["text"], n) for n, batch in enumerate(development()) for post in batch.read_posts()]


def post_features(texts: list[str]):
    """(the vectors, the heads' features) of the posts as the model reads them."""
    from bot.rules import urgency, urgency_model
    plain = [urgency.plain_words(text) for text in texts]
    vectors = urgency_model.embedder()(plain)
    return vectors, urgency_model.head_features(vectors, plain)


def train_urgency(labels: list[str], vectors, heads) -> dict:
    """The three models of bot/rules/urgency_model.py, as urgency_model.json holds them."""
    saved = _saved(fit(heads, labels))  # round 11: the four-class model reads what the heads read
    saved["heads"] = {name: _saved(fit(heads, [name if label == cls else "other" for label in labels],
                                       order=("other", name)))
                      for name, cls in (("urgent", "urgent"), ("praise", "low"))}
    return saved


def _likeness(saved: dict, vector, head_row):
    import numpy as np
    from bot.rules import urgency_model
    four = predict((saved["classes"], np.array(saved["weights"]), np.array(saved["bias"])), head_row[None, :])[0]
    head = {name: predict((h["classes"], np.array(h["weights"]), np.array(h["bias"])), head_row[None, :])[0][1]
            for name, h in saved["heads"].items()}
    return urgency_model.Likeness(dict(zip(saved["classes"], map(float, four), strict=True)),
                                  {label: "" for label in ORDER}, float(head["urgent"]), float(head["praise"]))


def assess_with(text: str, like, settings: dict | None = None) -> str:
    """bot.rules.urgency.assess with this Likeness in place of the shipped model's."""
    from bot.rules import urgency, urgency_model
    with ExitStack() as stack:
        # As likeness() does: a scrap of a post ("hey", "worker started") gets no reading.
        stack.enter_context(mock.patch.object(urgency_model, "likeness", lambda plain: like if len(
            urgency_model.words_only(plain).split()) >= urgency_model.MIN_WORDS else None))
        for name, value in (settings or {}).items():
            module = urgency if name == "MAY_RAISE_BELOW" else urgency_model
            stack.enter_context(mock.patch.object(module, name, value))
        return urgency.assess(text).priority


def lobo_likenesses():
    """(rows, [Likeness of each post from a model trained without its batch])."""
    import numpy as np
    rows = posts()
    vectors, heads = post_features([text for _, text, _ in rows])
    batch = np.array([n for _, _, n in rows])
    likes = [None] * len(rows)
    for n in sorted(set(batch)):
        rest = np.where(batch != n)[0]
        saved = train_urgency([rows[i][0] for i in rest], vectors[rest], heads[rest])
        for i in np.where(batch == n)[0]:
            likes[i] = _likeness(saved, vectors[i], heads[i])
    return rows, likes


def figures(pairs: list[tuple[str, str]]) -> dict:
    seen = Counter(pairs)
    urgent = sum(seen[("urgent", g)] for g in ORDER)
    return {"n": len(pairs), "right": sum(seen[(c, c)] for c in ORDER), "urgent": urgent,
            "caught": seen[("urgent", "urgent")], "praise_raised": seen[("low", "high")] + seen[("low", "urgent")],
            "wrongly_urgent": sum(seen[(c, "urgent")] for c in ORDER if c != "urgent"),
            "confusion": " · ".join(f"{c} " + "/".join(str(seen[(c, g)]) for g in ORDER) for c in ORDER)}


def line(name: str, f: dict, confusion: bool = False) -> str:
    text = (f"{name:34} {f['right'] / f['n']:6.1%} of {f['n']:3}, urgent {f['caught']}/{f['urgent']} "
            f"= {f['caught'] / max(f['urgent'], 1):.1%}, praise raised {f['praise_raised']}, "
            f"wrongly urgent {f['wrongly_urgent']}")
    return text + (f"\n{'':36}confusion (low/normal/high/urgent) {f['confusion']}" if confusion else "")


# -- tone -----------------------------------------------------------------------------

def replies() -> list[tuple[str, str, int]]:
    """(label ok | bad_tone | personal_data, text, batch) of every development reply."""
    return [(row["label"], row["text"], n) for n, batch in enumerate(development()) for row in batch.read_replies()]


def train_tone(texts: list[str], bad: list[bool], features) -> dict:
    """The tone model of bot/rules/tone_model.py, with its bad examples and their sentence vectors (the features'
    first columns), so that a process does not read them again at load."""
    from bot.rules import minilm, urgency_model
    saved = _saved(fit(features, ["bad" if b else "good" for b in bad], order=("good", "bad")))
    saved["bad_examples"] = [text for text, b in zip(texts, bad, strict=True) if b]
    saved["example_vectors"] = urgency_model.pack(features[[i for i, b in enumerate(bad) if b], :minilm.DIMENSIONS])
    return saved


def lobo_replies(lines: tuple[float | tuple[float, float], ...], folds: tuple[str, ...] = ()) -> list[str]:
    """The reply check as shipped (families, then the tone model) on each
    batch, its model trained on the other batches, at each BAD_AT (or
    (BAD_AT, BAD_AT_SHORT)). folds: only the batches so named (each still
    trained on all the others)."""
    from bot.rules import reply_check, tone_model
    rows = replies()
    tone = [k for k, (label, _, _) in enumerate(rows) if label in ("ok", "bad_tone")]
    features = tone_model.features([rows[k][1] for k in tone])
    names = [batch.title for batch in development()]
    scored = [n for n, name in enumerate(names) if not folds or name.split(" (")[0] in folds]
    held: dict[tuple, Counter] = {}
    read: dict[str, object] = {}  # each reply's features read once for every fold and line (a reply's are its own)

    def row(text, _read=tone_model._row):
        return read[text] if text in read else read.setdefault(text, _read(text))
    for n in scored:
        rest = [i for i, k in enumerate(tone) if rows[k][2] != n]
        model = tone_model.from_saved(train_tone([rows[tone[i]][1] for i in rest], [rows[tone[i]][0] == "bad_tone" for i in rest],
                                                 features[rest]))
        for at in lines:
            bad_at, short_at = at if isinstance(at, tuple) else (at, tone_model.BAD_AT_SHORT)
            with mock.patch.object(tone_model, "_ready", lambda model=model: model), mock.patch.object(tone_model, "_row", row), \
                    mock.patch.object(tone_model, "BAD_AT", bad_at), mock.patch.object(tone_model, "BAD_AT_SHORT", short_at):
                held[(at, n)] = Counter((label, bool(found) if label != "personal_data" else any(x.personal for x in found))
                                        for label, text, b in rows if b == n
                                        for found in [reply_check.check_reply_text(text)])
    out = []
    for at in lines:
        out.append(f"tone model at BAD_AT {at}:" if not isinstance(at, tuple)
                   else f"tone model at BAD_AT {at[0]}, under {tone_model.SHORT_WORDS} words {at[1]}:")
        for n, name in [*((b, names[b]) for b in scored), (None, "POOLED")]:
            seen = sum((held[(at, b)] for b in scored if n in (None, b)), Counter())
            parts = [f"{what} held {seen[(label, True)]}/{seen[(label, True)] + seen[(label, False)]} "
                     f"= {seen[(label, True)] / max(seen[(label, True)] + seen[(label, False)], 1):.1%}"
                     for label, what in (("bad_tone", "bad tone"), ("ok", "good"), ("personal_data", "personal data"))]
            out.append(f"  {name:34} " + ", ".join(parts))
    return out


def write(path, saved: dict, about: str, examples=None) -> None:
    body = {"about": about, **saved}
    if examples is not None:
        body["examples"] = examples
    path.write_text(json.dumps(body, ensure_ascii=False) + "\n", encoding="utf-8")
