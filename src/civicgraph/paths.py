"""Shortest simple paths between two entities, every hop with the words that support it.

Paths ignore direction (a movement demanding a reform and a donor funding the movement
connect the donor to the reform); each hop says whether its relationship points along the
path (`out`) or against it (`in`). Where several relationships join the same two entities
the hop uses the best attested one: by claim status, then number of citations, then id.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import islice, pairwise
from typing import Any

import networkx as nx

from civicgraph.entities import EntitySummary
from civicgraph.errors import NotFoundError, UsageError
from civicgraph.project import simple_undirected
from civicgraph.vocab import entity_iri

STATUS_ORDER = {"confirmed": 0, "reported": 1, "alleged": 2, "disputed": 3}
SourcesFor = Callable[[list[str]], dict[str, list[dict[str, Any]]]]


def _best_relationship(
    graph: nx.MultiDiGraph[str], a: str, b: str, keys: list[str]
) -> dict[str, Any]:
    candidates = []
    for key in keys:
        if graph.has_edge(a, b, key):
            candidates.append((graph.edges[a, b, key], "out"))
        else:
            candidates.append((graph.edges[b, a, key], "in"))
    candidates.sort(
        key=lambda c: (STATUS_ORDER.get(c[0]["status"], 9), -c[0]["citations"], c[0]["id"])
    )
    data, direction = candidates[0]
    return {**data, "direction": direction}


def shortest_paths(
    graph: nx.MultiDiGraph[str],
    source: EntitySummary,
    target: EntitySummary,
    sources_for: SourcesFor,
    *,
    k: int = 3,
    max_hops: int = 6,
) -> dict[str, Any]:
    """Return up to k shortest simple paths, in the contract's `path --json` shape."""
    if k < 1 or max_hops < 1:
        raise UsageError("--k and --max-hops must be at least 1")
    if source.id == target.id:
        raise UsageError("FROM and TO are the same entity")
    simple = simple_undirected(graph)
    node_paths: list[list[str]] = []
    try:
        for nodes in islice(nx.shortest_simple_paths(simple, source.id, target.id), k):
            if len(nodes) - 1 > max_hops:
                break
            node_paths.append(nodes)
    except nx.NetworkXNoPath:
        pass
    if not node_paths:
        raise NotFoundError(
            f"no path from {source.label!r} to {target.label!r} within {max_hops} hops"
        )
    chosen = [
        [_best_relationship(graph, a, b, simple[a][b]["relationships"]) for a, b in pairwise(nodes)]
        for nodes in node_paths
    ]
    cited = sources_for(sorted({entity_iri(h["id"]) for hops in chosen for h in hops}))

    def ref(slug: str) -> dict[str, str]:
        return {"id": slug, "label": graph.nodes[slug]["label"]}

    paths = []
    for nodes, hops in zip(node_paths, chosen, strict=True):
        paths.append(
            {
                "length": len(hops),
                "hops": [
                    {
                        "from": ref(a),
                        "to": ref(b),
                        "relationship": hop["id"],
                        "predicate": hop["predicate"],
                        "direction": hop["direction"],
                        "start": hop.get("start"),
                        "end": hop.get("end"),
                        "status": hop["status"],
                        "sources": cited[entity_iri(hop["id"])],
                    }
                    for a, b, hop in zip(nodes, nodes[1:], hops, strict=False)
                ],
            }
        )
    return {"from": ref(source.id), "to": ref(target.id), "paths": paths}
