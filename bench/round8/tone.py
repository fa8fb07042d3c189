"""Round 8: the tone model's line, LOBO and strict split, the whole reply check as shipped."""
import os, sys, time
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1"); os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[2]))
from collections import Counter
from unittest import mock
import numpy as np
from bench import _urgency_fit as f
from bot.rules import reply_check, tone_model
AT = (0.8, 0.85, 0.88, 0.9, 0.93, 0.95, 0.97)
t = time.time()
rows = f.replies()
tone = [i for i, (label, _, _) in enumerate(rows) if label in ("ok", "bad_tone")]
features = tone_model.features([rows[i][1] for i in tone])
print("features", len(rows), time.time() - t, flush=True)

def run(train_ok, test_ok):
    rest = [k for k, i in enumerate(tone) if train_ok(rows[i][2])]
    saved = f.train_tone([rows[tone[k]][1] for k in rest], [rows[tone[k]][0] == "bad_tone" for k in rest], features[rest])
    model = tone_model._Model(np.array(saved["weights"]), np.array(saved["bias"]), tuple(saved["bad_examples"]),
                              tone_model.urgency_model.unpack(saved["example_vectors"], len(saved["bad_examples"])))
    out = {}
    for at in AT:
        with mock.patch.object(tone_model, "_ready", lambda model=model: model), mock.patch.object(tone_model, "BAD_AT", at):
            out[at] = Counter((label, bool(reply_check.check_reply_text(text))) for label, text, b in rows if test_ok(b))
    return out

def show(name, held):
    for at in AT:
        s = held[at]
        print(f"  {name:8} BAD_AT {at:4}: " + ", ".join(
            f"{w} {s[(l, True)]}/{s[(l, True)] + s[(l, False)]} = {s[(l, True)] / max(1, s[(l, True)] + s[(l, False)]):.1%}"
            for l, w in (("bad_tone", "bad"), ("ok", "good"), ("personal_data", "pd"))), flush=True)

strict = run(lambda b: b <= 6, lambda b: b >= 7)
show("strict", strict)
pooled = {at: Counter() for at in AT}
for n in sorted({b for _, _, b in rows}):
    r = run(lambda b, n=n: b != n, lambda b, n=n: b == n)
    for at in AT:
        pooled[at] += r[at]
    print("fold", n, time.time() - t, os.getloadavg()[0], flush=True)
show("LOBO", pooled)
