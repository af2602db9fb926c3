"""Write the projection straight into the embedded ArcadeDB: the fast path of `serve bolt`.

The embedded server runs in this process, so its initial load need not go through Bolt and
the Cypher engine, which spend 0.4-1.5 ms on each `UNWIND`ed row. It goes through
ArcadeDB's GraphBatch ingest API instead, in four steps:

1. The types, in one SQL script (ArcadeDB then saves its schema once, not once per type):
   a vertex type per label, and per label set the composite type Cypher itself would
   create for `CREATE (n:A:B)`: named `A~B` (labels sorted) and extending `A` and `B`.
   An edge type per relationship type.
2. The vertices of each label set, then the edges of each relationship type, as JSON
   documents parsed inside the JVM by the wheel's bridge classes (one crossing per chunk,
   not one per row or property). Going through the bridge directly matters: the Python
   wrapper's `GraphBatch.new_edges` sends any row holding a list (the citations' quotes and
   documents) one edge and one property at a time, which is why an earlier trial found
   GraphBatch "no faster with list properties". JSON arrays arrive as lists. Each chunk's
   JSON is encoded on a second thread while the JVM ingests the one before (a call into
   the JVM lets other Python threads run): at 100k entities encoding took 31 s and the
   ingest 59 s, one after the other.
3. No write-ahead log: the database lives in a temporary directory and is rebuilt on
   every start.
4. The constraint and indexes of `load.schema_statements`, after the data (building an
   index once is cheaper than maintaining it row by row), as the same Cypher statements.

Python's garbage collector is paused meanwhile (`store.loading.gc_paused`): with it on, full
collections walking the millions of row objects took most of the time at 100k entities.

Labels and relationship types are the ontology's whitelisted plain names (`rows.labels_for`
and `rows.projection_rows` check them); they are checked again here before they reach SQL.
"""

from __future__ import annotations

import json
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from civicgraph.errors import StoreError
from civicgraph.serve.bolt.driver import LoadReport
from civicgraph.serve.bolt.load import Throttled, batches, schema_statements
from civicgraph.serve.bolt.rows import ENTITY_LABEL, PLAIN_NAME, GraphRows
from civicgraph.store.loading import Progress, quiet

CHUNK = 20_000  # rows per JSON document: bounds the memory a document takes on both sides
AHEAD = 2  # documents encoded ahead of the one the engine ingests


def _name(name: str) -> str:
    if not PLAIN_NAME.fullmatch(name):
        raise StoreError(f"{name!r} is not a plain name; it cannot name an ArcadeDB type")
    return f"`{name}`"


def type_name(labels: tuple[str, ...]) -> str:
    """Return the vertex type Cypher's `CREATE (n:L1:L2…)` uses: the labels sorted, `~`-joined."""
    return "~".join(sorted(labels))


def _type_script(rows: GraphRows) -> str:
    labels = sorted({label for label_set in rows.nodes for label in label_set})
    lines = [f"CREATE VERTEX TYPE {_name(label)} IF NOT EXISTS" for label in labels]
    for label_set in sorted(rows.nodes):
        if len(label_set) > 1:
            parents = ", ".join(_name(label) for label in sorted(label_set))
            composite = "`" + type_name(label_set) + "`"
            lines.append(f"CREATE VERTEX TYPE {composite} IF NOT EXISTS EXTENDS {parents}")
    lines += [f"CREATE EDGE TYPE {_name(edge_type)} IF NOT EXISTS" for edge_type in rows.edges]
    return ";\n".join(lines)


def _json(documents: list[dict[str, Any]]) -> str:
    # ASCII-only and no NaN: what reaches the engine is exactly what the rows hold
    return json.dumps(documents, ensure_ascii=True, allow_nan=False)


Chunk = tuple[Any, list[dict[str, Any]]]  # a label set or relationship type, and its rows


def _node_chunks(rows: GraphRows) -> Iterator[Chunk]:
    for labels, node_rows in sorted(rows.nodes.items()):
        for chunk in batches(node_rows, CHUNK):
            yield labels, chunk


def _edge_chunks(rows: GraphRows) -> Iterator[Chunk]:
    for edge_type, edge_rows in sorted(rows.edges.items()):
        for chunk in batches(edge_rows, CHUNK):
            yield edge_type, chunk


def _node_documents(item: Chunk) -> str:
    return _json([row["props"] for row in item[1]])


def _encoded(
    chunks: Iterator[Chunk], encode: Callable[[Chunk], str]
) -> Iterator[tuple[Chunk, str]]:
    """Yield each chunk with its JSON, encoded on a second thread `AHEAD` chunks ahead: a
    call into the JVM lets Python threads run, so encoding overlaps the engine's ingest."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="arcadedb-json") as pool:
        pending: deque[tuple[Chunk, Future[str]]] = deque()
        for chunk in chunks:
            pending.append((chunk, pool.submit(encode, chunk)))
            if len(pending) > AHEAD:
                first, encoded = pending.popleft()
                yield first, encoded.result()
        while pending:
            first, encoded = pending.popleft()
            yield first, encoded.result()


def write(database: Any, rows: GraphRows, *, progress: Progress = quiet) -> LoadReport:
    """Write the rows into an empty embedded database (a Java `Database`); count them after."""
    import jpype

    vertex_batcher = jpype.JClass("com.arcadedb.python.VertexBatcher")
    edge_batcher = jpype.JClass("com.arcadedb.python.EdgeBatcher")
    started = time.perf_counter()
    database.command("sqlscript", _type_script(rows))
    batch = (
        database.batch()
        .withWAL(False)
        .withLightEdges(False)
        .withBidirectional(True)
        .withExpectedEdgeCount(max(1, rows.edge_count))
        .withParallelFlush(True)  # the edges' connections written bucket by bucket in parallel
        .build()
    )
    report = Throttled(progress)
    rids: dict[str, str] = {}
    try:
        done = 0
        for (labels, chunk), documents in _encoded(_node_chunks(rows), _node_documents):
            joined = str(vertex_batcher.createVerticesJson(batch, type_name(labels), documents))
            rids.update(zip((row["id"] for row in chunk), joined.split(";"), strict=True))
            done += len(chunk)
            report(f"nodes {done}/{rows.node_count}", done == rows.node_count)
        done = 0

        def edge_documents(item: tuple[str, list[dict[str, Any]]]) -> str:
            return _json(
                [
                    {"_src": rids[row["source"]], "_dst": rids[row["target"]], **row["props"]}
                    for row in item[1]
                ]
            )

        for (edge_type, chunk), documents in _encoded(_edge_chunks(rows), edge_documents):
            edge_batcher.newEdgesJson(batch, edge_type, documents)
            done += len(chunk)
            report(f"relationships {done}/{rows.edge_count}", done == rows.edge_count)
    finally:
        batch.close()  # writes the buffered edges
    progress("indexes")
    for statement in schema_statements(rows):
        database.command("opencypher", statement)
    nodes = int(database.countType(ENTITY_LABEL, True)) if rows.node_count else 0
    relationships = sum(int(database.countType(t, False)) for t in rows.edges)
    return LoadReport(nodes, relationships, time.perf_counter() - started)
