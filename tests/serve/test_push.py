"""`civicgraph push`: into a second ArcadeDB over Bolt, and into Oxigraph and Virtuoso over the
Graph Store Protocol, all started here."""

from __future__ import annotations

import json
import re
import shutil
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests
from neo4j import GraphDatabase
from typer.testing import CliRunner

from civicgraph.api import CivicGraph
from civicgraph.cli.app import app
from civicgraph.config import REPO_DIR, Settings
from civicgraph.model.vocab import ONTOLOGY_GRAPH
from civicgraph.serve.bolt.driver import BoltTarget
from civicgraph.serve.bolt.load import load
from civicgraph.serve.bolt.rows import projection_rows
from civicgraph.serve.graphstore import DATA_GRAPH, GraphStore
from civicgraph.serve.push import CHUNK_BYTES, ntriples_chunks, ntriples_parts, push_sparql
from civicgraph.store.builder import build
from tests.conftest import MINI
from tests.servers import (
    BARE_ARCADEDB,
    BARE_PASSWORD,
    VIRTUOSO_INI,
    free_port,
    oxigraph_server,
    running,
    virtuoso_server,
)

runner = CliRunner()
HOSTILE = "Robert'); \"`}) DETACH DELETE n //"
AUTH = ["--user", "root", "--password", BARE_PASSWORD]
DBA = ["--user", "dba", "--password", "dba"]  # Virtuoso's default administrator


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
        graphs = requests.get(url + "/store", params={"graph": DATA_GRAPH}, timeout=30)
        assert graphs.ok and len(graphs.text.strip().splitlines()) == len(chapter.store) - len(
            list(chapter.store.quads_for_pattern(None, None, None, ox.NamedNode(ONTOLOGY_GRAPH)))
        )
        assert result.stdout.startswith(f"pushed {len(chapter.store)} triples in 2 graphs")


def test_push_sparql_reports_a_refusal(tmp_path: Path, chapter_store: Path) -> None:
    with oxigraph_server(tmp_path / "oxigraph") as url:
        result = runner.invoke(
            app, ["push", "--sparql", url + "/no-such-route", "--store", str(chapter_store)]
        )
    assert result.exit_code == 2
    assert result.stderr.startswith(
        f"error: {url}/no-such-route is not a Graph Store endpoint: 404"
    )
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Debian's Virtuoso, empty, on free ports; its Graph Store endpoint wants Digest (dba)."""
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as url:
        yield url


def graph_counts(url: str) -> dict[str, int]:
    """Triples per civicgraph graph, by SPARQL on the server itself."""
    query = (
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
        f"VALUES ?g {{ <{DATA_GRAPH}> <{ONTOLOGY_GRAPH}> }} }} GROUP BY ?g"
    )
    answer = requests.get(
        url + "/sparql",
        params={"query": query},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    ).json()
    return {b["g"]["value"]: int(b["n"]["value"]) for b in answer["results"]["bindings"]}


def store_counts(graph: CivicGraph) -> dict[str, int]:
    data = sum(1 for _ in graph.store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    ontology = sum(
        1 for _ in graph.store.quads_for_pattern(None, None, None, ox.NamedNode(ONTOLOGY_GRAPH))
    )
    return {DATA_GRAPH: data, ONTOLOGY_GRAPH: ontology}


def test_push_sparql_to_virtuoso_twice_leaves_the_counts_of_stats(
    virtuoso: str, chapter_store: Path, chapter: CivicGraph
) -> None:
    stats = runner.invoke(app, ["stats", "--json", "--store", str(chapter_store)])
    triples = json.loads(stats.stdout)["triples"]
    expected = store_counts(chapter)
    assert sum(expected.values()) == triples and expected[ONTOLOGY_GRAPH] > 0
    endpoint = virtuoso + "/sparql-graph-crud-auth"
    for _ in range(2):  # PUT replaces: the second push neither adds nor duplicates
        result = runner.invoke(
            app,
            ["push", "--sparql", endpoint, *DBA, "--store", str(chapter_store)],
        )
        assert result.exit_code == 0, result.output
        assert result.stdout.startswith(f"pushed {triples} triples in 2 graphs")
        assert graph_counts(virtuoso) == expected


@pytest.mark.parametrize(
    ("route", "credentials", "message"),
    [
        ("/sparql-graph-crud-auth", ["--user", "dba", "--password", "wrong"], "refused user 'dba'"),
        ("/sparql-graph-crud-auth", [], "asks for a user and password"),
        ("/sparql", DBA, "is not a Graph Store endpoint: 400"),
        ("/no-such-route", DBA, "is not a Graph Store endpoint"),
    ],
)
def test_push_sparql_to_virtuoso_fails_in_one_plain_line(
    virtuoso: str, chapter_store: Path, route: str, credentials: list[str], message: str
) -> None:
    result = runner.invoke(
        app, ["push", "--sparql", virtuoso + route, *credentials, "--store", str(chapter_store)]
    )
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {virtuoso}{route} ") and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output


def test_push_sparql_to_a_closed_port_fails_at_once(chapter_store: Path) -> None:
    closed = f"http://127.0.0.1:{free_port()}/store"
    result = runner.invoke(app, ["push", "--sparql", closed, "--store", str(chapter_store)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: cannot reach {closed}")
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_graph_goes_in_parts_cut_between_lines_that_add_up_to_the_whole(
    chapter: CivicGraph,
) -> None:
    whole = chapter.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    parts = [
        (part.read(), triples)
        for part, triples in ntriples_chunks(chapter.store, ox.DefaultGraph(), 16 << 10)
    ]
    assert len(parts) > 10
    assert b"".join(text for text, _ in parts) == whole
    assert all(text.endswith(b"\n") and text.count(b"\n") == n for text, n in parts)
    assert sum(n for _, n in parts) == len(whole.splitlines())


def test_a_graph_with_blank_nodes_is_not_cut_after_the_first_one() -> None:
    # blank nodes are scoped to one request: split across two, one node would become two
    store = ox.Store()
    knows = ox.NamedNode("http://example.org/knows")
    for number in range(2000):
        subject = ox.NamedNode(f"http://example.org/e{number}")
        end: ox.NamedNode | ox.BlankNode = (
            ox.BlankNode(f"b{number % 7}")
            if number % 100 == 0
            else ox.NamedNode(f"{subject.value}x")
        )
        store.add(ox.Quad(subject, knows, end))
    parts = [part.read() for part, _ in ntriples_chunks(store, ox.DefaultGraph(), 4 << 10)]
    with_blank = [number for number, text in enumerate(parts) if b"_:" in text]
    assert len(parts) > 1 and with_blank == [len(parts) - 1]
    assert sum(len(text.splitlines()) for text in parts) == 2000


def test_a_file_of_n_triples_goes_in_the_parts_of_the_store_it_was_dumped_from(
    tmp_path: Path, chapter: CivicGraph
) -> None:
    dumped = tmp_path / "data.nt"
    chapter.store.dump(dumped, ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    with dumped.open("rb") as text:
        from_file = [(part.read(), n) for part, n in ntriples_parts(text, 16 << 10)]
    from_store = [
        (part.read(), n) for part, n in ntriples_chunks(chapter.store, ox.DefaultGraph(), 16 << 10)
    ]
    assert len(from_file) > 10 and from_file == from_store


def test_an_empty_graph_is_one_empty_part() -> None:
    assert [(p.read(), n) for p, n in ntriples_chunks(ox.Store(), ox.DefaultGraph())] == [(b"", 0)]


def test_push_sparql_in_parts_replaces_then_adds_and_leaves_the_same_counts(
    tmp_path: Path, chapter: CivicGraph
) -> None:
    lines: list[str] = []
    with oxigraph_server(tmp_path / "oxigraph") as url:
        for _ in range(2):  # the first part's PUT empties the graph: no part is counted twice
            sent = push_sparql(
                chapter.store, url + "/store", chunk_bytes=64 << 10, progress=lines.append
            )
            answer = requests.post(
                url + "/query",
                data={"query": EVERY_TRIPLE},
                headers={"Accept": "application/sparql-results+json"},
                timeout=30,
            ).json()
            assert int(answer["results"]["bindings"][0]["n"]["value"]) == len(chapter.store)
    assert sent["triples"] == len(chapter.store)
    assert sum(line.startswith(f"graph <{DATA_GRAPH}>") for line in lines) > 2 * 5


def test_push_sparql_in_parts_to_virtuoso_leaves_the_counts_of_the_store(
    virtuoso: str, chapter: CivicGraph
) -> None:
    endpoint = virtuoso + "/sparql-graph-crud-auth"
    for _ in range(2):
        push_sparql(chapter.store, endpoint, user="dba", password="dba", chunk_bytes=256 << 10)
        assert graph_counts(virtuoso) == store_counts(chapter)


def test_the_parts_of_a_file_replace_a_graph_on_virtuoso(
    virtuoso: str, tmp_path: Path, chapter: CivicGraph
) -> None:
    # the route of N-Triples kept beside the build: the same sending, fed from a file
    dumped = tmp_path / "data.nt"
    chapter.store.dump(dumped, ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    expected = store_counts(chapter)[DATA_GRAPH]
    lines: list[str] = []
    with GraphStore(virtuoso + "/sparql-graph-crud-auth", "dba", "dba") as endpoint:
        endpoint.negotiate(DATA_GRAPH)
        for _ in range(2):
            with dumped.open("rb") as text:
                sent = endpoint.replace(DATA_GRAPH, ntriples_parts(text, 64 << 10), lines.append)
            assert sent == expected and graph_counts(virtuoso)[DATA_GRAPH] == expected
    assert len(lines) > 2 * 5 and lines[-1] == f"graph <{DATA_GRAPH}>: {expected} triples"


def test_the_readme_gives_the_virtuoso_settings_and_part_size_the_bench_uses() -> None:
    readme = (REPO_DIR / "README.md").read_text(encoding="utf-8")
    guidance = readme.split("*Virtuoso for a large push.*", 1)[1].split("\n\n**", 1)[0]
    block = re.search(r"```ini\n(.*?)```", guidance, re.S)
    assert block and f"the parts are {CHUNK_BYTES >> 20} MB" in " ".join(guidance.split())
    given = dict(
        re.match(r"(\w+) = (\S+)", line).groups()  # type: ignore[union-attr]
        for line in block.group(1).splitlines()
        if line.strip() and not line.lstrip().startswith(";")
    )
    ini = VIRTUOSO_INI.format(
        dir="d", sql_port=1, http_port=2, buffers=340_000, dirty_buffers=340_000 * 3 // 4
    )
    assert given and all(f"\n{name} = {value}\n" in ini for name, value in given.items())


@pytest.fixture(scope="module")
def racing(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A writable ArcadeDB Bolt server with empty databases `batched` and `racing`."""
    workdir = tmp_path_factory.mktemp("push-racing")
    port = str(free_port())
    command = [sys.executable, "-c", BARE_ARCADEDB, str(workdir / "db"), port, "batched", "racing"]
    with running(command, workdir) as (uri, _):
        yield uri


def test_push_in_small_batches_writes_each_once(racing: str, chapter: CivicGraph) -> None:
    rows = projection_rows(chapter.loaded)
    expected = (chapter.projection.number_of_nodes(), chapter.projection.number_of_edges())
    target = BoltTarget(racing, "root", BARE_PASSWORD, "batched")
    for _ in range(2):  # every batch its own transaction; the second load matches them all
        report = load(target, rows, batch_size=7)
        assert (report.nodes, report.relationships) == expected


def test_two_pushes_at_once_into_one_database_both_finish_with_the_same_counts(
    racing: str, chapter: CivicGraph
) -> None:
    # the writers meet on the same nodes: the server's conflicts come back as transient
    # errors, and each managed transaction is run again by the driver
    rows = projection_rows(chapter.loaded)
    target = BoltTarget(racing, "root", BARE_PASSWORD, "racing")
    with ThreadPoolExecutor(2) as pool:
        reports = list(pool.map(lambda _: load(target, rows, batch_size=25), range(2)))
    expected = (chapter.projection.number_of_nodes(), chapter.projection.number_of_edges())
    assert counts(racing, "racing") == expected
    assert all(report.seconds > 0 for report in reports)
