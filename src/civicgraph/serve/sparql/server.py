"""The read-only SPARQL 1.1 Protocol endpoint, with dereferenceable IRIs and the ontology.

Routes: `/sparql` (GET, HEAD, POST form, POST `application/sparql-query`), `/id/<slug>` (an
entity's triples as Turtle, N-Triples, JSON-LD or RDF/XML, or an HTML page for browsers),
`/ontology`, `/health` and `/`. Every update (an `update` parameter, an
`application/sparql-update` body, an update in `query`, or a PUT/DELETE/PATCH) is refused
with 403 on every route. Queries run in worker processes (civicgraph.serve.sparql.pool), so a
query past the time limit or the memory cap is really stopped (503, with a message naming
the limit and its option), and answers past the row cap are truncated with
`X-Civicgraph-Truncated: true`. The workers follow the store's `current` build across
rebuilds, and `/health` says which build is served and answers 503 when nothing can be.
"""

from __future__ import annotations

import json
import re
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from civicgraph.errors import StoreError
from civicgraph.serve.sparql import results
from civicgraph.serve.sparql.answers import Answer
from civicgraph.serve.sparql.answers import text as _text
from civicgraph.serve.sparql.pool import (
    Busy,
    Limits,
    OverMemory,
    Refused,
    TimedOut,
    TooManySlow,
    Unavailable,
    WorkerPool,
)
from civicgraph.store.builds import current_build

MAX_BODY = 1 << 20
SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~-]*")
COMMENT_LINE = re.compile(r"^\s*#.*$", re.MULTILINE)
UPDATE_START = re.compile(
    r"^\s*(?:(?:PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*"
    r"(?:INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b",
    re.IGNORECASE,
)
HTML_TYPES = ("text/html", "application/xhtml+xml")
ALLOWED_HEADERS = "Accept, Authorization, Content-Type, Cache-Control, Origin, X-Requested-With"
HEADER_LIST = re.compile(r"[A-Za-z0-9!#$%&'*+.^_`|~-]+(?:\s*,\s*[A-Za-z0-9!#$%&'*+.^_`|~-]+)*")
HOST = re.compile(r"(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?")
QUERY_TYPES = ("application/x-www-form-urlencoded", "application/sparql-query")
CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "X-Civicgraph-Truncated, X-Civicgraph-Rows",
    "Vary": "Accept",  # every answer is negotiated on Accept: caches must key on it
}
INDEX = """<!doctype html><html lang=en><head><meta charset=utf-8><title>civicgraph SPARQL</title>
</head><body><h1>civicgraph SPARQL endpoint</h1>
<form action="/sparql" method="get"><textarea name="query" rows="8" cols="80">
SELECT ?org ?quote WHERE {
  ?r civ:subject id:usaid ; civ:relation civ:funds ; civ:object ?org ;
     civ:citation/civ:quote ?quote }</textarea><br>
<button>Run</button></form>
<p>Read-only SPARQL 1.1 Protocol at <code>/sparql</code>; entities at <code>/id/&lt;slug&gt;</code>;
the ontology at <a href="/ontology">/ontology</a>; <a href="/health">/health</a>.</p>
</body></html>"""


def is_update(text: str) -> bool:
    """Tell whether a request text is a SPARQL update rather than a query."""
    return bool(UPDATE_START.match(COMMENT_LINE.sub("", text)))


@dataclass
class Endpoint:
    """What every request needs: the workers, the limits and the store they read."""

    pool: WorkerPool
    timeout: float
    max_rows: int
    store_dir: Path
    log: Callable[[str], None]
    allowed_services: tuple[str, ...] = ()  # hosts a SERVICE clause may call


class EndpointServer(ThreadingHTTPServer):
    """A threading HTTP server that carries the endpoint's state."""

    daemon_threads = True
    # the listen queue: a burst of a few hundred clients waits to be accepted instead of
    # having its handshakes dropped (and retried a second later); the kernel may cap it
    request_queue_size = 512
    endpoint: Endpoint


class Handler(BaseHTTPRequestHandler):
    """One HTTP request: route it, run it on a worker, reply with CORS headers."""

    protocol_version = "HTTP/1.1"
    server_version = "civicgraph"
    server: EndpointServer

    def setup(self) -> None:
        super().setup()
        # headers and body go out in two writes; without this Nagle holds the body ~40 ms
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self) -> None:
        self._handle(None)

    def do_HEAD(self) -> None:
        self._handle(None)  # `_send` writes the headers of the GET answer and no body

    def do_POST(self) -> None:
        body = self._body()
        if body is not None:
            self._handle(body)

    def do_PUT(self) -> None:
        self._refuse_write()

    def do_DELETE(self) -> None:
        self._refuse_write()

    def do_PATCH(self) -> None:
        self._refuse_write()

    def do_OPTIONS(self) -> None:
        self._started = time.perf_counter()
        # the server is read-only and keeps no cookies, so any header a browser tool
        # wants to send (Authorization, X-Requested-With, Cache-Control…) may come
        requested = self.headers.get("Access-Control-Request-Headers", "")
        allow = {
            "Access-Control-Allow-Methods": "GET, HEAD, POST, OPTIONS",
            "Access-Control-Allow-Headers": requested
            if HEADER_LIST.fullmatch(requested)
            else ALLOWED_HEADERS,
            "Access-Control-Max-Age": "86400",
        }
        self._send(Answer(204, "text/plain; charset=utf-8", b""), allow)

    def _refuse_write(self) -> None:
        self._started = time.perf_counter()
        if self._body() is not None:
            self._send(_text(403, "this endpoint is read-only"))

    def _body(self) -> bytes | None:
        self._started = time.perf_counter()
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY:
            self.close_connection = True
            self._send(_text(413, f"request body over {MAX_BODY} bytes"))
            return None
        return self.rfile.read(length)

    def _handle(self, body: bytes | None) -> None:
        self._started = getattr(self, "_started", time.perf_counter())
        url = urlsplit(self.path)
        content_type, _, type_params = self.headers.get("Content-Type", "").partition(";")
        content_type = content_type.strip().lower()
        try:
            params = parse_qs(url.query, keep_blank_values=True, errors="strict")
            query: list[str] = params.get("query", [])
            if body is not None:
                if content_type == "application/sparql-update":
                    self._send(_text(403, "updates are refused: this endpoint is read-only"))
                    return
                charset = _charset(type_params)
                if charset not in (None, "utf-8", "utf8"):
                    self._send(_text(415, f"the request body must be UTF-8, not {charset}"))
                    return
                text = body.decode("utf-8")
                if content_type == "application/x-www-form-urlencoded":
                    form = parse_qs(text, keep_blank_values=True, errors="strict")
                    for key, values in form.items():
                        params.setdefault(key, []).extend(values)
                    query = params.get("query", [])
                elif content_type == "application/sparql-query":
                    query = [text]
                elif body and url.path.rstrip("/") == "/sparql":
                    self._send(_text(415, f"POST a query as {' or '.join(QUERY_TYPES)}"))
                    return
        except UnicodeDecodeError as exc:
            self._send(
                _text(400, f"the request is not valid UTF-8 ({exc.reason} at byte {exc.start})")
            )
            return
        if "update" in params or any(is_update(q) for q in query):
            self._send(_text(403, "updates are refused: this endpoint is read-only"))
            return
        route = url.path.rstrip("/") or "/"
        try:
            if route == "/sparql":
                self._query(query, params)
            elif route.startswith("/id/"):
                self._describe(unquote(route[len("/id/") :]), params)
            elif route == "/ontology":
                self._run({"kind": "ontology", "graph": self._formats(params)[1]})
            elif route == "/health":
                self._health()
            elif route == "/":
                self._send(Answer(200, "text/html; charset=utf-8", INDEX.encode()))
            else:
                self._send(_text(404, f"no such route {url.path}"))
        except results.NotAcceptable as exc:
            self._send(_text(406, str(exc)))

    def _formats(self, params: dict[str, list[str]]) -> tuple[str | None, str | None]:
        requested = [v for name in results.FORMAT_PARAMETERS for v in params.get(name, [])]
        return results.negotiate(self.headers.get("Accept"), requested)

    def _base_iri(self) -> str:
        """The endpoint's own URL, the base for a query's relative IRIs (RFC 3986 5.1.3,
        as Oxigraph's server does): from the Host the client used, else the bound address."""
        host = self.headers.get("Host", "")
        if not HOST.fullmatch(host):
            address = self.server.server_address[0]
            name = address.decode() if isinstance(address, bytes) else str(address)
            host = f"{name}:{self.server.server_port}"
        return f"http://{host}/sparql"

    def _query(self, query: list[str], params: dict[str, list[str]]) -> None:
        if len(query) != 1 or not query[0].strip():
            self._send(_text(400, "give exactly one SPARQL query in `query`"))
            return
        solutions, graph = self._formats(params)
        endpoint = self.server.endpoint
        job = {
            "kind": "query",
            "query": query[0],
            "base_iri": self._base_iri(),
            "solutions": solutions,
            "graph": graph,
            "max_rows": endpoint.max_rows,
            "default_graphs": params.get("default-graph-uri", []),
            "named_graphs": params.get("named-graph-uri", []),
            "allowed_services": list(endpoint.allowed_services),
        }
        self._run(job)

    def _describe(self, slug: str, params: dict[str, list[str]]) -> None:
        if not SLUG.fullmatch(slug):
            self._send(_text(404, f"no entity {slug!r}"))
            return
        accepted = results.accepted(self.headers.get("Accept") or "")
        rdf = [m for m in accepted if m not in HTML_TYPES and m != "*/*"]
        asked = any(name in params for name in results.FORMAT_PARAMETERS)
        wants_html = not asked and any(
            m in HTML_TYPES and (not rdf or accepted.index(m) < accepted.index(rdf[0]))
            for m in accepted
        )
        self._run(
            {
                "kind": "describe",
                "slug": slug,
                "html": wants_html,
                "graph": "ttl" if wants_html else self._formats(params)[1],
            }
        )

    def _run(self, job: dict[str, Any]) -> None:
        endpoint = self.server.endpoint
        extra = {}
        try:
            answer = endpoint.pool.run(job, endpoint.timeout)
        except Refused as refused:
            answer, retry = _refusal(refused, endpoint)
            if retry:
                extra["Retry-After"] = retry
        if job["kind"] == "query" and answer.status == 200:
            extra = {
                "X-Civicgraph-Truncated": "true" if answer.truncated else "false",
                "X-Civicgraph-Rows": str(answer.rows),
            }
        self._send(answer, extra)

    def _health(self) -> None:
        report = health(self.server.endpoint)
        status = 200 if report["status"] == "ok" else 503
        self._send(Answer(status, "application/json", json.dumps(report).encode()))

    def _send(self, answer: Answer, extra: dict[str, str] | None = None) -> None:
        try:
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(answer.body)))
            for name, value in {**CORS, **(extra or {})}.items():
                self.send_header(name, value)
            if answer.location:  # a redirect keeps the query (the format asked for)
                query = urlsplit(self.path).query
                self.send_header("Location", answer.location + (f"?{query}" if query else ""))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(answer.body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        elapsed = (time.perf_counter() - self._started) * 1000
        shown = self.path if len(self.path) <= 160 else self.path[:159] + "…"
        note = f" rows={answer.rows}" + (" truncated" if answer.truncated else "")
        self.server.endpoint.log(
            f'{self.client_address[0]} "{self.command} {shown}" {answer.status} '
            f"{len(answer.body)}B {elapsed:.1f}ms{note}"
        )

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Say nothing here: `_send` logs each request once, with its duration."""


def _refusal(refused: Refused, endpoint: Endpoint) -> tuple[Answer, str | None]:
    """Say why a query was stopped or not started, naming the option that sets the limit;
    return the answer and its Retry-After (None where trying again cannot help)."""
    limits = endpoint.pool.limits
    if isinstance(refused, OverMemory):
        cap = _size(limits.max_memory)
        message = (
            f"query stopped: its worker was about to pass the memory cap of {cap} "
            f"(serve sparql --max-memory), at {_size(refused.resident)}"
        )
        return _text(503, message), None
    if isinstance(refused, TooManySlow):
        message = (
            f"query stopped: it ran past {limits.quick_s:g} s while {limits.slow_slots} slow "
            "queries were already running (serve sparql --slow-slots); try again later"
        )
        return _text(503, message), "5"
    if isinstance(refused, TimedOut):
        message = f"query stopped: over the time limit of {endpoint.timeout:g} s (--timeout)"
        return _text(503, message), "1"
    if isinstance(refused, Unavailable):
        return _text(503, f"the store cannot be read now: {refused.reason}"), "5"
    assert isinstance(refused, Busy)
    return _text(503, f"no query worker free within {endpoint.timeout:g} s"), "1"


def _charset(type_params: str) -> str | None:
    """The charset a Content-Type's parameters name, lower-cased (None if none)."""
    for param in type_params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip('"').lower()
    return None


def _size(count: int) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20)):
        if count >= scale:
            return f"{count / scale:.3g} {unit}"
    return f"{count} bytes"


def health(endpoint: Endpoint) -> dict[str, Any]:
    """What `/health` reports: "ok" only while a worker can answer from the current build."""
    pool = endpoint.pool
    try:
        build: str | None = current_build(endpoint.store_dir).name
        error = pool.problem
    except StoreError as exc:
        build, error = None, str(exc)
    if error is None and pool.live == 0:
        error = "no query worker is running"
    return {
        "status": "ok" if error is None else "unavailable",
        "build": build,
        **pool.status(),
        "max_memory_mb": round(pool.limits.max_memory / (1 << 20)),
        "timeout_s": endpoint.timeout,
        "max_rows": endpoint.max_rows,
        **({"error": error} if error else {}),
    }


def _stderr_log() -> Callable[[str], None]:
    lock = threading.Lock()

    def log(line: str) -> None:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S")
        with lock:
            sys.stderr.write(f"{stamp} {line}\n")
            sys.stderr.flush()

    return log


def make_server(
    store_dir: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 7878,
    timeout: float = 30.0,
    max_rows: int = 10_000,
    workers: int = 6,
    limits: Limits | None = None,
    log: Callable[[str], None] | None = None,
    allowed_services: tuple[str, ...] = (),
) -> EndpointServer:
    """Start the workers on the store directory's current build and bind the HTTP server
    (port 0 picks a free one); not yet serving."""
    current_build(store_dir)  # no build: say how to make one, before starting anything
    pool = WorkerPool(store_dir, workers, limits)
    try:
        server = EndpointServer((host, port), Handler)
    except OSError:
        pool.close()
        raise
    server.endpoint = Endpoint(
        pool, timeout, max_rows, store_dir, log or _stderr_log(), allowed_services
    )
    return server


def serve(server: EndpointServer) -> None:
    """Answer requests until interrupted, then stop the workers."""
    try:
        server.serve_forever()
    finally:
        server.server_close()
        server.endpoint.pool.close()
