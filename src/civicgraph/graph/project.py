"""Project the RDF store onto a property graph: one node per entity, one edge per relationship.

Which relations become edges is declared in the ontology (`civ:edgeType`); citations,
source documents and observations never become nodes, so they can never shortcut a path
between two actors.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from civicgraph.errors import UsageError
from civicgraph.graph.entities import NameIndex
from civicgraph.graph.indexed import Indexed, indexed
from civicgraph.model.ontology import Model
from civicgraph.model.vocab import CIV, STATUSES, local_name, slug_of
from civicgraph.store.kept import date_basis
from civicgraph.store.sparql import value

if TYPE_CHECKING:  # imported where a graph is made: `entity` and `search` never need it
    import networkx as nx


@dataclass(frozen=True)
class Edge:
    """A relationship as an edge of the projection."""

    id: str
    source: str
    target: str
    predicate: str
    edge_type: str
    status: str
    review: str
    role: str | None
    start: str | None
    end: str | None
    date_basis: str | None  # None when undated; stated, or within (see the ontology)
    concerning: str | None  # what the relationship was about, where the text says
    citations: int

    def attributes(self) -> dict[str, Any]:
        """Return the edge's properties, without empty ones (GraphML cannot hold None)."""
        return {
            k: v
            for k, v in self.__dict__.items()
            if v is not None and k not in ("source", "target")
        }


def _scan(store: ox.Store, predicate: object) -> dict[str, Any]:
    """Map each subject to its (first) object for one predicate, by an index scan."""
    return {
        value(q.subject): q.object
        for q in store.quads_for_pattern(None, ox.NamedNode(str(predicate)), None, None)
    }


def project(store: ox.Store, model: Model, names: NameIndex) -> nx.MultiDiGraph[str]:
    """Return the property graph: nodes keyed by slug, edges keyed by relationship id.

    Built from one index scan per relationship property rather than a SPARQL join: the
    projection touches every relationship, so it must stay linear in the graph's size.
    """
    import networkx as nx

    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    for slug in sorted(names.entities):
        summary = names.entities[slug]
        graph.add_node(slug, label=summary.label, types=list(summary.types))
    subjects, objects = _scan(store, CIV.subject), _scan(store, CIV.object)
    relations, statuses = _scan(store, CIV.relation), _scan(store, CIV.status)
    roles, starts, ends = (
        _scan(store, CIV.role),
        _scan(store, CIV.startDate),
        _scan(store, CIV.endDate),
    )
    reviews, bases, concerns = (
        _scan(store, CIV.review),
        _scan(store, CIV.dateBasis),
        _scan(store, CIV.concerning),
    )
    citations: dict[str, int] = {}
    for quad in store.quads_for_pattern(None, ox.NamedNode(str(CIV.citation)), None, None):
        citations[value(quad.subject)] = citations.get(value(quad.subject), 0) + 1
    for rel in sorted(relations):
        relation = model.relation_by_iri.get(relations[rel].value)
        if relation is None or rel not in subjects or rel not in objects:
            continue  # not declared as an edge in the ontology
        edge = Edge(
            id=slug_of(rel),
            source=slug_of(subjects[rel].value),
            target=slug_of(objects[rel].value),
            predicate=relation.key,
            edge_type=relation.edge_type,
            status=local_name(statuses[rel].value) if rel in statuses else "reported",
            review=local_name(reviews[rel].value) if rel in reviews else "unreviewed",
            role=roles[rel].value if rel in roles else None,
            start=starts[rel].value if rel in starts else None,
            end=ends[rel].value if rel in ends else None,
            date_basis=date_basis(
                local_name(bases[rel].value) if rel in bases else None,
                starts[rel].value if rel in starts else None,
                ends[rel].value if rel in ends else None,
            ),
            concerning=slug_of(concerns[rel].value) if rel in concerns else None,
            citations=citations.get(rel, 0),
        )
        graph.add_edge(edge.source, edge.target, key=edge.id, **edge.attributes())
    return graph


@dataclass(frozen=True)
class Filter:
    """Which part of the projection to look at.

    Time: a relationship is valid from its start year to its end year; a missing start or
    end leaves that side open, so undated relationships count as valid at any time (the
    source does not say otherwise). `at` keeps relationships valid in that year;
    `between` keeps those whose validity overlaps the interval.
    """

    types: frozenset[str] | None = None  # record types (expanded to subtypes by the caller)
    relations: frozenset[str] | None = None  # predicate keys
    statuses: frozenset[str] | None = None
    at: int | None = None
    between: tuple[int, int] | None = None

    def is_empty(self) -> bool:
        return self == Filter()


def checked_filter(
    model: Model,
    types: list[str] | None = None,
    relations: list[str] | None = None,
    statuses: list[str] | None = None,
    at: int | None = None,
    between: tuple[int, int] | None = None,
) -> Filter:
    """Check filter values against the ontology and return a Filter (types widened to
    their subtypes); a wrong value is a UsageError that names the values allowed."""
    for name in types or ():
        if name not in model.classes:
            raise UsageError(f"unknown type {name!r} (known: {', '.join(sorted(model.classes))})")
    for name in relations or ():
        if name not in model.relations:
            known = ", ".join(sorted(model.relations))
            raise UsageError(f"unknown relation {name!r} (known: {known})")
    for name in statuses or ():
        if name not in STATUSES:
            raise UsageError(f"unknown status {name!r} (one of {', '.join(STATUSES)})")
    if at is not None and between is not None:
        raise UsageError("give --at or --between, not both")
    if between is not None and between[0] > between[1]:
        raise UsageError(f"--between {between[0]} {between[1]}: the first year comes first")
    widened = {t for name in types or () for t in model.subtypes(name)}
    return Filter(
        types=frozenset(widened) if types else None,
        relations=frozenset(relations) if relations else None,
        statuses=frozenset(statuses) if statuses else None,
        at=at,
        between=between,
    )


def year(date: str | None) -> int | None:
    """Return the year of an ISO date, year-month or year."""
    return int(date[:4]) if date else None


def valid_during(edge: dict[str, Any], first: int, last: int) -> bool:
    """Tell whether a relationship's validity overlaps the years [first, last]."""
    start, end = year(edge.get("start")), year(edge.get("end"))
    return (start is None or start <= last) and (end is None or end >= first)


def filtered(graph: nx.MultiDiGraph[str], keep: Filter) -> nx.MultiDiGraph[str]:
    """Return the sub-projection a filter keeps (a new graph; the cached one is untouched)."""
    if keep.is_empty():
        return graph
    import networkx as nx

    result: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    for node, data in graph.nodes(data=True):
        if keep.types is None or keep.types & set(data["types"]):
            result.add_node(node, **data)
    window = (keep.at, keep.at) if keep.at is not None else keep.between
    for source, target, key, data in graph.edges(keys=True, data=True):
        if source not in result or target not in result:
            continue
        if keep.relations is not None and data["predicate"] not in keep.relations:
            continue
        if keep.statuses is not None and data["status"] not in keep.statuses:
            continue
        if window is not None and not valid_during(data, *window):
            continue
        result.add_edge(source, target, key=key, **data)
    return result


def pairs_of(
    graph: nx.MultiDiGraph[str], *, directed: bool = False
) -> dict[tuple[str, str], list[str]]:
    """Group the relationship ids by the pair of entities they link, in first-seen order
    (undirected: a pair keeps the orientation it was first seen in)."""
    groups: dict[tuple[str, str], list[str]] = {}
    for source, target, key in graph.edges(keys=True):
        pair = (source, target)
        if not directed and pair not in groups and (target, source) in groups:
            pair = (target, source)
        groups.setdefault(pair, []).append(key)
    return groups


def collapse(
    graph: nx.MultiDiGraph[str],
    *,
    directed: bool = False,
    weighted: bool = True,
    pairs: dict[tuple[str, str], list[str]] | None = None,
) -> nx.Graph[str]:
    """Collapse to a simple graph: one edge per linked pair, `relationships` lists their ids.

    `weight` counts the relationships of a pair (1 everywhere when not weighted). Undirected
    by default: who links to whom matters more here than which way the verb points. `pairs`
    is `pairs_of(graph)` when the caller has it already.
    """
    import networkx as nx

    simple: nx.Graph[str] = nx.DiGraph() if directed else nx.Graph()
    simple.add_nodes_from(graph.nodes(data=True))
    groups = pairs if pairs is not None else pairs_of(graph, directed=directed)
    simple.add_edges_from(
        (source, target, {"weight": len(keys) if weighted else 1, "relationships": keys})
        for (source, target), keys in groups.items()
    )
    return simple


@dataclass(frozen=True)
class Views:
    """The projection with what path search and analytics derive from it, computed once."""

    graph: nx.MultiDiGraph[str]
    simple: nx.Graph[str]  # undirected, weighted, `relationships` on each edge
    contextual: frozenset[str]  # entities path search does not step through unless asked
    pairs: dict[tuple[str, str], list[str]] | None = None  # the edges of `simple`, in order
    layer: str = "all"  # "actors" once the contextual entities are left out

    @cached_property
    def actors(self) -> Views:
        """The actor layer: these views without the contextual entities (places, works,
        datasets, concepts), which analytics leave out unless asked (computed once)."""
        if not self.contextual:
            return Views(self.graph, self.simple, self.contextual, self.pairs, "actors")
        graph = self.graph.subgraph(n for n in self.graph if n not in self.contextual)
        pairs = pairs_of(graph)
        return Views(graph, collapse(graph, pairs=pairs), frozenset(), pairs, "actors")

    def layered(self, include_context: bool) -> Views:
        """Return these views whole when asked to include context, else the actor layer."""
        return self if include_context else self.actors

    @cached_property
    def indexed(self) -> Indexed:
        """The simple graph numbered once for the array engines."""
        return indexed(self.simple, self.pairs)

    @classmethod
    def of(cls, graph: nx.MultiDiGraph[str], model: Model) -> Views:
        contextual = frozenset(
            n for n, data in graph.nodes(data=True) if model.is_contextual(data["types"])
        )
        pairs = pairs_of(graph)
        return cls(graph, collapse(graph, pairs=pairs), contextual, pairs)


def simple_undirected(graph: nx.MultiDiGraph[str]) -> nx.Graph[str]:
    """Collapse to the undirected, weighted simple graph that paths and analytics use."""
    return collapse(graph)
