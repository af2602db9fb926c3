"""Choose which part of the projection to draw, and where: pure graph work, no markup.

Large graphs are never drawn whole: `pick_nodes` chooses the top entities by a score, or a
focus entity's neighbourhood; `layout` computes deterministic positions that keep
communities apart, so the browser does no physics past a few hundred nodes, and
`kept_layout` keeps them beside the build, once per drawing; `relation_view` narrows a
relation filter to the entities taking part; `path_positions` lays a path answer out from
source to target.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

from civicgraph.store.kept import read_positions, write_positions

NODE_ROOM = 110.0  # canvas pixels an entity needs around it, its name included
GROUP_GAP = 60.0  # pixels between two groups' circles


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


def layout_key(graph: nx.Graph[str]) -> str:
    """Name a layout by what is drawn (its entities and links) and by this module's code,
    so a kept layout is used only for the same drawing made by the same layout."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    links = sorted(tuple(sorted((str(u), str(v)))) for u, v in graph.edges() if u != v)
    digest.update(json.dumps([sorted(map(str, graph.nodes)), links]).encode())
    return digest.hexdigest()[:24]


def kept_layout(graph: nx.Graph[str], build_dir: Path | None) -> dict[str, tuple[float, float]]:
    """Return `layout(graph)`, computed once per build and drawing and kept beside the build
    (`store.kept`); without a build directory it is simply computed."""
    if build_dir is None:
        return layout(graph)
    key = layout_key(graph)
    positions = read_positions(build_dir, key)
    if positions is None or set(positions) != set(graph.nodes):
        # to a tenth of a pixel, as kept: the first drawing is the same as every later one
        positions = {n: (round(x, 1), round(y, 1)) for n, (x, y) in layout(graph).items()}
        write_positions(build_dir, key, positions)
    return positions


def _simple(graph: nx.Graph[str]) -> nx.Graph[str]:
    """The graph as one sorted, undirected link per pair (the layout's input, in an order
    that does not depend on how the caller built it)."""
    simple: nx.Graph[str] = nx.Graph()
    simple.add_nodes_from(sorted(graph.nodes))
    pairs = {(min(u, v), max(u, v)) for u, v in graph.edges() if u != v}
    simple.add_edges_from(sorted(pairs))
    return simple


def _spread(sub: nx.Graph[str], radius: float, seed: int) -> dict[str, tuple[float, float]]:
    """Lay one group out within a circle of `radius`, centred on 0."""
    if len(sub) == 1:
        return {next(iter(sub)): (0.0, 0.0)}
    if len(sub) == 2:
        first, second = sorted(sub)
        return {first: (-radius / 2, 0.0), second: (radius / 2, 0.0)}
    # a longer ideal edge than networkx's 1/sqrt(n): dense cores open up
    spring = nx.spring_layout(sub, k=2.5 / math.sqrt(len(sub)), seed=seed, iterations=100)
    return {n: (float(a) * radius, float(b) * radius) for n, (a, b) in spring.items()}


def _place_groups(
    simple: nx.Graph[str], groups: list[list[str]], radii: list[float], seed: int
) -> list[tuple[float, float]]:
    """Place the groups' centres: linked groups near each other (a spring layout of the
    groups), then pushed apart until no two groups' circles overlap."""
    if len(groups) <= 1:
        return [(0.0, 0.0)] * len(groups)
    which = {node: index for index, group in enumerate(groups) for node in group}
    between: nx.Graph[int] = nx.Graph()
    between.add_nodes_from(range(len(groups)))
    for u, v in simple.edges():
        a, b = which[u], which[v]
        if a != b:
            weight = between.get_edge_data(a, b, {"weight": 0})["weight"]
            between.add_edge(a, b, weight=weight + 1)
    start = nx.spring_layout(between, weight="weight", seed=seed, iterations=200)
    span = math.sqrt(sum(r * r for r in radii))
    centres = np.array([start[i] for i in range(len(groups))], dtype=float) * span
    size = np.array(radii)
    need = size[:, None] + size[None, :] + GROUP_GAP
    np.fill_diagonal(need, 0.0)
    # pull the groups together, more up and down than across (the canvas is wide), and
    # part any two whose circles overlap; at the end, only parting, until none overlap
    pull = np.array([0.04, 0.09])
    for step in range(400):
        if step < 250:
            centres -= centres * pull
        offsets = centres[None, :, :] - centres[:, None, :]  # i -> j
        distance = np.hypot(offsets[..., 0], offsets[..., 1])
        np.fill_diagonal(distance, np.inf)
        overlap = np.clip(need - distance, 0.0, None)
        if step >= 250 and not overlap.any():
            break
        safe = np.where(distance < 1e-6, 1.0, distance)
        direction = offsets / safe[..., None]
        push = (direction * (overlap / 2 + 0.5 * (overlap > 0))[..., None]).sum(axis=0)
        centres += push
    return [(float(x), float(y)) for x, y in centres]


def layout(graph: nx.Graph[str], seed: int = 7) -> dict[str, tuple[float, float]]:
    """Return deterministic positions in pixels that keep groups apart.

    The linked entities are split into communities (Louvain, seeded); each community is laid
    out on its own within a circle sized for its members, and the circles are placed so that
    linked communities sit near each other and no two overlap. Entities with no link drawn
    stand in rows below. One spring layout of everything would fling the small parts to the
    corners and squeeze the rest into a hairball in the middle.
    """
    simple = _simple(graph)
    linked = [n for n in simple if simple.degree(n)]
    lonely = [n for n in simple if not simple.degree(n)]
    found = nx.community.louvain_communities(simple.subgraph(linked), seed=seed) if linked else []
    groups = sorted((sorted(c) for c in found), key=lambda c: (-len(c), c[0]))
    radii = [NODE_ROOM * math.sqrt(len(g)) * 0.9 if len(g) > 1 else NODE_ROOM / 3 for g in groups]
    positions: dict[str, tuple[float, float]] = {}
    for group, radius, (cx, cy) in zip(
        groups, radii, _place_groups(simple, groups, radii, seed), strict=True
    ):
        for node, (x, y) in _spread(simple.subgraph(group), radius, seed).items():
            positions[node] = (cx + x, cy + y)
    if lonely:
        xs = [x for x, _ in positions.values()] or [0.0]
        bottom = max((y for _, y in positions.values()), default=-NODE_ROOM) + NODE_ROOM * 1.5
        left = min(xs)
        across = max(
            int((max(xs) - left) // (NODE_ROOM * 1.6)) + 1, int(math.sqrt(len(lonely))) + 1
        )
        for index, node in enumerate(lonely):
            row, column = divmod(index, across)
            positions[node] = (left + column * NODE_ROOM * 1.6, bottom + row * NODE_ROOM)
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


def relation_view(
    whole: nx.MultiDiGraph[str], kept: nx.MultiDiGraph[str], focus: str | None = None
) -> nx.MultiDiGraph[str]:
    """Return what a relation filter should draw: only the entities that take part in the
    kept relationships (`kept`, the filtered graph), not every entity as an unlinked dot.

    With a focus, the answer is the kept relationships around it: the participants nearest
    the focus in the `whole` graph (its own, or those a few hops away when it takes no part
    itself), everyone linked to them by kept relationships, and the shortest links from the
    focus to them, marked `context` (drawn as such, not as the relation asked about).
    """
    taking_part = [n for n in kept if kept.degree(n)]
    if focus is None or focus not in whole:
        return kept.subgraph(taking_part).copy()
    undirected = whole.to_undirected(as_view=True)
    joined = set(taking_part)
    seeds: list[str] = []
    parents: dict[str, str] = {}
    for hops in range(1, 5):  # the nearest participants, however far (a few hops at most)
        parents = _parents(undirected, focus, hops)
        seeds = sorted(n for n in parents if n in joined)
        if seeds:
            break
    chosen: set[str] = {focus}
    kept_undirected = kept.to_undirected(as_view=True)
    for seed in seeds:
        if seed not in chosen:
            chosen |= nx.node_connected_component(kept_undirected, seed)
    result: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    result.add_nodes_from((n, whole.nodes[n]) for n in sorted(chosen))
    for u, v, k, d in kept.edges(sorted(chosen), keys=True, data=True):
        if v in chosen:
            result.add_edge(u, v, key=k, **d)
    for seed in seeds:  # the way from the focus to each participant near it
        node = seed
        while node != focus:
            parent = parents[node]
            if parent not in result:
                result.add_node(parent, **whole.nodes[parent])
            if not result.has_edge(parent, node) and not result.has_edge(node, parent):
                source, target = (parent, node) if whole.has_edge(parent, node) else (node, parent)
                key, data = min(whole.get_edge_data(source, target).items())
                result.add_edge(source, target, key=key, **data, context=True)
            node = parent
    return result


def _parents(graph: nx.Graph[str], start: str, depth: int) -> dict[str, str]:
    """Breadth-first from `start` up to `depth` hops: each node reached, and the node it
    was first reached from (sorted neighbours, so the way found is always the same)."""
    parents: dict[str, str] = {start: start}
    frontier = [start]
    for _ in range(depth):
        following: list[str] = []
        for node in frontier:
            for other in sorted(graph.neighbors(node)):
                if other not in parents:
                    parents[other] = node
                    following.append(other)
        frontier = following
    return parents
