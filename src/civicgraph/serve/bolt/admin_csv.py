"""The Bolt projection as CSV files for `neo4j-admin database import full`.

The same rows `serve bolt` and `push` load (`rows.projection_rows`), so an imported
database has the same nodes, labels, relationships and properties: one nodes file per
label set (`id:ID` and `:LABEL` first), one relationships file per type (`:START_ID`,
`:END_ID`, `:TYPE`), typed columns (`name:long`, `quotes:string[]`). Array elements are
split by U+001F, not `;`: quotes and names contain semicolons. Text with quotes or newlines
is quoted the RFC 4180 way, which the import reads with `--multiline-fields=true`. An empty
list is an empty field, which the import leaves out rather than storing `[]`.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING, Any

from civicgraph.errors import UsageError
from civicgraph.serve.bolt.rows import GraphRows, projection_rows

if TYPE_CHECKING:
    from civicgraph.graph.loaded import LoadedGraph

ARRAY_DELIMITER = "\x1f"
DATABASE = "civicgraph"
TYPES = {bool: "boolean", int: "long", float: "double", str: "string"}


def _column_type(values: list[Any]) -> str:
    """Return the import type of a column from its first non-empty value."""
    for item in values:
        if isinstance(item, list):
            if item:
                return TYPES[type(item[0])] + "[]"
        elif item is not None:
            return TYPES[type(item)]
    return "string[]" if any(isinstance(v, list) for v in values) else "string"


def _cell(item: Any) -> str:
    if item is None:
        return ""
    if isinstance(item, list):
        return ARRAY_DELIMITER.join(_cell(v) for v in item)
    if isinstance(item, bool):
        return "true" if item else "false"
    return str(item)


def _write(path: Path, fixed: list[str], rows: list[tuple[list[str], dict[str, Any]]]) -> None:
    names = sorted({k for _, props in rows for k in props})
    header = fixed + [f"{n}:{_column_type([p.get(n) for _, p in rows])}" for n in names]
    with path.open("w", encoding="utf-8", newline="") as sink:
        writer = csv.writer(sink, quoting=csv.QUOTE_ALL, lineterminator="\n")
        writer.writerow(header)
        for cells, props in rows:
            writer.writerow(cells + [_cell(props.get(n)) for n in names])


def write_neo4j_csv(graph: LoadedGraph, directory: Path) -> list[Path]:
    """Write the import files and `import.sh` into `directory` (new or empty)."""
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise UsageError(f"{directory}: neo4j-csv writes a directory; give a new or empty one")
    directory.mkdir(parents=True, exist_ok=True)
    return write_rows(projection_rows(graph), directory)


def write_rows(rows: GraphRows, directory: Path) -> list[Path]:
    """Write nodes and relationships files for the rows, and the import command."""
    written: list[Path] = []
    for labels, node_rows in sorted(rows.nodes.items()):
        path = directory / f"nodes-{'-'.join(labels)}.csv"
        _write(
            path,
            ["id:ID", ":LABEL"],
            [
                (
                    [r["id"], ARRAY_DELIMITER.join(labels)],
                    {k: v for k, v in r["props"].items() if k != "id"},
                )
                for r in node_rows
            ],
        )
        written.append(path)
    for edge_type, edge_rows in sorted(rows.edges.items()):
        path = directory / f"relationships-{edge_type}.csv"
        _write(
            path,
            [":START_ID", ":END_ID", ":TYPE"],
            [([r["source"], r["target"], edge_type], r["props"]) for r in edge_rows],
        )
        written.append(path)
    script = directory / "import.sh"
    script.write_text(import_script(written), encoding="utf-8")
    script.chmod(0o755)
    return [*written, script]


def import_script(files: list[Path]) -> str:
    """Return the shell script that runs the import from the files' directory."""
    args = [
        f"--{'nodes' if f.name.startswith('nodes-') else 'relationships'}={f.name}" for f in files
    ]
    lines = [
        "#!/bin/sh",
        "# Import civicgraph's property graph into a new Neo4j database (run it here, with",
        "# neo4j-admin on PATH and the database stopped). Then: CREATE DATABASE civicgraph.",
        'cd "$(dirname "$0")" || exit 1',
        f"neo4j-admin database import full {DATABASE} --overwrite-destination=true \\",
        "  --id-type=string --multiline-fields=true --array-delimiter=U+001F \\",
        *[f"  {a} \\" for a in args[:-1]],
        f"  {args[-1]}" if args else "",
        "",
    ]
    return "\n".join(lines)
