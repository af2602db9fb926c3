"""Synthetic data: builds cleanly, follows the ontology, is heavy-tailed and reproducible."""

from __future__ import annotations

import filecmp
from collections import Counter
from pathlib import Path

import pytest
import yaml

from civicgraph.api import CivicGraph
from civicgraph.build.synth.generator import slugify, synthesize
from civicgraph.config import Settings
from civicgraph.errors import UsageError
from civicgraph.model.ontology import Model
from civicgraph.store.builder import build
from civicgraph.store.builds import model_for


@pytest.fixture(scope="module")
def model() -> Model:
    return model_for(Settings.resolve(env={}))


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory, model: Model) -> Path:
    out = tmp_path_factory.mktemp("synth") / "data"
    synthesize(out, model, entities=600, seed=7)
    return out


@pytest.fixture(scope="module")
def synthetic_graph(synthetic: Path, tmp_path_factory: pytest.TempPathFactory) -> CivicGraph:
    store = tmp_path_factory.mktemp("synth-store") / "store"
    build(Settings.resolve(data_dir=synthetic, store_dir=store, env={}))
    return CivicGraph(Settings.resolve(store_dir=store, env={}))


def records(folder: Path) -> list[dict[str, object]]:
    loaded = []
    for path in sorted(folder.glob("*.yaml")):
        loaded += yaml.safe_load(path.read_text(encoding="utf-8"))
    return loaded


def test_the_dataset_builds_with_the_counts_asked(synthetic_graph: CivicGraph) -> None:
    stats = synthetic_graph.stats()
    assert sum(stats["entities"].values()) == 600
    assert sum(stats["relationships"].values()) == 2400  # four per entity by default
    assert stats["observations"] > 0


def test_every_record_type_and_many_predicates_occur(
    synthetic_graph: CivicGraph, model: Model
) -> None:
    stats = synthetic_graph.stats()
    assert set(stats["entities"]) == set(model.classes)
    assert len(stats["relationships"]) >= len(model.relations) // 2


def test_relations_respect_the_ontology_domains_and_ranges(synthetic: Path, model: Model) -> None:
    types = {e["id"]: [e["type"]] for e in records(synthetic / "entities")}
    for rel in records(synthetic / "relationships"):
        relation = model.relations[str(rel["predicate"])]
        if relation.domain:
            assert model.conforms(types[str(rel["subject"])], relation.domain)
        if relation.range:
            assert model.conforms(types[str(rel["object"])], relation.range)


def test_degrees_are_heavy_tailed_and_claims_are_dated_and_qualified(synthetic: Path) -> None:
    rels = records(synthetic / "relationships")
    degree = Counter(str(r[end]) for r in rels for end in ("subject", "object"))
    mean = sum(degree.values()) / 600
    assert max(degree.values()) > 5 * mean  # hubs, as preferential attachment makes
    assert sum(1 for r in rels if r.get("start")) > len(rels) / 2
    assert {r.get("status") for r in rels} >= {None, "alleged"}


def test_every_quote_is_at_its_offset(synthetic: Path) -> None:
    texts = {p.name: p.read_text(encoding="utf-8") for p in (synthetic / "sources").glob("*.txt")}
    for folder in ("entities", "relationships", "observations"):
        for record in records(synthetic / folder):
            for cite in record["sources"]:  # type: ignore[attr-defined]
                text = texts[cite["document"]]
                assert text[cite["start"] : cite["start"] + len(cite["quote"])] == cite["quote"]


def test_the_same_seed_writes_the_same_files(tmp_path: Path, model: Model) -> None:
    synthesize(tmp_path / "a", model, entities=150, seed=3)
    synthesize(tmp_path / "b", model, entities=150, seed=3)
    synthesize(tmp_path / "c", model, entities=150, seed=4)
    for folder in ("entities", "relationships", "observations", "sources"):
        names = sorted(p.name for p in (tmp_path / "a" / folder).iterdir())
        _, mismatch, errors = filecmp.cmpfiles(
            tmp_path / "a" / folder, tmp_path / "b" / folder, names, shallow=False
        )
        assert not mismatch and not errors
    first = (tmp_path / "a" / "relationships" / "synth-0001.yaml").read_bytes()
    assert first != (tmp_path / "c" / "relationships" / "synth-0001.yaml").read_bytes()


def test_the_block_layout_builds_to_the_same_graph(tmp_path: Path, model: Model) -> None:
    synthesize(tmp_path / "lines", model, entities=120, seed=5)
    synthesize(tmp_path / "block", model, entities=120, seed=5, layout="block")
    assert "\n  sources:\n" in (tmp_path / "block" / "entities" / "synth-0001.yaml").read_text()
    counts = []
    for layout in ("lines", "block"):
        store = tmp_path / f"{layout}-store"
        counts.append(build(Settings.resolve(data_dir=tmp_path / layout, store_dir=store, env={})))
    assert counts[0].quads == counts[1].quads and counts[0].relationships == 480


def test_refuses_a_directory_with_files_and_nonsense_sizes(tmp_path: Path, model: Model) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    with pytest.raises(UsageError, match="not an empty directory"):
        synthesize(tmp_path, model, entities=10)
    with pytest.raises(UsageError, match="at least 1"):
        synthesize(tmp_path / "new", model, entities=0)


def test_slugs_are_ascii_words_joined_by_hyphens() -> None:
    assert slugify("Colonia Muñoz, Ciudad Juárez (2)") == "colonia-munoz-ciudad-juarez-2"


def test_the_command_writes_a_dataset_and_refuses_to_overwrite(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from civicgraph.cli.app import app

    runner = CliRunner()
    out = tmp_path / "data"
    done = runner.invoke(app, ["synth", "--entities", "30", "--seed", "1", "--out", str(out)])
    assert done.exit_code == 0, done.stderr
    assert "30 entities, 120 relationships" in done.stdout
    again = runner.invoke(app, ["synth", "--entities", "30", "--out", str(out)])
    assert again.exit_code == 2 and "not an empty directory" in again.stderr
