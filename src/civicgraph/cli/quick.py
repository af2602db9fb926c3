"""`entity`, `search` and `path` started without Typer (issue 20).

On the chapter a lookup's own work takes a few milliseconds; importing Typer (and the Click
it carries) and making a Click command of the one it runs took longer than the rest of the
start. `read` takes a command line it understands in full (the command, its arguments, and
options it knows, each at most once, with plain values) to the values Click would give the
command's parameters; `run` then calls the code the Typer command calls (`cli.answers`).
Anything else is left to Typer, so its help and its messages stay its own: `--help`, an
unknown or repeated option, `--`, a word or value starting with `-`, a number Click might
read otherwise, an empty path, shell completion, and the options not listed here.
tests/cli/test_quick.py holds `read` equal to Click's parsing wherever `read` answers.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Kind = str | tuple[str, ...]  # FLAG, TEXT, NUMBER, PATH, or the choices of a value
FLAG, TEXT, NUMBER, PATH = "flag", "text", "number", "path"
FORMATS = ("text", "json", "md")  # `path --format`
COMMON: dict[str, tuple[str, Kind]] = {"--store": ("store", PATH), "--json": ("as_json", FLAG)}
Values = dict[str, Any]


@dataclass(frozen=True)
class Shape:
    """A command's arguments, the options `read` takes (name: parameter, kind), and the
    value Click gives every parameter not on the command line."""

    arguments: tuple[str, ...]
    options: dict[str, tuple[str, Kind]]
    defaults: Values


SHAPES = {
    "entity": Shape(("name_or_id",), COMMON, {"store": None, "as_json": False}),
    "search": Shape(
        ("text",),
        {"--type": ("type_", TEXT), "--limit": ("limit", NUMBER), **COMMON},
        {"type_": None, "limit": 20, "store": None, "as_json": False},
    ),
    "path": Shape(
        ("source", "target"),
        {
            "--k": ("k", NUMBER),
            "--max-hops": ("max_hops", NUMBER),
            "--via": ("via", TEXT),
            "--time-consistent": ("time_consistent", FLAG),
            "--confirmed-only": ("confirmed_only", FLAG),
            "--through-context": ("through_context", FLAG),
            "--format": ("fmt", FORMATS),
            **COMMON,
        },
        {
            "k": 3,
            "max_hops": 6,
            "via": None,
            "avoid": (),
            "time_consistent": False,
            "confirmed_only": False,
            "through_context": False,
            "fmt": "text",
            "output": None,
            "node_type": (),
            "relation": (),
            "status": (),
            "at": None,
            "between": None,
            "store": None,
            "as_json": False,
        },
    ),
}


def read(args: list[str]) -> tuple[str, Values] | None:
    """Return the command a command line names and the values Click would give its
    parameters, or None where it holds anything this module leaves to Typer."""
    if not args or args[0] not in SHAPES:
        return None
    shape = SHAPES[args[0]]
    values, given, arguments = dict(shape.defaults), set(), []
    words = iter(args[1:])
    for word in words:
        if not word.startswith("-"):
            arguments.append(word)
            continue
        option, equals, value = word.partition("=")
        if option not in shape.options or option in given:
            return None
        given.add(option)
        name, kind = shape.options[option]
        if kind == FLAG:
            if equals:
                return None
            values[name] = True
            continue
        taken = _value(value if equals else next(words, None), kind)
        if taken is None:
            return None
        values[name] = taken
    if len(arguments) != len(shape.arguments):
        return None
    return args[0], values | dict(zip(shape.arguments, arguments, strict=True))


def _value(word: str | None, kind: Kind) -> str | int | None:
    """An option's value as Click converts it; None where Typer should judge it (or there
    is none)."""
    if word is None or word.startswith("-"):
        return None
    if kind == NUMBER:
        return int(word) if word.isascii() and word.isdigit() else None
    if kind == PATH:
        return word or None
    if isinstance(kind, tuple):
        return word if word in kind else None
    return word


def _path(value: str | None) -> Path | None:
    return None if value is None else Path(value)


def _entity(values: Values) -> None:
    from civicgraph.cli.answers import entity

    entity(values["name_or_id"], _path(values["store"]), values["as_json"])


def _search(values: Values) -> None:
    from civicgraph.cli.answers import search

    store = _path(values["store"])
    search(values["text"], values["type_"], values["limit"], store, values["as_json"])


def _path_command(values: Values) -> None:
    from civicgraph.cli.answers import Filters, path

    path(
        values["source"],
        values["target"],
        k=values["k"],
        max_hops=values["max_hops"],
        via=values["via"],
        avoid=None,  # what Typer gives for no --avoid, as for the filters
        time_consistent=values["time_consistent"],
        confirmed_only=values["confirmed_only"],
        through_context=values["through_context"],
        filters=Filters(),
        fmt=values["fmt"],
        output=None,
        store=_path(values["store"]),
        as_json=values["as_json"],
    )


RUNS: dict[str, Callable[[Values], None]] = {
    "entity": _entity,
    "search": _search,
    "path": _path_command,
}


def run(args: list[str]) -> bool:
    """Run the command line if `read` takes it, and say whether it did."""
    if any(k.startswith("_") and k.endswith("_COMPLETE") for k in os.environ):
        return False  # a shell asking Typer for completions
    found = read(args)
    if found is None:
        return False
    name, values = found
    try:
        RUNS[name](values)
    except BrokenPipeError:  # the reader left (`| head`): as Click, quietly, with 1
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    return True
