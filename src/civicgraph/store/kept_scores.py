"""Scores that depend on no option, kept beside a build as SQLite, read in ranked order.

`centrality --metric pagerank --top 10` on the whole graph needs ten rows, not the graph:
with the scores kept (the graph stage computes them once per build, see
`graph.scores`), the command reads the first rows of an index ordered as the ranking is
(score descending, then label folded, then id) and stops when it has enough of the types
asked for. The file is keyed by a digest the caller gives (of the code and model that made
the scores), so changed code computes new ones.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from civicgraph.store.kept_names import open_read_only, write_sqlite

SCHEMA = """
CREATE TABLE score (metric TEXT NOT NULL, layer TEXT NOT NULL, slug TEXT NOT NULL,
                    label TEXT NOT NULL, folded TEXT NOT NULL, types TEXT NOT NULL,
                    score REAL NOT NULL);
"""


def scores_db(build_dir: Path, digest: str) -> Path:
    """Name the kept scores' file for this build and the code that computed them."""
    return build_dir / f"scores-{digest}.sqlite"


def write_scores(path: Path, rows: list[tuple[str, str, str, str, list[str], float]]) -> None:
    """Keep rows (metric, layer, slug, label, types, score) atomically; where the build is
    read-only, keep nothing."""

    encoded: dict[tuple[str, ...], str] = {}  # a few type lists for every row

    def typed(types: list[str]) -> str:
        key = tuple(types)
        if key not in encoded:
            encoded[key] = json.dumps(types)
        return encoded[key]

    def fill(db: sqlite3.Connection) -> None:
        db.executemany(
            "INSERT INTO score VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                (metric, layer, slug, label, label.casefold(), typed(types), score)
                for metric, layer, slug, label, types, score in rows
            ),
        )
        db.execute("CREATE INDEX ranked ON score (metric, layer, score DESC, folded, slug)")

    write_sqlite(path, SCHEMA, fill)


def kept_metrics(path: Path) -> set[tuple[str, str]] | None:
    """Return the (metric, layer) pairs a kept file holds; None when there is none."""
    if not path.is_file():
        return None
    try:
        with _opened(path) as db:
            return {(m, lay) for m, lay in db.execute("SELECT DISTINCT metric, layer FROM score")}
    except sqlite3.Error:
        return None


def ranked(path: Path, metric: str, layer: str) -> Iterator[dict[str, Any]]:
    """Yield a metric's rows on a layer in ranking order, read as they are asked for."""
    with _opened(path) as db:
        rows = db.execute(
            "SELECT slug, label, types, score FROM score WHERE metric = ? AND layer = ? "
            "ORDER BY score DESC, folded, slug",
            (metric, layer),
        )
        for slug, label, types, score in rows:
            yield {"id": slug, "label": label, "types": json.loads(types), "score": score}


def scores_of(path: Path, metric: str, layer: str, slugs: list[str]) -> dict[str, float]:
    """Return the kept scores of these entities (those the layer holds)."""
    found: dict[str, float] = {}
    with _opened(path) as db:
        for start in range(0, len(slugs), 500):  # SQLite binds at least 999 parameters
            chunk = slugs[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(
                db.execute(
                    "SELECT slug, score FROM score WHERE metric = ? AND layer = ? "
                    f"AND slug IN ({marks})",
                    (metric, layer, *chunk),
                )
            )
    return found


class _opened:
    def __init__(self, path: Path) -> None:
        self.db = open_read_only(path)

    def __enter__(self) -> sqlite3.Connection:
        return self.db

    def __exit__(self, *exc_info: object) -> None:
        self.db.close()
