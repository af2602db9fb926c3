"""The page a drawing is written into: vis-network's frame, a legend, and the script that
runs once the network exists (tooltips as text, names where they fit, clicks to profiles).

`explorer.drawing` fills it in; nothing here is built from the data except through JSON
that the drawing escapes for a <script> element.
"""

from __future__ import annotations

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
<style>body{margin:0;font-family:sans-serif}
#frame{display:flex;flex-direction:column;width:100%%;height:%(height)s;box-sizing:border-box;
border:1px solid lightgray}
#mynetwork{flex:1 1 auto;min-height:0;position:relative;background-color:#ffffff}
#legend{flex:0 0 auto;font-size:12px;color:#333;padding:3px 6px;line-height:18px;
border-top:1px solid #eee;max-height:40%%;overflow:auto}
#legend .entry{display:inline-block;margin-right:12px;white-space:nowrap}
#legend .node{display:inline-block;width:10px;height:10px;border-radius:5px;margin-right:4px}
#legend .edge{display:inline-block;width:18px;height:0;border-top:3px solid;margin:0 4px 3px 0;
vertical-align:middle}</style>
%(tooltip)s
</head>
<body>
<div id="frame"><div id="mynetwork"></div><div id="legend"></div></div>
<script type="text/javascript">
var nodes = new vis.DataSet(%(nodes)s);
var edges = new vis.DataSet(%(edges)s);
var network = new vis.Network(
  document.getElementById("mynetwork"), {nodes: nodes, edges: edges}, %(options)s);
</script>
%(script)s</body>
</html>
"""
# Runs once the network exists: tooltips as text, labels where they fit, the legend, and a
# click on a node opens its profile in the top window (the iframe's sandbox forbids
# navigating the top directly, but a link clicked in the parent document may; a new tab is
# the fallback).
SCRIPT = """<script type="text/javascript">
(function () {
  var profile = %(profile)s;
  var legend = %(legend)s;
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
  // the legend: what each colour of node and edge stands for, as text
  var key = document.getElementById("legend");
  legend.forEach(function (row) {
    var entry = document.createElement("span");
    entry.className = "entry";
    var mark = document.createElement("span");
    mark.className = row.kind;
    mark.style[row.kind === "node" ? "background" : "borderColor"] = row.colour;
    if (row.dashed) { mark.style.borderTopStyle = "dashed"; }
    entry.appendChild(mark);
    entry.appendChild(document.createTextNode(row.name));
    key.appendChild(entry);
  });
  // Names are drawn at a readable size on screen whatever the zoom (their size on the
  // canvas is divided by the scale), and only where they fit: the largest entities' names
  // first, each only if it covers no name already placed and leaves every other entity's
  // larger dots in sight (their middles uncovered; a small dot may lie under a name), so zooming
  // in shows more of them. A hovered or selected entity always shows its name; the names of
  // the smaller entities (those the page gives no label) show only then.
  var all = nodes.get({fields: ["id", "name", "size", "label"]});
  var candidate = {};
  all.forEach(function (n) { if (n.label) { candidate[n.id] = true; } });
  all.sort(function (a, b) { return b.size - a.size || (a.id < b.id ? -1 : 1); });
  var drawn = {};
  all.forEach(function (n) { drawn[n.id] = {label: n.label || "", size: 0}; });
  // edges that may carry their relation as a label (the page gives it to small drawings)
  var named = edges.get({filter: function (e) { return e.label; },
                         fields: ["id", "from", "to", "label"]});
  var written = {};
  named.forEach(function (e) { written[e.id] = e.label; });
  var ruler = document.createElement("canvas").getContext("2d");
  var hovered = null;
  function screenPx(n) { return n.size >= 25 ? 14 : 12; }
  function wrap(name) {  // long names on two or three lines of about 24 characters
    var lines = [], line = "";
    name.split(" ").forEach(function (word) {
      if (line && (line + " " + word).length > 24 && lines.length < 2) {
        lines.push(line);
        line = word;
      } else {
        line = line ? line + " " + word : word;
      }
    });
    return lines.concat([line]);
  }
  function apart(a, b) { return a[2] <= b[0] || b[2] <= a[0] || a[3] <= b[1] || b[3] <= a[1]; }
  function clear(box, disc) {
    var x = Math.max(box[0], Math.min(disc[0], box[2]));
    var y = Math.max(box[1], Math.min(disc[1], box[3]));
    return Math.hypot(x - disc[0], y - disc[1]) >= Math.min(disc[2], 3);
  }
  function place() {
    var scale = network.getScale();
    placedAt = scale;
    var at = network.getPositions();
    var selected = {};
    network.getSelectedNodes().forEach(function (id) { selected[id] = true; });
    var area = document.getElementById("mynetwork");
    var corner = network.DOMtoCanvas({x: 0, y: 0});
    var far = network.DOMtoCanvas({x: area.clientWidth, y: area.clientHeight});
    var view = [corner.x * scale, corner.y * scale, far.x * scale, far.y * scale];
    var discs = {};
    all.forEach(function (n) {
      discs[n.id] = [at[n.id].x * scale, at[n.id].y * scale, n.size * scale];
    });
    function forced(n) { return n.id === hovered || selected[n.id]; }
    var boxes = [], showing = {}, planned = {};
    all.filter(forced).concat(all.filter(function (n) { return !forced(n) && candidate[n.id]; }))
      .forEach(function (n) {
        var size = screenPx(n), lines = wrap(n.name);
        ruler.font = size + "px arial";
        var half = Math.max.apply(null, lines.map(function (line) {
          return ruler.measureText(line).width;
        })) / 2 + 3;
        var x = discs[n.id][0], r = discs[n.id][2], high = lines.length * size * 1.25 + 3;
        function free(box) {  // on screen, clear of the names placed and of the dots
          return box[0] >= view[0] && box[1] >= view[1] && box[2] <= view[2] &&
            box[3] <= view[3] && boxes.every(function (b) { return apart(box, b); }) &&
            all.every(function (o) {
              return o.id === n.id || !candidate[o.id] || clear(box, discs[o.id]);
            });
        }
        // below the dot, where vis-network draws a name, else above it (shifted up)
        var below = [x - half, discs[n.id][1] + r, x + half, discs[n.id][1] + r + high];
        var above = [x - half, discs[n.id][1] - r - high, x + half, discs[n.id][1] - r];
        var box = forced(n) || free(below) ? below : free(above) ? above : null;
        if (box) {
          boxes.push(box);
          planned[n.id] = box;
          showing[n.id] = box === below ? 0 : -(2 * r + high) / scale;
        }
      });
    var changes = [];
    all.forEach(function (n) {
      var shift = showing[n.id], size = screenPx(n) / scale;
      var label = shift !== undefined ? wrap(n.name).join("\\n") : "";
      var was = drawn[n.id];
      if (was.label !== label || was.shift !== shift || Math.abs(was.size - size) > 1e-3 * size) {
        drawn[n.id] = {label: label, size: size, shift: shift};
        changes.push({id: n.id, label: label, font: {size: size, vadjust: shift || 0}});
      }
    });
    if (changes.length) { nodes.update(changes); }
    // a relation's label at the middle of its edge, only where it covers no name and no dot
    var edgeBoxes = {}, edgeChanges = [];
    ruler.font = "11px arial";
    named.forEach(function (e) {
      var a = discs[e.from], b = discs[e.to];
      var half = ruler.measureText(e.label).width / 2 + 2, mx = (a[0] + b[0]) / 2;
      var my = (a[1] + b[1]) / 2, box = [mx - half, my - 8, mx + half, my + 8];
      if (boxes.every(function (o) { return apart(box, o); }) &&
          all.every(function (o) { return clear(box, discs[o.id]); })) {
        boxes.push(box);
        edgeBoxes[e.id] = box;
      }
      // a blank, not "": vis-network keeps drawing an edge label updated to ""
      var label = edgeBoxes[e.id] ? e.label : " ";
      if (written[e.id] !== label || drawn["edge:" + e.id] !== scale) {
        written[e.id] = label;
        drawn["edge:" + e.id] = scale;
        edgeChanges.push({id: e.id, label: label, font: {size: 11 / scale}});
      }
    });
    if (edgeChanges.length) { edges.update(edgeChanges); }
    window.edgeLabelled = Object.keys(edgeBoxes);
    window.labelled = Object.keys(showing);
    window.placedAt = scale;
    window.planned = planned;
  }
  var pending = false;
  function later() {
    if (pending) { return; }
    pending = true;
    window.requestAnimationFrame(function () { pending = false; place(); });
  }
  ["zoom", "dragEnd", "stabilized", "selectNode", "deselectNode", "resize"].forEach(
    function (name) { network.on(name, later); });
  // a zoom by a script (moveTo, fit) fires no "zoom" event: any new scale places anew
  var placedAt = null;
  network.on("afterDrawing", function () {
    if (network.getScale() !== placedAt) { later(); }
  });
  network.on("hoverNode", function (params) { hovered = params.node; later(); });
  network.on("blurNode", function () { hovered = null; later(); });
  // fit the dots (not the names, which change with the zoom), leaving room for the names
  // at the edges; never enlarged past 1.2
  var at = network.getPositions(), box = [Infinity, Infinity, -Infinity, -Infinity];
  all.forEach(function (n) {
    var p = at[n.id];
    box = [Math.min(box[0], p.x - n.size), Math.min(box[1], p.y - n.size),
      Math.max(box[2], p.x + n.size), Math.max(box[3], p.y + n.size)];
  });
  var area = document.getElementById("mynetwork");
  var fit = Math.min((area.clientWidth - 80) / Math.max(box[2] - box[0], 1),
    (area.clientHeight - 50) / Math.max(box[3] - box[1], 1));
  network.moveTo({
    position: {x: (box[0] + box[2]) / 2, y: (box[1] + box[3]) / 2},
    scale: Math.max(Math.min(fit, 1.2), 0.02)
  });
  place();
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
