"""`civicgraph push`: into a second ArcadeDB over Bolt, and into Oxigraph over the Graph Store
Protocol, both started here."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from neo4j import GraphDatabase
from typer.testing import CliRunner

from civicgraph.api import CivicGraph
from civicgraph.cli.app import app
from civicgraph.config import Settings
from civicgraph.store.builder import build
from tests.conftest import MINI
from tests.servers import BARE_ARCADEDB, BARE_PASSWORD, free_port, oxigraph_server, running

runner = CliRunner()
HOSTILE = "Robert'); \"`}) DETACH DELETE n //"
AUTH = ["--user", "root", "--password", BARE_PASSWORD]


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A second ArcadeDB Bolt server with an empty database `hostile`."""
    workdir = tmp_path_factory.mktemp("push-target")
    port = str(free_port())
    command = [sys.executable, "-c", BARE_ARCADEDB, str(workdir / "db"), port, "hostile"]
    with running(command, workdir) as (uri, _):
        yield uri


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mini dataset plus a person whose name and alias are Cypher injections."""
    root = tmp_path_factory.mktemp("hostile")
    shutil.copytree(MINI, root / "data")
    with (root / "data" / "entities" / "people.yaml").open("a", encoding="utf-8") as people:
        people.write(
            "\n- id: hostile-name\n  type: Person\n"
            f"  label: '{HOSTILE.replace(chr(39), chr(39) * 2)}'\n"
            "  aliases: ['`}) DETACH DELETE n //', 'x\" }) MATCH (m) DETACH DELETE m //']\n"
            '  sources:\n    - "Ana Ruiz founded the Clean Streets Network"\n'
        )
    build(Settings.resolve(data_dir=root / "data", store_dir=root / "store", env={}))
    return root / "store"


def counts(uri: str, database: str) -> tuple[int, int]:
    with GraphDatabase.driver(uri, auth=("root", BARE_PASSWORD)) as driver:
        nodes = driver.execute_query("MATCH (n) RETURN count(n) AS n", database_=database)
        edges = driver.execute_query("MATCH ()-[r]->() RETURN count(r) AS n", database_=database)
    return nodes.records[0]["n"], edges.records[0]["n"]


def test_push_loads_the_projection_twice_to_the_same_counts_and_keeps_names_verbatim(
    target: str, hostile_store: Path
) -> None:
    graph = CivicGraph(Settings.resolve(store_dir=hostile_store, env={}))
    expected = (graph.projection.number_of_nodes(), graph.projection.number_of_edges())
    for _ in range(2):  # idempotent: the second push finds everything in place
        result = runner.invoke(
            app,
            [
                "push",
                "--uri",
                target,
                *AUTH,
                "--database",
                "hostile",
                "--store",
                str(hostile_store),
            ],
        )
        assert result.exit_code == 0, result.output
        assert result.stdout.startswith(f"pushed {expected[0]} nodes and {expected[1]} relation")
        assert counts(target, "hostile") == expected
    with GraphDatabase.driver(target, auth=("root", BARE_PASSWORD)) as driver:
        found = driver.execute_query(
            "MATCH (n:Entity {label: $name}) RETURN n.id AS id, n.label AS label, "
            "n.aliases AS aliases, labels(n) AS labels",
            name=HOSTILE,
            database_="hostile",
        ).records
    assert [r["id"] for r in found] == ["hostile-name"]
    assert found[0]["label"] == HOSTILE == graph.names.entities["hostile-name"].label
    assert "`}) DETACH DELETE n //" in found[0]["aliases"]
    assert set(found[0]["labels"]) == {"Entity", "Person"}


def test_push_needs_one_target_and_a_reachable_server(chapter_store: Path) -> None:
    neither = runner.invoke(app, ["push", "--store", str(chapter_store)])
    assert neither.exit_code == 2 and "give --uri" in neither.stderr
    closed = f"bolt://127.0.0.1:{free_port()}"
    unreachable = runner.invoke(
        app, ["push", "--uri", closed, *AUTH, "--store", str(chapter_store)]
    )
    assert unreachable.exit_code == 2
    assert unreachable.stderr.startswith("error: cannot reach a Bolt server")
    assert len(unreachable.stderr.strip().splitlines()) == 1


# the server's default graph is its own (not the union): count it and every named graph
EVERY_TRIPLE = "SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"


def test_push_sparql_uploads_every_graph_by_the_graph_store_protocol(
    tmp_path: Path, chapter_store: Path, chapter: CivicGraph
) -> None:
    with oxigraph_server(tmp_path / "oxigraph") as url:
        for _ in range(2):  # PUT replaces each graph: a second push changes nothing
            result = runner.invoke(
                app, ["push", "--sparql", url + "/store", "--store", str(chapter_store)]
            )
            assert result.exit_code == 0, result.output
            answer = requests.post(
                url + "/query",
                data={"query": EVERY_TRIPLE},
                headers={"Accept": "application/sparql-results+json"},
                timeout=30,
            ).json()
            assert int(answer["results"]["bindings"][0]["n"]["value"]) == len(chapter.store)
        assert result.stdout.startswith(f"pushed {len(chapter.store)} triples in 2 graphs")


def test_push_sparql_reports_a_refusal(tmp_path: Path, chapter_store: Path) -> None:
    with oxigraph_server(tmp_path / "oxigraph") as url:
        result = runner.invoke(
            app, ["push", "--sparql", url + "/no-such-route", "--store", str(chapter_store)]
        )
    assert result.exit_code == 2
    assert "refused graph" in result.stderr
