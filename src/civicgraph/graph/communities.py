"""Communities (seeded Louvain) and brokers: who holds one kind of entity to another.

Both run on the simple graph of entities (`project.collapse`). A broker is an entity whose
removal disconnects pairs of entities of one type from another (movements from reforms);
its examples are pairs it cuts apart, with the path that ran through it.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from civicgraph.graph.project import Views, collapse


def communities(
    views: Views, *, seed: int = 42, resolution: float = 1.0, top: int = 10
) -> dict[str, Any]:
    """Find communities with seeded Louvain (deterministic for a seed) on the weighted graph."""
    simple = views.simple
    if simple.number_of_nodes() == 0:
        return {
            **{"algorithm": "louvain", "seed": seed, "layer": views.layer},
            **{"modularity": 0.0, "communities": []},
        }
    found = nx.community.louvain_communities(
        simple, weight="weight", resolution=resolution, seed=seed
    )
    modularity = nx.community.modularity(simple, found, weight="weight", resolution=resolution)
    ordered = sorted(
        (sorted(members) for members in found), key=lambda members: (-len(members), members[0])
    )
    listed = []
    for number, members in enumerate(ordered, start=1):
        by_degree = sorted(members, key=lambda n: (-simple.degree(n), n))
        listed.append(
            {
                "community": number,
                "size": len(members),
                "top": [
                    {"id": n, "label": simple.nodes[n]["label"], "types": simple.nodes[n]["types"]}
                    for n in by_degree[:top]
                ],
                "members": members,
            }
        )
    return {
        "algorithm": "louvain",
        "seed": seed,
        "resolution": resolution,
        "layer": views.layer,
        "modularity": float(modularity),
        "communities": listed,
    }


def _cut_losses(
    simple: nx.Graph[str], is_source: set[str], is_target: set[str]
) -> tuple[dict[str, int], int]:
    """For every node, count the (source, target) pairs that its removal disconnects.

    One iterative depth-first search (Tarjan's articulation points) with subtree counts:
    when v is removed, each child subtree with low >= disc[v] becomes a part of its own,
    and the rest of the component is another. Linear in the size of the graph.
    """
    disc: dict[str, int] = {}
    low: dict[str, int] = {}
    parent: dict[str, str | None] = {}
    sub_s: dict[str, int] = {}
    sub_t: dict[str, int] = {}
    sep: dict[str, list[int]] = {}  # separated children: sources, targets, sum of s*t
    losses: dict[str, int] = {}
    points = 0
    counter = 0
    for root in simple:
        if root in disc:
            continue
        component = [root]
        disc[root] = low[root] = counter
        counter += 1
        parent[root] = None
        sub_s[root], sub_t[root] = int(root in is_source), int(root in is_target)
        stack = [(root, iter(simple[root]))]
        root_children = 0
        while stack:
            node, neighbours = stack[-1]
            for other in neighbours:
                if other not in disc:
                    parent[other] = node
                    disc[other] = low[other] = counter
                    counter += 1
                    sub_s[other], sub_t[other] = int(other in is_source), int(other in is_target)
                    component.append(other)
                    stack.append((other, iter(simple[other])))
                    break
                if other != parent[node]:
                    low[node] = min(low[node], disc[other])
            else:
                stack.pop()
                above = parent[node]
                if above is None:
                    continue
                low[above] = min(low[above], low[node])
                sub_s[above] += sub_s[node]
                sub_t[above] += sub_t[node]
                root_children += above == root
                if low[node] >= disc[above]:
                    parts = sep.setdefault(above, [0, 0, 0])
                    parts[0] += sub_s[node]
                    parts[1] += sub_t[node]
                    parts[2] += sub_s[node] * sub_t[node]
        total_s, total_t = sub_s[root], sub_t[root]
        for node in component:
            if node not in sep or (node == root and root_children < 2):
                continue
            points += 1
            own_s, own_t = int(node in is_source), int(node in is_target)
            rest_s = total_s - own_s - sep[node][0]
            rest_t = total_t - own_t - sep[node][1]
            lost = (total_s - own_s) * (total_t - own_t) - sep[node][2] - rest_s * rest_t
            if lost > 0:
                losses[node] = lost
    return losses, points


def brokers(
    graph: nx.MultiDiGraph[str],
    *,
    sources: set[str],
    targets: set[str],
    top: int = 20,
) -> dict[str, Any]:
    """Find the entities whose removal cuts source-type entities off from target-type ones.

    Only articulation points can disconnect anything; each is scored by how many
    (source, target) pairs that were connected lose every path (see `_cut_losses`).
    """
    simple = collapse(graph)

    source_nodes = {n for n, d in simple.nodes(data=True) if sources & set(d["types"])}
    target_nodes = {n for n, d in simple.nodes(data=True) if targets & set(d["types"])}
    losses, points = _cut_losses(simple, source_nodes, target_nodes)
    ranked = sorted(losses, key=lambda n: (-losses[n], simple.nodes[n]["label"].casefold(), n))
    rows = []
    for point in ranked[:top]:
        rows.append(
            {
                "id": point,
                "label": simple.nodes[point]["label"],
                "types": simple.nodes[point]["types"],
                "disconnected_pairs": losses[point],
                "examples": _examples(simple, point, source_nodes, target_nodes),
            }
        )
    return {"articulation_points": points, "results": rows}


def _examples(
    simple: nx.Graph[str], point: str, source_nodes: set[str], target_nodes: set[str]
) -> list[dict[str, str]]:
    """Name up to three pairs the removal of `point` splits (only for the rows shown)."""
    home = nx.node_connected_component(simple, point) - {point}
    targets_home = target_nodes & home
    examples: list[dict[str, str]] = []
    parts = sorted(nx.connected_components(simple.subgraph(home)), key=min)
    for part in parts:
        outside = sorted(targets_home - part)
        for source in sorted(source_nodes & part)[: 3 - len(examples)]:
            if outside:
                examples.append({"from": source, "to": outside[0]})
        if len(examples) >= 3:
            break
    return examples
