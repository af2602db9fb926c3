"""The graph kept beside a build so that a command reads only the part it visits.

`path`, `reach` and `neighbours` look at a few thousand entities around one or two, but
the projection is one JSON file: at 400k entities, parsing it into networkx takes over a
minute and 3.5 GB before the first step. Kept here instead, in a directory `graph-DIGEST/`:

- `indptr.npy`, `neighbours.npy`, `weights.npy`: the undirected simple graph of entities
  as CSR arrays (node i's neighbours are `neighbours[indptr[i]:indptr[i+1]]`, ascending;
  `weights` counts the relationships joining each pair), memory-mapped, so a
  breadth-first search reads the pages of the rows it expands;
- `contextual.npy`: which entities only give context (`civ:contextual`: places, works,
  datasets, concepts), which paths do not step through;
- `graph.sqlite`: `node(idx, slug, label, types)` (idx is the position in slug order, the
  arrays' numbering) and `edge(source, target, id, status, attributes)`, one row per
  relationship with the projection's edge fields (`kept.EDGE_FIELDS`) as a JSON list,
  indexed by source, by target and by id: the relationships among the entities a search
  kept, touching some of them, or cited in one document, are a few B-tree lookups;
- `choices.json`: what filters can offer (every type, relation and claim status, the span
  of years, the movements) and the relationships of each relation (`stats`), gathered as
  the edges are written: at 400k entities a query for them reads every edge's fields
  (about 10 s), and counting them in the store takes minutes.

The build writes it from the records it holds (`kept.write_from_records`); a build made by
an older version, or a file lost, gets it from the projection once. Node order and edge
fields are the projection's, so the part a command loads is the projection's subgraph (a
test holds them equal). Where the build is read-only the files go to a temporary directory
that lives as long as the process.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from civicgraph.store.kept_names import MMAP_BYTES, code_digest, open_read_only

ARRAYS = ("indptr", "neighbours", "weights", "contextual")
CHOICES = "choices.json"
MOVEMENT = "Movement"  # the record type whose members the Network page can centre on
SCHEMA = """
CREATE TABLE node (idx INTEGER PRIMARY KEY, slug TEXT NOT NULL UNIQUE, label TEXT NOT NULL,
                   types TEXT NOT NULL);
CREATE TABLE edge (source INTEGER NOT NULL, target INTEGER NOT NULL, id TEXT NOT NULL,
                   status TEXT, attributes TEXT NOT NULL);
"""
CHUNK = 500  # indexes bound per query (SQLite allows at least 999 parameters)
Node = tuple[str, str, list[str]]  # slug, label, types: the projection's node row


def graph_dir(build_dir: Path, ontology_dir: Path) -> Path:
    """Name the kept graph's directory for this build, model and file layout."""
    return build_dir / f"graph-{code_digest(ontology_dir, __file__)}"


def csr(n: int, sources: Any, targets: Any) -> tuple[Any, Any, Any]:
    """Collapse relationships (index arrays) to the undirected simple graph's CSR arrays:
    row pointers, neighbours ascending within a row, and relationships per pair."""
    low, high = np.minimum(sources, targets), np.maximum(sources, targets)
    pairs, counts = np.unique(low.astype(np.int64) * n + high, return_counts=True)
    low, high = pairs // n, pairs % n
    loop = low == high  # a relationship of an entity with itself is listed once
    rows = np.concatenate([low, high[~loop]])
    cols = np.concatenate([high, low[~loop]])
    weights = np.concatenate([counts, counts[~loop]])
    order = np.lexsort((cols, rows))
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    return indptr, cols[order].astype(np.int32), weights[order].astype(np.int32)


def write_graph(
    path: Path,
    nodes: Sequence[Node],
    edges: Iterable[Sequence[Any]],
    contextual: Callable[[list[str]], bool],
) -> None:
    """Write the kept graph atomically from the projection's rows: nodes (slug, label,
    types) in slug order, edges (source, target, *EDGE_FIELDS); where the build is
    read-only, keep nothing."""
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    try:
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir()
        _fill(partial, nodes, edges, contextual)
        os.replace(partial, path)
    except (OSError, sqlite3.Error):  # read-only, or another process kept it first
        shutil.rmtree(partial, ignore_errors=True)


def _fill(
    directory: Path,
    nodes: Sequence[Node],
    edges: Iterable[Sequence[Any]],
    contextual: Callable[[list[str]], bool],
) -> None:
    index = {slug: i for i, (slug, _, _) in enumerate(nodes)}
    db = sqlite3.connect(directory / "graph.sqlite")
    sources: list[int] = []
    targets: list[int] = []
    try:
        db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + SCHEMA)
        db.executemany(
            "INSERT INTO node VALUES (?, ?, ?, ?)",
            ((i, slug, label, json.dumps(types)) for i, (slug, label, types) in enumerate(nodes)),
        )
        rows = []
        relations: dict[str, int] = {}
        statuses: set[str] = set()
        years: set[int] = set()
        for source, target, *fields in edges:
            sources.append(index[source])
            targets.append(index[target])
            rows.append((sources[-1], targets[-1], fields[0], fields[3], json.dumps(fields)))
            relations[fields[1]] = relations.get(fields[1], 0) + 1
            statuses.add(fields[3])
            years.update(int(str(when)[:4]) for when in fields[6:8] if when)
        db.executemany("INSERT INTO edge VALUES (?, ?, ?, ?, ?)", rows)
        db.execute("CREATE INDEX edge_source ON edge (source)")
        db.execute("CREATE INDEX edge_target ON edge (target)")
        db.execute("CREATE INDEX edge_id ON edge (id)")
        db.commit()
    finally:
        db.close()
    choices = {
        "types": sorted({t for _, _, types in nodes for t in types}),
        "relations": sorted(relations),
        "relationships": dict(sorted(relations.items())),
        "statuses": sorted(statuses),
        "years": [min(years), max(years)] if years else None,
        "movements": {slug: label for slug, label, types in nodes if MOVEMENT in types},
    }
    (directory / CHOICES).write_text(json.dumps(choices), encoding="utf-8")
    n = len(nodes)
    indptr, neighbours, weights = csr(n, np.array(sources, np.int64), np.array(targets, np.int64))
    mask = np.fromiter((contextual(types) for _, _, types in nodes), dtype=bool, count=n)
    for name, array in zip(ARRAYS, (indptr, neighbours, weights, mask), strict=True):
        np.save(directory / f"{name}.npy", array)


class KeptGraph:
    """An opened kept graph: the CSR arrays memory-mapped, nodes and edges read by query."""

    def __init__(self, directory: Path, keep_alive: Any = None) -> None:
        self.directory = directory
        self._keep_alive = keep_alive  # a temporary directory, for a read-only build
        arrays = {name: np.load(directory / f"{name}.npy", mmap_mode="r") for name in ARRAYS}
        self.indptr, self.neighbours = arrays["indptr"], arrays["neighbours"]
        self.weights, self.contextual = arrays["weights"], arrays["contextual"]
        self.db = open_read_only(directory / "graph.sqlite")
        self.db.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")

    def __len__(self) -> int:
        return len(self.indptr) - 1

    @cached_property
    def rows(self) -> Any:
        """The row (entity) of each entry of `neighbours`: the arrays as coordinates."""
        return np.repeat(np.arange(len(self), dtype=np.int32), np.diff(self.indptr))

    def index_of(self, slug: str) -> int | None:
        """Return an entity's index in the arrays (None when it is not in the graph)."""
        row = self.db.execute("SELECT idx FROM node WHERE slug = ?", (slug,)).fetchone()
        return None if row is None else int(row[0])

    def nodes(self, indexes: Iterable[int] | None = None) -> list[tuple[int, Node]]:
        """Return (index, (slug, label, types)) in index order: of these indexes, or all."""
        if indexes is None:  # a few type lists for every entity: each decoded once
            found = self.db.execute("SELECT idx, slug, label, types FROM node ORDER BY idx")
            decoded: dict[str, tuple[str, ...]] = {}

            def types_of(text: str) -> list[str]:
                if text not in decoded:
                    decoded[text] = tuple(json.loads(text))
                return list(decoded[text])  # a list of its own: callers may keep it

            return [(i, (slug, label, types_of(t))) for i, slug, label, t in found]
        rows = []
        for chunk in _chunks(sorted(set(indexes))):
            marks = ",".join("?" * len(chunk))
            rows += self.db.execute(
                f"SELECT idx, slug, label, types FROM node WHERE idx IN ({marks})", chunk
            ).fetchall()
        return sorted((i, (slug, label, json.loads(t))) for i, slug, label, t in rows)

    def edges_among(self, indexes: Iterable[int]) -> list[tuple[int, int, list[Any]]]:
        """Return the relationships whose two ends are both among these entities, as
        (source, target, EDGE_FIELDS values), by relationship id."""
        keep = set(indexes)
        rows: list[tuple[int, int, list[Any]]] = []
        for chunk in _chunks(sorted(keep)):
            marks = ",".join("?" * len(chunk))
            found = self.db.execute(
                f"SELECT source, target, attributes FROM edge WHERE source IN ({marks})", chunk
            )
            rows += [(s, t, json.loads(a)) for s, t, a in found if t in keep]
        return sorted(rows, key=lambda row: row[2][0])

    def edges_touching(
        self, touched: Iterable[int], among: Iterable[int]
    ) -> list[tuple[int, int, list[Any]]]:
        """Return the relationships with one end among `touched` and the other among
        `among` (which holds `touched`), as `edges_among` does, by relationship id."""
        ends, keep = set(touched), set(among)
        rows: dict[str, tuple[int, int, list[Any]]] = {}
        for column in ("source", "target"):
            for chunk in _chunks(sorted(ends)):
                marks = ",".join("?" * len(chunk))
                sql = f"SELECT source, target, id, attributes FROM edge WHERE {column} IN ({marks})"
                found = self.db.execute(sql, chunk)
                rows.update(
                    (rel, (s, t, json.loads(a)))
                    for s, t, rel, a in found
                    if s in keep and t in keep
                )
        return [rows[rel] for rel in sorted(rows)]

    def edges_by_id(self, ids: Iterable[str]) -> dict[str, tuple[str, str, list[Any]]]:
        """Return these relationships (those in the graph) by id: their ends' slugs and
        EDGE_FIELDS values."""
        found: dict[str, tuple[str, str, list[Any]]] = {}
        wanted = sorted(set(ids))
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start : start + CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = self.db.execute(
                "SELECT edge.id, s.slug, t.slug, edge.attributes FROM edge "
                "JOIN node AS s ON s.idx = edge.source JOIN node AS t ON t.idx = edge.target "
                f"WHERE edge.id IN ({marks})",
                chunk,
            )
            found.update((rel, (u, v, json.loads(a))) for rel, u, v, a in rows)
        return found

    @cached_property
    def choices(self) -> dict[str, Any]:
        """What filters can offer: `types`, `relations`, `statuses` (sorted), `years`
        ([first, last], or None) and `movements` (slug -> label); and `relationships`, the
        count of each relation's."""
        found: dict[str, Any] = json.loads((self.directory / CHOICES).read_text("utf-8"))
        return found

    def entities_by_type(self) -> dict[str, int]:
        """Count the entities of each record type (one with two types counts in both)."""
        counts: dict[str, int] = {}
        for types, count in self.db.execute("SELECT types, count(*) FROM node GROUP BY types"):
            for record_type in json.loads(types):
                counts[record_type] = counts.get(record_type, 0) + count
        return dict(sorted(counts.items()))

    def count_with_status(self, statuses: Iterable[str]) -> int:
        """Count the relationships with one of these claim statuses."""
        wanted = sorted(statuses)
        marks = ",".join("?" * len(wanted))
        found = self.db.execute(f"SELECT count(*) FROM edge WHERE status IN ({marks})", wanted)
        return int(found.fetchone()[0])


def _chunks(items: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def open_graph(path: Path) -> KeptGraph | None:
    """Open a kept graph; None when there is none or it cannot be read (write it then)."""
    if not all((path / f"{name}.npy").is_file() for name in ARRAYS):
        return None
    if not (path / CHOICES).is_file():
        return None
    try:
        return KeptGraph(path)
    except (OSError, ValueError, sqlite3.Error):
        return None


def kept_graph(
    path: Path,
    rows: Callable[[], tuple[Sequence[Node], Iterable[Sequence[Any]]]],
    contextual: Callable[[list[str]], bool],
) -> KeptGraph:
    """Open the kept graph, writing it first from `rows` (nodes, edges) when it is missing
    or unreadable; where the build is read-only, into a temporary directory."""
    found = open_graph(path)
    if found is not None:
        return found
    shutil.rmtree(path, ignore_errors=True)  # unreadable: written again
    nodes, edges = rows()
    write_graph(path, nodes, edges, contextual)
    found = open_graph(path)
    if found is not None:
        return found
    scratch = tempfile.TemporaryDirectory(prefix="civicgraph-graph-")
    directory = Path(scratch.name) / path.name
    directory.mkdir()
    _fill(directory, nodes, edges, contextual)
    return KeptGraph(directory, keep_alive=scratch)
