"""The projection cached beside a build is the projection, and never outlives its build."""

from __future__ import annotations

import shutil
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest

from civicgraph.api import CivicGraph
from civicgraph.config import Settings
from civicgraph.graph.entities import NameIndex
from civicgraph.graph.project import project
from civicgraph.store.builder import build
from civicgraph.store.kept import cache_file, cached_projection
from civicgraph.store.kept_names import names_db
from tests.conftest import MINI


def same(a: nx.MultiDiGraph[str], b: nx.MultiDiGraph[str]) -> bool:
    return list(a.nodes(data=True)) == list(b.nodes(data=True)) and list(
        a.edges(keys=True, data=True)
    ) == list(b.edges(keys=True, data=True))


def test_a_new_process_reads_the_same_projection_from_the_cache(
    mini_store: Path, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    shutil.copytree(mini_store, store, symlinks=True)
    first = CivicGraph(Settings.resolve(store_dir=store, env={}))
    computed = project(first.store, first.model, first.names)
    assert same(first.projection, computed)
    path = cache_file(first.build_dir, first.settings.ontology_dir)
    assert path.exists()

    def never() -> nx.MultiDiGraph[str]:
        raise AssertionError("the cache should have answered")

    assert same(cached_projection(first.build_dir, first.settings.ontology_dir, never), computed)
    assert same(CivicGraph(Settings.resolve(store_dir=store, env={})).projection, computed)


def test_a_broken_or_unwritable_cache_is_recomputed(mini_store: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    shutil.copytree(mini_store, store, symlinks=True)
    graph = CivicGraph(Settings.resolve(store_dir=store, env={}))
    path = cache_file(graph.build_dir, graph.settings.ontology_dir)
    path.write_text("{not json")
    assert graph.projection.number_of_nodes() == 8
    gone = tmp_path / "gone"  # a build directory that cannot be written (root ignores modes)
    built = cached_projection(gone, graph.settings.ontology_dir, lambda: graph.projection)
    assert same(built, graph.projection) and not gone.exists()


@pytest.mark.parametrize("fixture", ["chapter", "mini", "timeline"])
def test_the_build_writes_what_the_store_reads_back(
    fixture: str, request: pytest.FixtureRequest
) -> None:
    graph: CivicGraph = request.getfixturevalue(fixture)
    assert cache_file(graph.build_dir, graph.settings.ontology_dir).exists()
    assert names_db(graph.build_dir, graph.settings.ontology_dir).exists()
    from_store = NameIndex.from_store(graph.store, graph.model)
    assert graph.names.entities == dict(sorted(from_store.entities.items()))
    assert graph.names.by_name == from_store.by_name
    assert same(graph.projection, project(graph.store, graph.model, from_store))


@pytest.mark.parametrize("fixture", ["chapter", "mini", "timeline"])
def test_the_kept_citations_are_the_stores(fixture: str, request: pytest.FixtureRequest) -> None:
    from civicgraph.graph.entities import DCT_DESCRIPTION
    from civicgraph.model.vocab import entity_iri, slug_of
    from civicgraph.serve.bolt.rows import _all_citations
    from civicgraph.store.kept import read_citations
    from civicgraph.store.sparql import value

    graph: CivicGraph = request.getfixturevalue(fixture)
    kept = read_citations(graph.build_dir, graph.settings.ontology_dir)
    assert kept is not None
    cited, descriptions = kept
    nodes = {entity_iri(n) for n in graph.projection} | {
        entity_iri(k) for _, _, k in graph.projection.edges(keys=True)
    }
    from_store = _all_citations(graph.loaded)
    assert {n: cited[n] for n in nodes if cited[n]} == {
        n: c for n, c in from_store.items() if n in nodes
    }
    scan = graph.store.quads_for_pattern(None, ox.NamedNode(DCT_DESCRIPTION), None, None)
    described = {slug_of(value(q.subject)): value(q.object) for q in scan}
    assert descriptions == {s: d for s, d in described.items() if s in graph.projection}


def test_the_audit_is_kept_until_the_data_changes(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(MINI, data)
    settings = Settings.resolve(data_dir=data, store_dir=tmp_path / "store", env={})
    build(settings)
    graph = CivicGraph(settings)
    report = graph.audit_report()
    assert report == graph.audit_build().to_json()
    kept = list(graph.build_dir.glob("audit-*.json"))
    assert len(kept) == 1
    kept[0].write_text('{"kept": true}', encoding="utf-8")  # read back, not recomputed
    assert CivicGraph(settings).audit_report() == {"kept": True}
    entities = next(data.glob("entities/*.yaml"))
    entities.write_text(entities.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert CivicGraph(settings).audit_report() == report  # an edit: audited again
    assert len(list(graph.build_dir.glob("audit-*.json"))) == 2
