"""What makes large builds fast keeps them right: N-Triples text, streaming, sampled SHACL."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import given
from hypothesis import strategies as st

from civicgraph.build.ingest import read_records
from civicgraph.build.rdf import literal, ntriples, origins
from civicgraph.build.records import Records
from civicgraph.build.sources import QuoteFinder, load_sources
from civicgraph.build.synth.generator import synthesize
from civicgraph.build.validate import check_shapes, shape_sample
from civicgraph.config import Settings
from civicgraph.errors import DataError
from civicgraph.store.builder import build
from civicgraph.store.builds import model_for


@given(st.text(st.characters(blacklist_categories=("Cs",))), st.sampled_from([None, "en", "es"]))
def test_a_literal_reads_back_as_written(text: str, lang: str | None) -> None:
    line = f"<http://e/s> <http://e/p> {literal(text, lang)} .\n"
    (triple,) = ox.parse(line, format=ox.RdfFormat.N_TRIPLES)
    assert isinstance(triple.object, ox.Literal)
    assert triple.object.value == text and triple.object.language == lang


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, Records]:
    data = tmp_path_factory.mktemp("large") / "data"
    settings = Settings.resolve(data_dir=data, env={})
    model = model_for(settings)
    synthesize(data, model, entities=1_500, seed=11)
    sources, _ = load_sources(data / "sources")
    records, _, problems = read_records(data, model, QuoteFinder(sources), keep_raw=False)
    assert not problems
    return settings, records


def test_a_large_dataset_is_checked_on_a_sample_closed_under_references(
    large: tuple[Settings, Records],
) -> None:
    _, records = large
    sample = shape_sample(records, limit=1_000, per_kind=50)
    assert len(sample.relationships) == 50 and len(sample.entities) < len(records.entities)
    ids = {e.id for e in sample.entities}
    assert all({r.subject, r.object} <= ids for r in sample.relationships)
    assert all(o.dataset in ids for o in sample.observations)
    assert shape_sample(records, limit=10**6) is records


def test_the_sample_still_catches_a_writer_that_breaks_a_shape(
    large: tuple[Settings, Records],
) -> None:
    settings, records = large
    model = model_for(settings)
    sources, _ = load_sources(settings.data_dir / "sources")
    sample = shape_sample(records, limit=1_000, per_kind=50)
    broken = Records(
        entities=sample.entities,
        relationships=[replace(r, citations=[]) for r in sample.relationships],
        observations=sample.observations,
    )
    text = "".join(ntriples(broken, sources, model)).encode()
    problems = check_shapes(text, settings.ontology_dir, origins(broken))
    assert any("needs at least one citation" in p.message for p in problems)
    assert all(p.file.endswith(".yaml") for p in problems)


def test_a_failed_large_build_leaves_the_previous_store(
    large: tuple[Settings, Records], tmp_path: Path
) -> None:
    settings, _ = large
    store = tmp_path / "store"
    first = build(replace(settings, store_dir=store), shapes=False)
    bad = tmp_path / "bad"
    bad.mkdir()
    for part in ("sources", "entities", "observations"):
        (bad / part).symlink_to(settings.data_dir / part)
    (bad / "relationships").mkdir()
    (bad / "relationships" / "x.yaml").write_text(
        "- subject: nobody\n  predicate: funds\n  object: nobody-else\n  sources: [x]\n"
    )
    with pytest.raises(DataError):
        build(Settings.resolve(data_dir=bad, store_dir=store, env={}))
    assert (store / "current").resolve() == first.path
    assert first.quads == len(ox.Store.read_only(str(first.path / "oxigraph")))
