"""Hand the graph to a bigger server: a Neo4j-compatible one over Bolt, or a SPARQL store.

`push_bolt` runs the same loader as `serve bolt` against any Bolt URI (`bolt://`,
`neo4j://`, `neo4j+s://` for a cluster or Aura). `push_sparql` uploads every graph of the
dataset with the SPARQL 1.1 Graph Store HTTP Protocol (`graphstore`): one `PUT` of N-Triples
per named graph, which replaces that graph, so pushing twice leaves the same triples.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any

import pyoxigraph as ox

from civicgraph.errors import UsageError
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


def _write_ntriples(
    store: ox.Store, graph: ox.NamedNode | ox.BlankNode | ox.DefaultGraph, sink: IO[bytes]
) -> int:
    """Write one graph as N-Triples to `sink`, rewound; return how many triples."""
    count = 0

    def counted() -> Iterator[ox.Triple]:
        nonlocal count
        for quad in store.quads_for_pattern(None, None, None, graph):
            count += 1
            yield quad.triple

    ox.serialize(counted(), sink, format=ox.RdfFormat.N_TRIPLES)
    sink.seek(0)
    return count


def push_sparql(
    store: ox.Store,
    url: str,
    *,
    user: str | None = None,
    password: str | None = None,
    progress: Progress = quiet,
) -> dict[str, Any]:
    """PUT every graph of the store to a Graph Store Protocol endpoint; return what was sent.

    Each graph is sent as a named graph, the default graph as `DATA_GRAPH`, so the same push
    works on servers with and without a default graph of their own.
    """
    if not url.startswith(("http://", "https://")):
        raise UsageError(f"--sparql needs an http(s) URL of a Graph Store endpoint, not {url!r}")
    graphs = _graphs(store)
    sent: dict[str, int] = {}
    with GraphStore(url, user, password) as endpoint:
        endpoint.negotiate(_name(graphs[0]) if graphs else DATA_GRAPH)
        for graph in graphs:
            name = _name(graph)
            with tempfile.TemporaryFile() as body:
                triples = _write_ntriples(store, graph, body)
                endpoint.put(name, body)
            sent[name] = triples
            progress(f"graph <{name}>: {triples} triples")
    return {"url": url, "graphs": sent, "triples": sum(sent.values())}


def _name(graph: ox.NamedNode | ox.BlankNode | ox.DefaultGraph) -> str:
    return DATA_GRAPH if isinstance(graph, ox.DefaultGraph) else str(graph.value)
