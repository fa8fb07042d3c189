"""Round 8: LOBO and strict-split likenesses, cached for the sweep."""
import os, sys, pickle, time
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1"); os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[2]))
import numpy as np
from bench import _urgency_fit as f
t = time.time()
rows = f.posts()
vectors, heads = f.post_features([text for _, text, _ in rows])
print("features", len(rows), time.time() - t, flush=True)
batch = np.array([n for _, _, n in rows])
likes = [None] * len(rows)
strict = {}
# strict split first: tuning + batches 1-5 (indices 0..6) -> 6, 7 (7, 8)
rest = np.where(batch <= 6)[0]
saved = f.train_urgency([rows[i][0] for i in rest], vectors[rest], heads[rest])
for i in np.where(batch >= 7)[0]:
    strict[i] = f._likeness(saved, vectors[i], heads[i])
print("strict", time.time() - t, flush=True)
pickle.dump({"rows": rows, "strict": strict, "likes": None}, open("/tmp/r8/likes.pkl", "wb"))
for n in sorted(set(batch)):
    rest = np.where(batch != n)[0]
    saved = f.train_urgency([rows[i][0] for i in rest], vectors[rest], heads[rest])
    for i in np.where(batch == n)[0]:
        likes[i] = f._likeness(saved, vectors[i], heads[i])
    print("fold", n, time.time() - t, os.getloadavg()[0], flush=True)
pickle.dump({"rows": rows, "strict": strict, "likes": likes}, open("/tmp/r8/likes.pkl", "wb"))
print("done", time.time() - t)
