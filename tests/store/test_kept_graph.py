"""The graph kept as arrays and tables beside a build is the projection: what the build
writes from its records, and what is written from the projection when it is missing or
broken, hold the same nodes, relationships and adjacency."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from civicgraph.api import CivicGraph
from civicgraph.config import Settings
from civicgraph.graph.project import collapse
from civicgraph.store.kept import edge_row
from civicgraph.store.kept_graph import ARRAYS, KeptGraph, csr, graph_dir


def copied(store: Path, tmp_path: Path) -> CivicGraph:
    shutil.copytree(store, tmp_path / "store", symlinks=True)
    return CivicGraph(Settings.resolve(store_dir=tmp_path / "store", env={}))


def kept_dir(graph: CivicGraph) -> Path:
    return graph_dir(graph.build_dir, graph.settings.ontology_dir)


def assert_is_the_projection(kept: KeptGraph, graph: CivicGraph) -> None:
    projection = graph.projection
    nodes = [(n, (n, d["label"], d["types"])) for n, d in projection.nodes(data=True)]
    assert [node for _, node in kept.nodes()] == [node for _, node in nodes]
    slugs = [slug for slug, _ in nodes]
    edges = [[slugs[s], slugs[t], *fields] for s, t, fields in kept.edges_among(range(len(kept)))]
    expected = [edge_row(u, v, d) for u, v, d in projection.edges(data=True)]
    assert edges == sorted(expected, key=lambda row: row[2])
    # the arrays: each entity's neighbours in the collapsed graph, with their weights
    simple = collapse(projection)
    for i, slug in enumerate(slugs):
        row = slice(kept.indptr[i], kept.indptr[i + 1])
        neighbours = [slugs[j] for j in kept.neighbours[row]]
        assert neighbours == sorted(simple[slug], key=slugs.index)
        assert list(kept.weights[row]) == [simple[slug][n]["weight"] for n in neighbours]
    contextual = [graph.model.is_contextual(d["types"]) for _, d in projection.nodes(data=True)]
    assert list(kept.contextual) == contextual


@pytest.mark.parametrize("fixture", ["chapter_store", "mini_store"])
def test_the_build_keeps_the_projection_as_arrays(
    fixture: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    graph = copied(request.getfixturevalue(fixture), tmp_path)
    assert kept_dir(graph).is_dir()  # written by the build, from its records
    kept = graph.loaded.adjacency
    assert kept.directory == kept_dir(graph)
    assert len(kept) == graph.projection.number_of_nodes() > 0
    assert_is_the_projection(kept, graph)


def files(directory: Path) -> dict[str, object]:
    arrays = {name: np.load(directory / f"{name}.npy").tolist() for name in ARRAYS}
    kept = KeptGraph(directory)
    return {**arrays, "nodes": kept.nodes(), "edges": kept.edges_among(range(len(kept)))}


def test_a_missing_graph_is_written_from_the_projection_the_same(
    chapter_store: Path, tmp_path: Path
) -> None:
    graph = copied(chapter_store, tmp_path)
    from_records = files(kept_dir(graph))
    shutil.rmtree(kept_dir(graph))
    kept = CivicGraph(graph.settings).loaded.adjacency  # a new process, say
    assert kept_dir(graph).is_dir()
    assert files(kept.directory) == from_records


def test_a_broken_graph_is_written_again(chapter_store: Path, tmp_path: Path) -> None:
    graph = copied(chapter_store, tmp_path)
    (kept_dir(graph) / "indptr.npy").write_bytes(b"not an array")
    kept = CivicGraph(graph.settings).loaded.adjacency
    assert_is_the_projection(kept, graph)


def test_where_nothing_can_be_kept_the_graph_goes_to_a_temporary_directory(
    chapter_store: Path, tmp_path: Path
) -> None:
    graph = copied(chapter_store, tmp_path)
    shutil.rmtree(kept_dir(graph))
    # a file where the graph would be written: as a read-only build would, even for root
    blocker = kept_dir(graph).with_name(f"{kept_dir(graph).name}.{os.getpid()}.partial")
    blocker.write_text("in the way")
    kept = CivicGraph(graph.settings).loaded.adjacency
    assert not kept_dir(graph).exists()
    assert not kept.directory.is_relative_to(graph.build_dir)
    assert_is_the_projection(kept, graph)


def test_csr_collapses_relationships_to_pairs_listed_at_both_ends() -> None:
    # 0-1 twice (once each way), 1-2, a loop on 2, and 3 alone
    indptr, neighbours, weights = csr(4, np.array([0, 1, 1, 2]), np.array([1, 0, 2, 2]))
    assert indptr.tolist() == [0, 1, 3, 5, 5]
    assert neighbours.tolist() == [1, 0, 2, 1, 2]
    assert weights.tolist() == [2, 2, 1, 1, 1]
    simple = nx.Graph([(0, 1), (1, 2), (2, 2)])
    for i in range(3):
        assert neighbours[indptr[i] : indptr[i + 1]].tolist() == sorted(simple[i])


def test_threads_share_one_opened_graph(chapter: CivicGraph) -> None:
    """The explorer's sessions are threads reading one opened graph at once: its SQLite
    connection is opened for any thread (SQLite serialises the reads)."""
    from concurrent.futures import ThreadPoolExecutor

    kept = chapter.loaded.adjacency
    every = range(len(kept))
    expected = kept.edges_among(every)

    def read(_: int) -> list[tuple[int, int, list[object]]]:
        assert kept.index_of("javier-sicilia") is not None
        return kept.edges_among(every)

    with ThreadPoolExecutor(8) as pool:
        assert all(found == expected for found in pool.map(read, range(32)))


def test_the_relationships_touching_some_entities_are_those_with_an_end_among_them(
    chapter: CivicGraph,
) -> None:
    kept = chapter.loaded.adjacency
    every = kept.edges_among(range(len(kept)))
    some, among = set(range(0, len(kept), 9)), set(range(0, len(kept), 2))
    touching = kept.edges_touching(some, among | some)
    expected = [e for e in every if (e[0] in some or e[1] in some) and {e[0], e[1]} <= among | some]
    assert touching == expected and 0 < len(touching) < len(every)
