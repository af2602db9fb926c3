"""Draw the projection as an interactive pyvis network, with a precomputed layout.

Text from the data reaches the page only escaped: pyvis shows a node's `title` with
innerHTML, so titles are HTML-escaped here; labels are drawn on a canvas and embedded with
Jinja's `tojson`, which escapes `<`, `>` and `&`.
"""

from __future__ import annotations

import html
import math
import re
from typing import Any

import networkx as nx

from civicgraph.ontology import Model

# One colour per family of types (the top civ class an entity's type descends from).
FAMILY_COLOURS = {
    "Person": "#e15759",
    "Organization": "#4e79a7",
    "Movement": "#f28e2b",
    "Program": "#59a14f",
    "Reform": "#76b7b2",
    "Place": "#9c755f",
    "Event": "#edc948",
    "Publication": "#bab0ac",
    "Dataset": "#b07aa1",
    "Concept": "#ff9da7",
}
OTHER_COLOUR = "#cccccc"
# pyvis's template links Bootstrap from a CDN even when vis-network is inlined; the page
# needs neither it nor the network (the explorer must work offline).
REMOTE_ASSET = re.compile(
    r"<(?:script|link)\b[^>]*(?:src|href)=\"https?://[^\"]*\"[^>]*>(?:</script>)?"
)


def family(model: Model, types: list[str]) -> str:
    """Return the family of an entity's types, e.g. GovernmentAgency -> Organization."""
    for record_type in sorted(types):
        cls = model.classes.get(record_type)
        if cls is None:
            continue
        lineage = [record_type, *cls.ancestors]
        for name in reversed(lineage):
            if name in FAMILY_COLOURS:
                return name
    return "Other"


def focus_subgraph(graph: nx.MultiDiGraph[str], max_nodes: int, focus: str | None) -> set[str]:
    """Pick at most `max_nodes` nodes: the focus and its neighbours first, then by degree."""
    chosen: list[str] = []
    if focus is not None and focus in graph:
        chosen.append(focus)
        neighbours = set(graph.successors(focus)) | set(graph.predecessors(focus))
        chosen += sorted(neighbours, key=lambda n: (-graph.degree(n), n))
    by_degree = sorted(graph.nodes, key=lambda n: (-graph.degree(n), n))
    for node in by_degree:
        if len(chosen) >= max_nodes:
            break
        if node not in chosen:
            chosen.append(node)
    return set(chosen[:max_nodes])


def layout(graph: nx.Graph[str], seed: int = 7) -> dict[str, tuple[float, float]]:
    """Return deterministic positions in pixels."""
    if graph.number_of_nodes() == 0:
        return {}
    scale = 150 * math.sqrt(graph.number_of_nodes())
    positions = nx.spring_layout(graph, seed=seed, iterations=100)
    return {node: (float(x) * scale, float(y) * scale) for node, (x, y) in positions.items()}


def network_html(
    graph: nx.MultiDiGraph[str],
    model: Model,
    *,
    focus: str | None = None,
    max_nodes: int = 250,
    height: str = "620px",
) -> str:
    """Return a self-contained HTML page (vis-network inlined) drawing the graph."""
    from pyvis.network import Network

    keep = focus_subgraph(graph, max_nodes, focus)
    shown = graph.subgraph(keep)
    positions = layout(nx.Graph(shown.to_undirected()))
    net = Network(height=height, width="100%", directed=True, cdn_resources="in_line")
    for node in sorted(shown.nodes):
        data: dict[str, Any] = shown.nodes[node]
        types = data["types"]
        kind = family(model, types)
        x, y = positions[node]
        degree = graph.degree(node)
        net.add_node(
            node,
            label=data["label"],
            title=html.escape(f"{data['label']} — {', '.join(types)} — {degree} relationships"),
            color=FAMILY_COLOURS.get(kind, OTHER_COLOUR),
            size=8 + 4 * math.sqrt(degree),
            x=x,
            y=y,
            borderWidth=4 if node == focus else 1,
        )
    labelled = shown.number_of_edges() <= 60  # edge labels only where they stay readable
    for source, target, edge in shown.edges(data=True):
        extra = {"label": edge["predicate"]} if labelled else {}
        net.add_edge(
            source,
            target,
            title=html.escape(f"{edge['predicate']} ({edge['status']})"),
            arrows="to",
            dashes=edge["status"] != "reported",
            **extra,
        )
    net.toggle_physics(False)  # the layout is precomputed: no jiggling, no freezing
    return REMOTE_ASSET.sub("", str(net.generate_html(notebook=False)))
