"""The property-graph projection as statement parameters: nodes by label set, edges by type.

`projection_rows` turns the projection and its citations into rows, kept beside the build
as the projection is (reading citations out of the store is slow). Two loaders take them:
`arcade_load` writes the embedded ArcadeDB in process (`serve bolt`, `cypher` without a
URI), `driver.load` any other Bolt server (`push`). Labels and relationship types are the
ontology's `civ:nodeLabel` and `civ:edgeType` values, checked against that whitelist and
against a plain-name pattern before they reach a statement.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from civicgraph.errors import StoreError
from civicgraph.graph.entities import DCT_DESCRIPTION, DCT_SOURCE
from civicgraph.model.ontology import Model
from civicgraph.model.vocab import CIV, entity_iri, local_name, slug_of
from civicgraph.store.kept import cache_file, read_citations, write_json
from civicgraph.store.loading import gc_paused
from civicgraph.store.sparql import value

if TYPE_CHECKING:
    from civicgraph.graph.loaded import LoadedGraph

ENTITY_LABEL = local_name(str(CIV.Entity))
PLAIN_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


@dataclass
class GraphRows:
    """The projection as statement parameters: nodes by label set, edges by relationship type."""

    nodes: dict[tuple[str, ...], list[dict[str, Any]]]
    edges: dict[str, list[dict[str, Any]]]

    @property
    def node_count(self) -> int:
        return sum(len(rows) for rows in self.nodes.values())

    @property
    def edge_count(self) -> int:
        return sum(len(rows) for rows in self.edges.values())


def _checked(name: str, allowed: set[str], kind: str) -> str:
    if name not in allowed or not PLAIN_NAME.fullmatch(name):
        raise StoreError(f"{kind} {name!r} is not a plain name declared in the ontology")
    return name


def labels_for(model: Model, types: list[str]) -> tuple[str, ...]:
    """Return the node labels of an entity: `Entity`, its types' and their ancestors' labels."""
    allowed = {c.node_label for c in model.classes.values()}
    labels = {ENTITY_LABEL}
    for record_type in types:
        cls = model.classes.get(record_type)
        if cls is None:
            continue
        labels.add(_checked(cls.node_label, allowed, "node label"))
        for ancestor in cls.ancestors:
            labels.add(_checked(model.classes[ancestor].node_label, allowed, "node label"))
    return (ENTITY_LABEL, *sorted(labels - {ENTITY_LABEL}))


def _sources(cited: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """Flatten a `sources` list into parallel lists: properties cannot hold maps."""
    return {
        "quotes": [c["quote"] for c in cited],
        "documents": [c["document"] for c in cited],
        "char_starts": [c["char_start"] for c in cited],
        "char_ends": [c["char_end"] for c in cited],
    }


def _all_citations(graph: LoadedGraph) -> dict[str, list[dict[str, Any]]]:
    """Return every node's `sources` list by index scans (`citations_for` goes node by node)."""
    import pyoxigraph as ox

    def scan(predicate: str) -> dict[str, str]:
        pattern = graph.build.store.quads_for_pattern(None, ox.NamedNode(predicate), None, None)
        return {q.subject.value: q.object.value for q in pattern}  # type: ignore[union-attr]

    quotes, starts, ends = scan(str(CIV.quote)), scan(str(CIV.charStart)), scan(str(CIV.charEnd))
    documents, paths = scan(DCT_SOURCE), scan(str(CIV.path))
    found: dict[str, list[dict[str, Any]]] = {}
    for quad in graph.build.store.quads_for_pattern(
        None, ox.NamedNode(str(CIV.citation)), None, None
    ):
        citation = quad.object.value  # type: ignore[union-attr]
        document = documents.get(citation, "")
        found.setdefault(quad.subject.value, []).append(  # type: ignore[union-attr]
            {
                "document": paths.get(document, document),
                "quote": quotes.get(citation),
                "char_start": int(starts.get(citation, -1)),
                "char_end": int(ends.get(citation, -1)),
            }
        )
    for cited in found.values():
        cited.sort(key=lambda c: (c["document"], c["char_start"], c["char_end"]))
    return found


def projection_rows(graph: LoadedGraph, *, keep: bool = True) -> GraphRows:
    """Turn `graph.projection` and its citations into the loader's parameter rows.

    The rows are kept beside the build (which never changes), like the projection: reading
    the citations out of the store is most of the work, about 10 µs a quad. With
    `keep=False` new rows are not written yet: the caller keeps them later (`keep_rows`),
    once what it is waiting for is done.
    """
    with gc_paused():
        path = _rows_file(graph)
        rows = _read_rows(path, graph.build.model) if path.exists() else None
        if rows is None:
            rows = _projection_rows(graph)
            if keep:
                _write_rows(rows, path)
        return rows


def keep_rows(graph: LoadedGraph, rows: GraphRows) -> None:
    """Keep the rows beside the build unless they are kept already."""
    path = _rows_file(graph)
    if not path.exists():
        with gc_paused():
            _write_rows(rows, path)


def _rows_file(graph: LoadedGraph) -> Path:

    # the projection cache's name covers the ontology and the projecting code; add this file
    projection = cache_file(graph.build.directory, graph.build.ontology_dir)
    digest = hashlib.sha256(projection.name.encode() + Path(__file__).read_bytes())
    return graph.build.directory / f"bolt-rows-{digest.hexdigest()[:16]}.json"


def _write_rows(rows: GraphRows, path: Path) -> None:

    write_json(path, {"nodes": list(rows.nodes.items()), "edges": list(rows.edges.items())})


def _read_rows(path: Path, model: Model) -> GraphRows | None:
    """Read kept rows; None if unreadable. Names are checked again: they reach statements."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    node_labels = {c.node_label for c in model.classes.values()} | {ENTITY_LABEL}
    edge_types = {r.edge_type for r in model.relations.values()}
    nodes = {
        tuple(_checked(label, node_labels, "node label") for label in labels): rows
        for labels, rows in data["nodes"]
    }
    edges = {_checked(t, edge_types, "edge type"): rows for t, rows in data["edges"]}
    return GraphRows(nodes=nodes, edges=edges)


def _projection_rows(graph: LoadedGraph) -> GraphRows:
    import pyoxigraph as ox

    projection = graph.projection
    # the build keeps them beside the store; an older build's are read from the store
    kept = read_citations(graph.build.directory, graph.build.ontology_dir)
    if kept is not None:
        cited, descriptions = kept
    else:
        cited = _all_citations(graph)
        descriptions = {
            slug_of(value(q.subject)): value(q.object)
            for q in graph.build.store.quads_for_pattern(
                None, ox.NamedNode(DCT_DESCRIPTION), None, None
            )
        }
    nodes: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for slug, data in projection.nodes(data=True):
        summary = graph.names.entities[slug]
        props: dict[str, Any] = {
            "id": slug,
            "iri": entity_iri(slug),
            "label": data["label"],
            "label_es": summary.label_es,
            "aliases": summary.aliases,
            "types": data["types"],
            "description": descriptions.get(slug),
            **_sources(cited.get(entity_iri(slug), [])),
        }
        row = {"id": slug, "props": {k: v for k, v in props.items() if v is not None}}
        nodes.setdefault(labels_for(graph.build.model, data["types"]), []).append(row)
    edge_types = {r.edge_type for r in graph.build.model.relations.values()}
    edges: dict[str, list[dict[str, Any]]] = {}
    for source, target, key, data in projection.edges(keys=True, data=True):
        props = {
            **{k: v for k, v in data.items() if k != "edge_type"},
            **_sources(cited.get(entity_iri(key), [])),
        }
        row = {"source": source, "target": target, "id": key, "props": props}
        edges.setdefault(_checked(data["edge_type"], edge_types, "edge type"), []).append(row)
    return GraphRows(nodes=nodes, edges=edges)
