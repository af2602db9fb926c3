"""The property-graph projection as statement parameters: nodes by label set, edges by type.

`projection_rows` reads the projection's rows from the files kept beside the build: the
graph (`store.kept_graph`'s SQLite tables, in the networkx projection's order), the name
index and the citations, in seconds at 100k entities; parsing the projection into networkx
first took two minutes and several GB at 400k. The rows are not kept: at 100k, reading
them back from JSON took 11 s against 17 s to read them afresh, and the file took 1 GB
beside a 400k build. Two loaders take them:
`arcade_load` writes the embedded ArcadeDB in process (`serve bolt`, `cypher` without a
URI), `driver.load` any other Bolt server (`push`). Labels and relationship types are the
ontology's `civ:nodeLabel` and `civ:edgeType` values, checked against that whitelist and
against a plain-name pattern before they reach a statement.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from civicgraph.errors import StoreError
from civicgraph.graph.entities import DCT_DESCRIPTION, DCT_SOURCE
from civicgraph.model.ontology import Model
from civicgraph.model.vocab import CIV, entity_iri, local_name, slug_of
from civicgraph.store.kept import edge_attributes, read_citations
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


def projection_rows(graph: LoadedGraph) -> GraphRows:
    """Return the projection and its citations as the loaders' parameter rows (`_rows`)."""
    with gc_paused():
        return _rows(graph)


def _citations(graph: LoadedGraph) -> tuple[dict[str, list[dict[str, Any]]], dict[str, str]]:
    """Return the citations by node IRI and the descriptions by id: kept beside the build,
    else (an older build) read from the store."""
    import pyoxigraph as ox

    kept = read_citations(graph.build.directory, graph.build.ontology_dir)
    if kept is not None:
        return kept
    descriptions = {
        slug_of(value(q.subject)): value(q.object)
        for q in graph.build.store.quads_for_pattern(
            None, ox.NamedNode(DCT_DESCRIPTION), None, None
        )
    }
    return _all_citations(graph), descriptions


def _rows(graph: LoadedGraph) -> GraphRows:
    """Read the rows from the kept graph (`graph.adjacency`), the name index and the kept
    citations: what the networkx projection holds, without parsing it (two minutes and
    several GB at 400k entities). Nodes and edges come in the projection's order: nodes by
    index, and edges by source, then by target in the order its first edge was kept, then
    as kept (`MultiDiGraph.edges`' order; a test holds them equal)."""
    cited, descriptions = _citations(graph)
    kept, model, names = graph.adjacency, graph.build.model, graph.names.entities
    labels_of: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}  # types text -> both
    slugs: list[str] = []
    nodes: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for slug, label, types_text in kept.db.execute(
        "SELECT slug, label, types FROM node ORDER BY idx"
    ):
        if types_text not in labels_of:
            types = tuple(json.loads(types_text))
            labels_of[types_text] = (types, labels_for(model, list(types)))
        types, labels = labels_of[types_text]
        summary = names[slug]
        props: dict[str, Any] = {
            "id": slug,
            "iri": entity_iri(slug),
            "label": label,
            "label_es": summary.label_es,
            "aliases": summary.aliases,
            "types": list(types),
            "description": descriptions.get(slug),
            **_sources(cited.get(entity_iri(slug), [])),
        }
        slugs.append(slug)
        nodes.setdefault(labels, []).append(
            {"id": slug, "props": {k: v for k, v in props.items() if v is not None}}
        )
    edge_types = {r.edge_type for r in model.relations.values()}
    edges: dict[str, list[dict[str, Any]]] = {}
    found = kept.db.execute("SELECT source, target, attributes FROM edge ORDER BY source, rowid")
    for source, group in groupby(found, key=itemgetter(0)):
        by_target: dict[int, list[str]] = {}
        for _, target, attributes in group:
            by_target.setdefault(target, []).append(attributes)
        for target, texts in by_target.items():
            for text in texts:
                data = edge_attributes(json.loads(text))
                edge_type = _checked(data.pop("edge_type"), edge_types, "edge type")
                key = data["id"]
                row = {
                    "source": slugs[source],
                    "target": slugs[target],
                    "id": key,
                    "props": {**data, **_sources(cited.get(entity_iri(key), []))},
                }
                edges.setdefault(edge_type, []).append(row)
    return GraphRows(nodes=nodes, edges=edges)
