"""What every command of the CLI shares: error rendering and output helpers.

Plain Python, no Typer: `quick` runs the lookups with these alone (Typer's options are in
`options`). `echo` writes what `typer.echo` would, byte for byte, and hands the rare text it
would change (colour codes, an ASCII-only stream) to `typer.echo` itself.
"""

from __future__ import annotations

import codecs
import io
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from civicgraph.config import Settings
from civicgraph.errors import CivicGraphError, DataError, NotFoundError, SourceError
from civicgraph.model.text import when

if TYPE_CHECKING:
    from typing import TextIO

    from civicgraph.api import CivicGraph


def resolve_settings(store: Path | None = None, data: Path | None = None) -> Settings:
    return Settings.resolve(store_dir=store, data_dir=data)


def echo(message: str, *, err: bool = False, nl: bool = True) -> None:
    """Print a line (or text, `nl=False`) on stdout or stderr, and flush, as `typer.echo`."""
    stream = sys.stderr if err else sys.stdout
    if "\x1b" in message or not _plain(stream):
        import typer  # it strips colour codes off a pipe and re-encodes an ASCII stream

        typer.echo(message, err=err, nl=nl)
        return
    stream.write(message + "\n" if nl else message)
    stream.flush()


def _plain(stream: TextIO | None) -> bool:
    """Tell whether Click would write to this stream as it is: a text stream (not on
    Windows) whose encoding is named and is not ASCII."""
    if not isinstance(stream, io.TextIOWrapper) or os.name == "nt" or not stream.encoding:
        return False
    try:
        return codecs.lookup(stream.encoding).name != "ascii"
    except LookupError:
        return True


def fail(message: str, code: int) -> NoReturn:
    echo(message, err=True)
    raise SystemExit(code)


@contextmanager
def reported_errors() -> Iterator[None]:
    """Turn civicgraph's errors into plain stderr lines and exit codes; never a traceback."""
    try:
        yield
    except DataError as exc:
        for problem in exc.problems:
            echo(str(problem), err=True)
        fail(f"build failed: {len(exc.problems)} problem(s); the previous store is untouched", 2)
    except NotFoundError as exc:
        lines = [str(exc)]
        if exc.suggestions:
            lines.append("did you mean: " + "; ".join(exc.suggestions))
        fail("\n".join(lines), exc.exit_code)
    except SourceError as exc:  # already names its file, like a build problem
        fail(str(exc), exc.exit_code)
    except CivicGraphError as exc:
        fail(f"error: {exc}", exc.exit_code)


def print_json(value: Any) -> None:
    echo(json.dumps(value, ensure_ascii=False, indent=2))


def open_graph(store: Path | None) -> CivicGraph:
    from civicgraph.api import CivicGraph

    return CivicGraph(resolve_settings(store))


def quote_lines(sources: list[dict[str, Any]], indent: str) -> list[str]:
    return [
        f"{indent}“{s['quote']}” ({s['document']}:{s['char_start']}-{s['char_end']})"
        for s in sources
    ]


def when_text(item: dict[str, Any]) -> str:
    """A relationship's dates in brackets after its line ('' when it has none)."""
    dates = when(item)
    return f" [{dates}]" if dates else ""
