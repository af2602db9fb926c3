"""Centrality over the projection: who is central, who sits in the middle.

Scores are computed on the undirected simple graph of entities (an edge wherever at least
one relationship links two entities, `weight` = how many). PageRank and eigenvector use
the weights; degree, betweenness and closeness count each neighbour once. The same numbers
come out of networkx run on `export --format graphml` collapsed the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import networkx as nx

from civicgraph.errors import QueryError
from civicgraph.project import simple_undirected

METRICS: dict[str, Callable[[nx.Graph[str]], dict[str, float]]] = {
    "pagerank": lambda g: nx.pagerank(g, weight="weight"),
    "betweenness": lambda g: nx.betweenness_centrality(g, normalized=True),
    "degree": nx.degree_centrality,
    "eigenvector": lambda g: nx.eigenvector_centrality(g, max_iter=1000, weight="weight"),
    "closeness": nx.closeness_centrality,
}


def centrality(
    graph: nx.MultiDiGraph[str],
    metric: str = "pagerank",
    *,
    types: set[str] | None = None,
    top: int = 20,
) -> dict[str, Any]:
    """Rank entities by a metric, in the contract's `centrality --json` shape.

    `types` filters the ranking, not the graph: a person is central because of everyone
    around them, whatever their types.
    """
    if metric not in METRICS:
        raise QueryError(f"unknown metric {metric!r} (one of {', '.join(METRICS)})")
    simple = simple_undirected(graph)
    try:
        scores = METRICS[metric](simple) if simple.number_of_nodes() else {}
    except nx.PowerIterationFailedConvergence as exc:
        raise QueryError(f"{metric} did not converge on this graph: {exc}") from exc
    rows = [
        {
            "id": node,
            "label": graph.nodes[node]["label"],
            "types": graph.nodes[node]["types"],
            "score": float(score),
        }
        for node, score in scores.items()
        if types is None or types & set(graph.nodes[node]["types"])
    ]
    rows.sort(key=lambda r: (-r["score"], r["label"].casefold(), r["id"]))
    return {"metric": metric, "directed": False, "normalized": True, "results": rows[:top]}
