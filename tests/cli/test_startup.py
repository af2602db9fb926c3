"""A command imports and builds only what it uses (issue 20): on the chapter, where start-up is
nearly all of a lookup's time, `entity` and `search` load none of the heavy libraries (search
only rapidfuzz, its fuzzy match) and `path` only numpy (the kept graph's arrays: its search
runs on plain dicts, `graph.paths.Plain`, not networkx); none of the three loads Typer
(`cli.quick` runs them), nor does importing the command line. Each command runs whole in a
fresh interpreter, as a user runs it, and reports the modules it ended with; no timing is
asserted, so the test cannot be flaky, only fail when an import moves back to where every
command pays for it. A start that Typer runs makes a Click command of the command it runs
only (`cli.commands.selected`); it answers as the whole app does."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer.main

from civicgraph.cli.app import main
from civicgraph.cli.commands import app

# Each costs tens to hundreds of milliseconds to import (more where bytecode is not cached);
# pydantic came with typer 0.28's argument coercion (pyproject keeps typer below it); typer
# carries click (its own copy, or the package).
HEAVY = {
    "networkx",
    "rdflib",
    "yaml",
    "pydantic",
    "scipy",
    "numpy",
    "igraph",
    "pyshacl",
    "typer",
    "click",
    "rapidfuzz",
}

CHILD = """
import json, sys
from civicgraph.cli.app import main
args, report = json.loads(sys.argv[1]), sys.argv[2]
sys.argv = ["civicgraph", *args]
code = 0
try:
    main()
except SystemExit as exc:
    code = exc.code
with open(report, "w") as out:
    json.dump({"code": code, "modules": sorted({m.split(".")[0] for m in sys.modules})}, out)
"""


def run_whole(args: list[str], tmp_path: Path) -> tuple[dict[str, Any], str]:
    report = tmp_path / "report.json"
    done = subprocess.run(
        [sys.executable, "-c", CHILD, json.dumps(args), str(report)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert report.exists(), done.stderr
    return json.loads(report.read_text()), done.stdout


@pytest.mark.parametrize(
    ("args", "allowed"),
    [
        (["entity", "javier-sicilia", "--json"], set()),
        (["search", "Javier Sicilia", "--json"], {"rapidfuzz"}),
        (["path", "javier-sicilia", "usaid", "--k", "3", "--json"], {"numpy"}),
    ],
    ids=["entity", "search", "path"],
)
def test_a_lookup_imports_no_heavy_library_it_does_not_use(
    chapter_store: Path, tmp_path: Path, args: list[str], allowed: set[str]
) -> None:
    report, out = run_whole([*args, "--store", str(chapter_store)], tmp_path)
    assert report["code"] == 0
    assert json.loads(out)  # the command did its work: an import skipped by failing proves nothing
    modules = set(report["modules"])
    assert modules & HEAVY <= allowed, sorted(modules & HEAVY - allowed)
    if allowed:
        assert allowed <= modules  # what it may load it does: the test sees the real work


def test_importing_the_command_line_loads_no_heavy_library() -> None:
    names = sorted(HEAVY)
    code = f"import sys, civicgraph.cli.app; print([m for m in {names!r} if m in sys.modules])"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


WHOLE = typer.main.get_group(app)
# a wrong option is refused before the command runs, except by one that passes unknown
# options on (`explore` hands them to Streamlit, which it then becomes)
PROBES = [(name, ["--help"], 0) for name in WHOLE.commands] + [
    (name, ["--no-such-option"], 2)
    for name, command in WHOLE.commands.items()
    if not command.context_settings.get("ignore_unknown_options")
]


@pytest.mark.parametrize(("name", "rest", "code"), PROBES)
def test_a_start_with_one_command_answers_as_the_whole_app(
    name: str,
    rest: list[str],
    code: int,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    answers = []
    for start in (main, WHOLE):
        monkeypatch.setattr(sys, "argv", ["civicgraph", name, *rest])
        with pytest.raises(SystemExit) as exited:
            start()
        answers.append((exited.value.code, capsys.readouterr()))
    assert answers[0] == answers[1]
    assert answers[0][0] == code
