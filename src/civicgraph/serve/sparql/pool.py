"""Worker processes that answer the endpoint's queries, each killed if it runs too long.

Oxigraph cannot interrupt a query from another thread, so every query runs in a worker
process holding the store read-only; past the time limit the worker is killed (which
really stops the evaluation) and a fresh one takes its place in the background.
"""

from __future__ import annotations

import contextlib
import html
import multiprocessing
import queue
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from civicgraph.errors import QueryError, StoreError
from civicgraph.model.vocab import CIV, ID_BASE, ONTOLOGY_GRAPH
from civicgraph.serve.sparql import results
from civicgraph.store.sparql import PREFIXES, refuse_remote

RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


@dataclass(frozen=True)
class Answer:
    """What a worker sends back: an HTTP status, a body and what to say about it."""

    status: int
    content_type: str
    body: bytes
    rows: int = 0
    truncated: bool = False


def _text(status: int, message: str) -> Answer:
    return Answer(status, "text/plain; charset=utf-8", (message + "\n").encode())


def run_query(store: ox.Store, job: dict[str, Any]) -> Answer:
    """Evaluate a SPARQL query, keep at most `max_rows` rows and serialise them."""
    try:
        refuse_remote(job["query"], job.get("allowed_services", ()))
    except QueryError as exc:
        return _text(400, str(exc))
    try:
        default_graphs: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = [
            ox.NamedNode(g) for g in job.get("default_graphs", [])
        ]
        named_graphs: list[ox.NamedNode | ox.BlankNode] = [
            ox.NamedNode(g) for g in job.get("named_graphs", [])
        ]
        answer = store.query(
            job["query"],
            prefixes=PREFIXES,
            use_default_graph_as_union=not default_graphs,
            default_graph=default_graphs or None,
            named_graphs=named_graphs or None,
        )
        limit = int(job["max_rows"])
        if isinstance(answer, ox.QueryBoolean):
            fmt = job["solutions"]
            return Answer(200, results.media_type(fmt), results.boolean(answer, fmt), rows=1)
        if isinstance(answer, ox.QueryTriples):
            found = _capped(answer, limit)
            fmt = job["graph"]
            body = results.triples(found[:limit], fmt)
            return Answer(
                200, results.media_type(fmt), body, min(len(found), limit), _over(found, limit)
            )
        variables = [v.value for v in answer.variables]
        rows = _capped(([s[v] for v in variables] for s in answer), limit)
        fmt = job["solutions"]
        body = results.solutions(variables, rows[:limit], fmt)
        return Answer(200, results.media_type(fmt), body, min(len(rows), limit), _over(rows, limit))
    except SyntaxError as exc:
        return _text(400, f"SPARQL syntax error: {exc}")
    except (OSError, RuntimeError, ValueError) as exc:
        return _text(400, f"SPARQL evaluation failed: {exc}")


def _capped(items: Any, limit: int) -> list[Any]:
    """Take one item more than the cap, so that a truncated answer can say so."""
    found = []
    for item in items:
        found.append(item)
        if len(found) > limit:
            break
    return found


def _over(found: list[Any], limit: int) -> bool:
    return len(found) > limit


def describe(store: ox.Store, job: dict[str, Any]) -> Answer:
    """Answer `/id/<slug>`: the node's triples, incoming links and its citations' triples."""
    node = ox.NamedNode(ID_BASE + job["slug"])
    found = [q.triple for q in store.quads_for_pattern(node, None, None, None)]
    if not found:
        return _text(404, f"nothing is known about {node.value}")
    incoming = [q.triple for q in store.quads_for_pattern(None, None, node, None)]
    cited = []
    for citation in store.quads_for_pattern(node, ox.NamedNode(str(CIV.citation)), None, None):
        if isinstance(citation.object, ox.NamedNode):
            cited += [q.triple for q in store.quads_for_pattern(citation.object, None, None, None)]
    if job.get("html"):
        page = _html_page(node, found, incoming, cited)
        return Answer(200, "text/html; charset=utf-8", page.encode(), rows=len(found))
    unique = list(dict.fromkeys([*found, *incoming, *cited]))
    fmt = job["graph"]
    return Answer(200, results.media_type(fmt), results.triples(unique, fmt), rows=len(unique))


def _link(term: object) -> str:
    if isinstance(term, ox.NamedNode):
        shown = term.value
        for prefix, base in PREFIXES.items():
            if shown.startswith(base):
                shown = f"{prefix}:{shown[len(base) :]}"
                break
        href = "/id/" + term.value[len(ID_BASE) :] if term.value.startswith(ID_BASE) else term.value
        return f'<a href="{html.escape(href)}">{html.escape(shown)}</a>'
    if isinstance(term, ox.Literal):
        language = f" <small>@{html.escape(term.language)}</small>" if term.language else ""
        return html.escape(term.value) + language
    return html.escape(str(term))


def _html_page(
    node: ox.NamedNode, found: list[ox.Triple], incoming: list[ox.Triple], cited: list[ox.Triple]
) -> str:
    labels = [t.object for t in found if t.predicate.value == RDFS_LABEL]
    english = [t for t in labels if isinstance(t, ox.Literal) and t.language in ("en", None)]
    title = html.escape(english[0].value if english else node.value)

    def rows(triples: list[ox.Triple], incoming: bool = False) -> str:
        return "".join(
            f"<tr><td>{_link(t.subject if incoming else t.predicate)}</td>"
            f"<td>{_link(t.predicate if incoming else t.object)}</td></tr>"
            for t in triples
        )

    citation_rows = "".join(
        f"<tr><td>{_link(t.subject)}</td><td>{_link(t.predicate)}</td><td>{_link(t.object)}</td></tr>"
        for t in cited
    )
    return (
        f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{title}</title></head>"
        f"<body><h1>{title}</h1><p><code>{html.escape(node.value)}</code> · "
        f'<a href="?format=ttl">Turtle</a></p>'
        f"<h2>Statements</h2><table>{rows(found)}</table>"
        f"<h2>Referred to by</h2><table>{rows(incoming, incoming=True)}</table>"
        f"<h2>Citations</h2><table>{citation_rows}</table></body></html>"
    )


def ontology(store: ox.Store, job: dict[str, Any]) -> Answer:
    """Answer `/ontology`: the ontology graph as built into the store."""
    graph = ox.NamedNode(ONTOLOGY_GRAPH)
    found = [q.triple for q in store.quads_for_pattern(None, None, None, graph)]
    fmt = job["graph"]
    return Answer(200, results.media_type(fmt), results.triples(found, fmt), rows=len(found))


HANDLERS = {"query": run_query, "describe": describe, "ontology": ontology}


def _serve(connection: Connection, store_path: str) -> None:
    """Worker main loop: open the store, say ready, answer jobs until told to stop."""
    try:
        store = ox.Store.read_only(store_path)
    except OSError as exc:
        connection.send(_text(500, f"cannot open the store: {exc}"))
        return
    connection.send("ready")
    while True:
        job = connection.recv()
        if job is None:
            return
        try:
            answer = HANDLERS[job["kind"]](store, job)
        except Exception as exc:  # a worker answers every job, whatever happens
            answer = _text(500, f"internal error: {type(exc).__name__}: {exc}")
        connection.send(answer)


class _Worker:
    def __init__(self, store_path: Path) -> None:
        context = multiprocessing.get_context("spawn")
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, str(store_path)), daemon=True)
        self.process.start()
        child.close()

    def wait_ready(self, timeout: float) -> None:
        if not self.connection.poll(timeout):
            self.kill()
            raise StoreError("a query worker did not start in time")
        message = self.connection.recv()
        if message != "ready":
            self.kill()
            raise StoreError(getattr(message, "body", b"").decode().strip() or "worker failed")

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.connection.close()


class Busy(Exception):
    """No worker became free within the time limit."""


class TimedOut(Exception):
    """The query ran past the time limit; its worker was killed."""


class WorkerPool:
    """A fixed number of query workers; a request borrows one and returns it."""

    def __init__(self, store_path: Path, size: int) -> None:
        self.store_path, self.size = store_path, size
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._closed = False
        self.killed = 0
        workers = [_Worker(store_path) for _ in range(size)]
        for worker in workers:
            worker.wait_ready(60)
            self._idle.put(worker)

    @property
    def idle(self) -> int:
        return self._idle.qsize()

    def run(self, job: dict[str, Any], timeout: float) -> Answer:
        """Run a job on a free worker; raise Busy or TimedOut past `timeout` seconds."""
        deadline = time.monotonic() + timeout
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty as exc:
            raise Busy from exc
        try:
            worker.connection.send(job)
            finished = worker.connection.poll(max(0.0, deadline - time.monotonic()))
            answer: Answer | None = worker.connection.recv() if finished else None
        except (EOFError, OSError):  # the worker died under the query
            self._replace(worker)
            return _text(500, "the query worker died while answering")
        if answer is None:
            self._replace(worker)
            raise TimedOut
        self._idle.put(worker)
        return answer

    def _replace(self, worker: _Worker) -> None:
        worker.kill()
        self.killed += 1

        def spawn() -> None:
            fresh = _Worker(self.store_path)
            try:
                fresh.wait_ready(60)
            except StoreError:
                return  # the pool runs one short; the next timeout tries again
            if self._closed:
                fresh.kill()
            else:
                self._idle.put(fresh)

        threading.Thread(target=spawn, daemon=True).start()

    def close(self) -> None:
        """Stop every idle worker (busy ones die with the process: they are daemons)."""
        self._closed = True
        while True:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                return
            with contextlib.suppress(OSError):
                worker.connection.send(None)
            worker.kill()
