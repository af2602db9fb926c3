"""Neo4j's own tools against `serve bolt` at its defaults (issue 18): LangChain, neo4j-graphrag,
Neo4j Browser's schema call, routing drivers, empty results' columns.

Every schema a client reads is checked against what the graph itself holds, asked through
plain Cypher: the shim's answers must agree with ArcadeDB's data.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from neo4j import Driver, GraphDatabase
from neo4j.exceptions import ClientError, DatabaseError

from civicgraph.api import CivicGraph

DATABASE = "civicgraph"


@pytest.fixture(scope="module")
def driver(bolt_uri: str, bolt_password: str) -> Iterator[Driver]:
    with GraphDatabase.driver(bolt_uri, auth=("root", bolt_password)) as opened:
        yield opened


def rows(driver: Driver, query: str, **parameters: Any) -> list[dict[str, Any]]:
    records, _, _ = driver.execute_query(query, parameters, database_=DATABASE)
    return [r.data() for r in records]


@pytest.fixture(scope="module")
def labels(driver: Driver) -> set[str]:
    found = rows(driver, "MATCH (n) UNWIND labels(n) AS label RETURN DISTINCT label")
    return {r["label"] for r in found}


@pytest.fixture(scope="module")
def joins(driver: Driver) -> set[tuple[str, str, str]]:
    """(start label, relationship type, end label) of every relationship in the graph."""
    query = (
        "MATCH (a)-[r]->(b) UNWIND labels(a) AS s UNWIND labels(b) AS e "
        "RETURN DISTINCT s, type(r) AS t, e"
    )
    return {(r["s"], r["t"], r["e"]) for r in rows(driver, query)}


def test_langchain_neo4jgraph_reads_the_schema_and_queries(
    bolt_uri: str, bolt_password: str, labels: set[str], joins: set[tuple[str, str, str]]
) -> None:
    from langchain_neo4j import Neo4jGraph

    graph = Neo4jGraph(bolt_uri, "root", bolt_password, database=DATABASE)
    try:
        structured = graph.get_structured_schema
        assert set(structured["node_props"]) == labels
        assert {(r["start"], r["type"], r["end"]) for r in structured["relationships"]} == joins
        person = {p["property"]: p["type"] for p in structured["node_props"]["Person"]}
        assert person["id"] == "STRING" and person["aliases"] == "LIST"
        assert "Person {" in graph.get_schema and "(:Person)-[:" in graph.get_schema
        answer = graph.query(
            "MATCH (p:Person {id: $id}) RETURN p.label AS label", {"id": "al-gore"}
        )
        assert answer == [{"label": "Al Gore"}]
    finally:
        graph.close()


def test_graphrag_schema_matches_the_graph(
    driver: Driver, labels: set[str], joins: set[tuple[str, str, str]]
) -> None:
    from neo4j_graphrag.schema import get_schema, get_structured_schema

    structured = get_structured_schema(driver, database=DATABASE)
    assert set(structured["node_props"]) == labels
    assert {(r["start"], r["type"], r["end"]) for r in structured["relationships"]} == joins
    edge_types = {t for _, t, _ in joins}
    assert set(structured["rel_props"]) == edge_types
    text = get_schema(driver, database=DATABASE)
    assert all(f"{label} {{" in text for label in labels)


def test_explain_says_read_for_a_read_and_write_for_a_write(driver: Driver) -> None:
    _, read, _ = driver.execute_query("EXPLAIN MATCH (n:Person) RETURN n.id", database_=DATABASE)
    assert read.query_type == "r"
    _, write, _ = driver.execute_query("EXPLAIN CREATE (n:Person) RETURN n", database_=DATABASE)
    assert write.query_type == "w"


def test_text2cypher_retriever_runs_a_read_query(driver: Driver) -> None:
    from neo4j_graphrag.llm import LLMInterface, LLMResponse
    from neo4j_graphrag.retrievers import Text2CypherRetriever

    class Scripted(LLMInterface):  # a model that always writes the same Cypher
        def invoke(self, *_: Any, **__: Any) -> LLMResponse:
            return LLMResponse(content="MATCH (p:Person {id: 'al-gore'}) RETURN p.label AS label")

        async def ainvoke(self, *_: Any, **__: Any) -> LLMResponse:
            return self.invoke()

    retriever = Text2CypherRetriever(driver, Scripted("scripted"), neo4j_database=DATABASE)
    found = retriever.get_search_results(query_text="Who is Al Gore?")
    assert [r.data() for r in found.records] == [{"label": "Al Gore"}]


def test_schema_visualization_has_neo4js_shape(
    driver: Driver, labels: set[str], joins: set[tuple[str, str, str]]
) -> None:
    with driver.session(database=DATABASE) as session:
        records = list(session.run("CALL db.schema.visualization()"))
    assert len(records) == 1 and records[0].keys() == ["nodes", "relationships"]
    nodes, relationships = records[0]["nodes"], records[0]["relationships"]
    assert sorted(n["name"] for n in nodes) == sorted(labels)  # one node per label
    assert all(len(n.labels) == 1 and n["name"] in n.labels for n in nodes)
    drawn = set()
    for rel in relationships:
        assert rel.start_node is not None and rel.end_node is not None
        start, end = rel.start_node["name"], rel.end_node["name"]
        drawn.add((start, rel.type, end))
    assert drawn == joins


def test_show_procedures_lists_what_answers(driver: Driver) -> None:
    listed = rows(driver, "SHOW PROCEDURES")
    assert {"apoc.meta.data", "db.schema.visualization", "db.labels"} <= {r["name"] for r in listed}
    for procedure in listed:  # every one listed runs
        with driver.session(database=DATABASE) as session:
            session.run(f"CALL {procedure['name']}()").consume()
    functions = rows(driver, "SHOW FUNCTIONS YIELD name, category RETURN name, category")
    assert {"count", "toUpper"} <= {r["name"] for r in functions}
    assert rows(driver, "RETURN toUpper('a') AS a, size([1, 2]) AS n") == [{"a": "A", "n": 2}]


def test_an_unknown_procedure_is_procedure_not_found(driver: Driver) -> None:
    with pytest.raises(ClientError) as failed:
        rows(driver, "CALL nope.nothing()")
    assert failed.value.code == "Neo.ClientError.Procedure.ProcedureNotFound"
    assert rows(driver, "RETURN 1 AS one") == [{"one": 1}]  # the connection recovers


def test_an_empty_result_keeps_its_columns(driver: Driver) -> None:
    query = "MATCH (n:Nonexistent) RETURN n.id AS id, n.label AS label"
    with driver.session(database=DATABASE) as session:
        result = session.run(query)
        assert result.keys() == ["id", "label"]
        assert list(result.to_df().columns) == ["id", "label"]
    with driver.session(database=DATABASE) as session:
        assert session.run("MATCH (n:Nonexistent) RETURN count(n) AS n").single() == [0]


def test_a_rewritten_schema_query_is_still_read_only(driver: Driver, chapter: CivicGraph) -> None:
    # the rest of a schema query runs in ArcadeDB, under the same read-only security
    query = "CALL apoc.meta.data() YIELD label CREATE (n:Person {id: label}) RETURN n"
    with pytest.raises((ClientError, DatabaseError)):
        rows(driver, query)
    count = rows(driver, "MATCH (n) RETURN count(n) AS n")
    assert count == [{"n": chapter.projection.number_of_nodes()}]


@pytest.fixture(scope="module")
def other_address(chapter_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`serve bolt --host 127.0.0.2`: its ready line's host:port and its password."""
    from tests.servers import civicgraph_command, started

    command = civicgraph_command("serve", "bolt", "--host", "127.0.0.2", "--port", "0")
    command += ["--store", str(chapter_store), "--password", "elsewhere"]
    env = {k: v for k, v in os.environ.items() if k != "CIVICGRAPH_BOLT_PASSWORD"}
    with started(command, tmp_path_factory.mktemp("bolt-127-0-0-2"), env=env) as (line, _):
        told = re.fullmatch(r"ready bolt://(127\.0\.0\.2:\d+)", line)
        assert told, line
        yield told.group(1)


def test_neo4j_routing_advertises_the_address_the_client_used(other_address: str) -> None:
    config: dict[str, Any] = {"connection_acquisition_timeout": 10, "max_transaction_retry_time": 0}
    uri = f"neo4j://{other_address}"
    with GraphDatabase.driver(uri, auth=("root", "elsewhere"), **config) as routed:
        records, _, _ = routed.execute_query("RETURN 1 AS one", database_=DATABASE)
        assert [r.data() for r in records] == [{"one": 1}]
        table = routed._pool.routing_tables[DATABASE]  # what the server told the driver
        advertised = {str(a) for a in table.routers | table.readers | table.writers}
    assert advertised == {other_address}


def test_answered_rows_come_in_the_batches_asked_for(bolt_uri: str, bolt_password: str) -> None:
    with (
        GraphDatabase.driver(bolt_uri, auth=("root", bolt_password), fetch_size=5) as small,
        small.session(database=DATABASE) as session,
    ):
        names = [r["name"] for r in session.run("SHOW FUNCTIONS")]
        shown = session.run("SHOW FUNCTIONS").consume()
    assert len(names) > 5 and len(set(names)) == len(names)
    assert shown.query_type == "r"


def test_yield_star_and_aliases_reach_the_rest_of_the_query(driver: Driver) -> None:
    star = rows(driver, "CALL apoc.meta.data() YIELD * RETURN count(*) AS n")
    aliased = rows(
        driver,
        "CALL apoc.meta.data() YIELD label AS l, elementType AS e "
        "WHERE e = 'relationship' RETURN count(DISTINCT l) AS n",
    )
    edge_types = rows(driver, "MATCH ()-[r]->() RETURN count(DISTINCT type(r)) AS n")
    assert star[0]["n"] > 0 and aliased == edge_types
