"""REPLY_CHECK's cost on the ack path: every reply in the labelled corpus
(tests/fixtures/reply_corpus.tsv) checked five times, plus one 2,880-character
reply. The check must stay far below Slack's 3-second ack budget.

Run: .venv/bin/python bench/reply_check.py
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.rules import tone_model  # noqa: E402
from bot.rules.reply_check import check_reply_text  # noqa: E402


def main() -> None:
    """The phrase families alone (the tone model kept out), then with the
    tone model (socialdesk[nlp]) loaded first, as a process has it once its
    background load is done."""
    real = tone_model._ready
    tone_model._ready = lambda: None
    measure("phrase families alone")
    tone_model._ready = real
    started = time.perf_counter()
    if not tone_model.available():
        print("with the tone model: not measured (socialdesk[nlp] is not installed)")
        return
    print(f"tone model loaded in {(time.perf_counter() - started) * 1000:.0f} ms (in the background in a real process)")
    measure("with the tone model")


def measure(name: str) -> None:
    corpus = ROOT / "tests" / "fixtures" / "reply_corpus.tsv"
    replies = [line.split("\t", 1)[1] for line in corpus.read_text(encoding="utf-8").splitlines()
               if line and not line.startswith("#")]
    started = time.perf_counter()
    check_reply_text("warm-up: loads the VADER lexicon")
    load_ms = (time.perf_counter() - started) * 1000
    times = []
    for _ in range(5):
        for reply in replies:
            started = time.perf_counter()
            check_reply_text(reply)
            times.append((time.perf_counter() - started) * 1000)
    times.sort()
    started = time.perf_counter()
    check_reply_text("Sorry about this, we are on it. " * 90)
    long_ms = (time.perf_counter() - started) * 1000
    print(f"reply check, {name}: {len(times)} checks, p50 {statistics.median(times):.3f} ms, "
          f"p99 {times[int(len(times) * 0.99)]:.3f} ms, max {times[-1]:.3f} ms; "
          f"a 2,880-character reply {long_ms:.2f} ms; first call (lexicon load) {load_ms:.1f} ms")


if __name__ == "__main__":
    main()
