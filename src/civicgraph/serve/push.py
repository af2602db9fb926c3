"""Hand the graph to a bigger server: a Neo4j-compatible one over Bolt, or a SPARQL store.

`push_bolt` runs the same loader as `serve bolt` against any Bolt URI (`bolt://`,
`neo4j://`, `neo4j+s://` for a cluster or Aura). `push_sparql` uploads every graph of the
dataset with the SPARQL 1.1 Graph Store HTTP Protocol: one `PUT` of N-Triples per graph,
which replaces that graph, so pushing twice leaves the same triples.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any

import pyoxigraph as ox

from civicgraph.errors import StoreError, UsageError
from civicgraph.serve.bolt.driver import BoltTarget, LoadReport
from civicgraph.serve.bolt.load import load
from civicgraph.serve.bolt.rows import projection_rows
from civicgraph.store.loading import Progress, quiet

if TYPE_CHECKING:
    from civicgraph.graph.loaded import LoadedGraph

ATTEMPTS = 4
RETRY_STATUSES = {408, 425, 429, 500, 502, 503, 504}


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
    """PUT every graph of the store to a Graph Store Protocol endpoint; return what was sent."""
    import requests

    if not url.startswith(("http://", "https://")):
        raise UsageError(f"--sparql needs an http(s) URL of a Graph Store endpoint, not {url!r}")
    auth = (user, password or "") if user else None
    sent: dict[str, int] = {}
    with requests.Session() as http:
        for named in _graphs(store):
            name = "default" if isinstance(named, ox.DefaultGraph) else str(named.value)
            params = {"default": ""} if name == "default" else {"graph": name}
            with tempfile.TemporaryFile() as body:
                triples = _write_ntriples(store, named, body)
                _put(http, url, params, body, auth, name)
            sent[name] = triples
            progress(f"graph {name}: {triples} triples")
    return {"url": url, "graphs": sent, "triples": sum(sent.values())}


def _put(
    http: Any, url: str, params: dict[str, str], body: IO[bytes], auth: Any, name: str
) -> None:
    """PUT one graph, retrying connection failures and transient statuses with backoff."""
    import requests

    headers = {"Content-Type": "application/n-triples"}
    problem = ""
    for attempt in range(ATTEMPTS):
        if attempt:
            time.sleep(0.5 * 2**attempt)
        body.seek(0)
        try:
            response = http.put(url, params=params, data=body, headers=headers, auth=auth)
        except requests.RequestException as exc:
            problem = f"cannot reach {url}: {exc}"
            continue
        if response.status_code in RETRY_STATUSES:
            problem = f"{url} answered {response.status_code} for graph {name}"
            continue
        if response.status_code >= 400:
            detail = response.text.strip().splitlines()[:1]
            raise StoreError(
                f"{url} refused graph {name}: {response.status_code} {' '.join(detail)}"
            )
        return
    raise StoreError(f"push failed after {ATTEMPTS} attempts: {problem}")
