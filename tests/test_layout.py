"""The tree tells the story: one package per stage, imports only down the pipeline, no cycles.

Every import of `src/civicgraph` counts, wherever it stands: at the top of a module, inside
a function, or under `if TYPE_CHECKING:` (a type-only import is still a dependency a reader
has to follow).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE_DIR = Path(__file__).resolve().parents[1] / "src" / "civicgraph"

# Data flows model -> build -> store -> graph -> serve -> api -> the faces (cli, explorer).
# A module may import its own package and any package of a lower rank; config and errors
# sit below everything and import nothing of civicgraph.
RANKS = {
    "config": -1,
    "errors": -1,
    "model": 0,
    "build": 1,
    "store": 2,
    "graph": 3,
    "serve": 4,
    "api": 5,
    "cli": 6,
    "explorer": 6,
}
TOP_LEVEL_MODULES = {"__init__", "__main__", "api", "config", "errors"}
MAX_LINES = 450


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, root: Path, modules: set[str]) -> set[str]:
    """Return the civicgraph modules a file imports, anywhere in it."""
    found: set[str] = set()
    package = module_name(path, root)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against this file's package
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            # `from a.b import c` imports module a.b.c where c is a module, else a.b
            names = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                for alias in node.names
            ]
        else:
            continue
        found.update(name for name in names if name in modules)
    return found


def import_graph(root: Path) -> dict[str, set[str]]:
    files = {module_name(path, root): path for path in sorted(root.rglob("*.py"))}
    modules = set(files)
    return {name: imports_of(path, root, modules) - {name} for name, path in files.items()}


def stage(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    """Name every import that goes from a lower stage to a higher one, or sideways."""
    wrong = []
    for module, imported in sorted(graph.items()):
        for target in sorted(imported):
            here, there = stage(module), stage(target)
            if there == "__init__" or here == there:
                continue
            if here == "__init__" or RANKS[there] >= RANKS[here]:
                wrong.append(f"{module} imports {target} ({here} may not use {there})")
    return wrong


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Return the strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return import_graph(PACKAGE_DIR)


def test_no_import_cycles(graph: dict[str, set[str]]) -> None:
    assert cycles(graph) == []


def test_imports_run_down_the_pipeline(graph: dict[str, set[str]]) -> None:
    assert upward_imports(graph) == []


def test_every_stage_is_a_package_and_the_top_level_is_the_facade() -> None:
    top = {p.stem for p in PACKAGE_DIR.glob("*.py")}
    assert top <= TOP_LEVEL_MODULES
    packages = {p.name for p in PACKAGE_DIR.iterdir() if (p / "__init__.py").is_file()}
    assert packages == {name for name in RANKS if name not in TOP_LEVEL_MODULES}


def test_each_package_says_what_it_does_and_runs_nothing_on_import() -> None:
    for init in sorted(PACKAGE_DIR.rglob("__init__.py")):
        tree = ast.parse(init.read_text(encoding="utf-8"))
        where = init.relative_to(PACKAGE_DIR)
        assert ast.get_docstring(tree), f"{where} has no docstring"
        if init.parent != PACKAGE_DIR:
            assert len(tree.body) == 1, f"{where} holds more than its docstring"


def test_no_module_is_too_long_to_read() -> None:
    long = {
        str(path.relative_to(PACKAGE_DIR)): lines
        for path in PACKAGE_DIR.rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_the_checks_catch_a_cycle_and_an_upward_import(tmp_path: Path) -> None:
    root = tmp_path / "civicgraph"
    for package in ("model", "graph", "store"):
        (root / package).mkdir(parents=True)
        (root / package / "__init__.py").write_text('"""A stage."""\n')
    (root / "__init__.py").write_text('"""Top."""\n')
    (root / "model" / "a.py").write_text("from civicgraph.model import b\n")
    type_only = "if TYPE_CHECKING:\n    from civicgraph.model.a import x\n"
    (root / "model" / "b.py").write_text(type_only)
    (root / "store" / "c.py").write_text("def f():\n    from ..graph.d import y\n")
    (root / "graph" / "d.py").write_text("from civicgraph.store.c import f\n")
    found = import_graph(root)
    assert cycles(found) == [
        ["civicgraph.graph.d", "civicgraph.store.c"],
        ["civicgraph.model.a", "civicgraph.model.b"],
    ]
    assert upward_imports(found) == [
        "civicgraph.store.c imports civicgraph.graph.d (store may not use graph)"
    ]
