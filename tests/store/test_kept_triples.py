"""The kept N-Triples hold exactly the store's default graph, as Oxigraph dumps it; without
them, or with them damaged, N-Triples come from Oxigraph's dump."""

from __future__ import annotations

import gzip
import io
import json
import shutil
from decimal import Decimal
from pathlib import Path
from typing import IO

import pyoxigraph as ox
import pytest

from civicgraph.api import CivicGraph
from civicgraph.build.rdf import literal, number_literal
from civicgraph.build.synth.generator import synthesize
from civicgraph.config import Settings
from civicgraph.errors import DataError, StoreError
from civicgraph.store.builder import build
from civicgraph.store.builds import current_build, model_for
from civicgraph.store.kept_triples import (
    TriplesKeeper,
    graph_ntriples,
    kept_triples,
    write_ntriples,
)
from tests.conftest import MINI
from tests.merging import judged, with_duplicate


def dumped(store: ox.Store, graph: ox.NamedNode | ox.DefaultGraph) -> list[bytes]:
    sink = io.BytesIO()
    store.dump(sink, ox.RdfFormat.N_TRIPLES, from_graph=graph)
    return sink.getvalue().splitlines(keepends=True)


def kept_lines(build_dir: Path) -> list[bytes]:
    kept = kept_triples(build_dir)
    assert kept is not None, "the build kept no N-Triples"
    return gzip.decompress(kept[0].read_bytes()).splitlines(keepends=True)


def assert_kept_is_the_default_graph(store_dir: Path) -> None:
    build_dir = current_build(store_dir)
    store = ox.Store.read_only(str(build_dir / "oxigraph"))
    lines, dump = kept_lines(build_dir), dumped(store, ox.DefaultGraph())
    assert len(lines) == len(set(lines)) == len(dump)
    assert set(lines) == set(dump)


def built(data_dir: Path, store_dir: Path) -> Path:
    build(Settings.resolve(data_dir=data_dir, store_dir=store_dir, env={}), shapes=False)
    return store_dir


@pytest.mark.parametrize("fixture", ["mini_store", "chapter_store"])
def test_kept_ntriples_are_the_default_graph_as_oxigraph_dumps_it(
    fixture: str, request: pytest.FixtureRequest
) -> None:
    assert_kept_is_the_default_graph(request.getfixturevalue(fixture))


def test_kept_ntriples_of_a_synthetic_store(tmp_path: Path) -> None:
    data = tmp_path / "data"
    synthesize(data, model_for(Settings.resolve(env={})), entities=600, seed=3)
    assert_kept_is_the_default_graph(built(data, tmp_path / "store"))


REPEATS = """
- id: bea-soto
  type: [Person, Person]
  label: Bea Soto
  aliases: [Bea, Bea, Ruiz]
  sources:
    - "The Civic Fund funds the Clean Streets Network"
    - "The Civic Fund funds the Clean Streets Network"
"""

RESTATED = """
- subject: civic-fund
  predicate: funds
  object: clean-streets-network
  start: "2011"
  sources:
    - "The Civic Fund funds the Clean Streets Network"
"""

MERGED_OVERLAP = """
- id: ana-r
  type: Person
  label: Ana R.
  aliases: [Ruiz, Ana R.]
  sources:
    - "Ana Ruiz founded the Clean Streets Network"
"""


def test_each_triple_is_kept_once_however_often_the_data_says_it(tmp_path: Path) -> None:
    data = with_duplicate(tmp_path / "data")  # a-ruiz, merged into ana-ruiz below
    with (data / "entities" / "people.yaml").open("a", encoding="utf-8") as people:
        people.write(REPEATS + MERGED_OVERLAP)
    with (data / "relationships" / "links.yaml").open("a", encoding="utf-8") as links:
        links.write(RESTATED)  # the plain triple `civic-fund funds clean-streets-network` again
    judged(data, "- same: [a-ruiz, ana-ruiz]\n- same: [ana-r, ana-ruiz]\n")
    store_dir = built(data, tmp_path / "store")
    assert_kept_is_the_default_graph(store_dir)
    fed = kept_lines(current_build(store_dir))
    funds = (
        b"<https://w3id.org/civicgraph/id/civic-fund> <https://w3id.org/civicgraph/ontology#funds>"
    )
    assert sum(line.startswith(funds) for line in fed) == 1


@pytest.mark.parametrize(
    "text",
    [
        "plain",
        'a "quote" and a \\ backslash',
        "tab\tnew\nline\r\x08\x0c",
        "\x00\x01\x0b\x1f\x7f",
        "\\u001f written out",
        "é \u2028 \U0001f600",
    ],
)
def test_literals_are_written_as_oxigraph_writes_them_back(text: str) -> None:
    assert_round_trip(literal(text))
    assert_round_trip(literal(text, "en"))


@pytest.mark.parametrize(
    "value", [0, -3, 10**30, 55.0, -0.0, 1.5, 0.1, 123456.0, 1e16, 1e-7, 0.000123456789012345]
)
def test_numbers_are_written_as_oxigraph_writes_them_back(value: float) -> None:
    assert_round_trip(number_literal(value if isinstance(value, int) else Decimal(str(value))))


def assert_round_trip(term: str) -> None:
    line = f"<https://e.org/s> <https://e.org/p> {term} .\n".encode()
    store = ox.Store()
    store.load(line, ox.RdfFormat.N_TRIPLES)
    assert dumped(store, ox.DefaultGraph()) == [line]


@pytest.fixture
def chapter_copy(chapter_store: Path, tmp_path: Path) -> Path:
    """A copy of the chapter's store, to damage."""
    shutil.copytree(chapter_store, tmp_path / "store", symlinks=True)
    return tmp_path / "store"


def export_nt(store_dir: Path, sink: IO[bytes] | None = None) -> list[bytes]:
    sink = sink if sink is not None else io.BytesIO()
    CivicGraph(Settings.resolve(store_dir=store_dir, env={})).export("nt", sink)
    assert isinstance(sink, io.BytesIO)
    return sink.getvalue().splitlines(keepends=True)


def every_graph(store_dir: Path) -> list[bytes]:
    store = ox.Store.read_only(str(current_build(store_dir) / "oxigraph"))
    return [line for g in [ox.DefaultGraph(), *store.named_graphs()] for line in dumped(store, g)]


def test_export_nt_has_the_store_s_triples_with_the_kept_file_and_without(
    chapter_copy: Path,
) -> None:
    expected = every_graph(chapter_copy)
    build_dir = current_build(chapter_copy)
    kept = kept_triples(build_dir)
    assert kept is not None
    with_file = export_nt(chapter_copy)
    assert len(with_file) == len(expected) and set(with_file) == set(expected)
    kept[0].unlink()  # lost: the dump
    assert export_nt(chapter_copy) == expected
    info = json.loads((build_dir / "build.json").read_text())
    del info["ntriples"]  # an older build
    (build_dir / "build.json").write_text(json.dumps(info))
    assert kept_triples(build_dir) is None
    assert export_nt(chapter_copy) == expected


def test_a_kept_file_cut_short_or_damaged_is_not_read(chapter_copy: Path) -> None:
    expected = every_graph(chapter_copy)
    build_dir = current_build(chapter_copy)
    kept = kept_triples(build_dir)
    assert kept is not None
    path, _ = kept
    whole = path.read_bytes()
    path.write_bytes(whole[:-100])  # cut short: not the size recorded
    assert kept_triples(build_dir) is None
    assert export_nt(chapter_copy) == expected
    middle = len(whole) // 2
    path.write_bytes(
        whole[:middle] + bytes(b ^ 0xFF for b in whole[middle : middle + 64]) + whole[middle + 64 :]
    )  # the size recorded, the contents not
    assert kept_triples(build_dir) is not None
    assert export_nt(chapter_copy) == expected  # found out halfway, rewound, dumped

    class Pipe(io.BytesIO):
        def seekable(self) -> bool:
            return False

    with pytest.raises(StoreError, match="damaged"):
        export_nt(chapter_copy, Pipe())


def test_graph_ntriples_reads_the_kept_file_or_the_dump_alike(chapter: CivicGraph) -> None:
    store = chapter.store

    def read(graph: ox.NamedNode | ox.DefaultGraph, build_dir: Path | None) -> list[bytes]:
        with graph_ntriples(store, graph, build_dir) as text:
            return b"".join(iter(lambda: text.read(4096), b"")).splitlines(keepends=True)

    kept, dump = read(ox.DefaultGraph(), chapter.build_dir), read(ox.DefaultGraph(), None)
    assert len(kept) == len(dump) and set(kept) == set(dump)
    assert kept == kept_lines(chapter.build_dir)  # the file, not a dump
    ontology = next(iter(store.named_graphs()))
    assert read(ontology, chapter.build_dir) == dumped(store, ontology)


def test_a_keeper_keeps_only_as_many_triples_as_the_store_holds(tmp_path: Path) -> None:
    with TriplesKeeper(tmp_path / "triples.nt.gz") as keeper:
        keeper.write(b"<https://e.org/a> <https://e.org/p> <https://e.org/b> .\n" * 2)
    assert keeper.keep(1) is None  # a triple written twice: the store holds it once
    assert not list(tmp_path.iterdir())
    with TriplesKeeper(tmp_path / "triples.nt.gz") as keeper:
        keeper.write(b"<https://e.org/a> <https://e.org/p> <https://e.org/b> .\n")
    assert keeper.keep(1) == {
        "file": "triples.nt.gz",
        "bytes": keeper.path.stat().st_size,
        "triples": 1,
    }
    sink = io.BytesIO()
    write_ntriples(ox.Store(), ox.DefaultGraph(), sink, None)  # no build: the dump
    assert sink.getvalue() == b""


def test_a_failed_build_leaves_no_kept_file(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(MINI, data)
    people = data / "entities" / "people.yaml"
    people.write_text(people.read_text() + "- id: x\n  type: Nope\n  label: X\n  sources: [Ana]\n")
    with pytest.raises(DataError):
        built(data, tmp_path / "store")
    assert not list((tmp_path / "store").rglob("triples-*"))
