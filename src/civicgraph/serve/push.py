"""Hand the graph to a bigger server: a Neo4j-compatible one over Bolt, or a SPARQL store.

`push_bolt` runs the same loader as `serve bolt` against any Bolt URI (`bolt://`,
`neo4j://`, `neo4j+s://` for a cluster or Aura). `push_sparql` uploads every graph of the
dataset with the SPARQL 1.1 Graph Store HTTP Protocol (`graphstore`): per named graph a `PUT`
of N-Triples, which replaces that graph, then `POST`s of the rest of a large graph in parts,
so pushing twice leaves the same triples.
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, TYPE_CHECKING, Any

import pyoxigraph as ox

from civicgraph.errors import StoreError, UsageError
from civicgraph.serve.bolt.driver import BoltTarget, LoadReport
from civicgraph.serve.bolt.load import load
from civicgraph.serve.bolt.rows import projection_rows
from civicgraph.serve.graphstore import DATA_GRAPH, GraphStore
from civicgraph.store.loading import Progress, quiet

if TYPE_CHECKING:
    from civicgraph.graph.loaded import LoadedGraph


def push_bolt(graph: LoadedGraph, target: BoltTarget, progress: Progress = quiet) -> LoadReport:
    """Load the projection into a Bolt server; a second push changes nothing."""
    return load(target, projection_rows(graph), progress=progress)


def _graphs(store: ox.Store) -> list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph]:
    graphs: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = sorted(
        store.named_graphs(), key=str
    )
    if next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None):
        graphs.insert(0, ox.DefaultGraph())
    return graphs


# About 87,000 triples a request. A server loads each part in one transaction; Virtuoso
# logs about 0.9 bytes for each byte of N-Triples and, past its TransactionAfterImageLimit
# (50 MB unless set), Virtuoso 7.2's parallel loader waits for ever instead of failing:
# 64 MB parts hung it, 16 MB parts stay under its default.
CHUNK_BYTES = 16 << 20


def ntriples_chunks(
    store: ox.Store,
    graph: ox.NamedNode | ox.BlankNode | ox.DefaultGraph,
    chunk_bytes: int = CHUNK_BYTES,
) -> Iterator[tuple[IO[bytes], int]]:
    """Yield one graph of the store as N-Triples in parts (`ntriples_parts`)."""
    with _dumped(store, graph) as text:
        yield from ntriples_parts(text, chunk_bytes)


def ntriples_parts(
    text: IO[bytes], chunk_bytes: int = CHUNK_BYTES
) -> Iterator[tuple[IO[bytes], int]]:
    """Yield N-Triples read from `text` in parts of about `chunk_bytes`, cut between lines,
    each a file rewound, with how many triples it holds (N-Triples: one a line).

    Blank nodes are scoped to one request, so once a part holds one (`_:`, or those
    letters in a literal or an IRI: a cautious guess) the rest of the graph goes as that
    single part; the parts before it did not name the node. An empty graph is one empty
    part (its PUT empties the graph on the server).
    """
    block_size = min(1 << 20, chunk_bytes)
    whole, carry, ended, first = False, b"", False, True
    while not ended:
        with tempfile.TemporaryFile() as part:
            part.write(carry)
            size, triples, carry, ended = len(carry), carry.count(b"\n"), b"", True
            for block in iter(lambda: text.read(block_size), b""):
                whole = whole or b"_:" in block
                cut = block.rfind(b"\n") + 1
                if not whole and cut and size + len(block) >= chunk_bytes:
                    block, carry, ended = block[:cut], block[cut:], False
                part.write(block)
                size, triples = size + len(block), triples + block.count(b"\n")
                if not ended:
                    break
            if size or first:  # not the empty end of a graph cut at its last line
                part.seek(0)
                yield part, triples
            first = False


@contextmanager
def _dumped(
    store: ox.Store, graph: ox.NamedNode | ox.BlankNode | ox.DefaultGraph
) -> Iterator[IO[bytes]]:
    """Read a graph's N-Triples while Oxigraph writes them into a pipe on a thread.

    `Store.dump` serialises in Rust, so the quads never become Python objects; the parts
    before are sent while the rest is written. (Given the pipe's path rather than a file,
    Oxigraph syncs the file at the end, which a pipe refuses.) A reader that stops early
    closes its end: the writer's next write fails and the thread ends.
    """
    read_end, write_end = os.pipe()
    failed: list[BaseException] = []

    def dump() -> None:
        try:
            with os.fdopen(write_end, "wb", buffering=1 << 20) as sink:
                store.dump(sink, ox.RdfFormat.N_TRIPLES, from_graph=graph)
        except BaseException as exc:  # handed to the reading side
            failed.append(exc)

    writer = threading.Thread(target=dump, name="dump-graph", daemon=True)
    writer.start()
    try:
        with os.fdopen(read_end, "rb", buffering=1 << 20) as text:
            yield text
    finally:
        writer.join()
    if failed:
        raise StoreError(f"reading graph <{_name(graph)}> failed: {failed[0]}")


def push_sparql(
    store: ox.Store,
    url: str,
    *,
    user: str | None = None,
    password: str | None = None,
    chunk_bytes: int = CHUNK_BYTES,
    progress: Progress = quiet,
) -> dict[str, Any]:
    """PUT every graph of the store to a Graph Store Protocol endpoint; return what was sent.

    Each graph is sent as a named graph, the default graph as `DATA_GRAPH`, so the same push
    works on servers with and without a default graph of their own. A graph larger than
    `chunk_bytes` of N-Triples goes in parts: the first `PUT` (which replaces the graph),
    the others `POST` (which add to it), so no request holds the whole graph in the
    server's memory, and a retry resends one part.
    """
    if not url.startswith(("http://", "https://")):
        raise UsageError(f"--sparql needs an http(s) URL of a Graph Store endpoint, not {url!r}")
    graphs = _graphs(store)
    sent: dict[str, int] = {}
    with GraphStore(url, user, password) as endpoint:
        endpoint.negotiate(_name(graphs[0]) if graphs else DATA_GRAPH)
        for graph in graphs:
            name = _name(graph)
            sent[name] = endpoint.replace(
                name, ntriples_chunks(store, graph, chunk_bytes), progress
            )
    return {"url": url, "graphs": sent, "triples": sum(sent.values())}


def _name(graph: ox.NamedNode | ox.BlankNode | ox.DefaultGraph) -> str:
    return DATA_GRAPH if isinstance(graph, ox.DefaultGraph) else str(graph.value)
