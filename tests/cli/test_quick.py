"""`cli.quick` runs `entity`, `search` and `path` without Typer, and answers as Typer does:
it reads a command line to the values Click parses from it (or leaves it to Typer), and a
start it runs prints what the Typer command prints, with the same exit code."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
import typer
import typer.main
from hypothesis import given, settings
from hypothesis import strategies as st

from civicgraph.cli import kit, quick
from civicgraph.cli.app import main
from civicgraph.cli.commands import app

WHOLE = typer.main.get_group(app)
# words a command line of each command may hold: its options (known and not), values that
# are plain, empty, numbers, negative, option-like, and some `=` forms
VALUES = ["x", "", "3", "0", "-1", "07", "1_0", "²", "json", "md", "JSON", "--json", "-", "a=b"]
WORDS = {
    name: sorted(
        {*shape.options, *(f"{o}={v}" for o in shape.options for v in VALUES[:6])}
        | {"--help", "--", "-o", "--avoid", "--node-type", "--no-json", "--store", *VALUES}
    )
    for name, shape in quick.SHAPES.items()
}


def click_values(args: list[str]) -> dict[str, object] | None:
    """The values Click gives the command's parameters, or None where it refuses the line."""
    command = WHOLE.commands[args[0]]
    try:
        return dict(command.make_context("civicgraph", args[1:]).params)
    except typer.Exit:  # --help
        return None
    except Exception as exc:  # a usage error
        assert type(exc).__name__.endswith(("UsageError", "BadParameter", "NoSuchOption")), exc
        return None


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from(sorted(quick.SHAPES)).flatmap(
        lambda name: st.lists(st.sampled_from(WORDS[name]), max_size=6).map(lambda w: [name, *w])
    )
)
def test_what_quick_reads_is_what_click_parses(args: list[str]) -> None:
    read = quick.read(args)
    if read is not None:
        assert read == (args[0], click_values(args))


@pytest.mark.parametrize(
    "args",
    [
        ["entity", "javier-sicilia", "--json"],
        ["entity", "--store=s", "Javier Sicilia"],
        ["search", "sicilia", "--type", "Person", "--limit=3", "--json"],
        ["search", ""],
        ["path", "a", "b", "--k", "1", "--max-hops", "3", "--format", "md", "--through-context"],
        ["path", "a", "b", "--via=Movement", "--time-consistent", "--confirmed-only", "--json"],
    ],
)
def test_quick_reads_the_plain_command_lines(args: list[str]) -> None:
    assert quick.read(args) == (args[0], click_values(args))


@pytest.mark.parametrize(
    "args",
    [
        ["entity", "x", "--help"],
        ["entity", "x", "--json", "--json"],
        ["entity", "--", "x"],
        ["entity", "x", "--store", ""],
        ["search", "x", "--limit", "-1"],
        ["search", "x", "--limit", "1_0"],
        ["search", "x", "--type", "--json"],
        ["path", "a", "b", "--avoid", "c"],
        ["path", "a", "b", "--format", "JSON"],
        ["path", "a"],
        ["stats"],
    ],
)
def test_quick_leaves_the_rest_to_typer(args: list[str]) -> None:
    assert quick.read(args) is None


LINES = [
    ["entity", "javier-sicilia", "--json"],
    ["entity", "Javier Sicilia"],
    ["entity", "sicilia"],  # a name that is not one: suggestions, exit 1
    ["search", "sicilia", "--json"],
    ["search", "paz", "--type", "Movement"],
    ["search", "paz", "--type", "Nope"],  # exit 2
    ["search", "zzzzqqq"],  # nothing: exit 1
    ["path", "javier-sicilia", "judicial-reform", "--json"],
    ["path", "javier-sicilia", "usaid", "--format", "md", "--k", "2"],
    ["path", "javier-sicilia", "usaid", "--max-hops", "1"],  # no path: exit 1
    ["path", "javier-sicilia", "javier-sicilia"],  # exit 2
]


@pytest.mark.parametrize("args", LINES, ids=[" ".join(a) for a in LINES])
def test_a_quick_start_answers_as_typer(
    chapter_store: Path,
    args: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    line = [*args, "--store", str(chapter_store)]
    assert quick.read(line) is not None
    answers = []
    for start in (main, WHOLE):
        monkeypatch.setattr(sys, "argv", ["civicgraph", *line])
        code = 0
        try:
            start()
        except SystemExit as exc:
            code = exc.code or 0
        answers.append((code, capsys.readouterr()))
    assert answers[0] == answers[1]


@pytest.mark.parametrize("text", ["plain", "ñandú “quoted” —", "\x1b[31mred\x1b[0m", ""])
@pytest.mark.parametrize("encoding", ["utf-8", "ascii"])
@pytest.mark.parametrize("nl", [True, False])
def test_echo_writes_what_typer_echo_writes(
    text: str, encoding: str, nl: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    written = []
    for echo in (kit.echo, typer.echo):
        stream = io.TextIOWrapper(io.BytesIO(), encoding=encoding, errors="replace")
        monkeypatch.setattr(sys, "stdout", stream)
        echo(text, nl=nl)
        written.append(stream.buffer.getvalue())  # type: ignore[attr-defined]
    assert written[0] == written[1]
