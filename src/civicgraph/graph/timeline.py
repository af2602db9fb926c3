"""Timelines: the dated relationships of an entity, or of the graph, placed on a time axis.

Dates are as the data gives them (a year, a year and month, or a day). A date stands for
its whole period: a relationship that began in 2011 is drawn from 1 January 2011, one that
ended in 2012 until 31 December 2012. The date basis is kept: `stated` dates are when it
began or ended; `within` dates are a period the text places it in, not a start or an end,
so a page must draw them differently. Events get their dates from the relationships they
take part in (the data dates relationships, not entities).
"""

from __future__ import annotations

import calendar
from collections.abc import Set
from typing import Any

import networkx as nx
import pyoxigraph as ox

from civicgraph.graph.entities import citations_for
from civicgraph.model.ontology import Model
from civicgraph.model.vocab import entity_iri


def first_day(date: str) -> str:
    """Return the first day of the period a date names ('2011' -> '2011-01-01')."""
    parts = date.split("-")
    year = parts[0]
    month = parts[1] if len(parts) > 1 else "01"
    day = parts[2] if len(parts) > 2 else "01"
    return f"{year}-{month}-{day}"


def last_day(date: str) -> str:
    """Return the last day of the period a date names ('2011' -> '2011-12-31')."""
    parts = date.split("-")
    year = parts[0]
    month = parts[1] if len(parts) > 1 else "12"
    day = parts[2] if len(parts) > 2 else str(calendar.monthrange(int(year), int(month))[1])
    return f"{year}-{month}-{day}"


def _ref(graph: nx.MultiDiGraph[str], node: str) -> dict[str, Any]:
    data = graph.nodes[node] if node in graph else {}
    return {"id": node, "label": data.get("label", node), "types": list(data.get("types", []))}


def dated_edges(
    graph: nx.MultiDiGraph[str],
    *,
    entity: str | None = None,
    types: Set[str] | None = None,
    relations: Set[str] | None = None,
) -> list[tuple[str, str, str, dict[str, Any]]]:
    """Return the dated edges (source, target, id, attributes): of one entity, else of the
    whole graph; with `types`, only those with an end of one of those types; with
    `relations`, only those relations."""
    if entity is not None:
        edges = [*graph.out_edges(entity, keys=True, data=True)]
        edges += [e for e in graph.in_edges(entity, keys=True, data=True) if e[0] != entity]
    else:
        edges = list(graph.edges(keys=True, data=True))
    found = []
    for source, target, key, data in edges:
        if not (data.get("start") or data.get("end")):
            continue
        if relations is not None and data["predicate"] not in relations:
            continue
        if types is not None:
            ends = set(graph.nodes[source]["types"]) | set(graph.nodes[target]["types"])
            if not ends & types:
                continue
        found.append((source, target, key, data))
    return found


def timeline(
    graph: nx.MultiDiGraph[str],
    model: Model,
    store: ox.Store,
    entity: str | None = None,
    types: Set[str] | None = None,
    relations: Set[str] | None = None,
) -> list[dict[str, Any]]:
    """Return one row per dated relationship, earliest first.

    A row: `id`, `subject` and `object` (id, label, types), `predicate`, `verb` (the
    relation's label), `status`, `role`, `start`, `end` and `date_basis` as the data gives
    them, `from` and `until` (the first and last day the dates cover: for a relationship
    with only a start, both are in the start's period), `span` (`interval` when both dates
    are given, `start`, `end` or `within`), and `sources` (its quotes, the contract's
    shape).
    """
    edges = dated_edges(graph, entity=entity, types=types, relations=relations)
    cited = citations_for(store, [entity_iri(key) for _, _, key, _ in edges])
    rows = []
    for source, target, key, data in edges:
        start, end = data.get("start"), data.get("end")
        first, last = str(start or end), str(end or start)  # dated_edges keeps one of them
        basis = data.get("date_basis") or "stated"
        relation = model.relations.get(data["predicate"])
        if basis == "within":
            span = "within"
        elif start and end:
            span = "interval"
        else:
            span = "start" if start else "end"
        rows.append(
            {
                "id": key,
                "subject": _ref(graph, source),
                "object": _ref(graph, target),
                "predicate": data["predicate"],
                "verb": relation.label if relation else data["predicate"],
                "status": data.get("status", "reported"),
                "role": data.get("role"),
                "start": start,
                "end": end,
                "date_basis": basis,
                "from": first_day(first),
                "until": last_day(last),
                "span": span,
                "sources": cited.get(entity_iri(key), []),
            }
        )
    rows.sort(key=lambda r: (r["from"], r["until"], r["id"]))
    return rows
