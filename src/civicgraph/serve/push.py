"""Hand the graph to a bigger server: a Neo4j-compatible one over Bolt, or a SPARQL store.

`push_bolt` runs the same loader as `serve bolt` against any Bolt URI (`bolt://`,
`neo4j://`, `neo4j+s://` for a cluster or Aura). `push_sparql` uploads every graph of the
dataset with the SPARQL 1.1 Graph Store HTTP Protocol (`graphstore`): per named graph a `PUT`
of N-Triples, which replaces that graph, then `POST`s of the rest of a large graph in parts,
so pushing twice leaves the same triples.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import pyoxigraph as ox

from civicgraph.errors import UsageError
from civicgraph.serve.bolt.driver import BoltTarget, LoadReport
from civicgraph.serve.bolt.load import load
from civicgraph.serve.bolt.rows import projection_rows
from civicgraph.serve.graphstore import DATA_GRAPH, GraphStore
from civicgraph.store.kept_triples import Readable, graph_ntriples
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
    build_dir: Path | None = None,
) -> Iterator[tuple[IO[bytes], int]]:
    """Yield one graph of the store as N-Triples in parts (`ntriples_parts`): the text the
    build of `build_dir` kept, when it kept them (`store.kept_triples`), else Oxigraph's
    dump."""
    with graph_ntriples(store, graph, build_dir) as text:
        yield from ntriples_parts(text, chunk_bytes)


def ntriples_parts(
    text: Readable, chunk_bytes: int = CHUNK_BYTES
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


def push_sparql(
    store: ox.Store,
    url: str,
    *,
    user: str | None = None,
    password: str | None = None,
    chunk_bytes: int = CHUNK_BYTES,
    progress: Progress = quiet,
    build_dir: Path | None = None,
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
                name, ntriples_chunks(store, graph, chunk_bytes, build_dir), progress
            )
    return {"url": url, "graphs": sent, "triples": sum(sent.values())}


def _name(graph: ox.NamedNode | ox.BlankNode | ox.DefaultGraph) -> str:
    return DATA_GRAPH if isinstance(graph, ox.DefaultGraph) else str(graph.value)
