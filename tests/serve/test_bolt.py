"""The Bolt server (`serve bolt`, embedded ArcadeDB) and `cypher`, driven with the neo4j driver."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import networkx as nx
import pytest
from neo4j import Driver, GraphDatabase
from typer.testing import CliRunner

from civicgraph.api import CivicGraph
from civicgraph.cli.app import app
from civicgraph.errors import StoreError
from civicgraph.model.ontology import Model
from civicgraph.serve.bolt.rows import ENTITY_LABEL, labels_for, projection_rows
from tests.servers import civicgraph_command

runner = CliRunner()


@pytest.fixture(scope="module")
def driver(bolt_uri: str, bolt_password: str) -> Iterator[Driver]:
    with GraphDatabase.driver(bolt_uri, auth=("root", bolt_password)) as opened:
        yield opened


def cypher(driver: Driver, query: str, **params: Any) -> list[dict[str, Any]]:
    records, _, _ = driver.execute_query(query, params, database_="civicgraph")  # type: ignore[arg-type]
    return [record.data() for record in records]


def test_node_and_edge_counts_equal_the_projections(driver: Driver, chapter: CivicGraph) -> None:
    nodes = cypher(driver, "MATCH (n:Entity) RETURN count(n) AS n")[0]["n"]
    edges = cypher(driver, "MATCH (:Entity)-[r]->(:Entity) RETURN count(r) AS n")[0]["n"]
    everything = cypher(driver, "MATCH (n) RETURN count(n) AS n")[0]["n"]
    assert nodes == everything == chapter.projection.number_of_nodes()
    assert edges == chapter.projection.number_of_edges()


def test_nodes_carry_id_label_type_labels_and_properties(
    driver: Driver, chapter: CivicGraph
) -> None:
    (usaid,) = cypher(driver, "MATCH (n:Entity {id: 'usaid'}) RETURN n, labels(n) AS labels")
    summary = chapter.names.entities["usaid"]
    assert usaid["n"]["label"] == summary.label
    assert usaid["n"]["types"] == summary.types
    assert usaid["n"]["iri"] == "https://w3id.org/civicgraph/id/usaid"
    assert set(usaid["labels"]) == {ENTITY_LABEL, "Organization", *summary.types}
    profile = chapter.entity("usaid")
    assert usaid["n"]["quotes"] == [s["quote"] for s in profile["sources"]]


def test_edges_carry_predicate_dates_status_and_their_citations(
    driver: Driver, chapter: CivicGraph
) -> None:
    rows = cypher(
        driver,
        "MATCH (:Entity {id: 'usaid'})-[r:FUNDS]->(o:Entity {id: 'network-for-oral-trials'}) "
        "RETURN properties(r) AS r",
    )
    assert len(rows) == 1
    edge = rows[0]["r"]
    relation = next(
        r
        for r in chapter.entity("usaid")["relations"]
        if r["predicate"] == "funds" and r["other"]["id"] == "network-for-oral-trials"
    )
    assert edge["id"] == relation["id"] and edge["predicate"] == "funds"
    assert edge["status"] == relation["status"]
    assert edge.get("start") == relation["start"]
    assert edge["quotes"] == [s["quote"] for s in relation["sources"]]
    assert edge["documents"] == [s["document"] for s in relation["sources"]]
    assert edge["char_starts"] == [s["char_start"] for s in relation["sources"]]


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("usaid", "judicial-reform"),
        ("javier-sicilia", "police-reform"),
        ("freedom-house", "victims-rights-movement"),
        ("merida-pillar-iv", "network-for-oral-trials"),
    ],
)
def test_shortest_path_agrees_with_the_path_command(
    driver: Driver, chapter: CivicGraph, source: str, target: str
) -> None:
    found = chapter.path(source, target, k=1)["paths"][0]
    ours = [found["hops"][0]["from"]["id"]] + [hop["to"]["id"] for hop in found["hops"]]
    rows = cypher(
        driver,
        "MATCH p = allShortestPaths((a:Entity {id: $a})-[*..8]-(b:Entity {id: $b})) "
        "RETURN [n IN nodes(p) | n.id] AS ids",
        a=source,
        b=target,
    )
    assert {len(r["ids"]) - 1 for r in rows} == {found["length"]}
    assert ours in [r["ids"] for r in rows]
    simple = nx.Graph(chapter.projection.to_undirected())
    assert nx.shortest_path_length(simple, source, target) == found["length"]


def test_cypher_command_prints_json_columns_and_rows(
    bolt_uri: str, bolt_password: str, chapter_store: Any
) -> None:
    result = runner.invoke(
        app,
        [
            "cypher",
            "MATCH (n:Movement) RETURN n.id AS id, n.label AS label ORDER BY id",
            "--uri",
            bolt_uri,
            "--password",
            bolt_password,
            "--json",
            "--store",
            str(chapter_store),
        ],
    )
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["columns"] == ["id", "label"]
    assert {"id": "victims-rights-movement", "label": "Victims' Rights Movement"} in answer["rows"]
    table = runner.invoke(
        app,
        ["cypher", "RETURN 1 AS one", "--uri", bolt_uri],
        env={"CIVICGRAPH_BOLT_PASSWORD": bolt_password},
    )
    assert table.exit_code == 0 and "(1 row)" in table.stdout


def test_a_bad_cypher_query_is_one_line_and_exit_2(bolt_uri: str, bolt_password: str) -> None:
    result = runner.invoke(
        app, ["cypher", "MATCH (n RETURN n", "--uri", bolt_uri, "--password", bolt_password]
    )
    assert result.exit_code == 2
    assert result.stderr.startswith("error: Cypher failed:")
    assert "Traceback" not in result.output


def test_cypher_without_a_server_starts_an_embedded_one(mini_store: Any, mini: CivicGraph) -> None:
    # a child process, as a user runs it: the JVM then lives and dies with the command
    command = civicgraph_command("cypher", "MATCH (n:Entity) RETURN count(n) AS n", "--json")
    env = {k: v for k, v in os.environ.items() if k != "CIVICGRAPH_BOLT_URI"}
    done = subprocess.run(
        [*command, "--store", str(mini_store)], capture_output=True, text=True, env=env, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["rows"] == [{"n": mini.projection.number_of_nodes()}]
    assert done.stderr == ""


def test_labels_and_types_come_only_from_the_ontologys_whitelist(chapter: CivicGraph) -> None:
    rows = projection_rows(chapter.loaded)
    node_labels = {c.node_label for c in chapter.model.classes.values()} | {ENTITY_LABEL}
    edge_types = {r.edge_type for r in chapter.model.relations.values()}
    assert {label for labels in rows.nodes for label in labels} <= node_labels
    assert set(rows.edges) <= edge_types
    person = chapter.model.classes["Person"]
    hostile = replace(person, node_label="Person`) DETACH DELETE n //")
    with pytest.raises(StoreError):
        labels_for(Model(classes={"Person": hostile}), ["Person"])


def test_the_embedded_load_keeps_a_hostile_name_verbatim(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    from tests.serve.test_push import HOSTILE, hostile_store

    store = hostile_store.__wrapped__(tmp_path_factory)  # type: ignore[attr-defined]
    query = "MATCH (n:Entity {id: 'hostile-name'}) RETURN n.label AS label, n.aliases AS aliases"
    command = civicgraph_command("cypher", query, "--json", "--store", str(store))
    env = {k: v for k, v in os.environ.items() if k != "CIVICGRAPH_BOLT_URI"}
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    (row,) = json.loads(done.stdout)["rows"]
    assert row["label"] == HOSTILE
    assert "`}) DETACH DELETE n //" in row["aliases"]
