"""Payloads written by others (tests/fixtures/<platform>/*.json, format in
tests/fixtures/README.md): loading, and the checks every file must pass
before a test may rely on it."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures"
KINDS = {"webhook", "slack_request", "api_response", "api_request"}
# owner/repo@<40 hex> <path>, or a documentation URL
SOURCE = re.compile(r"^(?:[\w.-]+/[\w.-]+@[0-9a-f]{40} \S+.*|https?://\S+.*)$")


@dataclass(frozen=True)
class Payload:
    path: Path
    source: str
    changes: str
    what: str
    kind: str
    route: str
    account: str | None
    customer: bool
    shows: tuple[str, ...]
    why: str | None
    content_type: str
    body: Any

    @property
    def name(self) -> str:
        return f"{self.path.parent.name}/{self.path.stem}"


def load(path: Path) -> Payload:
    raw = json.loads(path.read_text(encoding="utf-8"))
    problems = [key for key in ("source", "changes", "what", "kind", "route", "customer", "body") if key not in raw]
    assert not problems, f"{path.name}: missing {problems}"
    assert SOURCE.match(raw["source"]), f"{path.name}: source must be owner/repo@<commit> <path> or a URL"
    assert raw["kind"] in KINDS, f"{path.name}: kind must be one of {sorted(KINDS)}"
    if raw["customer"]:
        assert raw.get("shows"), f"{path.name}: a customer payload names what the thread must show"
    else:
        assert raw.get("why"), f"{path.name}: an ignored payload says why"
    account = raw.get("account")
    return Payload(path, raw["source"], raw["changes"], raw["what"], raw["kind"], raw["route"],
                   None if account is None else str(account), bool(raw["customer"]), tuple(raw.get("shows") or ()),
                   raw.get("why"), raw.get("content_type", "application/json"), raw["body"])


def collect(platform: str, kind: str | None = None) -> list[Payload]:
    """Every payload of a platform (optionally of one kind), sorted by name."""
    found = [load(p) for p in sorted((FIXTURES / platform).glob("*.json"))]
    return [p for p in found if kind is None or p.kind == kind]
