"""The floors of docs/architecture.md hold: an app imports only apps on lower
floors, never one above it, and two apps on one floor never import each other.
Read from the source (every import statement, at module level or inside a
function), so a lazy import inside a function cannot hide an upward one."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

# docs/architecture.md, "Floors: which app may import which".
FLOORS = {
    "core": 0,
    "organisation": 1,
    "supervision": 2,
    "enterprises": 3,
    "parks": 4,
    "enforcement": 4,
    "monitoring": 4,
    "meetings": 4,
    "workers": 4,
    "remediation": 4,
    "stability": 4,
    "portal": 4,
    "leases": 4,
    "dashboard": 5,
    "reporting": 5,
}
ROOT = Path(__file__).resolve().parents[2]


def _imports() -> dict[tuple[str, str], set[str]]:
    edges: dict[tuple[str, str], set[str]] = defaultdict(set)
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT)
        app = relative.parts[0]
        if app not in FLOORS or "tests" in relative.parts or "migrations" in relative.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                modules = [node.module]
            elif isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            else:
                continue
            for module in modules:
                parts = module.split(".")
                if parts[0] == "relocation" and len(parts) > 1 and parts[1] in FLOORS and parts[1] != app:
                    edges[(app, parts[1])].add(f"{relative}:{node.lineno}")
    return edges


def test_every_app_has_a_floor():
    apps = {p.name for p in ROOT.iterdir() if (p / "apps.py").exists()}
    assert apps == set(FLOORS), "give the new app a floor here and in docs/architecture.md"


def test_no_app_imports_an_app_above_it():
    upward = {
        f"{a} (floor {FLOORS[a]}) → {b} (floor {FLOORS[b]}): {sorted(where)}"
        for (a, b), where in _imports().items()
        if FLOORS[b] > FLOORS[a]
    }
    assert not upward, "\n".join(sorted(upward))


def test_no_two_apps_on_a_floor_import_each_other():
    edges = _imports()
    mutual = {
        f"{a} ↔ {b}: {sorted(edges[(a, b)])} / {sorted(edges[(b, a)])}"
        for (a, b) in edges
        if (b, a) in edges and a < b and FLOORS[a] == FLOORS[b]
    }
    assert not mutual, "\n".join(sorted(mutual))


def test_the_contract_sees_a_lazy_upward_import(tmp_path, monkeypatch):
    """The check itself can fail: an import inside a function counts."""
    fake = tmp_path / "organisation"
    fake.mkdir()
    (fake / "rules.py").write_text("def f():\n    from relocation.dashboard import figures\n", encoding="utf-8")
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", tmp_path)
    assert ("organisation", "dashboard") in _imports()
