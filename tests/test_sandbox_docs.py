"""What a new user reads agrees with the code: the page's routes in
docs/sandbox.md, every variable of docs/configuration.md in .env.example, the
links between the docs, one figure for the optional model, the Slack app
manifest's description and usage hint, and .gitignore for a second sandbox's
folder. Each was wrong once, found in a new user's hour with `make demo`."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml

from sandbox.page import create_page
from sandbox.runner import review_sites

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def _read(path: str) -> str:
    return (ROOT / path).read_text(encoding="utf-8")


def test_the_sandbox_docs_list_every_route_of_the_page_and_no_other(slack_state, x_state, graph_state,
                                                                     bluesky_state, threads_state):
    page = create_page(slack_state, x_state, graph=graph_state, reviews=review_sites("http://127.0.0.1:9"),
                       bluesky=bluesky_state, threads=threads_state)
    served = set()
    for rule in page.url_map.iter_rules():
        if rule.endpoint == "static" or rule.rule.endswith((".js", ".json")):
            continue  # the page's own files, named beside GET /
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            for path in (["/modal/edit", "/modal/submit", "/modal/close"] if "<what>" in rule.rule else [rule.rule]):
                served.add((method, path))
    table = _read("docs/sandbox.md").split("**The page's own routes.**")[1].split("\n\n")[1]
    listed = set()
    for row in table.splitlines()[2:]:
        first = row.split("|")[1]
        method = first.split()[0].strip("`")
        listed |= {(method, path) for path in re.findall(r"/[\w/.{}-]*", first)}
    # "/review/edit" is written "/review/edit" or as "`/review/edit`" after the first: both forms are paths.
    assert listed == served, f"docs only: {sorted(listed - served)}; code only: {sorted(served - listed)}"


def test_env_example_names_every_variable_of_the_configuration_docs():
    documented, families = set(), set()
    for row in _read("docs/configuration.md").splitlines():
        if row.startswith("| `"):
            documented |= set(re.findall(r"`([A-Z][A-Z0-9_]+)`", row.split("|")[1]))
            families |= set(re.findall(r"`([A-Z][A-Z0-9_]+_)<PLATFORM>`", row.split("|")[1]))  # SLA_…_<PLATFORM>
    example = {name for name in re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", _read(".env.example"), re.MULTILINE)
               if not name.startswith(tuple(families)) or name in documented}
    assert len(documented) > 80
    assert documented - example == set(), "missing from .env.example"
    assert example - documented == set(), "in .env.example but not in docs/configuration.md"


def _anchors(markdown: str) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces as dashes."""
    return {re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
            for heading in re.findall(r"^#+ (.+)$", markdown, re.MULTILINE)}


@pytest.mark.parametrize("doc", sorted(DOCS.glob("*.md")) + [ROOT / "README.md"], ids=lambda p: p.name)
def test_every_link_to_a_heading_finds_it(doc):
    broken = []
    for target in re.findall(r"\]\(([^)\s]*#[^)\s]*)\)", doc.read_text(encoding="utf-8")):
        file, anchor = target.split("#", 1)
        linked = (doc.parent / file) if file else doc
        if not linked.exists() or anchor not in _anchors(linked.read_text(encoding="utf-8")):
            broken.append(target)
    assert broken == []


def test_the_optional_model_costs_one_figure_everywhere():
    # The model's row as measured now ("rules + model, now"; once "word rules + embedding model").
    measured = re.search(r"\| (?:word )?rules \+ (?:embedding )?model(?:, now)? \|[^|]*\| \+(\d+) MiB",
                         _read("docs/benchmarks.md"))
    quoted = re.findall(r"\+(\d+) MiB", _read("docs/workflow.md") + _read("docs/deploy.md"))
    assert measured and quoted and set(quoted) == {measured.group(1)}


def test_deploy_quotes_no_migration_number_that_goes_stale():
    assert not re.search(r"revision \d{4}", _read("docs/deploy.md"))


def test_the_manifest_names_every_platform_and_every_social_command():
    manifest = yaml.safe_load(_read("slack-manifest.yml"))
    description = manifest["display_information"]["description"]
    assert len(description) <= 140  # Slack's limit for an app's short description
    for platform in ("X", "Facebook", "Instagram", "Threads", "Bluesky", "Trustpilot", "Google", "Yelp"):
        assert re.search(rf"\b{platform}\b", description), platform
    [social] = manifest["features"]["slash_commands"]
    words = {part.split()[0] for part in social["usage_hint"].split(" | ")}
    handled = set(re.findall(r'command (?:==|in) \(?"(\w+)"', _read("handlers/slack_commands.py")))
    handled |= set(re.findall(r'"(\w+)"', " ".join(re.findall(r"command in \(([^)]*)\)",
                                                            _read("handlers/slack_commands.py")))))
    assert handled - {"?"} <= words, f"the usage hint omits {sorted(handled - words)}"
    assert "queue [label:NAME]" in social["usage_hint"]


def test_a_second_sandboxs_folder_is_ignored_by_git():
    for folder in ("sandbox-data/sandbox.env", "sandbox-data-8100/sandbox.env"):  # not *.db: that is ignored anyway
        done = subprocess.run(["git", "check-ignore", "-q", "--no-index", folder], cwd=ROOT, timeout=30)
        assert done.returncode == 0, folder
