"""Project the RDF store onto a property graph: one node per entity, one edge per relationship.

Which relations become edges is declared in the ontology (`civ:edgeType`); citations,
source documents and observations never become nodes, so they can never shortcut a path
between two actors.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import networkx as nx
import pyoxigraph as ox

from civicgraph.entities import NameIndex
from civicgraph.ontology import Model
from civicgraph.sparql import select, value
from civicgraph.vocab import slug_of

EDGES = """
SELECT ?rel ?s ?o ?p ?status ?role ?start ?end (COUNT(?c) AS ?citations) WHERE {
  ?rel a civ:Relationship ; civ:subject ?s ; civ:object ?o ; civ:relation ?p ;
       civ:status/skos:prefLabel ?status ; civ:citation ?c .
  OPTIONAL { ?rel civ:role ?role } OPTIONAL { ?rel civ:startDate ?start }
  OPTIONAL { ?rel civ:endDate ?end }
} GROUP BY ?rel ?s ?o ?p ?status ?role ?start ?end ORDER BY ?rel"""


@dataclass(frozen=True)
class Edge:
    """A relationship as an edge of the projection."""

    id: str
    source: str
    target: str
    predicate: str
    edge_type: str
    status: str
    role: str | None
    start: str | None
    end: str | None
    citations: int

    def attributes(self) -> dict[str, Any]:
        """Return the edge's properties, without empty ones (GraphML cannot hold None)."""
        return {
            k: v
            for k, v in self.__dict__.items()
            if v is not None and k not in ("source", "target")
        }


def project(store: ox.Store, model: Model, names: NameIndex) -> nx.MultiDiGraph[str]:
    """Return the property graph: nodes keyed by slug, edges keyed by relationship id."""
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    for slug in sorted(names.entities):
        summary = names.entities[slug]
        graph.add_node(slug, label=summary.label, types=list(summary.types))
    for row in select(store, EDGES):
        relation = model.relation_by_iri.get(value(row["p"]))
        if relation is None:  # not declared as an edge in the ontology
            continue
        edge = Edge(
            id=slug_of(value(row["rel"])),
            source=slug_of(value(row["s"])),
            target=slug_of(value(row["o"])),
            predicate=relation.key,
            edge_type=relation.edge_type,
            status=value(row["status"]),
            role=value(row["role"]),
            start=value(row["start"]),
            end=value(row["end"]),
            citations=value(row["citations"]),
        )
        graph.add_edge(edge.source, edge.target, key=edge.id, **edge.attributes())
    return graph


def simple_undirected(graph: nx.MultiDiGraph[str]) -> nx.Graph[str]:
    """Collapse to an undirected simple graph; `weight` counts the relationships of a pair."""
    simple: nx.Graph[str] = nx.Graph()
    simple.add_nodes_from(graph.nodes(data=True))
    for source, target, key in graph.edges(keys=True):
        if simple.has_edge(source, target):
            simple[source][target]["weight"] += 1
            simple[source][target]["relationships"].append(key)
        else:
            simple.add_edge(source, target, weight=1, relationships=[key])
    return simple
