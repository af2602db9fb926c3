"""How far an actor reaches: the programs and reforms it connects to, and its ego network.

`reach` answers "which reforms is this actor connected to, and how?": every entity of the
target types within `max_hops`, ranked by path length, then by the evidence on its best
path (fewest alleged hops, most citations), each with that path.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import islice, pairwise
from typing import Any

import networkx as nx

from civicgraph.entities import EntitySummary
from civicgraph.paths import choose_hops, passable
from civicgraph.project import Views

ALTERNATIVES = 8  # shortest paths compared per target to pick the best attested one
CitationsFor = Callable[[list[str]], dict[str, list[dict[str, Any]]]]


def _evidence(hops: list[dict[str, Any]]) -> tuple[int, int]:
    """Score a chain of hops: (hops that are not plainly reported or confirmed, -citations)."""
    weak = sum(1 for h in hops if h["status"] not in ("reported", "confirmed"))
    return weak, -sum(h["citations"] for h in hops)


def _distances(
    simple: nx.Graph[str], start: str, blocked: frozenset[str], cutoff: int
) -> dict[str, int]:
    """Breadth-first distances that reach blocked nodes but never go on through them."""
    distance = {start: 0}
    frontier = [start]
    for step in range(1, cutoff + 1):
        following = []
        for node in frontier:
            for neighbour in simple[node]:
                if neighbour not in distance:
                    distance[neighbour] = step
                    if neighbour not in blocked:
                        following.append(neighbour)
        frontier = following
    return distance


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
    lengths = _distances(simple, actor.id, blocked, max_hops)
    rows = []
    for node, length in lengths.items():
        if node == actor.id or not targets & set(simple.nodes[node]["types"]):
            continue
        # the target itself may be contextual: allowed as an end, never stepped through
        usable = passable(simple, blocked, {actor.id, node})
        candidates = islice(nx.all_shortest_paths(usable, actor.id, node), ALTERNATIVES)
        best: tuple[tuple[int, int], list[str], list[dict[str, Any]]] | None = None
        for nodes in sorted(candidates):
            hops = choose_hops(views.graph, nodes, time_consistent=False)
            assert hops is not None
            score = _evidence(hops)
            if best is None or score < best[0]:
                best = (score, nodes, hops)
        assert best is not None
        (weak, negative_citations), nodes, hops = best
        rows.append(
            {
                "id": node,
                "label": simple.nodes[node]["label"],
                "types": simple.nodes[node]["types"],
                "length": length,
                "weak_hops": weak,
                "citations": -negative_citations,
                "path": [
                    {
                        "from": a,
                        "to": b,
                        "relationship": hop["id"],
                        "predicate": hop["predicate"],
                        "direction": hop["direction"],
                        "status": hop["status"],
                    }
                    for (a, b), hop in zip(pairwise(nodes), hops, strict=True)
                ],
            }
        )
    rows.sort(key=lambda r: (r["length"], r["weak_hops"], -r["citations"], r["label"].casefold()))
    return {
        "from": {"id": actor.id, "label": actor.label},
        "max_hops": max_hops,
        "results": rows[:top],
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
            }
            for a, b, key, data in sorted(ego.edges(keys=True, data=True), key=lambda e: e[2])
        ],
    }
