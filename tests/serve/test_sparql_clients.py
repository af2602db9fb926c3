"""The SPARQL endpoint's dataset handling, formats and HTTP edges, through the real endpoint
and as SPARQLWrapper and rdflib's SPARQLStore drive it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
import rdflib.compare
import requests
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, POST, XML, SPARQLWrapper

from civicgraph.api import CivicGraph
from civicgraph.model.vocab import ID_BASE, ONTOLOGY_GRAPH
from tests.servers import civicgraph_command, running

COUNT = "SELECT (COUNT(*) AS ?n) {dataset} WHERE {{ ?s ?p ?o }}"
FUNDED = "SELECT ?org WHERE { id:usaid civ:funds ?org } ORDER BY ?org"
USAID = "CONSTRUCT { id:usaid ?p ?o } WHERE { id:usaid ?p ?o }"


@pytest.fixture(scope="module")
def endpoint(chapter_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`civicgraph serve sparql` on the chapter graph; yields its /sparql URL."""
    command = civicgraph_command(
        "serve", "sparql", "--port", "0", "--store", str(chapter_store), "--workers", "2"
    )
    with running(command, tmp_path_factory.mktemp("serve-clients"), timeout=60) as (url, _):
        yield url


def ontology_triples(chapter: CivicGraph) -> int:
    graph = ox.NamedNode(ONTOLOGY_GRAPH)
    return len(list(chapter.store.quads_for_pattern(None, None, None, graph)))


def count(endpoint: str, dataset: str = "", **params: list[str]) -> int:
    query = COUNT.format(dataset=dataset)
    answer = requests.get(endpoint, params={"query": query, **params}, timeout=30)
    assert answer.status_code == 200, answer.text
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


def test_from_makes_the_default_graph_that_graph(endpoint: str, chapter: CivicGraph) -> None:
    expected = ontology_triples(chapter)
    assert 0 < expected < chapter.stats()["triples"]
    assert count(endpoint, f"FROM <{ONTOLOGY_GRAPH}>") == expected
    assert count(endpoint) == chapter.stats()["triples"]  # without a dataset: the union


def test_from_named_alone_leaves_the_default_graph_empty(
    endpoint: str, chapter: CivicGraph
) -> None:
    assert count(endpoint, f"FROM NAMED <{ONTOLOGY_GRAPH}>") == 0
    in_graph = (
        f"SELECT (COUNT(*) AS ?n) FROM NAMED <{ONTOLOGY_GRAPH}> {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    )
    answer = requests.get(endpoint, params={"query": in_graph}, timeout=30).json()
    assert int(answer["results"]["bindings"][0]["n"]["value"]) == ontology_triples(chapter)


def test_the_protocols_dataset_parameters_define_the_dataset(
    endpoint: str, chapter: CivicGraph
) -> None:
    expected = ontology_triples(chapter)
    assert count(endpoint, **{"default-graph-uri": [ONTOLOGY_GRAPH]}) == expected
    assert count(endpoint, **{"named-graph-uri": [ONTOLOGY_GRAPH]}) == 0
    # the protocol's dataset overrides the query's
    assert count(endpoint, "FROM NAMED <urn:x>", **{"default-graph-uri": [ONTOLOGY_GRAPH]}) == (
        expected
    )
    bad = requests.get(
        endpoint, params={"query": "ASK {}", "default-graph-uri": "not an iri"}, timeout=30
    )
    assert bad.status_code == 400 and "default-graph-uri" in bad.text


def test_sparqlwrapper_gets_json_xml_and_csv(endpoint: str) -> None:
    client = SPARQLWrapper(endpoint)
    client.setQuery(FUNDED)
    client.setReturnFormat(JSON)
    as_json = client.queryAndConvert()
    assert isinstance(as_json, dict)
    orgs = [b["org"]["value"] for b in as_json["results"]["bindings"]]
    assert orgs and all(o.startswith(ID_BASE) for o in orgs)
    client.setReturnFormat(XML)  # format=xml for a SELECT: SPARQL XML results
    as_xml = client.queryAndConvert()
    assert [u.firstChild.data for u in as_xml.getElementsByTagName("uri")] == orgs  # type: ignore[union-attr]
    client.setReturnFormat(CSV)
    as_csv = client.queryAndConvert()
    assert as_csv.decode().split()[1:] == orgs  # type: ignore[union-attr]
    client.setMethod(POST)
    client.setReturnFormat(JSON)
    posted = client.queryAndConvert()
    assert posted == as_json


def test_sparqlwrapper_construct_converts_to_an_rdflib_graph(
    endpoint: str, chapter: CivicGraph
) -> None:
    expected = len(
        list(chapter.store.quads_for_pattern(ox.NamedNode(ID_BASE + "usaid"), None, None))
    )
    client = SPARQLWrapper(endpoint)  # its default: format=xml&output=xml&results=xml
    client.setQuery(USAID)
    graph = client.queryAndConvert()
    assert isinstance(graph, rdflib.Graph) and len(graph) == expected > 0
    client.setReturnFormat(JSONLD)
    as_jsonld = client.queryAndConvert()
    assert isinstance(as_jsonld, rdflib.Graph) and rdflib.compare.isomorphic(graph, as_jsonld)


def test_rdflibs_sparqlstore_selects_and_constructs(endpoint: str) -> None:
    graph = rdflib.Graph(store=SPARQLStore(query_endpoint=endpoint))
    usaid = rdflib.URIRef(ID_BASE + "usaid")
    rows = list(graph.query(FUNDED))
    assert rows and all(str(r[0]).startswith(ID_BASE) for r in rows)
    built = graph.query(f"CONSTRUCT {{ <{usaid}> ?p ?o }} WHERE {{ <{usaid}> ?p ?o }}").graph
    assert built is not None and (usaid, rdflib.RDFS.label, None) in built


@pytest.mark.parametrize(
    ("params", "accept", "media"),
    [
        ({"format": "xml"}, "", "application/rdf+xml"),
        ({"format": "json-ld"}, "", "application/ld+json"),
        ({"format": "nt"}, "text/turtle", "application/n-triples"),
        ({}, "application/rdf+xml", "application/rdf+xml"),
        ({}, "application/x-unknown, */*;q=0.1", "text/turtle"),
    ],
)
def test_a_construct_comes_in_the_format_asked_for(
    endpoint: str, params: dict[str, str], accept: str, media: str
) -> None:
    headers = {"Accept": accept} if accept else {}
    answer = requests.get(endpoint, params={"query": USAID, **params}, headers=headers, timeout=30)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].split(";")[0] == media
    assert len(rdflib.Graph().parse(data=answer.content, format=media)) > 0


@pytest.mark.parametrize(
    ("query", "params", "accept"),
    [
        (FUNDED, {"format": "yaml"}, "application/sparql-results+json"),  # not overridden
        (FUNDED, {}, "image/png"),
        (FUNDED, {"format": "ttl"}, ""),  # a graph format for solutions
        (USAID, {}, "application/sparql-results+json"),  # a results format for a graph
        (USAID, {"output": "csv"}, ""),
    ],
)
def test_a_format_that_cannot_be_given_is_406(
    endpoint: str, query: str, params: dict[str, str], accept: str
) -> None:
    headers = {"Accept": accept} if accept else {}
    answer = requests.get(endpoint, params={"query": query, **params}, headers=headers, timeout=30)
    assert answer.status_code == 406
    assert "one of" in answer.text  # the formats that can be given


def test_entity_pages_come_as_rdf_xml(endpoint: str, chapter: CivicGraph) -> None:
    base = endpoint.removesuffix("/sparql")
    page = requests.get(base + "/id/usaid", headers={"Accept": "application/rdf+xml"}, timeout=30)
    assert page.headers["Content-Type"] == "application/rdf+xml"
    graph = rdflib.Graph().parse(data=page.content, format="xml")
    assert (rdflib.URIRef(ID_BASE + "usaid"), rdflib.RDFS.label, None) in graph
    assert requests.get(base + "/id/usaid?format=yaml", timeout=30).status_code == 406


@pytest.mark.parametrize("path", ["/sparql?query=ASK%20%7B%7D", "/id/usaid", "/ontology"])
def test_head_gives_the_headers_of_get_and_no_body(endpoint: str, path: str) -> None:
    url = endpoint.removesuffix("/sparql") + path
    got, head = requests.get(url, timeout=30), requests.head(url, timeout=30)
    assert head.status_code == got.status_code == 200
    assert head.content == b""
    for name in ("Content-Type", "Content-Length", "Access-Control-Allow-Origin"):
        assert head.headers[name] == got.headers[name]


def test_cors_preflight_allows_the_headers_browser_tools_send(endpoint: str) -> None:
    asked = "authorization, content-type, x-requested-with"
    preflight = requests.options(
        endpoint,
        headers={
            "Origin": "https://yasgui.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": asked,
        },
        timeout=30,
    )
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Headers"] == asked
    plain = requests.options(endpoint, headers={"Origin": "https://yasgui.example"}, timeout=30)
    assert "Authorization" in plain.headers["Access-Control-Allow-Headers"]
    assert "HEAD" in plain.headers["Access-Control-Allow-Methods"]


def test_a_query_that_is_not_utf8_is_refused(endpoint: str) -> None:
    get = requests.get(endpoint + "?query=ASK%20%7B%20%3Fs%20%3Fp%20%22%FF%22%20%7D", timeout=30)
    assert get.status_code == 400 and "UTF-8" in get.text
    post = requests.post(
        endpoint,
        data='ASK { ?s ?p "\xff" }'.encode("latin-1"),
        headers={"Content-Type": "application/sparql-query"},
        timeout=30,
    )
    assert post.status_code == 400 and "UTF-8" in post.text
    form = requests.post(
        endpoint,
        data=b"query=ASK%20%7B%20%3Fs%20%3Fp%20%22%FF%22%20%7D",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=30,
    )
    assert form.status_code == 400 and "UTF-8" in form.text
    fine = requests.get(endpoint, params={"query": 'ASK { FILTER("é" = "é") }'}, timeout=30)
    assert json.loads(fine.content)["boolean"] is True
