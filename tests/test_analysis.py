"""Centrality equals networkx computed independently on the exported GraphML."""

from __future__ import annotations

import io

import networkx as nx
import pytest

from civicgraph.api import CivicGraph
from civicgraph.export import export
from civicgraph.sparql import select, value


def graphml_graph(graph: CivicGraph) -> nx.Graph:
    sink = io.BytesIO()
    export(graph, "graphml", sink)
    multi = nx.read_graphml(io.BytesIO(sink.getvalue()), force_multigraph=True)
    simple = nx.Graph()
    simple.add_nodes_from(multi.nodes)
    for a, b in multi.to_undirected().edges():
        if simple.has_edge(a, b):
            simple[a][b]["weight"] += 1
        else:
            simple.add_edge(a, b, weight=1)
    return simple


EXPECTED = {
    "pagerank": lambda g: nx.pagerank(g, weight="weight"),
    "betweenness": nx.betweenness_centrality,
    "degree": nx.degree_centrality,
    "eigenvector": lambda g: nx.eigenvector_centrality(g, max_iter=1000, weight="weight"),
    "closeness": nx.closeness_centrality,
}


@pytest.mark.parametrize("metric", sorted(EXPECTED))
def test_metric_equals_networkx_on_exported_graphml(chapter: CivicGraph, metric: str) -> None:
    reference = EXPECTED[metric](graphml_graph(chapter))
    ranked = chapter.centrality(metric, top=10_000)
    assert ranked["metric"] == metric and ranked["directed"] is False
    assert len(ranked["results"]) == len(reference)
    for row in ranked["results"]:
        assert row["score"] == pytest.approx(reference[row["id"]], abs=1e-9)


def test_projection_has_one_edge_per_relationship_node(chapter: CivicGraph) -> None:
    count = value(
        next(select(chapter.store, "SELECT (COUNT(?r) AS ?n) WHERE { ?r a civ:Relationship }"))["n"]
    )
    assert chapter.projection.number_of_edges() == count
    assert chapter.projection.number_of_nodes() == len(chapter.names.entities)
    assert not any(n.startswith("cite-") for n in chapter.projection.nodes)


def test_type_filter_ranks_only_that_type_and_ties_are_stable(chapter: CivicGraph) -> None:
    people = chapter.centrality("degree", type_="Person", top=500)["results"]
    assert people and all("Person" in r["types"] for r in people)
    scores = [(-r["score"], r["label"].casefold(), r["id"]) for r in people]
    assert scores == sorted(scores)
    assert chapter.centrality("degree", type_="Person", top=500)["results"] == people
