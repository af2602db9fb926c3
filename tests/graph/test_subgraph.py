"""A path's subgraph, written as GraphML and JSON for download."""

from __future__ import annotations

import io
import json

import networkx as nx
import pytest

from civicgraph.api import CivicGraph
from civicgraph.errors import UsageError


def test_path_subgraph_holds_exactly_the_hops(chapter: CivicGraph) -> None:
    found = chapter.path("javier-sicilia", "judicial-reform", k=2)
    hops = {h["relationship"] for p in found["paths"] for h in p["hops"]}
    data = json.loads(chapter.path_subgraph(found, "json"))
    assert {e["id"] for e in data["edges"]} == hops
    ends = {e[k] for e in data["edges"] for k in ("source", "target")}
    assert {n["id"] for n in data["nodes"]} == ends
    graph = nx.read_graphml(io.BytesIO(chapter.path_subgraph(found, "graphml")))
    assert graph.number_of_edges() == len(hops)
    assert graph.nodes["javier-sicilia"]["label"] == "Javier Sicilia"


def test_unknown_format_is_a_usage_error(chapter: CivicGraph) -> None:
    found = chapter.path("javier-sicilia", "judicial-reform", k=1)
    with pytest.raises(UsageError):
        chapter.path_subgraph(found, "pdf")
