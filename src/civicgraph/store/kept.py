"""The files kept beside a build: the projection, the name index (an SQLite file, see
`store.kept_names`), the graph as arrays (`store.kept_graph`), the citations and the
layouts of the drawings made of it (`layouts/`, one file per drawing).

Reading them back from the store means decoding every IRI of every relationship, a random
lookup in Oxigraph's string table each (about 25 µs at 100k entities, 90 s for the
projection). The build already holds the records in memory, so it writes both files as it
loads the store (`write_from_records`); a store built by an older version, or a cache file
lost, is computed from the store once and kept, as before.

A build directory never changes once written, so a projection computed from it stays
right for as long as the store points there: a new build is a new directory, and the cache
goes with the old one. The file name carries a digest of the ontology and of this module,
which defines the files' layout, so a changed model or layout computes new ones (the graph
stage's `project` and `NameIndex.from_store` compute the same from the store; a test holds
them equal to what `write_from_records` writes). The file is JSON,
not pickle: opening a store must never run code found in it. Where the build directory is
not writable the projection is simply computed each time.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from civicgraph.build.records import Citation, Records
from civicgraph.model.vocab import entity_iri
from civicgraph.store.kept_names import code_digest, names_db, write_names_db

if TYPE_CHECKING:
    import networkx as nx

    Graph = nx.MultiDiGraph[str]


def _digest(ontology_dir: Path) -> str:
    return code_digest(ontology_dir, __file__)


def cache_file(build_dir: Path, ontology_dir: Path) -> Path:
    """Name the projection's cache for this build, model and projection code."""
    return build_dir / f"projection-{_digest(ontology_dir)}.json"


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Write JSON beside a build atomically; where the build is read-only, keep nothing."""
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    try:
        partial.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(partial, path)
    except OSError:  # a read-only store: nothing to keep
        partial.unlink(missing_ok=True)


# An edge is kept as a row of these fields after its two ends (None where absent): a
# fraction of the size and time of one JSON object per edge.
EDGE_FIELDS = (
    *("id", "predicate", "edge_type", "status", "review", "role", "start", "end"),
    *("date_basis", "concerning", "citations"),
)


def date_basis(basis: str | None, start: str | None, end: str | None) -> str | None:
    """Return what a relationship's dates stand for: None when it has none, else its basis
    (`stated` unless the data says `within`)."""
    return (basis or "stated") if (start or end) else None


def edge_row(source: str, target: str, attrs: dict[str, Any]) -> list[Any]:
    """Return an edge of the projection as a kept row: its ends, then EDGE_FIELDS."""
    return [source, target, *(attrs.get(name) for name in EDGE_FIELDS)]


def _dump(graph: Graph, path: Path) -> None:
    nodes = [[node, attrs["label"], attrs["types"]] for node, attrs in graph.nodes(data=True)]
    edges = [edge_row(u, v, attrs) for u, v, attrs in graph.edges(data=True)]
    write_json(path, {"nodes": nodes, "edges": edges})


def write_from_records(
    build_dir: Path,
    ontology_dir: Path,
    records: Records,
    contextual: Callable[[list[str]], bool],
) -> None:
    """Write the kept files from the records a build loads: the projection and name index
    `project.project` and `NameIndex.from_store` would read back from its store (a test
    holds them equal), and the graph `store.kept_graph` keeps (`contextual` tells the
    entities of which types only give context)."""
    ordered = sorted(records.entities, key=lambda e: e.id)
    nodes = [(e.id, e.label, sorted(e.types)) for e in ordered]
    # the rows `_dump` writes for the Edge `project` makes of each relationship node
    edges = [
        [
            *(rel.subject, rel.object, rel.id, rel.relation.key, rel.relation.edge_type),
            *(rel.status, rel.review, rel.role, rel.start or None, rel.end or None),
            date_basis(rel.date_basis, rel.start, rel.end),
            rel.concerning,
            len({citation.slug for citation in rel.citations}),
        ]
        for rel in sorted(records.relationships, key=lambda r: r.id)
    ]
    write_json(cache_file(build_dir, ontology_dir), {"nodes": nodes, "edges": edges})
    from civicgraph.store.kept_graph import graph_dir, write_graph  # numpy: only when asked

    write_graph(graph_dir(build_dir, ontology_dir), nodes, edges, contextual)
    names = [(e.id, e.label, e.label_es, sorted(e.types), sorted(set(e.aliases))) for e in ordered]
    redirects = dict(sorted((old.id, kept) for old, kept in records.merged))
    write_names_db(names_db(build_dir, ontology_dir), names, redirects)


def _load(path: Path) -> Graph | None:
    import networkx as nx  # only a command that walks the projection pays for networkx

    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        graph: Graph = nx.MultiDiGraph()
        graph.add_nodes_from(
            (node, {"label": label, "types": types}) for node, label, types in data["nodes"]
        )
        for row in data["edges"]:
            graph.add_edge(row[0], row[1], key=row[2], **edge_attributes(row[2:]))
    except (OSError, ValueError, KeyError, TypeError):  # unreadable, or another layout
        return None
    return graph


def edge_attributes(fields: list[Any]) -> dict[str, Any]:
    """Return a kept row's EDGE_FIELDS as an edge's attributes, leaving out empty ones."""
    return {k: v for k, v in zip(EDGE_FIELDS, fields, strict=True) if v is not None}


def cached_projection(build_dir: Path, ontology_dir: Path, compute: Callable[[], Graph]) -> Graph:
    """Return the projection from the cache beside the build, computing and keeping it once."""
    path = cache_file(build_dir, ontology_dir)
    graph = _load(path) if path.exists() else None
    if graph is None:
        graph = compute()
        _dump(graph, path)
    return graph


def citations_file(build_dir: Path, ontology_dir: Path) -> Path:
    """Name the file of entities' and relationships' citations kept beside a build."""
    return build_dir / f"citations-{_digest(ontology_dir)}.jsonl"


class CitationWriter:
    """Write each entity's and relationship's citations, and an entity's description, as
    JSON lines while a build reads the records.

    This is what `serve.bolt.rows` puts on nodes and edges; read back from the store it costs
    a random lookup per term (minutes at 100k entities). A line is `[id, description,
    [[document, quote, char_start, char_end], ...]]`, citations in `citations_for`'s order.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
        self.out = self.partial.open("w", encoding="utf-8")

    def write(self, records: Records) -> None:
        encode = _LINE.encode
        lines = [encode([e.id, e.description, _cited(e.citations)]) for e in records.entities]
        lines += [encode([r.id, None, _cited(r.citations)]) for r in records.relationships]
        # a merged entity's citations are its kept entity's: a second line for that id
        lines += [encode([kept, None, _cited(old.citations)]) for old, kept in records.merged]
        if lines:
            self.out.write("\n".join(lines) + "\n")

    def close(self) -> None:
        self.out.close()
        os.replace(self.partial, self.path)


_LINE = json.JSONEncoder(ensure_ascii=False)  # one encoder, not one per line (json.dumps)


def _cited(citations: list[Citation]) -> list[list[Any]]:
    if len(citations) == 1:  # the commonest case: nothing to merge or sort
        where = citations[0].where
        return [[where.document.path, citations[0].quote, where.start, where.end]]
    unique = {c.slug: c for c in citations}.values()  # the store keeps each link once
    rows = [[c.where.document.path, c.quote, c.where.start, c.where.end] for c in unique]
    return sorted(rows, key=lambda row: (row[0], row[2], row[3]))


def read_citations(
    build_dir: Path, ontology_dir: Path
) -> tuple[dict[str, list[dict[str, Any]]], dict[str, str]] | None:
    """Return the kept citations by node IRI (`citations_for`'s shape) and the entities'
    descriptions by id; None when the build kept none."""
    found: dict[str, list[dict[str, Any]]] = {}
    descriptions: dict[str, str] = {}
    try:
        with citations_file(build_dir, ontology_dir).open(encoding="utf-8") as lines:
            for line in lines:
                slug, description, cited = json.loads(line)
                if description is not None:
                    descriptions[slug] = description
                rows = [
                    {"document": d, "quote": q, "char_start": s, "char_end": e}
                    for d, q, s, e in cited
                ]
                if entity_iri(slug) in found:  # the citations of an entity merged into it
                    rows = _merged_rows(found[entity_iri(slug)], rows)
                found[entity_iri(slug)] = rows
    except (OSError, ValueError, TypeError):
        return None
    return found, descriptions


def _merged_rows(first: list[dict[str, Any]], more: list[dict[str, Any]]) -> list[dict[str, Any]]:
    unique = {(r["document"], r["char_start"], r["char_end"]): r for r in [*first, *more]}
    return [unique[key] for key in sorted(unique)]


def positions_file(build_dir: Path, key: str) -> Path:
    """Name the file keeping one drawing's layout beside a build (`key` names the drawing
    and the layout code, see `graph.layout.layout_key`)."""
    return build_dir / "layouts" / f"{key}.json"


def read_positions(build_dir: Path, key: str) -> dict[str, tuple[float, float]] | None:
    """Return a kept layout, entity -> (x, y); None when none is kept (or it is unreadable)."""
    try:
        text = positions_file(build_dir, key).read_text(encoding="utf-8")
        rows = json.loads(text)["positions"]
        return {str(node): (float(x), float(y)) for node, x, y in rows}
    except (OSError, ValueError, TypeError, KeyError):
        return None


def write_positions(build_dir: Path, key: str, positions: dict[str, tuple[float, float]]) -> None:
    """Keep a layout beside the build (nothing where the build is read-only)."""
    path = positions_file(build_dir, key)
    try:
        path.parent.mkdir(exist_ok=True)
    except OSError:
        return
    rows = [[node, round(x, 1), round(y, 1)] for node, (x, y) in sorted(positions.items())]
    write_json(path, {"positions": rows})
