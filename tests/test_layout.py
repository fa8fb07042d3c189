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
# What adapters may use of the core: the environment reader, a leaf.
ADAPTER_CORE_IMPORTS = {"bot.env"}
# The core's rooms, lowest first: a module may import its own room and the rooms
# below it, never one above (outbound may use inbound's refresh_root; inbound
# never reaches into outbound). bot's top-level modules (config, deps, env,
# redaction) are shared by all; env imports no other part of the core.
ROOMS = ("store", "rules", "slack", "inbound", "outbound", "desk")
MAX_LINES = 400


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            # `from bot.outbound import held` imports the module bot.outbound.held
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _modules(package: str):
    return sorted(p for p in (ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("path", _modules("bot"), ids=lambda p: p.name)
def test_the_core_imports_no_entry_point_handler_or_sandbox(path):
    if path.name == "__main__.py":
        return  # `python -m bot` is the command line's other name, by contract
    above = {name for name in _imports(path) if name.split(".")[0] in ("service", "handlers", "sandbox")}
    assert not above, f"{path.relative_to(ROOT)} imports {sorted(above)}"


def _room(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 and parts[0] == "bot" and parts[1] in ROOMS else None


@pytest.mark.parametrize("path", [p for p in _modules("bot") if p.parent.name in ROOMS],
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_each_room_of_the_core_imports_only_its_own_and_the_rooms_below(path):
    mine = ROOMS.index(path.parent.name)
    above = sorted(name for name in _imports(path) if (room := _room(name)) and ROOMS.index(room) > mine)
    assert not above, f"{path.relative_to(ROOT)} ({path.parent.name}) imports {above}, from a room above it"


def test_the_environment_reader_is_a_leaf():
    core = {name for name in _imports(ROOT / "bot" / "env.py") if name.split(".")[0] in PACKAGES}
    assert not core, f"bot/env.py imports {sorted(core)}"


def test_no_import_cycle_between_files():
    """Follows every import between this project's modules (packages resolved
    to their modules); a cycle would mean two rooms that cannot be told apart."""
    modules = {".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): p
               for package in PACKAGES for p in _modules(package)}
    graph = {name: {i for i in _imports(path) if i in modules and i != name} for name, path in modules.items()}
    done, on_path = set(), []

    def visit(name):
        if name in on_path:
            raise AssertionError("import cycle: " + " → ".join(on_path[on_path.index(name):] + [name]))
        if name in done:
            return
        on_path.append(name)
        for other in sorted(graph[name]):
            visit(other)
        on_path.pop()
        done.add(name)

    for name in sorted(graph):
        visit(name)


@pytest.mark.parametrize("path", _modules("adapters"), ids=lambda p: p.name)
def test_adapters_use_only_the_shared_parts_of_the_core(path):
    core = {name for name in _imports(path) if name.split(".")[0] in ("bot", "service", "handlers", "sandbox")}
    beyond = {name for name in core if not any(name == ok or name.startswith(ok + ".") for ok in ADAPTER_CORE_IMPORTS)}
    assert not beyond, f"{path.relative_to(ROOT)} imports {sorted(beyond)}"


def test_no_module_is_over_400_lines():
    long = {str(p.relative_to(ROOT)): n for package in PACKAGES for p in _modules(package)
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"split these: {long}"
