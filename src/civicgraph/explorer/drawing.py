"""Draw part of the projection as an interactive vis-network page, with a precomputed layout.

Text from the data never reaches the page as markup. Nodes and edges are embedded as JSON
with `<`, `>` and `&` escaped, labels are drawn on a canvas, and tooltips are not given to
vis-network as `title` strings (which it would show as HTML) but as a `tip` field that a
small script turns into an element with `textContent`.

Large graphs are never drawn whole: what to draw and where comes from `graph.layout` (the top
entities by a score, or a focus entity's neighbourhood, with positions computed there), so
the browser does no physics past a few hundred nodes. The page is the one pyvis would
write, less what it does not need; vis-network itself is inlined, or fetched from a URL the
explorer serves.
"""

from __future__ import annotations

import html
import importlib.util
import json
import math
import re
from collections import Counter
from collections.abc import Collection, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import networkx as nx

from civicgraph.explorer.page import PAGE, SCRIPT, TOOLTIP_STYLE
from civicgraph.graph.layout import focus_subgraph, kept_layout
from civicgraph.model.ontology import Model

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
# One colour per relation drawn, the most frequent first (darker than the entities' colours,
# so a line is told from a dot); the rest share a grey, and links shown only to join a
# focus to the relation asked about are paler still.
RELATION_COLOURS = (
    *("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e"),
    *("#b8860b", "#a6761d", "#1f78b4", "#b2182b", "#17becf"),
)
OTHER_RELATIONS = "#9a9a9a"
CONTEXT_COLOUR = "#d4d4d4"
PHYSICS_UNTIL = 300  # nodes; past this the browser only draws the precomputed layout
SMALL = 40  # nodes; a drawing this small offers every name, where it fits
LABELLED_EDGES_UNTIL = 30  # edge labels only where they stay readable
# vis-network as pyvis ships it (the explorer serves the same file from app/static/).
VIS_VERSION = "9.1.2"
VIS_SCRIPT = Path("templates", "lib", f"vis-{VIS_VERSION}", "vis-network.min.js")
HEIGHT = re.compile(r"\d+(?:\.\d+)?(?:px|%|vh|em)")


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


def _sizes(graph: nx.MultiDiGraph[str], scores: Mapping[str, float] | None) -> dict[str, float]:
    values = scores if scores is not None else {n: float(d) for n, d in graph.degree()}
    top = max((values.get(n, 0.0) for n in graph.nodes), default=0.0) or 1.0
    return {n: 10 + 30 * math.sqrt(max(values.get(n, 0.0), 0.0) / top) for n in graph.nodes}


def vis_library() -> Path:
    """Return vis-network's script file, found in pyvis's package without importing pyvis
    (its import pulls in IPython, half a second the explorer need not spend)."""
    spec = importlib.util.find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("pyvis, which ships vis-network, is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / VIS_SCRIPT


@cache
def _inline_library() -> str:
    return f"<script>{vis_library().read_text(encoding='utf-8')}</script>"


def _script_json(value: object) -> str:
    """Write JSON that is safe inside a <script> element: `<`, `>` and `&` as escapes, so
    text from the data can never close the element or start markup."""
    text = json.dumps(value, ensure_ascii=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def named_nodes(sizes: Mapping[str, float]) -> set[str]:
    """Choose the entities whose names the page may draw unasked: all in a small drawing,
    else the largest quarter (at least 10); the page draws each only where it fits, the
    rest on hover or selection."""
    ranked = sorted(sizes, key=lambda n: (-sizes[n], n))
    return set(ranked if len(ranked) <= SMALL else ranked[: max(10, len(ranked) // 4)])


def relation_colours(counts: Mapping[str, int]) -> dict[str, str]:
    """Colour the relations drawn, the most frequent first; past the palette, grey."""
    ranked = sorted(counts, key=lambda r: (-counts[r], r))
    return {
        name: RELATION_COLOURS[i] if i < len(RELATION_COLOURS) else OTHER_RELATIONS
        for i, name in enumerate(ranked)
    }


def _edge_key(name: str, colour: str) -> dict[str, Any]:
    return {"kind": "edge", "name": name, "colour": colour}


def _legend(
    families: Collection[str], colours: Mapping[str, str], counts: Mapping[str, int], context: int
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [
        {"kind": "node", "name": name, "colour": colour}
        for name, colour in [*FAMILY_COLOURS.items(), ("Other", OTHER_COLOUR)]
        if name in families
    ]
    others = sum(counts[r] for r, c in colours.items() if c == OTHER_RELATIONS)
    for relation in sorted(counts, key=lambda r: (-counts[r], r)):
        if colours[relation] != OTHER_RELATIONS:
            rows.append(_edge_key(f"{relation} ({counts[relation]})", colours[relation]))
    if others:
        rows.append(_edge_key(f"other relations ({others})", OTHER_RELATIONS))
    if context:
        rows.append(_edge_key(f"linking the focus ({context})", CONTEXT_COLOUR))
    rows.append({**_edge_key("dashed: alleged or disputed", "#777777"), "dashed": True})
    return rows


def network_html(
    graph: nx.MultiDiGraph[str],
    model: Model,
    *,
    focus: str | None = None,
    max_nodes: int = 250,
    nodes: Collection[str] | None = None,
    scores: Mapping[str, float] | None = None,
    score_name: str = "relationships",
    positions: Mapping[str, tuple[float, float]] | None = None,
    profile_page: str | None = None,
    physics: bool = False,
    height: str = "620px",
    library_url: str | None = None,
    kept_in: Path | None = None,
) -> str:
    """Return an HTML page drawing part of the graph with vis-network.

    `nodes` says what to draw (else the focus and top entities by degree, `max_nodes` of
    them); `scores` size the nodes (else degree); `profile_page` is the page a click on a
    node opens with `?entity=<id>`. The page is self-contained (vis-network inlined, 470 kB)
    unless `library_url` names where the browser can fetch vis-network instead, once, for
    every drawing. Edges are coloured by relation, with a legend below the drawing; an edge
    marked `context` (see `graph.layout.relation_view`) is drawn pale. Without `positions`
    the layout is computed, and kept in `kept_in` (a build's directory) when given.
    """
    if not HEIGHT.fullmatch(height):
        raise ValueError(f"not a CSS height: {height!r}")
    keep = set(nodes) if nodes is not None else focus_subgraph(graph, max_nodes, focus)
    shown = graph.subgraph(keep)
    if positions is None or not keep <= set(positions):
        positions = kept_layout(nx.Graph(shown.to_undirected()), kept_in)
    sizes = _sizes(shown, scores)
    named = named_nodes(sizes)
    families: set[str] = set()
    drawn_nodes: list[dict[str, Any]] = []
    for node in sorted(shown.nodes):
        data: dict[str, Any] = shown.nodes[node]
        types = data["types"]
        x, y = positions[node]
        if scores is not None:
            measure = f"{score_name} {scores.get(node, 0.0):.4g}"
        else:
            measure = f"{graph.degree(node)} relationships"
        families.add(family(model, types))
        drawn_nodes.append(
            {
                "id": node,
                "name": data["label"],
                # only the largest carry a label: the page draws it where it fits
                **({"label": data["label"]} if node in named else {}),
                "tip": f"{data['label']}\n{', '.join(types)}\n{measure}",
                "color": FAMILY_COLOURS.get(family(model, types), OTHER_COLOUR),
                "shape": "dot",
                "size": sizes[node],
                "font": {"size": 14},  # the page sets it to read the same at every zoom
                "x": x,
                "y": y,
                "borderWidth": 4 if node == focus else 1,
            }
        )
    edge_list = list(shown.edges(data=True))
    counts = Counter(edge["predicate"] for _, _, edge in edge_list if not edge.get("context"))
    colours = relation_colours(counts)
    labelled = len(edge_list) <= LABELLED_EDGES_UNTIL
    parallel: dict[frozenset[str], int] = {}
    drawn_edges: list[dict[str, Any]] = []
    for index, (source, target, edge) in enumerate(edge_list):
        # bend each further relationship between the same two entities a little more
        pair = frozenset((source, target))
        parallel[pair] = parallel.get(pair, -1) + 1
        bend = {"type": "curvedCW", "roundness": 0.2 * parallel[pair]}
        when = "–".join(str(edge[k]) for k in ("start", "end") if edge.get(k))
        context = bool(edge.get("context"))
        drawn_edges.append(
            {
                "id": index,
                "from": source,
                "to": target,
                "relation": edge["predicate"],
                "tip": f"{edge['predicate']} ({edge['status']})" + (f" {when}" if when else ""),
                "arrows": "to",
                "color": CONTEXT_COLOUR if context else colours[edge["predicate"]],
                "width": 1 if context else 2,
                "dashes": edge["status"] not in ("reported", "confirmed"),
                "smooth": bend if parallel[pair] else False,
                **({"label": edge["predicate"]} if labelled else {}),
            }
        )
    moving = physics and shown.number_of_nodes() <= PHYSICS_UNTIL
    options = {
        "physics": {"enabled": moving, "stabilization": {"enabled": True, "fit": True}},
        "nodes": {"font": {"face": "arial", "strokeWidth": 3, "strokeColor": "#ffffff"}},
        "edges": {
            "smooth": {"enabled": True, "type": "dynamic"},
            "font": {"size": 11, "strokeWidth": 3, "color": "#444"},
        },
        "interaction": {
            **{"dragNodes": True, "hideEdgesOnDrag": False, "hideNodesOnDrag": False},
            **{"hover": True, "tooltipDelay": 200},
        },
    }
    if library_url is None:
        library = _inline_library()
    else:
        library = f'<script src="{html.escape(library_url)}"></script>'
    context_links = sum(1 for _, _, edge in edge_list if edge.get("context"))
    legend = _legend(families, colours, counts, context_links)
    return PAGE % {
        "library": library,
        "height": height,
        "tooltip": TOOLTIP_STYLE,
        "nodes": _script_json(drawn_nodes),
        "edges": _script_json(drawn_edges),
        "options": _script_json(options),
        "script": SCRIPT % {"profile": _script_json(profile_page), "legend": _script_json(legend)},
    }
