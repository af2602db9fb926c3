"""Cut a piece out of the projection and write it as GraphML or node-link JSON.

The explorer offers a path search's answer for download: the entities on the paths and
exactly the relationships its hops use, with the same attributes as `export --format
graphml` (so a subgraph opens in Gephi or networkx like the whole graph does).
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from typing import Any

import networkx as nx

from civicgraph.errors import UsageError
from civicgraph.graph.export import flat_projection

FORMATS = ("graphml", "json")


def path_subgraph(projection: nx.MultiDiGraph[str], found: dict[str, Any]) -> nx.MultiDiGraph[str]:
    """Return the entities and relationships a `path` answer uses."""
    used = {hop["relationship"] for path in found["paths"] for hop in path["hops"]}
    nodes = {
        end["id"]
        for path in found["paths"]
        for hop in path["hops"]
        for end in (hop["from"], hop["to"])
    }
    return edges_subgraph(projection, nodes, used)


def edges_subgraph(
    projection: nx.MultiDiGraph[str], nodes: Iterable[str], relationships: Iterable[str]
) -> nx.MultiDiGraph[str]:
    """Return the given entities with only the given relationships among them (a copy)."""
    keep = set(nodes)
    wanted = set(relationships)
    sub: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    for node in sorted(keep):
        sub.add_node(node, **projection.nodes[node])
    for source, target, key, data in projection.edges(keep, keys=True, data=True):
        if key in wanted and target in keep:
            sub.add_edge(source, target, key=key, **data)
    return sub


def serialise(sub: nx.MultiDiGraph[str], fmt: str) -> bytes:
    """Write a subgraph as GraphML (export's attributes) or node-link JSON."""
    if fmt == "graphml":
        sink = io.BytesIO()
        nx.write_graphml(flat_projection(sub), sink)
        return sink.getvalue()
    if fmt == "json":
        data = {
            "nodes": [{"id": n, **sub.nodes[n]} for n in sorted(sub.nodes)],
            "edges": [
                {"id": k, "source": a, "target": b, **{x: y for x, y in d.items() if x != "id"}}
                for a, b, k, d in sorted(sub.edges(keys=True, data=True), key=lambda e: e[2])
            ],
        }
        return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    raise UsageError(f"unknown subgraph format {fmt!r} (one of {', '.join(FORMATS)})")
