"""Run Cypher through a Bolt server and turn the answer into plain JSON values.

`cypher --json` prints `{"columns": [...], "rows": [{"col": value}]}`. Nodes become
`{"labels", "properties"}`, relationships `{"type", "start", "end", "properties"}` (start
and end are the `id` properties of their nodes), paths `{"nodes", "relationships"}`;
temporal and spatial values become strings.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from civicgraph.errors import QueryError
from civicgraph.serve.bolt.driver import BoltTarget, connection_errors, one_line
from civicgraph.serve.bolt.rows import projection_rows

if TYPE_CHECKING:
    from civicgraph.graph.loaded import LoadedGraph


# what a read-only server (ArcadeDB's security) answers to a write, LOAD CSV or schema change
FORBIDDEN = "Neo.ClientError.Security.Forbidden"


def plain(item: Any) -> Any:
    """Return a driver value as JSON-ready Python (dicts, lists, str, numbers, None)."""
    from neo4j.graph import Node, Path, Relationship

    if isinstance(item, Node):
        return {"labels": sorted(item.labels), "properties": plain(dict(item.items()))}
    if isinstance(item, Relationship):
        start, end = item.start_node, item.end_node
        return {
            "type": item.type,
            "start": start.get("id") if start is not None else None,
            "end": end.get("id") if end is not None else None,
            "properties": plain(dict(item.items())),
        }
    if isinstance(item, Path):
        return {
            "nodes": [plain(n) for n in item.nodes],
            "relationships": [plain(r) for r in item.relationships],
        }
    if isinstance(item, dict):
        return {str(k): plain(v) for k, v in item.items()}
    if isinstance(item, list | tuple):
        return [plain(v) for v in item]
    if item is None or isinstance(item, bool | int | float | str):
        return item
    return str(item)


def run(target: BoltTarget, text: str) -> dict[str, Any]:
    """Run one Cypher statement; return `{"columns", "rows"}` with plain values."""
    from neo4j.exceptions import AuthError, ClientError, DatabaseError

    with connection_errors(target), target.driver() as driver:
        try:
            with driver.session(database=target.database) as session:
                result = session.run(text)
                columns = list(result.keys())
                rows = [{c: plain(record[c]) for c in columns} for record in result]
        except AuthError:
            raise  # connection_errors says so, naming the server
        except (ClientError, DatabaseError) as exc:
            message = one_line(exc.message or exc)
            if exc.code == FORBIDDEN:
                raise QueryError(f"Cypher refused: the server is read-only ({message})") from exc
            raise QueryError(f"Cypher failed: {message}") from exc
    return {"columns": columns, "rows": rows}


def run_embedded(
    graph: LoadedGraph, text: str, *, progress: Callable[[str], None] | None = None
) -> dict[str, Any]:
    """Start an embedded Bolt server for one query: load the graph, run, stop."""
    from civicgraph.serve.bolt.arcade import EmbeddedBolt, free_port
    from civicgraph.store.loading import quiet

    with tempfile.TemporaryDirectory(prefix="civicgraph-bolt-") as root:
        server = EmbeddedBolt(Path(root), port=free_port())
        try:
            target, _ = server.start_loaded(
                lambda: projection_rows(graph), progress=progress or quiet
            )
            return run(target, text)
        finally:
            server.stop()


def _cell(item: Any) -> str:
    if isinstance(item, dict) and "properties" in item:
        props = item["properties"]
        if "labels" in item:
            return f"({props.get('id', '?')}:{':'.join(item['labels'])})"
        return f"[{item['type']} {props.get('id', '')}]".replace(" ]", "]")
    if isinstance(item, dict) and "nodes" in item:
        return " - ".join(str(n["properties"].get("id", "?")) for n in item["nodes"])
    if item is None:
        return ""
    if isinstance(item, list):
        return "; ".join(_cell(v) for v in item)
    return str(item)


def table(answer: dict[str, Any], width: int = 60) -> str:
    """Render an answer as an aligned text table with a row count."""
    columns = answer["columns"]
    rows = [[_cell(row[c]) for c in columns] for row in answer["rows"]]
    widths = [min(width, max([len(c)] + [len(r[i]) for r in rows])) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        cells = [c if len(c) <= w else c[: w - 1] + "…" for c, w in zip(row, widths, strict=True)]
        lines.append("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip())
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"
