"""Put the property-graph projection into a Bolt server: the embedded ArcadeDB, or any Neo4j.

`projection_rows` turns the projection and its citations into rows (kept beside the build,
as the projection is, since reading citations out of the store is slow). Two loaders take
them. The embedded server (`serve bolt`, `cypher` without a URI) is loaded in process by
`arcade_load`, through ArcadeDB's batch API; see there. Any other server (`push`) is
loaded here: the constraint and indexes first, then nodes and relationships in batches of
`UNWIND $rows …` statements, each batch a managed transaction (the neo4j driver retries
it on transient errors). Labels and relationship types are the ontology's `civ:nodeLabel`
and `civ:edgeType` values, checked against that whitelist and against a plain-name pattern
before they reach a statement; every value from the data travels as a parameter.

Nodes are written by matching on the `Entity` id and creating the ones not found, rather
than by `MERGE (n:Entity:Person {id: …})`: ArcadeDB's MERGE with several labels does not use
the id index (its cost grows with the square of the node count), while a MATCH on one
label does. Relationships use `MERGE` on their id. Both make a second load a no-op.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from civicgraph.arcade import DEFAULT_DATABASE, DEFAULT_PASSWORD, DEFAULT_USER, quiet
from civicgraph.entities import DCT_DESCRIPTION, DCT_SOURCE
from civicgraph.errors import StoreError, UsageError
from civicgraph.ontology import Model
from civicgraph.sparql import value
from civicgraph.store import gc_paused
from civicgraph.vocab import CIV, entity_iri, local_name, slug_of

if TYPE_CHECKING:
    import neo4j

    from civicgraph.api import CivicGraph

ENTITY_LABEL = local_name(str(CIV.Entity))
BATCH_SIZE = 5000
PLAIN_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
Progress = Callable[[str], None]


@dataclass(frozen=True)
class BoltTarget:
    """Where to reach a Bolt server and which database to use (None: the server's default)."""

    uri: str
    user: str | None = DEFAULT_USER
    password: str | None = DEFAULT_PASSWORD
    database: str | None = DEFAULT_DATABASE

    def driver(self) -> neo4j.Driver:
        """Open a driver; the caller closes it."""
        from neo4j import GraphDatabase

        auth = (self.user, self.password or "") if self.user else None
        try:
            return GraphDatabase.driver(self.uri, auth=auth)
        except ValueError as exc:  # a malformed URI or scheme
            raise UsageError(f"bad Bolt URI {self.uri!r}: {exc}") from exc


@dataclass(frozen=True)
class LoadReport:
    """What a load wrote, counted on the server afterwards."""

    nodes: int
    relationships: int
    seconds: float


@dataclass
class GraphRows:
    """The projection as statement parameters: nodes by label set, edges by relationship type."""

    nodes: dict[tuple[str, ...], list[dict[str, Any]]]
    edges: dict[str, list[dict[str, Any]]]

    @property
    def node_count(self) -> int:
        return sum(len(rows) for rows in self.nodes.values())

    @property
    def edge_count(self) -> int:
        return sum(len(rows) for rows in self.edges.values())


def _checked(name: str, allowed: set[str], kind: str) -> str:
    if name not in allowed or not PLAIN_NAME.fullmatch(name):
        raise StoreError(f"{kind} {name!r} is not a plain name declared in the ontology")
    return name


def labels_for(model: Model, types: list[str]) -> tuple[str, ...]:
    """Return the node labels of an entity: `Entity`, its types' and their ancestors' labels."""
    allowed = {c.node_label for c in model.classes.values()}
    labels = {ENTITY_LABEL}
    for record_type in types:
        cls = model.classes.get(record_type)
        if cls is None:
            continue
        labels.add(_checked(cls.node_label, allowed, "node label"))
        for ancestor in cls.ancestors:
            labels.add(_checked(model.classes[ancestor].node_label, allowed, "node label"))
    return (ENTITY_LABEL, *sorted(labels - {ENTITY_LABEL}))


def _sources(cited: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """Flatten a `sources` list into parallel lists: properties cannot hold maps."""
    return {
        "quotes": [c["quote"] for c in cited],
        "documents": [c["document"] for c in cited],
        "char_starts": [c["char_start"] for c in cited],
        "char_ends": [c["char_end"] for c in cited],
    }


def _all_citations(graph: CivicGraph) -> dict[str, list[dict[str, Any]]]:
    """Return every node's `sources` list by index scans (`citations_for` goes node by node)."""
    import pyoxigraph as ox

    def scan(predicate: str) -> dict[str, str]:
        pattern = graph.store.quads_for_pattern(None, ox.NamedNode(predicate), None, None)
        return {q.subject.value: q.object.value for q in pattern}  # type: ignore[union-attr]

    quotes, starts, ends = scan(str(CIV.quote)), scan(str(CIV.charStart)), scan(str(CIV.charEnd))
    documents, paths = scan(DCT_SOURCE), scan(str(CIV.path))
    found: dict[str, list[dict[str, Any]]] = {}
    for quad in graph.store.quads_for_pattern(None, ox.NamedNode(str(CIV.citation)), None, None):
        citation = quad.object.value  # type: ignore[union-attr]
        document = documents.get(citation, "")
        found.setdefault(quad.subject.value, []).append(  # type: ignore[union-attr]
            {
                "document": paths.get(document, document),
                "quote": quotes.get(citation),
                "char_start": int(starts.get(citation, -1)),
                "char_end": int(ends.get(citation, -1)),
            }
        )
    for cited in found.values():
        cited.sort(key=lambda c: (c["document"], c["char_start"], c["char_end"]))
    return found


def projection_rows(graph: CivicGraph, *, keep: bool = True) -> GraphRows:
    """Turn `graph.projection` and its citations into the loader's parameter rows.

    The rows are kept beside the build (which never changes), like the projection: reading
    the citations out of the store is most of the work, about 10 µs a quad. With
    `keep=False` new rows are not written yet: the caller keeps them later (`keep_rows`),
    once what it is waiting for is done.
    """
    with gc_paused():
        path = _rows_file(graph)
        rows = _read_rows(path, graph.model) if path.exists() else None
        if rows is None:
            rows = _projection_rows(graph)
            if keep:
                _write_rows(rows, path)
        return rows


def keep_rows(graph: CivicGraph, rows: GraphRows) -> None:
    """Keep the rows beside the build unless they are kept already."""
    path = _rows_file(graph)
    if not path.exists():
        with gc_paused():
            _write_rows(rows, path)


def _rows_file(graph: CivicGraph) -> Path:
    from civicgraph.projcache import cache_file

    # the projection cache's name covers the ontology and the projecting code; add this file
    projection = cache_file(graph.build_dir, graph.settings.ontology_dir)
    digest = hashlib.sha256(projection.name.encode() + Path(__file__).read_bytes())
    return graph.build_dir / f"bolt-rows-{digest.hexdigest()[:16]}.json"


def _write_rows(rows: GraphRows, path: Path) -> None:
    from civicgraph.projcache import write_json

    write_json(path, {"nodes": list(rows.nodes.items()), "edges": list(rows.edges.items())})


def _read_rows(path: Path, model: Model) -> GraphRows | None:
    """Read kept rows; None if unreadable. Names are checked again: they reach statements."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    node_labels = {c.node_label for c in model.classes.values()} | {ENTITY_LABEL}
    edge_types = {r.edge_type for r in model.relations.values()}
    nodes = {
        tuple(_checked(label, node_labels, "node label") for label in labels): rows
        for labels, rows in data["nodes"]
    }
    edges = {_checked(t, edge_types, "edge type"): rows for t, rows in data["edges"]}
    return GraphRows(nodes=nodes, edges=edges)


def _projection_rows(graph: CivicGraph) -> GraphRows:
    import pyoxigraph as ox

    from civicgraph.projcache import read_citations

    projection = graph.projection
    # the build keeps them beside the store; an older build's are read from the store
    kept = read_citations(graph.build_dir, graph.settings.ontology_dir)
    if kept is not None:
        cited, descriptions = kept
    else:
        cited = _all_citations(graph)
        descriptions = {
            slug_of(value(q.subject)): value(q.object)
            for q in graph.store.quads_for_pattern(None, ox.NamedNode(DCT_DESCRIPTION), None, None)
        }
    nodes: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for slug, data in projection.nodes(data=True):
        summary = graph.names.entities[slug]
        props: dict[str, Any] = {
            "id": slug,
            "iri": entity_iri(slug),
            "label": data["label"],
            "label_es": summary.label_es,
            "aliases": summary.aliases,
            "types": data["types"],
            "description": descriptions.get(slug),
            **_sources(cited.get(entity_iri(slug), [])),
        }
        row = {"id": slug, "props": {k: v for k, v in props.items() if v is not None}}
        nodes.setdefault(labels_for(graph.model, data["types"]), []).append(row)
    edge_types = {r.edge_type for r in graph.model.relations.values()}
    edges: dict[str, list[dict[str, Any]]] = {}
    for source, target, key, data in projection.edges(keys=True, data=True):
        props = {
            **{k: v for k, v in data.items() if k != "edge_type"},
            **_sources(cited.get(entity_iri(key), [])),
        }
        row = {"source": source, "target": target, "id": key, "props": props}
        edges.setdefault(_checked(data["edge_type"], edge_types, "edge type"), []).append(row)
    return GraphRows(nodes=nodes, edges=edges)


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
        _session(driver, target) as session,
    ):
        for statement in schema_statements(rows):
            session.run(statement).consume()
        report = Throttled(progress)
        done = 0
        for labels, node_rows in sorted(rows.nodes.items()):
            for batch in batches(node_rows, batch_size):
                session.execute_write(_upsert_nodes, ":".join(labels), batch)
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
    with connection_errors(target), target.driver() as driver, _session(driver, target) as session:
        return _counts(session)


def _counts(session: neo4j.Session) -> tuple[int, int]:
    nodes = session.run(f"MATCH (n:{ENTITY_LABEL}) RETURN count(n) AS n").single(strict=True)
    edges = session.run(
        f"MATCH (:{ENTITY_LABEL})-[r]->(:{ENTITY_LABEL}) RETURN count(r) AS n"
    ).single(strict=True)
    return int(nodes["n"]), int(edges["n"])


@contextmanager
def _session(driver: neo4j.Driver, target: BoltTarget) -> Iterator[neo4j.Session]:
    with driver.session(database=target.database) as session:
        yield session


@contextmanager
def connection_errors(target: BoltTarget) -> Iterator[None]:
    """Turn the driver's connection and authentication failures into civicgraph errors."""
    from neo4j.exceptions import AuthError, ClientError, ServiceUnavailable, SessionExpired

    try:
        yield
    except AuthError as exc:
        raise UsageError(f"the Bolt server at {target.uri} refused the credentials") from exc
    except (ServiceUnavailable, SessionExpired, OSError) as exc:
        raise StoreError(f"cannot reach a Bolt server at {target.uri}: {one_line(exc)}") from exc
    except ClientError as exc:
        message = one_line(exc.message or exc)
        raise StoreError(f"the Bolt server at {target.uri} refused: {message}") from exc


def one_line(error: object) -> str:
    """Fold a driver's multi-line message into one line (errors print as one line each)."""
    return " ".join(str(error).split())
