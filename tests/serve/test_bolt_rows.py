"""The Bolt rows read from the kept graph equal the rows the networkx projection gives."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from civicgraph.api import CivicGraph
from civicgraph.build.synth.generator import synthesize
from civicgraph.config import Settings
from civicgraph.errors import StoreError
from civicgraph.graph.loaded import LoadedGraph
from civicgraph.model.vocab import entity_iri
from civicgraph.serve.bolt.rows import GraphRows, _citations, labels_for, projection_rows
from civicgraph.store.builder import build
from civicgraph.store.builds import model_for
from tests.conftest import opened


def rows_of_the_projection(graph: LoadedGraph) -> GraphRows:
    """The rows as they were made before the kept graph was read: from `graph.projection`."""
    cited, descriptions = _citations(graph)

    def sources(key: str) -> dict[str, list[Any]]:
        found = cited.get(entity_iri(key), [])
        return {
            "quotes": [c["quote"] for c in found],
            "documents": [c["document"] for c in found],
            "char_starts": [c["char_start"] for c in found],
            "char_ends": [c["char_end"] for c in found],
        }

    nodes: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for slug, data in graph.projection.nodes(data=True):
        summary = graph.names.entities[slug]
        props: dict[str, Any] = {
            "id": slug,
            "iri": entity_iri(slug),
            "label": data["label"],
            "label_es": summary.label_es,
            "aliases": summary.aliases,
            "types": data["types"],
            "description": descriptions.get(slug),
            **sources(slug),
        }
        row = {"id": slug, "props": {k: v for k, v in props.items() if v is not None}}
        nodes.setdefault(labels_for(graph.build.model, data["types"]), []).append(row)
    edges: dict[str, list[dict[str, Any]]] = {}
    for source, target, key, data in graph.projection.edges(keys=True, data=True):
        props = {**{k: v for k, v in data.items() if k != "edge_type"}, **sources(key)}
        row = {"source": source, "target": target, "id": key, "props": props}
        edges.setdefault(data["edge_type"], []).append(row)
    return GraphRows(nodes=nodes, edges=edges)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> CivicGraph:
    data = tmp_path_factory.mktemp("synthetic") / "data"
    settings = Settings.resolve(data_dir=data, env={})
    synthesize(data, model_for(settings), entities=300, seed=5)
    store = data.parent / "store"
    build(Settings.resolve(data_dir=data, store_dir=store, env={}))
    return opened(store)


@pytest.mark.parametrize("fixture", ["chapter", "mini", "synthetic"])
def test_rows_from_the_kept_graph_equal_the_projections_in_order(
    fixture: str, request: pytest.FixtureRequest
) -> None:
    graph: CivicGraph = request.getfixturevalue(fixture)
    expected = rows_of_the_projection(graph.loaded)
    found = projection_rows(graph.loaded)
    assert found.node_count == graph.projection.number_of_nodes() > 0
    assert found.edge_count == graph.projection.number_of_edges() > 0
    assert list(found.nodes) == list(expected.nodes)
    assert list(found.edges) == list(expected.edges)
    for labels, rows in expected.nodes.items():
        assert found.nodes[labels] == rows, labels
    for edge_type, rows in expected.edges.items():
        assert found.edges[edge_type] == rows, edge_type


def test_rows_of_a_graph_kept_from_the_projection_keep_its_order(tmp_path: Path) -> None:
    """A build whose kept graph was lost gets it again from the projection: same rows."""
    data = tmp_path / "data"
    settings = Settings.resolve(data_dir=data, env={})
    synthesize(data, model_for(settings), entities=120, seed=9)
    store = tmp_path / "store"
    build(Settings.resolve(data_dir=data, store_dir=store, env={}))
    shutil.rmtree(opened(store).loaded.adjacency.directory)
    fresh = opened(store)
    assert projection_rows(fresh.loaded) == rows_of_the_projection(fresh.loaded)


def test_a_relationship_type_read_from_the_kept_graph_is_checked_again(tmp_path: Path) -> None:
    """The kept files are data: a type they name reaches statements only if the ontology's."""
    data = tmp_path / "data"
    settings = Settings.resolve(data_dir=data, env={})
    synthesize(data, model_for(settings), entities=40, seed=3)
    store = tmp_path / "store"
    build(Settings.resolve(data_dir=data, store_dir=store, env={}))
    kept = opened(store).loaded.adjacency.directory / "graph.sqlite"
    db = sqlite3.connect(kept)
    (rowid, attributes) = db.execute("SELECT rowid, attributes FROM edge LIMIT 1").fetchone()
    fields = json.loads(attributes)
    fields[2] = "KNOWS]->() DETACH DELETE n //"
    db.execute("UPDATE edge SET attributes = ? WHERE rowid = ?", (json.dumps(fields), rowid))
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="edge type"):
        projection_rows(opened(store).loaded)
