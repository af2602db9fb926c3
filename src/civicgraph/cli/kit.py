"""What every command of the CLI shares: common options, error rendering, output helpers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from civicgraph.config import Settings
from civicgraph.errors import CivicGraphError, DataError, NotFoundError, SourceError
from civicgraph.model.text import when

if TYPE_CHECKING:
    from civicgraph.api import CivicGraph

StoreOpt = Annotated[
    Path | None,
    typer.Option(
        "--store",
        help="Store directory [default: $CIVICGRAPH_STORE or .civicgraph/].",
        show_default=False,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON (the contract's shape).")]


def resolve_settings(store: Path | None = None, data: Path | None = None) -> Settings:
    return Settings.resolve(store_dir=store, data_dir=data)


def fail(message: str, code: int) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(code)


@contextmanager
def reported_errors() -> Iterator[None]:
    """Turn civicgraph's errors into plain stderr lines and exit codes; never a traceback."""
    try:
        yield
    except DataError as exc:
        for problem in exc.problems:
            typer.echo(str(problem), err=True)
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
    typer.echo(json.dumps(value, ensure_ascii=False, indent=2))


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
