"""The saved queries of `queries/`, which the explorer's consoles offer.

Saved queries live in the repository's `queries/sparql/*.rq` and `queries/cypher/*.cypher`;
the first comment lines of a file (`# ...` or `// ...`) describe it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from civicgraph.config import REPO_DIR
from civicgraph.errors import UsageError

QUERIES_DIR = REPO_DIR / "queries"
SUFFIXES = {"sparql": ".rq", "cypher": ".cypher"}
COMMENTS = {"sparql": "#", "cypher": "//"}


@dataclass(frozen=True)
class SavedQuery:
    """A query kept in `queries/`, with the description from its leading comments."""

    name: str
    language: str
    text: str
    description: str


def saved_queries(language: str, directory: Path = QUERIES_DIR) -> list[SavedQuery]:
    """Return the saved queries of a language, by file name (none when the folder is absent)."""
    if language not in SUFFIXES:
        raise UsageError(f"unknown query language {language!r} (one of {', '.join(SUFFIXES)})")
    folder = directory / language
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob(f"*{SUFFIXES[language]}")):
        text = path.read_text(encoding="utf-8")
        comments = []
        for line in text.splitlines():
            stripped = line.strip()
            if not stripped.startswith(COMMENTS[language]):
                break
            comments.append(stripped.lstrip(COMMENTS[language]).strip())
        found.append(SavedQuery(path.stem, language, text, " ".join(c for c in comments if c)))
    return found
