"""Load the projection's rows into any Bolt server (`push`): Neo4j, a cluster, Aura, ArcadeDB.

The constraint and indexes come first, then nodes and relationships in batches of
`UNWIND $rows …` statements, each batch a managed transaction (the driver retries it on
transient errors). Every value from the data travels as a parameter; labels and types are
the whitelisted plain names of `rows`.

Nodes are written by matching on the `Entity` id and creating the ones not found, rather
than by `MERGE (n:Entity:Person {id: …})`: ArcadeDB's MERGE with several labels does not use
the id index (its cost grows with the square of the node count), while a MATCH on one
label does. Relationships use `MERGE` on their id. Both make a second load a no-op, and two
loads at once end with one copy of each node: a batch whose CREATE meets a node another
writer just created (the uniqueness constraint) is run again, and finds it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from civicgraph.errors import StoreError
from civicgraph.serve.bolt.driver import (
    BoltTarget,
    LoadReport,
    connection_errors,
    one_line,
    open_session,
)
from civicgraph.serve.bolt.rows import ENTITY_LABEL, GraphRows
from civicgraph.store.loading import Progress, gc_paused, quiet

if TYPE_CHECKING:
    import neo4j

BATCH_SIZE = 5000


def schema_statements(rows: GraphRows) -> list[str]:
    statements = [
        f"CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:{ENTITY_LABEL}) REQUIRE n.id IS UNIQUE",
        f"CREATE INDEX entity_label IF NOT EXISTS FOR (n:{ENTITY_LABEL}) ON (n.label)",
    ]
    for edge_type in sorted(rows.edges):
        statements.append(
            f"CREATE INDEX rel_{edge_type.lower()}_id IF NOT EXISTS "
            f"FOR ()-[r:{edge_type}]-() ON (r.id)"
        )
    return statements


def _upsert_nodes(tx: neo4j.ManagedTransaction, labels: str, rows: list[dict[str, Any]]) -> None:
    found = {
        record["id"]
        for record in tx.run(
            f"UNWIND $rows AS row MATCH (n:{ENTITY_LABEL} {{id: row.id}}) "
            "SET n = row.props RETURN n.id AS id",
            rows=rows,
        )
    }
    new = [row for row in rows if row["id"] not in found]
    if new:
        tx.run(f"UNWIND $rows AS row CREATE (n:{labels}) SET n = row.props", rows=new).consume()


def _write_nodes(session: neo4j.Session, labels: str, rows: list[dict[str, Any]]) -> None:
    """Upsert a batch of nodes in a managed transaction (the driver runs it again on
    transient errors); a batch that meets the uniqueness constraint is run again once,
    since another writer created some of its nodes between its MATCH and its CREATE: the
    second run's MATCH finds them."""
    from neo4j.exceptions import ClientError

    try:
        session.execute_write(_upsert_nodes, labels, rows)
    except ClientError as exc:
        if not _duplicate_key(exc):
            raise
        session.execute_write(_upsert_nodes, labels, rows)


def _duplicate_key(error: Any) -> bool:
    """Neo4j's ConstraintValidationFailed, or ArcadeDB's duplicated key on an index."""
    code, message = str(error.code or ""), str(error.message or "")
    return code.endswith("ConstraintValidationFailed") or "Duplicated key" in message


def _merge_edges(tx: neo4j.ManagedTransaction, edge_type: str, rows: list[dict[str, Any]]) -> None:
    tx.run(
        f"UNWIND $rows AS row MATCH (a:{ENTITY_LABEL} {{id: row.source}}) "
        f"MATCH (b:{ENTITY_LABEL} {{id: row.target}}) "
        f"MERGE (a)-[r:{edge_type} {{id: row.id}}]->(b) SET r = row.props",
        rows=rows,
    ).consume()


class Throttled:
    """Pass progress on at most every two seconds, and always at the end of a phase."""

    def __init__(self, progress: Progress) -> None:
        self.progress, self.last = progress, 0.0

    def __call__(self, line: str, final: bool) -> None:
        if final or time.monotonic() - self.last >= 2:
            self.progress(line)
            self.last = time.monotonic()


def batches(rows: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    """Cut rows into lists of at most `size`."""
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def load(
    target: BoltTarget,
    rows: GraphRows,
    *,
    batch_size: int = BATCH_SIZE,
    progress: Progress = quiet,
) -> LoadReport:
    """Write the rows into the target: constraint and indexes first, then batches."""
    from neo4j.exceptions import Neo4jError

    started = time.perf_counter()
    with (
        gc_paused(),
        connection_errors(target),
        target.driver() as driver,
        open_session(driver, target) as session,
    ):
        for statement in schema_statements(rows):
            session.run(statement).consume()
        report = Throttled(progress)
        done = 0
        for labels, node_rows in sorted(rows.nodes.items()):
            for batch in batches(node_rows, batch_size):
                _write_nodes(session, ":".join(labels), batch)
                done += len(batch)
                report(f"nodes {done}/{rows.node_count}", done == rows.node_count)
        done = 0
        for edge_type, edge_rows in sorted(rows.edges.items()):
            for batch in batches(edge_rows, batch_size):
                try:
                    session.execute_write(_merge_edges, edge_type, batch)
                except Neo4jError as exc:
                    problem = one_line(exc.message or exc)
                    raise StoreError(
                        f"loading {edge_type} relationships failed: {problem}"
                    ) from exc
                done += len(batch)
                report(f"relationships {done}/{rows.edge_count}", done == rows.edge_count)
        nodes, relationships = _counts(session)
    return LoadReport(nodes, relationships, time.perf_counter() - started)


def counts(target: BoltTarget) -> tuple[int, int]:
    """Count the entity nodes and the relationships between them on the server."""
    with (
        connection_errors(target),
        target.driver() as driver,
        open_session(driver, target) as session,
    ):
        return _counts(session)


def _counts(session: neo4j.Session) -> tuple[int, int]:
    nodes = session.run(f"MATCH (n:{ENTITY_LABEL}) RETURN count(n) AS n").single(strict=True)
    edges = session.run(
        f"MATCH (:{ENTITY_LABEL})-[r]->(:{ENTITY_LABEL}) RETURN count(r) AS n"
    ).single(strict=True)
    return int(nodes["n"]), int(edges["n"])
