"""Choose which part of the projection to draw, and where: pure graph work, no markup.

Large graphs are never drawn whole: `pick_nodes` chooses the top entities by a score, or a
focus entity's neighbourhood; `layout` computes deterministic positions (each connected
part on its own, packed in rows) so the browser does no physics past a few hundred nodes;
`path_positions` lays a path answer out from source to target.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx


def focus_subgraph(graph: nx.MultiDiGraph[str], max_nodes: int, focus: str | None) -> set[str]:
    """Pick at most `max_nodes` nodes: the focus and its neighbours first, then by degree."""
    scores = {node: float(degree) for node, degree in graph.degree()}
    return set(pick_nodes(graph, scores, top=max_nodes, focus=focus, fill=True, limit=max_nodes))


def _ranked(graph: nx.MultiDiGraph[str], scores: Mapping[str, float]) -> list[str]:
    return sorted(graph.nodes, key=lambda n: (-scores.get(n, 0.0), n))


def neighbourhood(graph: nx.MultiDiGraph[str], center: str, depth: int) -> list[str]:
    """Return the entities within `depth` hops of `center` (either direction), nearest first."""
    if center not in graph:
        return []
    undirected = graph.to_undirected(as_view=True)
    lengths = nx.single_source_shortest_path_length(undirected, center, cutoff=depth)
    return sorted(lengths, key=lambda n: (lengths[n], n))


def pick_nodes(
    graph: nx.MultiDiGraph[str],
    scores: Mapping[str, float],
    *,
    top: int = 150,
    focus: str | None = None,
    depth: int = 1,
    expanded: Iterable[str] = (),
    fill: bool = False,
    limit: int = 400,
) -> list[str]:
    """Choose what to draw: a focus and its neighbourhood within `depth` (best scored first,
    at most `top`; `fill` tops it up with the best scored entities), or else the `top`
    entities by score; then the neighbours of every expanded entity; never over `limit`."""
    chosen: dict[str, None] = {}
    if focus is not None and focus in graph:
        near = neighbourhood(graph, focus, depth)
        chosen[focus] = None
        for node in sorted(near[1:], key=lambda n: (-scores.get(n, 0.0), n))[: top - 1]:
            chosen[node] = None
    if fill or not chosen:
        for node in _ranked(graph, scores):
            if len(chosen) >= top:
                break
            chosen.setdefault(node, None)
    for center in expanded:
        for node in neighbourhood(graph, center, 1):
            chosen.setdefault(node, None)
    return list(chosen)[:limit]


def layout(graph: nx.Graph[str], seed: int = 7) -> dict[str, tuple[float, float]]:
    """Return deterministic positions in pixels: each connected part laid out on its own,
    the parts packed in rows, largest first (one spring layout would fling the small parts
    to the corners and squeeze the large one into the middle)."""
    positions: dict[str, tuple[float, float]] = {}
    parts = sorted(nx.connected_components(graph), key=lambda c: (-len(c), min(c)))
    row_width = 0.0
    x = y = row_height = 0.0
    widest = 80 * math.sqrt(graph.number_of_nodes()) * 2.2
    for part in parts:
        sub = graph.subgraph(part)
        radius = max(80 * math.sqrt(len(part)), 150.0) if len(part) > 1 else 20.0
        if len(part) == 1:
            local = {next(iter(part)): (0.0, 0.0)}
        else:
            # a longer ideal edge than networkx's 1/sqrt(n): dense cores open up
            spring = nx.spring_layout(sub, k=2.5 / math.sqrt(len(part)), seed=seed, iterations=100)
            local = {n: (float(a) * radius, float(b) * radius) for n, (a, b) in spring.items()}
        if x > 0 and x + 2 * radius > max(widest, row_width):
            x, y = 0.0, y + row_height + 60
            row_height = 0.0
        for node, (a, b) in local.items():
            positions[node] = (x + radius + a, y + radius + b)
        x += 2 * radius + 60
        row_width = max(row_width, x)
        row_height = max(row_height, 2 * radius)
    return positions


def path_positions(found: dict[str, Any]) -> dict[str, tuple[float, float]]:
    """Lay out a `path` answer left to right: the source first, the target last, one row
    per path; an entity on several paths keeps its first place."""
    positions: dict[str, tuple[float, float]] = {}
    paths = found["paths"]
    longest = max((p["length"] for p in paths), default=1)
    for row, path in enumerate(paths):
        nodes = [path["hops"][0]["from"]["id"]] + [hop["to"]["id"] for hop in path["hops"]]
        step = 260 * longest / max(len(nodes) - 1, 1)
        for index, node in enumerate(nodes):
            y = 0.0 if index in (0, len(nodes) - 1) else (row - (len(paths) - 1) / 2) * 140
            positions.setdefault(node, (index * step, y))
    return positions
