"""Exports are lossless and say the same as the store."""

from __future__ import annotations

import io
import json

import networkx as nx
import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from civicgraph.api import CivicGraph


def exported(graph: CivicGraph, fmt: str) -> bytes:
    sink = io.BytesIO()
    graph.export(fmt, sink)
    return sink.getvalue()


def store_triples(graph: CivicGraph) -> set[ox.Triple]:
    return {q.triple for q in graph.store.quads_for_pattern(None, None, None, None)}


@pytest.mark.parametrize("fixture", ["mini", "chapter"])
def test_ntriples_round_trip_is_isomorphic(fixture: str, request: pytest.FixtureRequest) -> None:
    graph: CivicGraph = request.getfixturevalue(fixture)
    data = exported(graph, "nt")
    assert data.count(b"\n") == graph.stats()["triples"]
    reimported = {q.triple for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)}
    assert reimported == store_triples(graph)
    original = Graph().parse(data=data, format="nt")
    again = Graph().parse(data=original.serialize(format="nt"), format="nt")
    assert isomorphic(original, again)


def test_turtle_and_jsonld_say_the_same_as_ntriples(mini: CivicGraph) -> None:
    reference = Graph().parse(data=exported(mini, "nt"), format="nt")
    assert isomorphic(Graph().parse(data=exported(mini, "ttl"), format="turtle"), reference)
    as_jsonld = Dataset().parse(data=exported(mini, "jsonld"), format="json-ld")
    assert len(as_jsonld) == len(reference)


def test_trig_keeps_the_ontology_apart_from_the_data(mini: CivicGraph) -> None:
    dataset = Dataset().parse(data=exported(mini, "trig"), format="trig")
    graphs = {str(g.identifier): len(g) for g in dataset.graphs() if len(g)}
    ontology = graphs.pop("https://w3id.org/civicgraph/graph/ontology")
    data = graphs.pop(str(dataset.default_graph.identifier))
    assert ontology > 0 and data > 0 and not graphs
    assert data + ontology == mini.stats()["triples"]


def test_graphml_and_gexf_have_one_edge_per_relationship(chapter: CivicGraph) -> None:
    edges = sum(chapter.stats()["relationships"].values())
    graphml = nx.read_graphml(io.BytesIO(exported(chapter, "graphml")), force_multigraph=True)
    assert graphml.number_of_edges() == edges
    assert graphml.number_of_nodes() == len(chapter.names.entities)
    node = graphml.nodes["javier-sicilia"]
    assert node["label"] == "Javier Sicilia" and node["types"] == "Person"
    gexf = nx.read_gexf(io.BytesIO(exported(chapter, "gexf")))
    assert gexf.number_of_edges() == edges


def test_jsonl_lines_are_entity_profiles(mini: CivicGraph) -> None:
    lines = exported(mini, "jsonl").decode().splitlines()
    assert len(lines) == len(mini.names.entities)
    profiles = [json.loads(line) for line in lines]
    assert profiles[0] == mini.entity(profiles[0]["id"])
