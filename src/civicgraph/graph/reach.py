"""How far an actor reaches: the programs and reforms it connects to, and its ego network.

`reach` answers "which reforms is this actor connected to, and how?": every entity of the
target types within `max_hops`, ranked by path length, then by the evidence on its best
path (fewest alleged hops, most citations), each with that path.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import networkx as nx

from civicgraph.graph.entities import EntitySummary
from civicgraph.graph.paths import choose_hops, hop_quality
from civicgraph.graph.project import Views

Score = tuple[int, int]  # (hops not plainly reported or confirmed, minus citations)


def _hop_score(graph: nx.MultiDiGraph[str], a: str, b: str) -> Score:
    """Score the hop `choose_hops` takes between a and b: its best attested relationship."""
    edges = [
        *graph.get_edge_data(a, b, default={}).values(),
        *graph.get_edge_data(b, a, default={}).values(),
    ]
    best = min(edges, key=hop_quality)
    return (0 if best["status"] in ("reported", "confirmed") else 1), -best["citations"]


def best_paths(
    views: Views, start: str, blocked: frozenset[str], cutoff: int
) -> dict[str, tuple[Score, tuple[str, ...]]]:
    """Find, for every entity within `cutoff` hops, its best attested shortest path.

    One breadth-first search: layer by layer, a node keeps the best of the paths its
    neighbours in the layer before offer it, by summed hop score, then by the node ids in
    order (ties break the same way every run). Summed scores compose, so the best path to a
    node extends the best path to one of its predecessors: exact over all shortest paths,
    for one look at each edge. Blocked nodes are reached but never stepped through.
    """
    simple, graph = views.simple, views.graph
    best: dict[str, tuple[Score, tuple[str, ...]]] = {start: ((0, 0), (start,))}
    frontier = [start]
    for _ in range(cutoff):
        layer: dict[str, tuple[Score, tuple[str, ...]]] = {}
        for node in frontier:
            (weak, citations), path = best[node]
            for neighbour in simple[node]:
                if neighbour in best:
                    continue
                hop_weak, hop_citations = _hop_score(graph, node, neighbour)
                offer = ((weak + hop_weak, citations + hop_citations), (*path, neighbour))
                held = layer.get(neighbour)
                if held is None or offer < held:
                    layer[neighbour] = offer
        best.update(layer)
        frontier = [node for node in layer if node not in blocked]
    return best


def reach(
    views: Views,
    actor: EntitySummary,
    targets: set[str],
    *,
    max_hops: int = 4,
    through_context: bool = False,
    top: int = 50,
) -> dict[str, Any]:
    """List the entities of the target types an actor connects to, best evidence first."""
    simple = views.simple
    blocked: frozenset[str] = frozenset() if through_context else views.contextual
    found = best_paths(views, actor.id, blocked, max_hops)
    ranked = sorted(
        (len(path) - 1, weak, citations, simple.nodes[node]["label"].casefold(), node)
        for node, ((weak, citations), path) in found.items()
        if node != actor.id and targets & set(simple.nodes[node]["types"])
    )
    rows = []
    for length, weak, citations, _, node in ranked[:top]:
        nodes = list(found[node][1])
        hops = choose_hops(views.graph, nodes, time_consistent=False)
        assert hops is not None
        rows.append(
            {
                "id": node,
                "label": simple.nodes[node]["label"],
                "types": simple.nodes[node]["types"],
                "length": length,
                "weak_hops": weak,
                "citations": -citations,
                "path": [
                    {
                        "from": a,
                        "to": b,
                        "relationship": hop["id"],
                        "predicate": hop["predicate"],
                        "direction": hop["direction"],
                        "status": hop["status"],
                        "review": hop["review"],
                    }
                    for (a, b), hop in zip(pairwise(nodes), hops, strict=True)
                ],
            }
        )
    return {
        "from": {"id": actor.id, "label": actor.label},
        "max_hops": max_hops,
        "results": rows,
    }


def neighbours(views: Views, center: EntitySummary, depth: int = 1) -> dict[str, Any]:
    """Return the ego network: entities within `depth` hops and the relationships among them."""
    lengths = nx.single_source_shortest_path_length(views.simple, center.id, cutoff=depth)
    nodes = sorted(lengths, key=lambda n: (lengths[n], views.graph.nodes[n]["label"].casefold(), n))
    ego = views.graph.subgraph(nodes)
    return {
        "center": {"id": center.id, "label": center.label},
        "depth": depth,
        "nodes": [
            {
                "id": n,
                "label": ego.nodes[n]["label"],
                "types": ego.nodes[n]["types"],
                "distance": lengths[n],
            }
            for n in nodes
        ],
        "edges": [
            {
                "id": key,
                "source": a,
                "target": b,
                "predicate": data["predicate"],
                "status": data["status"],
                "review": data["review"],
            }
            for a, b, key, data in sorted(ego.edges(keys=True, data=True), key=lambda e: e[2])
        ],
    }
