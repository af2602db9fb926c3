"""`serve bolt` is read-only, enforced by ArcadeDB: what a hostile client tried, refused.

Each query below did harm before (issue 15): it wrote, deleted, read /etc/passwd, or made
a request. Each is now refused by the server's own security, through the neo4j driver, and
the graph is the same afterwards. ArcadeDB's HTTP API (which took `shutdown` and `create
database` from root) no longer listens at all.
"""

from __future__ import annotations

import http.server
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from neo4j import Driver, GraphDatabase
from neo4j.exceptions import AuthError, ClientError, DatabaseError

from civicgraph.api import CivicGraph


@pytest.fixture(scope="module")
def driver(bolt_uri: str, bolt_password: str) -> Iterator[Driver]:
    with GraphDatabase.driver(bolt_uri, auth=("root", bolt_password)) as opened:
        yield opened


class Listener(http.server.BaseHTTPRequestHandler):
    """Counts every request that reaches it: none may come from a query."""

    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.hits.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"name\nsecret\n")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def listener() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Listener)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/leak.csv"
    finally:
        server.shutdown()


def answer(driver: Driver, query: str) -> list[dict[str, object]]:
    records, _, _ = driver.execute_query(query, database_="civicgraph")
    return [r.data() for r in records]


HOSTILE = [
    "CREATE (n:Person {id: 'intruder', label: 'Intruder'}) RETURN n",
    "MERGE (n:Entity {id: 'intruder'}) RETURN n",
    "MATCH (n:Entity {id: 'javier-sicilia'}) SET n.label = 'DEFACED' RETURN n",
    "MATCH (n:Entity {id: 'javier-sicilia'}) REMOVE n.label RETURN n",
    "MATCH ()-[r:FUNDS]->() DELETE r",
    "MATCH (n) DETACH DELETE n",
    "CREATE INDEX defaced FOR (n:Person) ON (n.label)",
    "CREATE USER intruder SET PASSWORD 'x'",
    "LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line LIMIT 3",
    "LOAD CSV FROM '/etc/passwd' AS line RETURN line LIMIT 3",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_writes_and_file_reads_are_refused_by_the_server(
    driver: Driver, chapter: CivicGraph, query: str
) -> None:
    with pytest.raises((ClientError, DatabaseError)) as refused:
        answer(driver, query)
    assert "root" not in str(refused.value) or "not allowed" in str(refused.value)
    assert answer(driver, "MATCH (n) RETURN count(n) AS n") == [
        {"n": chapter.projection.number_of_nodes()}
    ]
    assert answer(driver, "MATCH ()-[r]->() RETURN count(r) AS n") == [
        {"n": chapter.projection.number_of_edges()}
    ]
    assert answer(driver, "MATCH (n:Entity {id: 'javier-sicilia'}) RETURN n.label AS l") == [
        {"l": "Javier Sicilia"}
    ]


def test_load_csv_makes_no_request(driver: Driver, listener: str) -> None:
    for url in (listener, listener.replace("127.0.0.1", "localhost")):
        with pytest.raises((ClientError, DatabaseError)):
            answer(driver, f"LOAD CSV FROM '{url}' AS line RETURN line")
    assert Listener.hits == []


def test_reads_still_answer(driver: Driver) -> None:
    rows = answer(driver, "MATCH (p:Person)-[r]->(m:Movement) RETURN count(r) AS n")
    assert rows[0]["n"] > 0


def test_a_wrong_password_is_refused(bolt_uri: str) -> None:
    with (
        GraphDatabase.driver(bolt_uri, auth=("root", "playwithdata")) as wrong,
        pytest.raises(AuthError),
    ):
        wrong.verify_connectivity()


def _listening_of(pid: str) -> dict[int, str]:
    """Every port the process listens on, with the address it is bound to (hex, as in /proc)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = fd.readlink().as_posix()
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    ports = {}
    for table in ("tcp", "tcp6"):
        for line in Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and fields[9] in inodes:  # 0A: LISTEN
                address, port = fields[1].rsplit(":", 1)
                ports[int(port, 16)] = address
    return ports


def _listening_ports_of(pid: str) -> set[int]:
    return set(_listening_of(pid))


def _pid_listening_on(port: int) -> str:
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if port in _listening_ports_of(proc.name):
                    return proc.name
            except OSError:
                continue
    raise AssertionError(f"nothing listens on {port}")


def _http_shutdown_reply(port: int) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b'POST /api/v1/server HTTP/1.1\r\nHost: x\r\n\r\n{"command":"shutdown"}')
        sock.settimeout(5)
        try:
            return sock.recv(100)
        except (TimeoutError, ConnectionResetError):
            return b""


# 127.0.0.1 as /proc/net/tcp writes it, and as tcp6 does for Java's IPv4-mapped socket
LOOPBACK = {"0100007F", "0000000000000000FFFF00000100007F"}


@pytest.mark.skipif(not Path("/proc/self/net/tcp").exists(), reason="needs Linux /proc")
def test_the_server_listens_on_its_bolt_port_only(bolt_uri: str, driver: Driver) -> None:
    port = int(bolt_uri.rsplit(":", 1)[1])
    listening = _listening_of(_pid_listening_on(port))
    # ArcadeDB's HTTP API (server commands such as shutdown) is stopped once started; what
    # listens besides the public port is ArcadeDB's own Bolt behind the shim, on loopback
    inner = set(listening) - {port}
    assert len(inner) == 1, listening
    assert listening[inner.pop()] in LOOPBACK
    for each in listening:
        # the Bolt ports speak WebSocket too, and turn a plain HTTP command away
        reply = _http_shutdown_reply(each)
        assert not reply.startswith(b"HTTP/1.1 2"), reply
    assert answer(driver, "RETURN 1 AS one") == [{"one": 1}]


def test_cypher_with_a_wrong_password_says_so(bolt_uri: str) -> None:
    from typer.testing import CliRunner

    from civicgraph.cli.app import app

    result = CliRunner().invoke(app, ["cypher", "RETURN 1", "--uri", bolt_uri, "--password", "x"])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: the Bolt server at {bolt_uri} refused the credentials"
