"""Round 8: re-choose the urgency model's lines over cached LOBO / strict likenesses."""
import os, sys, pickle
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[2]))
from bench import _urgency_fit as f
from bot.rules import urgency_model as um
d = pickle.load(open("/tmp/r8/likes.pkl", "rb"))
rows, likes, strict = d["rows"], d["likes"], d["strict"]
NAMES = ("URGENT_AT", "URGENT_OVER_HIGH_AT", "PRAISE_AT", "QUIET_AT", "CLASS_AT", "JOY_AT")
NOW = {n: getattr(um, n) for n in NAMES}

def score(settings, which):
    if which == "lobo":
        idx = range(len(rows)); lk = likes
    else:
        idx = sorted(strict); lk = strict
    pairs = [(rows[i][0], f.assess_with(rows[i][1], lk[i], settings)) for i in idx]
    fig = f.figures(pairs)
    fig["urgent_low"] = sum(1 for l, g in pairs if l == "urgent" and g == "low")
    fig["normal_urgent"] = sum(1 for l, g in pairs if l == "normal" and g == "urgent")
    return fig

def key(fig):  # the brief's order: recall >= 95 % and no urgent low, then praise raised, then right
    ok = fig["caught"] / fig["urgent"] >= 0.95 and fig["urgent_low"] == 0
    return (not ok, fig["praise_raised"], -fig["right"])

def show(name, fig):
    print(f"{name:60} {f.line('', fig)}, urgent->low {fig['urgent_low']}, normal->urgent {fig['normal_urgent']}", flush=True)

GRID = {"URGENT_AT": (0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9),
        "URGENT_OVER_HIGH_AT": (0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95),
        "PRAISE_AT": (0.3, 0.4, 0.5, 0.6, 0.7),
        "QUIET_AT": (0.1, 0.15, 0.2, 0.3, 0.4),
        "CLASS_AT": (0.4, 0.5, 0.6, 0.7, 0.8),
        "JOY_AT": (0.1, 0.2, 0.3, 0.4)}
if __name__ == "__main__":
    which = sys.argv[1] if len(sys.argv) > 1 else "lobo"
    best = dict(NOW); cache = {}
    def sc(s):
        k = tuple(sorted(s.items()))
        if k not in cache:
            cache[k] = score(s, which)
        return cache[k]
    show(f"NOW {NOW}", sc(best))
    for _rnd in range(2):
        for name, values in GRID.items():
            for v in values:
                s = {**best, name: v}
                fig = sc(s)
                show(f"  {name}={v}", fig)
            chosen = min(values, key=lambda v: key(sc({**best, name: v})))
            best[name] = chosen
            print(f"-> {name} = {chosen}", flush=True)
    show(f"BEST {best}", sc(best))
    pickle.dump(best, open(f"/tmp/r8/best_{which}.pkl", "wb"))
