"""Every bad input is one `FILE:LINE: message` per problem, exit 2, never a traceback, and the
store built before it keeps answering, unchanged.

Each case edits a copy of the mini dataset the way a hurried curator might.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from civicgraph.api import CivicGraph
from civicgraph.cli.app import app
from civicgraph.config import Settings
from civicgraph.store.builds import current_build

PEOPLE = Path("data/entities/people.yaml")
THINGS = Path("data/entities/things.yaml")
LINKS = Path("data/relationships/links.yaml")
THEFTS = Path("data/observations/thefts.yaml")
SOURCE_META = Path("data/sources/mini.yaml")
ANA_QUOTE = '    - "Ana Ruiz founded the Clean Streets Network"'


def replace(path: Path, old: str, new: str) -> Callable[[], None]:
    def edit() -> None:
        text = path.read_text(encoding="utf-8")
        assert old in text, f"the fixture changed: {old!r} is not in {path}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return edit


def cited_with(field: str) -> Callable[[], None]:
    quote = '    - quote: "Ana Ruiz founded the Clean Streets Network"'
    return replace(PEOPLE, ANA_QUOTE, f"{quote}\n      {field}")


def raw_edit(path: Path, change: Callable[[bytes], bytes]) -> Callable[[], None]:
    def edit() -> None:
        path.write_bytes(change(path.read_bytes()))

    return edit


def nul_on_line_9(data: bytes) -> bytes:
    lines = data.split(b"\n")
    lines[8] += b"\x00"
    return b"\n".join(lines)


CASES = {
    "occurrence not a number": (
        cited_with('occurrence: "one"'),
        "data/entities/people.yaml:8: citation `occurrence` must be a whole number",
    ),
    "start not a number": (
        cited_with('start: "abc"'),
        "data/entities/people.yaml:8: citation `start` must be an offset",
    ),
    "start negative": (
        cited_with("start: -30"),
        "data/entities/people.yaml:8: citation `start` must be an offset",
    ),
    "source year in words": (
        replace(SOURCE_META, "year: 2020", "year: twenty-fourteen"),
        "data/sources/mini.yaml:4: year must be a whole number",
    ),
    "invalid UTF-8 in a data file": (
        raw_edit(PEOPLE, lambda b: b.replace(b"Founder", b"Found\xff")),
        "data/entities/people.yaml:6: not valid UTF-8 (byte 0xff)",
    ),
    "invalid UTF-8 in a source text": (
        raw_edit(Path("data/sources/mini.txt"), lambda b: b + b"\xff"),
        "data/sources/mini.yaml:6: sha256",
    ),
    "a date that does not exist": (
        replace(LINKS, 'start: "2010"', "start: 2006-02-30"),
        "data/relationships/links.yaml:4: value '2006-02-30' cannot be read",
    ),
    "a 5,000-digit value": (
        replace(THEFTS, "value: 1204", "value: " + "9" * 5000),
        "data/observations/thefts.yaml:4: value '9999",
    ),
    "value .nan": (
        replace(THEFTS, "value: 1204", "value: .nan"),
        "data/observations/thefts.yaml:4: value nan is not a number",
    ),
    "value .inf": (
        replace(THEFTS, "value: 1204", "value: .inf"),
        "data/observations/thefts.yaml:4: value inf is not a number",
    ),
    "a key twice in one record": (
        replace(PEOPLE, "  label: Ana Ruiz\n", "  label: Ana Ruiz\n  label: Ana Other\n"),
        "data/entities/people.yaml:5: key 'label' is given twice in one record",
    ),
    "a YAML typo": (
        replace(PEOPLE, "  label: Ana Ruiz\n", "  label: [Ana Ruiz\n"),
        "data/entities/people.yaml:5: malformed YAML",
    ),
    "a directory named like a data file": (
        lambda: Path("data/entities/more.yaml").mkdir(),
        "data/entities/more.yaml:1: cannot read the file: Is a directory",
    ),
    "a NUL byte": (
        raw_edit(THINGS, nul_on_line_9),
        "data/entities/things.yaml:9: malformed YAML: character U+0000 is not allowed",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_one_line_per_problem_and_the_old_store_answers(
    case: str, workdir: Path, mini_store: Path
) -> None:
    edit, expected = CASES[case]
    runner = CliRunner()
    settings = Settings.resolve(env={})
    shutil.copytree(mini_store, settings.store_dir, symlinks=True)  # built from this data
    before = current_build(settings.store_dir)
    edit()
    result = runner.invoke(app, ["build"])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = [line for line in result.stderr.splitlines() if not line.startswith("…")]
    assert "Traceback" not in result.stderr
    assert any(line.startswith(expected) for line in lines), lines
    assert lines[-1].startswith("build failed:") and "untouched" in lines[-1]
    # one problem, not a cascade of references to the records the broken file held
    if case in ("a YAML typo", "a NUL byte", "invalid UTF-8 in a data file"):
        assert lines[-1].startswith("build failed: 1 problem(s)"), lines
    assert current_build(settings.store_dir) == before
    assert CivicGraph(settings).entity("ana-ruiz")["label"] == "Ana Ruiz"
