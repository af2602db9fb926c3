"""`export --format neo4j-csv` read back with Python's csv equals the Bolt projection."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from civicgraph.api import CivicGraph
from civicgraph.errors import UsageError
from civicgraph.serve.bolt.admin_csv import ARRAY_DELIMITER, write_rows
from civicgraph.serve.bolt.rows import GraphRows, projection_rows

CASTS = {"string": str, "long": int, "double": float, "boolean": lambda v: v == "true"}


def _typed(header: str, cell: str) -> tuple[str, Any]:
    name, _, kind = header.partition(":")
    if kind.endswith("[]"):
        cast = CASTS[kind[:-2]]
        return name, [cast(v) for v in cell.split(ARRAY_DELIMITER)]
    return name, CASTS[kind](cell)


def read_back(directory: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Read the files as neo4j-admin would: empty fields are absent properties."""
    nodes: dict[str, Any] = {}
    edges: list[dict[str, Any]] = []
    for path in sorted(directory.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as source:
            reader = csv.reader(source)
            header = next(reader)
            for row in reader:
                assert len(row) == len(header), path
                fixed = dict(zip(header, row, strict=True))
                props = dict(
                    _typed(h, c)
                    for h, c in zip(header, row, strict=True)
                    if c and ":" in h[1:] and not h.startswith(":") and h != "id:ID"
                )
                if "id:ID" in fixed:
                    props["id"] = fixed["id:ID"]
                    labels = frozenset(fixed[":LABEL"].split(ARRAY_DELIMITER))
                    assert props["id"] not in nodes
                    nodes[props["id"]] = (labels, props)
                else:
                    ends = (fixed[":START_ID"], fixed[":END_ID"], fixed[":TYPE"])
                    edges.append({"ends": ends, "props": props})
    return nodes, edges


def _present(props: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if v is not None and v != []}


@pytest.mark.parametrize("fixture", ["mini", "chapter"])
def test_import_files_equal_the_bolt_projection(
    fixture: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    graph: CivicGraph = request.getfixturevalue(fixture)
    files = graph.export_neo4j_csv(tmp_path / "import")
    assert (tmp_path / "import" / "import.sh") in files
    nodes, edges = read_back(tmp_path / "import")
    rows = projection_rows(graph.loaded)
    assert len(nodes) == rows.node_count == graph.projection.number_of_nodes()
    assert len(edges) == rows.edge_count == graph.projection.number_of_edges()
    for labels, node_rows in rows.nodes.items():
        for row in node_rows:
            assert nodes[row["id"]] == (frozenset(labels), _present(row["props"]))
    expected = sorted(
        (r["source"], r["target"], t, sorted(_present(r["props"]).items(), key=str))
        for t, edge_rows in rows.edges.items()
        for r in edge_rows
    )
    got = sorted((*e["ends"], sorted(e["props"].items(), key=str)) for e in edges)
    assert got == expected


def test_text_with_quotes_newlines_and_semicolons_survives(tmp_path: Path) -> None:
    awkward = 'He said "no";\nthen, twice: ""; \ttab'
    rows = GraphRows(
        nodes={
            ("Entity", "Person"): [{"id": "a", "props": {"id": "a", "label": awkward}}],
            ("Entity",): [{"id": "b", "props": {"id": "b", "aliases": [awkward, "x;y"]}}],
        },
        edges={
            "LEADS": [
                {
                    "source": "a",
                    "target": "b",
                    "id": "e",
                    "props": {"id": "e", "quotes": [awkward], "citations": 2},
                }
            ]
        },
    )
    write_rows(rows, tmp_path)
    nodes, edges = read_back(tmp_path)
    assert nodes["a"] == (frozenset({"Entity", "Person"}), {"id": "a", "label": awkward})
    assert nodes["b"][1]["aliases"] == [awkward, "x;y"]
    assert edges == [
        {"ends": ("a", "b", "LEADS"), "props": {"id": "e", "quotes": [awkward], "citations": 2}}
    ]


def test_script_names_every_file(mini: CivicGraph, tmp_path: Path) -> None:
    files = mini.export_neo4j_csv(tmp_path / "out")
    script = (tmp_path / "out" / "import.sh").read_text(encoding="utf-8")
    assert "neo4j-admin database import full civicgraph" in script
    for f in files[:-1]:
        assert f"={f.name}" in script


def test_refuses_a_directory_that_holds_files(mini: CivicGraph, tmp_path: Path) -> None:
    (tmp_path / "old.txt").write_text("x", encoding="utf-8")
    with pytest.raises(UsageError, match="new or empty"):
        mini.export_neo4j_csv(tmp_path)
