"""SPARQL over the store: standard result formats, parameters instead of string building."""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox
import pytest

from civicgraph.api import CivicGraph
from civicgraph.errors import QueryError
from civicgraph.model.vocab import ONTOLOGY_GRAPH
from civicgraph.store.sparql import query, render, select, value

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def test_union_default_graph_counts_every_triple(mini: CivicGraph) -> None:
    rows = list(select(mini.store, COUNT))
    assert value(rows[0]["n"]) == mini.stats()["triples"] == len(mini.store)


def test_from_and_from_named_define_the_dataset(mini: CivicGraph) -> None:
    ontology = ox.NamedNode(ONTOLOGY_GRAPH)
    in_ontology = len(list(mini.store.quads_for_pattern(None, None, None, ontology)))
    from_ontology = COUNT.replace("WHERE", f"FROM <{ONTOLOGY_GRAPH}> WHERE")
    assert value(next(select(mini.store, from_ontology))["n"]) == in_ontology > 0
    assert in_ontology < len(mini.store)
    named_only = COUNT.replace("WHERE", f"FROM NAMED <{ONTOLOGY_GRAPH}> WHERE")
    assert value(next(select(mini.store, named_only))["n"]) == 0


def test_json_is_w3c_results_format(mini: CivicGraph) -> None:
    text = render(query(mini.store, "SELECT ?l WHERE { id:ana-ruiz rdfs:label ?l }"), "json")
    answer = json.loads(text)
    assert answer["head"]["vars"] == ["l"]
    binding = answer["results"]["bindings"][0]["l"]
    assert binding == {"type": "literal", "value": "Ana Ruiz", "xml:lang": "en"}


def test_csv_tsv_and_table(mini: CivicGraph) -> None:
    sparql = "SELECT ?e ?l WHERE { ?e a civ:Person ; rdfs:label ?l }"
    rows = list(csv.reader(io.StringIO(render(query(mini.store, sparql), "csv"))))
    assert rows == [["e", "l"], ["https://w3id.org/civicgraph/id/ana-ruiz", "Ana Ruiz"]]
    assert render(query(mini.store, sparql), "tsv").splitlines()[0] == "?e\t?l"
    table = render(query(mini.store, sparql), "table")
    assert "id:ana-ruiz" in table and "(1 row)" in table


def test_ask_and_construct(mini: CivicGraph) -> None:
    assert render(query(mini.store, "ASK { id:ana-ruiz a civ:Person }"), "table") == "true"
    nt = render(
        query(mini.store, "CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s rdfs:label ?l }"), "json"
    )
    assert '"Ana Ruiz"@en' in nt


def test_syntax_error_is_a_query_error(mini: CivicGraph) -> None:
    with pytest.raises(QueryError, match="SPARQL syntax error"):
        query(mini.store, "SELECT * WHERE { ?s ?p }")


def test_hostile_text_is_bound_as_a_value_not_spliced(mini: CivicGraph) -> None:
    hostile = '" } ; DROP ALL ; SELECT * WHERE { "'
    rows = list(
        select(
            mini.store,
            "SELECT ?name ?e WHERE { ?e rdfs:label ?name }",
            {"name": ox.Literal(hostile)},
        )
    )
    assert rows == []
    assert len(mini.store) == mini.stats()["triples"]
