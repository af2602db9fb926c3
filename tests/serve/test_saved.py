"""Saved queries and SPARQL answers as tables, for the explorer's query consoles."""

from __future__ import annotations

from pathlib import Path

import pytest

from civicgraph.api import CivicGraph
from civicgraph.errors import QueryError, UsageError
from civicgraph.serve.saved import saved_queries


def test_answers_become_tables(mini: CivicGraph) -> None:
    table = mini.sparql_table("SELECT ?l WHERE { id:ana-ruiz rdfs:label ?l }")
    assert table == {"columns": ["l"], "rows": [["Ana Ruiz"]], "truncated": False}
    asked = mini.sparql_table("ASK { id:ana-ruiz ?p ?o }")
    assert asked["rows"] == [[True]]
    cut = mini.sparql_table("SELECT ?s WHERE { ?s ?p ?o }", limit=3)
    assert len(cut["rows"]) == 3 and cut["truncated"]
    built = mini.sparql_table("CONSTRUCT { id:ana-ruiz ?p ?o } WHERE { id:ana-ruiz ?p ?o }")
    assert built["columns"] == ["subject", "predicate", "object"] and built["rows"]
    with pytest.raises(QueryError):
        mini.sparql_table("SELECT WHERE {")


def test_saved_queries_carry_their_comments(tmp_path: Path) -> None:
    (tmp_path / "sparql").mkdir()
    (tmp_path / "sparql" / "b.rq").write_text("# Second.\nSELECT * WHERE { ?s ?p ?o }\n")
    (tmp_path / "sparql" / "a.rq").write_text("# Who funds whom?\n# With quotes.\nASK {}\n")
    found = saved_queries("sparql", tmp_path)
    assert [q.name for q in found] == ["a", "b"]
    assert found[0].description == "Who funds whom? With quotes."
    assert saved_queries("cypher", tmp_path) == []
    with pytest.raises(UsageError):
        saved_queries("gremlin", tmp_path)


def test_the_repositorys_saved_queries_all_run(chapter: CivicGraph) -> None:
    for query in CivicGraph.saved_queries("sparql"):
        assert chapter.sparql_table(query["text"])["columns"], query["name"]
