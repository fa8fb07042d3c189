"""The corpus of payloads written by others (tests/fixtures/README.md): every
file names its source and its changes, and every one is read by a test that
sends it through socialdesk's real routes (tests/test_<platform>_payloads.py)
or replays it from an emulator. Prints the corpus's size by platform."""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from tests.payloads import collect

PLATFORMS = ("facebook", "instagram", "x", "slack", "trustpilot", "bluesky", "yelp", "threads", "google")
TESTS = Path(__file__).parent


def test_every_payload_names_its_source_and_its_changes(report_figure):
    corpus = [p for platform in PLATFORMS for p in collect(platform)]  # load() checks each file's form
    assert len(corpus) >= 150
    by_platform = Counter(p.path.parent.name for p in corpus)
    customer = sum(p.customer for p in corpus if p.kind == "webhook")
    ignored = sum(not p.customer for p in corpus if p.kind == "webhook")
    repositories = {p.source.split("@")[0] for p in corpus if "@" in p.source.split()[0]}
    documentation = {re.sub(r"^https?://([^/]+).*", r"\1", p.source) for p in corpus if p.source.startswith("http")}
    report_figure(f"payloads written by others: {len(corpus)} ({', '.join(f'{k} {v}' for k, v in by_platform.items())}); "
                  f"platform deliveries: {customer} shown, {ignored} ignored with a reason; "
                  f"from {len(repositories)} repositories and {len(documentation)} documentation sites")
    for payload in corpus:
        assert payload.changes.strip(), f"{payload.name}: say 'none' or what was changed"


def test_every_payload_is_read_by_a_test():
    """A file no test opens proves nothing: each is walked by its platform's
    corpus test (a `collect(platform[, kind])` not narrowed to one name) or
    read by a test that names it."""
    walked, named = set(), []
    for path in TESTS.glob("test_*.py"):
        if path.name == Path(__file__).name:
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            named.append(line)
            for platform, kind in re.findall(r"collect\(\s*[\"'](\w+)[\"'](?:\s*,\s*[\"'](\w+)[\"'])?\)", line):
                if "p.name ==" not in line:
                    walked.add((platform, kind or None))
    sources = "\n".join(named)
    for platform in PLATFORMS:
        for payload in collect(platform):
            if (platform, None) in walked or (platform, payload.kind) in walked:
                continue
            assert payload.path.stem in sources, f"tests/fixtures/{platform}/{payload.path.name} is read by no test"
