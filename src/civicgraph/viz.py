"""Draw part of the projection as an interactive vis-network page, with a precomputed layout.

Text from the data never reaches the page as markup. Nodes and edges are embedded as JSON
with `<`, `>` and `&` escaped, labels are drawn on a canvas, and tooltips are not given to
vis-network as `title` strings (which it would show as HTML) but as a `tip` field that a
small script turns into an element with `textContent`.

Large graphs are never drawn whole: `pick_nodes` chooses the top entities by a score, or a
focus entity's neighbourhood, and positions are computed here so the browser does no
physics past a few hundred nodes. The page is the one pyvis would write, less what it
does not need; vis-network itself is inlined, or fetched from a URL the explorer serves.
"""

from __future__ import annotations

import html
import importlib.util
import json
import math
import re
from collections.abc import Collection, Iterable, Mapping
from functools import cache
from pathlib import Path
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
PHYSICS_UNTIL = 300  # nodes; past this the browser only draws the precomputed layout
LABELLED_EDGES_UNTIL = 60  # edge labels only where they stay readable
# vis-network as pyvis ships it (the explorer serves the same file from app/static/).
VIS_VERSION = "9.1.2"
VIS_SCRIPT = Path("templates", "lib", f"vis-{VIS_VERSION}", "vis-network.min.js")
HEIGHT = re.compile(r"\d+(?:\.\d+)?(?:px|%|vh|em)")
# vis-network's own stylesheet is 220 kB, mostly images for editing tools the page does not
# show; the tooltip is the only part it needs.
TOOLTIP_STYLE = (
    "<style>.vis-tooltip{position:absolute;visibility:hidden;padding:5px 8px;"
    "white-space:nowrap;font-family:sans-serif;font-size:13px;color:#222;"
    "background:#f8f8f4;border:1px solid #999;border-radius:4px;"
    "box-shadow:2px 2px 8px rgba(0,0,0,.2);pointer-events:none;z-index:5}</style>"
)
# The page pyvis would write for this use, less what it does not need (Bootstrap from a
# CDN, its select and filter menus, its loading bar): the drawing must work offline.
PAGE = """<html>
<head>
<meta charset="utf-8">
%(library)s
<style>#mynetwork{width:100%%;height:%(height)s;border:1px solid lightgray;position:relative;
float:left;background-color:#ffffff}</style>
%(tooltip)s
</head>
<body>
<div class="card" style="width: 100%%"><div id="mynetwork" class="card-body"></div></div>
<script type="text/javascript">
var nodes = new vis.DataSet(%(nodes)s);
var edges = new vis.DataSet(%(edges)s);
var network = new vis.Network(
  document.getElementById("mynetwork"), {nodes: nodes, edges: edges}, %(options)s);
</script>
%(script)s</body>
</html>
"""
# Runs once the network exists: tooltips as text, and a click on a node opens its profile
# in the top window (the iframe's sandbox forbids navigating the top directly, but a link
# clicked in the parent document may; a new tab is the fallback).
SCRIPT = """<script type="text/javascript">
(function () {
  var profile = %(profile)s;
  function tip(text) {
    var box = document.createElement("div");
    box.style.whiteSpace = "pre-line";
    box.style.maxWidth = "360px";
    box.textContent = text;
    return box;
  }
  [nodes, edges].forEach(function (set) {
    set.update(set.get().filter(function (item) { return item.tip; })
      .map(function (item) { return {id: item.id, title: tip(item.tip)}; }));
  });
  // zoomed out, only the names of the larger entities are drawn; zooming in shows the rest
  network.setOptions({nodes: {scaling: {label: {drawThreshold: 9}}}});
  // fit the drawing, leaving room for the labels at its edges
  network.fit();
  network.moveTo({scale: Math.min(network.getScale() * 0.9, 1.0)});
  document.body.dataset.ready = "true";
  if (!profile) { return; }
  network.on("click", function (params) {
    if (params.nodes.length !== 1) { return; }
    var target = window.parent;
    var url = target.location.pathname.replace(/[^\\/]*$/, "") + profile +
      "?entity=" + encodeURIComponent(params.nodes[0]);
    try {
      var link = target.document.createElement("a");
      link.href = url;
      target.document.body.appendChild(link);
      link.click();
      link.remove();
    } catch (error) {
      window.open(url, "_blank");
    }
  });
})();
</script>
"""


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
) -> str:
    """Return an HTML page drawing part of the graph with vis-network.

    `nodes` says what to draw (else the focus and top entities by degree, `max_nodes` of
    them); `scores` size the nodes (else degree); `profile_page` is the page a click on a
    node opens with `?entity=<id>`. The page is self-contained (vis-network inlined, 470 kB)
    unless `library_url` names where the browser can fetch vis-network instead, once, for
    every drawing.
    """
    if not HEIGHT.fullmatch(height):
        raise ValueError(f"not a CSS height: {height!r}")
    keep = set(nodes) if nodes is not None else focus_subgraph(graph, max_nodes, focus)
    shown = graph.subgraph(keep)
    if positions is None or not keep <= set(positions):
        positions = layout(nx.Graph(shown.to_undirected()))
    sizes = _sizes(shown, scores)
    drawn_nodes: list[dict[str, Any]] = []
    for node in sorted(shown.nodes):
        data: dict[str, Any] = shown.nodes[node]
        types = data["types"]
        x, y = positions[node]
        if scores is not None:
            measure = f"{score_name} {scores.get(node, 0.0):.4g}"
        else:
            measure = f"{graph.degree(node)} relationships"
        drawn_nodes.append(
            {
                "id": node,
                "label": data["label"],
                "tip": f"{data['label']}\n{', '.join(types)}\n{measure}",
                "color": FAMILY_COLOURS.get(family(model, types), OTHER_COLOUR),
                "shape": "dot",
                "size": sizes[node],
                "font": {"size": round(12 + sizes[node] / 2)},  # bigger entities, bigger names
                "x": x,
                "y": y,
                "borderWidth": 4 if node == focus else 1,
            }
        )
    labelled = shown.number_of_edges() <= LABELLED_EDGES_UNTIL
    parallel: dict[frozenset[str], int] = {}
    drawn_edges: list[dict[str, Any]] = []
    for source, target, edge in shown.edges(data=True):
        # bend each further relationship between the same two entities a little more
        pair = frozenset((source, target))
        parallel[pair] = parallel.get(pair, -1) + 1
        bend = {"type": "curvedCW", "roundness": 0.2 * parallel[pair]}
        when = "–".join(str(edge[k]) for k in ("start", "end") if edge.get(k))
        drawn_edges.append(
            {
                "from": source,
                "to": target,
                "tip": f"{edge['predicate']} ({edge['status']})" + (f" {when}" if when else ""),
                "arrows": "to",
                "dashes": edge["status"] not in ("reported", "confirmed"),
                "smooth": bend if parallel[pair] else False,
                **({"label": edge["predicate"]} if labelled else {}),
            }
        )
    moving = physics and shown.number_of_nodes() <= PHYSICS_UNTIL
    options = {
        "physics": {"enabled": moving, "stabilization": {"enabled": True, "fit": True}},
        "edges": {"color": {"inherit": True}, "smooth": {"enabled": True, "type": "dynamic"}},
        "interaction": {"dragNodes": True, "hideEdgesOnDrag": False, "hideNodesOnDrag": False},
    }
    if library_url is None:
        library = _inline_library()
    else:
        library = f'<script src="{html.escape(library_url)}"></script>'
    return PAGE % {
        "library": library,
        "height": height,
        "tooltip": TOOLTIP_STYLE,
        "nodes": _script_json(drawn_nodes),
        "edges": _script_json(drawn_edges),
        "options": _script_json(options),
        "script": SCRIPT % {"profile": _script_json(profile_page)},
    }
