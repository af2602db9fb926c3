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
from collections.abc import Collection, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import networkx as nx

from civicgraph.graph.layout import focus_subgraph, layout
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
