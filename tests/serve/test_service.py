"""No query makes civicgraph send a request: SERVICE is refused everywhere unless allowed.

A local listener stands for the endpoint a hostile query would call (or a service on the
host it would reach). It answers like a SPARQL endpoint, with a secret, so the allowed case
shows that a request really would have left, and the refused cases that none did.
"""

from __future__ import annotations

import json
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

from civicgraph.api import CivicGraph
from civicgraph.errors import QueryError
from civicgraph.store.sparql import refuse_remote, services_in
from tests.servers import civicgraph_command, running

SECRET = {
    "head": {"vars": ["s"]},
    "results": {"bindings": [{"s": {"type": "literal", "value": "the secret"}}]},
}


class Listener(ThreadingHTTPServer):
    daemon_threads = True
    requests_seen = 0


class Answer(BaseHTTPRequestHandler):
    def _answer(self) -> None:
        self.server.requests_seen += 1  # type: ignore[attr-defined]
        body = json.dumps(SECRET).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *_: object) -> None:
        pass


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener(("127.0.0.1", 0), Answer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def federated(server: Listener) -> str:
    endpoint = f"http://127.0.0.1:{server.server_port}/sparql"
    return f"SELECT ?s WHERE {{ SERVICE <{endpoint}> {{ ?s ?p ?o }} }}"


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("SELECT * { SERVICE <http://e.org/q> { ?s ?p ?o } }", ["http://e.org/q"]),
        ("select * { service silent <http://e.org/> {?s ?p ?o} }", ["http://e.org/"]),
        ("SELECT*{SERVICE<http://a.org/>{?s?p?o}}", ["http://a.org/"]),
        (r"SELECT * { \u0053ERVICE <http://e.org/> { ?s ?p ?o } }", ["http://e.org/"]),
        ("SELECT * { BIND(<http://e.org/> AS ?e) SERVICE ?e { ?s ?p ?o } }", [None]),
        ("SELECT * { ?s ?p ?o FILTER(?o < 3) SERVICE ex:e { ?a ?b ?c } }", [None]),
        ('SELECT * { ?s ?p "SERVICE <http://x.org/>" } # SERVICE <http://y.org/>', []),
        ("SELECT * { ?s ?p '''it's SERVICE <http://x.org/>''' }", []),
        ("SELECT * { ?s <http://x.org/SERVICE> ?o . ?s ex:SERVICE ?x . ?SERVICE ?p ?o }", []),
    ],
)
def test_every_service_clause_is_found_and_nothing_else(query: str, found: list[str]) -> None:
    assert services_in(query) == found


def test_only_the_allowed_hosts_may_be_called() -> None:
    refuse_remote(
        "SELECT * { SERVICE <https://query.wikidata.org/sparql> {} }", ["query.wikidata.org"]
    )
    refuse_remote("SELECT * { SERVICE <http://127.0.0.1:9/x> {} }", ["127.0.0.1:9"])
    for query, allowed in [
        ("SELECT * { SERVICE <http://127.0.0.1:9/x> {} }", []),
        ("SELECT * { SERVICE <http://127.0.0.1:9/x> {} }", ["127.0.0.1:8"]),
        ("SELECT * { SERVICE <file:///etc/passwd> {} }", ["etc"]),
        ("SELECT * { SERVICE ?endpoint {} }", ["127.0.0.1"]),
    ]:
        with pytest.raises(QueryError, match="SERVICE is refused"):
            refuse_remote(query, allowed)


def test_the_cli_and_the_api_refuse_service(
    chapter: CivicGraph, chapter_store: Path, listener: Listener
) -> None:
    done = subprocess.run(
        civicgraph_command("sparql", federated(listener), "--store", str(chapter_store)),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "SERVICE is refused" in done.stderr and "Traceback" not in done.stderr
    with pytest.raises(QueryError, match="SERVICE is refused"):
        chapter.sparql_table(federated(listener))  # what the explorer's console runs
    assert listener.requests_seen == 0


def test_the_endpoint_refuses_service_unless_the_operator_allows_the_host(
    chapter_store: Path, listener: Listener, tmp_path: Path
) -> None:
    command = civicgraph_command("serve", "sparql", "--port", "0", "--store", str(chapter_store))
    with running(command, tmp_path, timeout=60) as (url, _):
        for method in ("GET", "POST"):
            answer = requests.request(
                method, url, params={"query": federated(listener)}, timeout=30
            )
            assert answer.status_code == 400 and "SERVICE is refused" in answer.text
    assert listener.requests_seen == 0
    allowed = f"127.0.0.1:{listener.server_port}"
    (tmp_path / "allowed").mkdir()
    with running([*command, "--allow-service", allowed], tmp_path / "allowed", timeout=60) as (
        url,
        _,
    ):
        answer = requests.get(
            url,
            params={"query": federated(listener)},
            headers={"Accept": "application/sparql-results+json"},
            timeout=30,
        )
    assert answer.status_code == 200, answer.text
    assert "the secret" in answer.text
    assert listener.requests_seen >= 1
