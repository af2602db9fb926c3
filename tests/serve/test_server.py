"""The SPARQL endpoint, driven over HTTP as analysts' tools drive it (SPARQLWrapper, requests)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests
from SPARQLWrapper import CSV, JSON, XML, SPARQLWrapper

from civicgraph.api import CivicGraph
from civicgraph.serve.sparql.answers import describe
from civicgraph.serve.sparql.results import negotiate
from civicgraph.serve.sparql.server import is_update
from tests.servers import civicgraph_command, running

MAX_ROWS = 50
TIMEOUT = 2
COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
CROSS_JOIN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def endpoint(chapter_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`civicgraph serve sparql` on the chapter graph; yields the base URL (no /sparql)."""
    workdir = tmp_path_factory.mktemp("serve-sparql")
    command = civicgraph_command(
        "serve", "sparql", "--port", "0", "--store", str(chapter_store),
        "--timeout", str(TIMEOUT), "--max-rows", str(MAX_ROWS), "--workers", "3",
    )  # fmt: skip
    with running(command, workdir, timeout=60) as (url, log):
        base = url.removesuffix("/sparql")
        yield base
        assert '"GET /health" 200' in log.read_text()  # every request is logged


def wrapper(base: str, query: str, fmt: str = JSON) -> SPARQLWrapper:
    client = SPARQLWrapper(base + "/sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    return client


def count(base: str) -> int:
    answer = wrapper(base, COUNT_ALL).queryAndConvert()
    assert isinstance(answer, dict)
    return int(answer["results"]["bindings"][0]["n"]["value"])


def test_the_count_over_the_default_graph_equals_the_stores(
    endpoint: str, chapter: CivicGraph
) -> None:
    assert count(endpoint) == chapter.stats()["triples"] == len(chapter.store)


def test_select_json_equals_oxigraphs_own_serialisation(endpoint: str, chapter: CivicGraph) -> None:
    query = "SELECT ?s ?label WHERE { ?s a civ:Movement ; rdfs:label ?label } ORDER BY ?s"
    answer = requests.get(endpoint + "/sparql", params={"query": query}, timeout=30)
    expected = chapter.sparql(query)
    assert isinstance(expected, ox.QuerySolutions)
    assert answer.headers["X-Civicgraph-Truncated"] == "false"
    assert answer.json() == json.loads(expected.serialize(format=ox.QueryResultsFormat.JSON))


def test_results_come_as_xml_csv_and_tsv_by_content_negotiation(endpoint: str) -> None:
    query = "SELECT ?org WHERE { id:usaid civ:funds ?org }"
    xml = wrapper(endpoint, query, XML).queryAndConvert()
    assert "network-for-oral-trials" in xml.toxml()  # type: ignore[union-attr]
    csv_text = wrapper(endpoint, query, CSV).queryAndConvert()
    assert csv_text.decode().splitlines()[0] == "org"  # type: ignore[union-attr]
    tsv = requests.get(
        endpoint + "/sparql",
        params={"query": query},
        headers={"Accept": "text/tab-separated-values"},
        timeout=30,
    )
    assert tsv.headers["Content-Type"].startswith("text/tab-separated-values")
    assert tsv.headers["Vary"] == "Accept"  # a cache must not hand this to a JSON client
    assert tsv.text.splitlines()[1] == "<https://w3id.org/civicgraph/id/network-for-oral-trials>"


@pytest.mark.parametrize(
    ("accept", "rdf_format"),
    [
        ("text/turtle", ox.RdfFormat.TURTLE),
        ("application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("application/ld+json", ox.RdfFormat.JSON_LD),
    ],
)
def test_construct_and_describe_come_as_turtle_ntriples_or_jsonld(
    endpoint: str, chapter: CivicGraph, accept: str, rdf_format: ox.RdfFormat
) -> None:
    expected = len(list(chapter.store.quads_for_pattern(ox.NamedNode(_iri("usaid")), None, None)))
    for query in (
        "CONSTRUCT { id:usaid ?p ?o } WHERE { id:usaid ?p ?o }",
        "DESCRIBE id:usaid",
    ):
        answer = requests.post(
            endpoint + "/sparql",
            data=query.encode(),
            headers={"Content-Type": "application/sparql-query", "Accept": accept},
            timeout=30,
        )
        assert answer.status_code == 200
        assert answer.headers["Content-Type"].startswith(accept)
        parsed = list(ox.parse(answer.content, format=rdf_format))
        assert len(parsed) >= expected > 0


def test_get_post_form_and_post_query_give_the_same_answer(endpoint: str) -> None:
    query = "SELECT ?org WHERE { id:usaid civ:funds ?org } ORDER BY ?org"
    url = endpoint + "/sparql"
    answers = [
        requests.get(url, params={"query": query}, timeout=30),
        requests.post(url, data={"query": query}, timeout=30),
        requests.post(
            url, data=query, headers={"Content-Type": "application/sparql-query"}, timeout=30
        ),
    ]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert answers[0].json() == answers[1].json() == answers[2].json()


def test_provenance_is_queryable(endpoint: str) -> None:
    query = """SELECT ?quote ?doc WHERE {
      ?r civ:subject id:usaid ; civ:relation civ:funds ; civ:object id:network-for-oral-trials ;
         civ:citation ?c . ?c civ:quote ?quote ; dcterms:source/civ:path ?doc }"""
    rows = wrapper(endpoint, query).queryAndConvert()["results"]["bindings"]  # type: ignore[index]
    assert rows and all(r["doc"]["value"].endswith(".txt") for r in rows)
    assert any("USAID" in r["quote"]["value"] for r in rows)


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        ("post", "/sparql", {"data": {"update": "INSERT DATA { <a:s> <a:p> <a:o> }"}}),
        ("get", "/sparql", {"params": {"update": "CLEAR ALL"}}),
        (
            "post",
            "/sparql",
            {
                "data": "DELETE WHERE { ?s ?p ?o }",
                "headers": {"Content-Type": "application/sparql-update"},
            },
        ),
        ("get", "/sparql", {"params": {"query": "PREFIX x: <a:> DROP ALL"}}),
        ("post", "/sparql", {"data": {"query": "# a comment\nINSERT DATA { <a:s> <a:p> 1 }"}}),
        ("post", "/id/usaid", {"data": {"update": "CLEAR ALL"}}),
        ("get", "/ontology", {"params": {"update": "CLEAR ALL"}}),
        ("put", "/sparql", {"data": "<a:s> <a:p> <a:o> ."}),
        ("delete", "/id/usaid", {}),
        ("patch", "/health", {"data": "x"}),
    ],
)
def test_every_update_is_refused_with_403_and_the_store_is_unchanged(
    endpoint: str, chapter: CivicGraph, method: str, path: str, kwargs: dict[str, object]
) -> None:
    answer = requests.request(method, endpoint + path, timeout=30, **kwargs)  # type: ignore[arg-type]
    assert answer.status_code == 403
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    assert count(endpoint) == chapter.stats()["triples"]


def test_a_query_past_the_time_limit_is_stopped_and_the_server_keeps_answering(
    endpoint: str, chapter: CivicGraph
) -> None:
    # the request returns, long before the cross join of ~10^12 rows could finish
    answer = requests.get(endpoint + "/sparql", params={"query": CROSS_JOIN}, timeout=60)
    assert answer.status_code == 503
    assert "time limit" in answer.text
    assert count(endpoint) == chapter.stats()["triples"]
    health = requests.get(endpoint + "/health", timeout=30).json()
    assert health["status"] == "ok" and health["workers"] == 3


def test_twenty_concurrent_clients_all_get_their_answers(
    endpoint: str, chapter: CivicGraph
) -> None:
    slugs = sorted(chapter.names.entities)[:20]

    def label_of(slug: str) -> str:
        query = f"SELECT ?l WHERE {{ id:{slug} rdfs:label ?l FILTER(lang(?l) = 'en') }}"
        with requests.Session() as http:
            answer = http.get(endpoint + "/sparql", params={"query": query}, timeout=60)
        answer.raise_for_status()
        return str(answer.json()["results"]["bindings"][0]["l"]["value"])

    with ThreadPoolExecutor(max_workers=20) as pool:
        labels = list(pool.map(label_of, slugs))
    assert labels == [chapter.names.entities[s].label for s in slugs]


def test_a_malformed_query_gets_400_with_the_parsers_message(endpoint: str) -> None:
    answer = requests.get(
        endpoint + "/sparql", params={"query": "SELECT ?s WHERE { ?s"}, timeout=30
    )
    assert answer.status_code == 400
    assert answer.text.startswith("SPARQL syntax error: error at 1:")
    missing = requests.get(endpoint + "/sparql", timeout=30)
    assert missing.status_code == 400


def test_an_answer_over_the_row_cap_is_truncated_with_a_header(
    endpoint: str, chapter: CivicGraph
) -> None:
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
    answer = requests.get(endpoint + "/sparql", params={"query": query}, timeout=30)
    assert answer.headers["X-Civicgraph-Truncated"] == "true"
    assert len(answer.json()["results"]["bindings"]) == MAX_ROWS < len(chapter.store)
    graph = requests.get(
        endpoint + "/sparql",
        params={"query": "CONSTRUCT WHERE { ?s ?p ?o }", "format": "nt"},
        timeout=30,
    )
    assert graph.headers["X-Civicgraph-Truncated"] == "true"
    assert len(graph.text.splitlines()) == MAX_ROWS


def test_cors_lets_browser_tools_in(endpoint: str) -> None:
    preflight = requests.options(
        endpoint + "/sparql",
        headers={"Origin": "https://example.org", "Access-Control-Request-Method": "POST"},
        timeout=30,
    )
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    answer = requests.get(endpoint + "/sparql", params={"query": "ASK {}"}, timeout=30)
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    assert "X-Civicgraph-Truncated" in answer.headers["Access-Control-Expose-Headers"]
    assert answer.json()["boolean"] is True


def test_health_says_ok(endpoint: str) -> None:
    health = requests.get(endpoint + "/health", timeout=30).json()
    assert health["status"] == "ok"
    assert health["max_rows"] == MAX_ROWS and health["timeout_s"] == TIMEOUT


def _iri(slug: str) -> str:
    return "https://w3id.org/civicgraph/id/" + slug


def test_entity_iris_dereference_to_turtle_or_html(endpoint: str, chapter: CivicGraph) -> None:
    turtle = requests.get(endpoint + "/id/javier-sicilia", timeout=30)
    assert turtle.headers["Content-Type"].startswith("text/turtle")
    triples = [q.triple for q in ox.parse(turtle.content, format=ox.RdfFormat.TURTLE)]
    label = ox.Literal("Javier Sicilia", language="en")
    rdfs_label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    assert ox.Triple(ox.NamedNode(_iri("javier-sicilia")), rdfs_label, label) in triples
    assert any(t.predicate.value.endswith("#quote") for t in triples)  # its citations come along
    page = requests.get(
        endpoint + "/id/javier-sicilia", headers={"Accept": "text/html,*/*;q=0.8"}, timeout=30
    )
    assert page.headers["Content-Type"].startswith("text/html")
    assert "<h1>Javier Sicilia</h1>" in page.text
    assert requests.get(endpoint + "/id/no-such-thing", timeout=30).status_code == 404


def test_the_html_page_escapes_names(mini: CivicGraph) -> None:
    answer = describe(mini.store, {"slug": "img-group", "html": True, "graph": "ttl"})
    assert answer.status == 200
    assert b"<img" not in answer.body and b"&lt;img src=x" in answer.body


def test_the_ontology_is_served(endpoint: str) -> None:
    answer = requests.get(endpoint + "/ontology", timeout=30)
    triples = [q.triple for q in ox.parse(answer.content, format=ox.RdfFormat.TURTLE)]
    person = ox.NamedNode("https://w3id.org/civicgraph/ontology#Person")
    owl_class = ox.NamedNode("http://www.w3.org/2002/07/owl#Class")
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    assert ox.Triple(person, rdf_type, owl_class) in triples


@pytest.mark.parametrize(
    ("text", "update"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", False),
        ("PREFIX delete: <a:> SELECT * WHERE { ?s delete:x ?o }", False),
        ("# INSERT is in a comment\nASK {}", False),
        ("INSERT DATA { <a:s> <a:p> <a:o> }", True),
        ("  prefix x: <a:#>\nBASE <a:b>\ndelete where { ?s ?p ?o }", True),
        ("LOAD <http://example.org/x>", True),
        ("WITH <a:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", True),
    ],
)
def test_is_update_tells_updates_from_queries(text: str, update: bool) -> None:
    assert is_update(text) is update


def test_negotiation_follows_quality_values() -> None:
    assert negotiate(None) == ("json", "ttl")
    assert negotiate("text/csv;q=0.5, application/sparql-results+xml") == ("xml", None)
    assert negotiate("application/rdf+xml") == (None, "rdfxml")
    assert negotiate("text/*") == ("csv", "ttl")
    assert negotiate("application/n-triples, text/turtle;q=0.1") == (None, "nt")
    assert negotiate("text/html,*/*;q=0.8") == ("json", "ttl")
    assert negotiate("text/html", requested=["tsv"]) == ("tsv", None)


def test_a_burst_of_200_connections_is_held_and_answered(endpoint: str) -> None:
    import socket
    from urllib.parse import urlsplit

    address = urlsplit(endpoint)
    assert address.hostname is not None and address.port is not None
    opened = []
    try:  # a full listen queue drops the handshake: the client would retry after a second
        for _ in range(200):
            opened.append(socket.create_connection((address.hostname, address.port), timeout=0.5))
        for connection in opened:
            connection.sendall(b"GET /health HTTP/1.0\r\n\r\n")
        answered = 0
        for connection in opened:
            connection.settimeout(30)
            status_line = connection.recv(64).split(b"\r\n")[0]
            if status_line.startswith(b"HTTP/1.") and status_line.endswith(b" 200 OK"):
                answered += 1
        assert answered == 200
    finally:
        for connection in opened:
            connection.close()
