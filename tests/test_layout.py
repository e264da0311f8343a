"""The layout shows the run: no import cycles between planparse modules (imports inside
functions count; those under ``if TYPE_CHECKING`` do not), and the stages never import the
pipeline that runs them."""

from __future__ import annotations

import ast
from pathlib import Path

import planparse

PACKAGE = Path(planparse.__file__).parent
STAGES = ("planparse.parse", "planparse.classify", "planparse.reuse", "planparse.themes",
          "planparse.diff", "planparse.plot", "planparse.io", "planparse.integrations")


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(child) for child in ast.walk(node))
    return skipped


def _imported(name: str, path: Path) -> set[str]:
    """The planparse modules ``name`` imports anywhere in its code.  ``from X import Y``
    names the module X.Y when there is one, else X; a parent package that Python
    initialises on the way is not counted (every re-exporting __init__ would be a cycle)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = _type_checking_nodes(tree)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(up + ([node.module] if node.module else []))
            subs = {f"{base}.{a.name}" for a in node.names} & set(MODULES)
            targets.update(subs or {base})
    return {_owner(t) for t in targets if _owner(t) and _owner(t) != name}


def _owner(target: str) -> str:
    while target and target not in MODULES:
        target = target.rpartition(".")[0]
    return target


GRAPH = {name: _imported(name, path) for name, path in MODULES.items()}


def _cycle_from(start: str) -> list[str] | None:
    stack, seen = [(start, [start])], set()
    while stack:
        node, trail = stack.pop()
        for nxt in sorted(GRAPH[node]):
            if nxt == start:
                return trail + [start]
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, trail + [nxt]))
    return None


def test_no_module_imports_itself_through_others():
    cycles = [c for c in map(_cycle_from, sorted(GRAPH)) if c]
    assert not cycles, " → ".join(cycles[0])


def test_the_checker_finds_a_cycle_when_there_is_one():
    GRAPH["planparse.io.read"].add("planparse.pipeline.run")
    try:
        assert _cycle_from("planparse.io.read") is not None
    finally:
        GRAPH["planparse.io.read"].discard("planparse.pipeline.run")


def test_stages_never_import_the_pipeline():
    offenders = {
        name: sorted(t for t in targets if t.startswith("planparse.pipeline"))
        for name, targets in GRAPH.items()
        if name.startswith(STAGES)
    }
    assert not {k: v for k, v in offenders.items() if v}


def test_the_pipeline_is_the_only_caller_of_its_modules():
    callers = {n for n, t in GRAPH.items() if any(x.startswith("planparse.pipeline") for x in t)}
    assert callers <= {n for n in GRAPH if n.startswith(("planparse.pipeline", "planparse.cli"))}


def test_every_package_ships_in_the_wheel():
    """A package missing from pyproject's list installs without it (``pip install .`` then
    fails on import), while an editable install hides the loss."""
    import tomllib

    from conftest import ROOT

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    packages = {
        ".".join(path.parent.relative_to(PACKAGE.parent).parts)
        for path in PACKAGE.rglob("__init__.py")
    }
    assert packages <= listed, sorted(packages - listed)
