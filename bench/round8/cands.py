import sys; sys.argv=["x"]; sys.path.insert(0, str(__import__("pathlib").Path(__file__).parent)); sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[2]))
import sweep
N=("URGENT_AT","URGENT_OVER_HIGH_AT","PRAISE_AT","QUIET_AT","CLASS_AT","JOY_AT")
C={"NOW":(0.7,0.8,0.5,0.2,0.5,0.2),"A":(0.65,0.85,0.6,0.15,0.7,0.1),"B":(0.65,0.85,0.6,0.1,0.5,0.2),
   "C":(0.7,0.85,0.6,0.1,0.7,0.1),"D":(0.7,0.85,0.6,0.1,0.5,0.1),"E":(0.65,0.85,0.6,0.1,0.6,0.1)}
for name,v in C.items():
    s=dict(zip(N,v, strict=False))
    for w in ("lobo","strict"):
        fig=sweep.score(s,w); sweep.show(f"{name} {w} {v}",fig); print("     ",fig["confusion"], flush=True)
