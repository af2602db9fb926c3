"""The kept scores answer `centrality` with its defaults exactly as computing them does;
a missing, stale or broken file is computed again."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from civicgraph.api import CivicGraph
from civicgraph.cli.app import app
from civicgraph.config import Settings
from civicgraph.graph import centrality as centrality_module
from civicgraph.graph.centrality import centrality
from civicgraph.graph.scores import KEPT, _file, keep_scores, kept_ranking
from civicgraph.store.kept_scores import kept_metrics

runner = CliRunner()
EVERY = {(metric, layer) for metric in KEPT for layer in ("actors", "all")}


def copied(store: Path, tmp_path: Path) -> CivicGraph:
    """A graph over a copy of a store, so that what a test keeps stays its own."""
    shutil.copytree(store, tmp_path / "store", symlinks=True)
    return CivicGraph(Settings.resolve(store_dir=tmp_path / "store", env={}))


def computed(
    graph: CivicGraph, metric: str, context: bool, types: set[str] | None, top: int
) -> dict[str, Any]:
    return centrality(graph.views.layered(context), metric, types=types, top=top)


@pytest.mark.parametrize("fixture", ["chapter_store", "mini_store"])
@pytest.mark.parametrize("metric", KEPT)
@pytest.mark.parametrize("context", [False, True])
def test_the_kept_ranking_is_the_computed_one(
    fixture: str, metric: str, context: bool, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    graph = copied(request.getfixturevalue(fixture), tmp_path)
    _file(graph.loaded).unlink(missing_ok=True)  # (other tests may have kept them already)
    assert kept_metrics(_file(graph.loaded)) is None  # nothing kept: kept on first use
    for types, top in ((None, 10_000), (None, 5), ({"Person"}, 10_000), ({"Person"}, 2)):
        kept = kept_ranking(graph.loaded, metric, types=types, top=top, include_context=context)
        assert kept == computed(graph, metric, context, types, top)
    assert kept_metrics(_file(graph.loaded)) == {
        (m, lay) for m in KEPT for lay in ("actors", "all")
    }
    # the API answers from them with the defaults, and computes with any other option
    assert graph.centrality(metric, include_context=context) == computed(
        graph, metric, context, None, 20
    )
    directed = graph.centrality(metric, directed=True, include_context=context)
    assert directed["directed"] is True


def test_above_the_array_engines_threshold_the_same_numbers_are_kept(
    chapter_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(centrality_module, "IGRAPH_FROM", 10)  # the igraph/scipy path
    graph = copied(chapter_store, tmp_path)
    _file(graph.loaded).unlink(missing_ok=True)
    kept = kept_ranking(graph.loaded, "pagerank", types=None, top=50, include_context=False)
    assert kept == computed(graph, "pagerank", False, None, 50)


def test_a_broken_or_missing_file_is_computed_again(chapter_store: Path, tmp_path: Path) -> None:
    graph = copied(chapter_store, tmp_path)
    path = keep_scores(graph.loaded)
    path.write_bytes(b"not a database")
    assert kept_metrics(path) is None
    expected = computed(graph, "degree", False, None, 7)
    assert (
        kept_ranking(graph.loaded, "degree", types=None, top=7, include_context=False) == expected
    )
    assert kept_metrics(path) is not None
    path.unlink()
    assert (
        kept_ranking(graph.loaded, "degree", types=None, top=7, include_context=False) == expected
    )
    # a metric that is not kept is computed each time
    assert (
        kept_ranking(graph.loaded, "betweenness", types=None, top=7, include_context=False) is None
    )


def test_build_keeps_the_scores(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.conftest import MINI

    monkeypatch.chdir(tmp_path)
    store = tmp_path / "store"
    result = runner.invoke(app, ["build", "--data", str(MINI), "--store", str(store)])
    assert result.exit_code == 0, result.stderr
    assert "scores kept in" in result.stdout
    graph = CivicGraph(Settings.resolve(store_dir=store, env={}))
    assert kept_metrics(_file(graph.loaded)) == {
        (m, lay) for m in KEPT for lay in ("actors", "all")
    }
