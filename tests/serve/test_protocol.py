"""The W3C SPARQL 1.1 Protocol query tests (w3c/rdf-tests), read from their manifest and run
against `civicgraph serve sparql` on a store holding the test data as named graphs.

See tests/fixtures/w3c-protocol/NOTICE.md for the origin and licence of the files.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.dom import minidom

import pyoxigraph as ox
import pytest
import rdflib
import requests
from rdflib.collection import Collection

from tests.servers import civicgraph_command, running

PROTOCOL = Path(__file__).parents[1] / "fixtures" / "w3c-protocol"
MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = rdflib.Namespace("http://www.w3.org/2011/http#")
CNT = rdflib.Namespace("http://www.w3.org/2011/content#")
UT = rdflib.Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = "http://www.w3.org/2011/http-statusCodes#StatusCode"
RDF_TYPES = ("application/rdf+xml", "text/turtle", "application/n-triples")
TABULAR_TYPES = (
    "application/sparql-results+xml",
    "application/sparql-results+json",
    "text/csv",
    "text/tab-separated-values",
)


@dataclass(frozen=True)
class Case:
    """One request of a protocol test and what its response must be."""

    name: str
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: tuple[str, ...]  # "2xx", "4xx"…
    expected_format: str | None  # "boolean", "tabular" or "RDF"
    expected_boolean: bool | None


def _cases() -> list[Case]:
    manifest = rdflib.Graph().parse(PROTOCOL / "manifest.ttl")
    cases = []
    for test in manifest.subjects(rdflib.RDF.type, MF.ProtocolTest):
        name = str(test).rsplit("#", 1)[1]
        if "update" in name:  # the endpoint is read-only: updates are refused (test_server)
            continue
        action = manifest.value(test, MF.action)
        requests_list = list(Collection(manifest, manifest.value(action, HT.requests)))
        assert len(requests_list) == 1, name  # every query case is a single request
        request = requests_list[0]
        headers = {}
        listed = manifest.value(request, HT.headers)
        for header in Collection(manifest, listed) if listed else []:
            field = str(manifest.value(header, HT.fieldName))
            headers[field] = str(manifest.value(header, HT.fieldValue))
        body_node = manifest.value(request, HT.body)
        body = None
        if body_node is not None:
            encoding = str(manifest.value(body_node, CNT.characterEncoding))
            body = str(manifest.value(body_node, CNT.chars)).encode(encoding)
        response = manifest.value(request, HT.resp)
        boolean = manifest.value(response, MF.expectedBoolean)
        expected_format = manifest.value(response, MF.expectedFormat)
        cases.append(
            Case(
                name=name,
                method=str(manifest.value(request, HT.methodName)),
                path=str(manifest.value(request, HT.absolutePath)),
                headers=headers,
                body=body,
                statuses=tuple(
                    sorted(
                        str(s).removeprefix(HTS)
                        for s in manifest.objects(response, MF.expectedStatus)
                    )
                ),
                expected_format=str(expected_format) if expected_format else None,
                expected_boolean=bool(boolean.toPython()) if boolean is not None else None,
            )
        )
    return sorted(cases, key=lambda c: c.name)


CASES = _cases()


def _graph_data() -> dict[str, str]:
    """The named graphs the manifest's cases load: graph IRI -> data file."""
    manifest = rdflib.Graph().parse(PROTOCOL / "manifest.ttl")
    found = {}
    for data in manifest.objects(None, UT.graphData):
        file = Path(str(manifest.value(data, UT.graph))).name
        found[str(manifest.value(data, rdflib.RDFS.label))] = file
    return found


def protocol_store(root: Path) -> Path:
    """A store directory laid out as `build` leaves one, holding the test data's graphs."""
    build = root / "builds" / "w3c-protocol"
    build.mkdir(parents=True)
    store = ox.Store(str(build / "oxigraph"))
    for graph, file in _graph_data().items():
        store.load(
            path=str(PROTOCOL / file), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph)
        )
    store.flush()
    del store
    (root / "current").symlink_to(Path("builds") / "w3c-protocol")
    return root


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`civicgraph serve sparql` on the protocol tests' data; yields its /sparql URL."""
    store = protocol_store(tmp_path_factory.mktemp("w3c-store"))
    command = civicgraph_command(
        "serve", "sparql", "--port", "0", "--store", str(store), "--workers", "2"
    )
    with running(command, tmp_path_factory.mktemp("w3c-serve"), timeout=60) as (url, _):
        yield url


def test_the_manifest_has_the_twenty_query_cases() -> None:
    assert len(CASES) == 20
    assert len(_graph_data()) == 3


def _boolean(answer: requests.Response) -> bool:
    media = answer.headers["Content-Type"].split(";")[0]
    if media == "application/sparql-results+json":
        return bool(json.loads(answer.content)["boolean"])
    assert media == "application/sparql-results+xml", media
    text = minidom.parseString(answer.content).getElementsByTagName("boolean")[0]
    return text.firstChild.data.strip() == "true"  # type: ignore[union-attr]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_w3c_protocol_query_case(endpoint: str, case: Case) -> None:
    assert case.path.startswith("/sparql/")
    url = endpoint.removesuffix("/sparql") + case.path
    answer = requests.request(case.method, url, headers=case.headers, data=case.body, timeout=30)
    assert f"{str(answer.status_code)[0]}xx" in case.statuses, (answer.status_code, answer.text)
    if case.expected_format == "boolean":
        assert _boolean(answer) is (
            True if case.expected_boolean is None else case.expected_boolean
        )
    elif case.expected_format == "tabular":
        assert answer.headers["Content-Type"].split(";")[0] in TABULAR_TYPES
        assert answer.json()["results"]["bindings"] == [
            {"value": {"type": "literal", "value": "1", "datatype": str(rdflib.XSD.integer)}}
        ]
    elif case.expected_format == "RDF":
        media = answer.headers["Content-Type"].split(";")[0]
        assert media in RDF_TYPES
        rdflib.Graph().parse(data=answer.content, format=media)  # it parses as what it says
    if case.statuses == ("4xx",):
        assert answer.text.strip()  # a plain message says why


def test_a_relative_iri_resolves_against_the_endpoints_url(endpoint: str) -> None:
    answer = requests.post(
        endpoint,
        data="CONSTRUCT { <s> <p> 1 } WHERE {}",
        headers={"Content-Type": "application/sparql-query", "Accept": "application/n-triples"},
        timeout=30,
    )
    base = endpoint.removesuffix("/sparql")
    assert answer.text.split()[:2] == [f"<{base}/s>", f"<{base}/p>"]
