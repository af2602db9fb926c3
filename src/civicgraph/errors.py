"""The one exception hierarchy of civicgraph.

Library code raises these; only the CLI and the explorer turn them into text and exit codes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, located at a file and line."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class CivicGraphError(Exception):
    """Base of every error civicgraph raises on purpose."""

    exit_code = 2


class DataError(CivicGraphError):
    """The curated data is wrong; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))


class StoreError(CivicGraphError):
    """The store is missing, locked or unreadable."""


class QueryError(CivicGraphError):
    """A SPARQL or Cypher query could not be parsed or run."""


class NotFoundError(CivicGraphError):
    """Nothing matched: an unknown entity, or no path between two entities."""

    exit_code = 1

    def __init__(self, message: str, suggestions: list[str] | None = None) -> None:
        self.suggestions = suggestions or []
        super().__init__(message)


class SourceError(CivicGraphError):
    """A document cannot be added as a source: missing, unreadable, empty, or already there."""

    def __init__(self, file: str, message: str, line: int | None = None) -> None:
        self.file, self.line, self.message = file, line, message
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {message}")


class UsageError(CivicGraphError):
    """Arguments that cannot work together, or a feature not available yet."""


def relative_to_cwd(path: Path) -> str:
    """Name a file the way errors do: relative to the working directory where possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def clipped(value: object, width: int = 70) -> str:
    """Show a value in a message as Python writes it, a long one cut to about `width`."""
    if isinstance(value, str):
        return repr(value if len(value) <= width else value[: width - 1] + "…")
    text = repr(value)
    return text if len(text) <= width else text[: width - 1] + "…"
