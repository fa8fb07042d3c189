"""The layout shows the flow, and stays that way: the core (bot/) imports
neither the service entry points, handlers nor the sandbox; adapters reach the
core only through the few shared modules listed here; no module grows past
~400 lines. Read from the source (ast), so an import inside a function counts."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "adapters", "handlers", "service", "sandbox")
# What adapters may use of the core today: the configuration reader (their
# settings still live in bot/config.py; moving them into the adapters empties this).
ADAPTER_CORE_IMPORTS = {"bot.config"}
MAX_LINES = 400


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def _modules(package: str):
    return sorted(p for p in (ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("path", _modules("bot"), ids=lambda p: p.name)
def test_the_core_imports_no_entry_point_handler_or_sandbox(path):
    if path.name == "__main__.py":
        return  # `python -m bot` is the command line's other name, by contract
    above = {name for name in _imports(path) if name.split(".")[0] in ("service", "handlers", "sandbox")}
    assert not above, f"{path.relative_to(ROOT)} imports {sorted(above)}"


@pytest.mark.parametrize("path", _modules("adapters"), ids=lambda p: p.name)
def test_adapters_use_only_the_shared_parts_of_the_core(path):
    core = {name for name in _imports(path) if name.split(".")[0] in ("bot", "service", "handlers", "sandbox")}
    assert core <= ADAPTER_CORE_IMPORTS, f"{path.relative_to(ROOT)} imports {sorted(core - ADAPTER_CORE_IMPORTS)}"


def test_no_module_is_over_400_lines():
    long = {str(p.relative_to(ROOT)): n for package in PACKAGES for p in _modules(package)
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"split these: {long}"
