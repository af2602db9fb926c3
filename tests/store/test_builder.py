"""Builds are atomic and the built graph keeps the provenance invariants."""

from __future__ import annotations

from pathlib import Path

import pytest

from civicgraph.api import CivicGraph
from civicgraph.build.sources import load_sources
from civicgraph.config import Settings
from civicgraph.errors import DataError, StoreError
from civicgraph.store.builder import build, is_stale
from civicgraph.store.builds import current_build
from civicgraph.store.sparql import select, value
from tests.conftest import BUNDLED_DATA, MINI


def test_failed_build_leaves_the_old_store_untouched(workdir: Path) -> None:
    settings = Settings.resolve(env={})
    build(settings)
    before = current_build(settings.store_dir)
    people = workdir / "data" / "entities" / "people.yaml"
    people.write_text(people.read_text() + "- id: x\n  type: Nope\n  label: X\n  sources: [Ana]\n")
    with pytest.raises(DataError):
        build(settings)
    assert current_build(settings.store_dir) == before
    assert CivicGraph(settings).resolve("Ana Ruiz").id == "ana-ruiz"
    assert not list((settings.store_dir / "builds").glob("*.partial"))


def test_rebuild_swaps_atomically_and_prunes_what_no_reader_holds(workdir: Path) -> None:
    import gc

    settings = Settings.resolve(env={})
    first = build(settings).path
    reader = CivicGraph(settings)  # an open reader keeps working through rebuilds
    second = build(settings).path
    third = build(settings).path
    assert current_build(settings.store_dir) == third
    assert not second.exists()

    def builds() -> set[str]:
        return {p.name for p in (settings.store_dir / "builds").iterdir()}

    assert builds() == {first.name, third.name}  # the first is held, the second was not
    assert reader.resolve("ana-ruiz").label == "Ana Ruiz"
    del reader
    gc.collect()
    fourth = build(settings).path
    assert builds() == {fourth.name}


def test_missing_store_says_how_to_build(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="run `civicgraph build`"):
        CivicGraph(Settings.resolve(store_dir=tmp_path / "none", env={}))


def test_stale_store_is_detected(workdir: Path) -> None:
    settings = Settings.resolve(env={})
    assert is_stale(settings)
    build(settings)
    assert not is_stale(settings)
    (workdir / "data" / "entities" / "people.yaml").write_text(
        (workdir / "data" / "entities" / "people.yaml").read_text() + "\n# edited\n"
    )
    assert is_stale(settings)


@pytest.mark.parametrize("fixture", ["mini", "chapter"])
def test_every_quote_is_verbatim_at_its_offsets(
    fixture: str, request: pytest.FixtureRequest
) -> None:
    graph: CivicGraph = request.getfixturevalue(fixture)
    data = MINI if fixture == "mini" else BUNDLED_DATA
    texts = {d.path: d.text for d in load_sources(data / "sources")[0]}
    rows = list(
        select(
            graph.store,
            """
        SELECT ?quote ?start ?end ?path WHERE {
          ?c a civ:Citation ; civ:quote ?quote ; civ:charStart ?start ; civ:charEnd ?end ;
             dcterms:source/civ:path ?path }""",
        )
    )
    assert rows
    for row in rows:
        text = texts[value(row["path"])]
        assert text[value(row["start"]) : value(row["end"])] == value(row["quote"])


@pytest.mark.parametrize("fixture", ["mini", "chapter"])
def test_every_fact_is_cited(fixture: str, request: pytest.FixtureRequest) -> None:
    graph: CivicGraph = request.getfixturevalue(fixture)
    uncited = list(
        select(
            graph.store,
            """
        SELECT ?x WHERE {
          { ?x a/civ:recordType ?t } UNION { ?x a civ:Relationship } UNION { ?x a qb:Observation }
          FILTER NOT EXISTS { ?x civ:citation ?c } }""",
        )
    )
    assert uncited == []


def test_relationships_are_qualified_and_plain(mini: CivicGraph) -> None:
    rows = list(
        select(
            mini.store,
            """
        SELECT ?r ?s ?p ?o WHERE { ?r a civ:Relationship ; civ:subject ?s ; civ:relation ?p ;
        civ:object ?o . FILTER NOT EXISTS { ?s ?p ?o } }""",
        )
    )
    assert rows == []
    assert mini.stats()["relationships"]["founded"] == 1


def test_stats_counts_match_the_fixture(mini: CivicGraph) -> None:
    stats = mini.stats()
    assert stats["entities"]["Person"] == 1
    assert stats["entities"]["InternationalDonor"] == 1
    assert sum(stats["relationships"].values()) == 6
    assert stats["observations"] == 2
    assert stats["triples"] == len(mini.store)


def test_the_background_load_stops_when_the_build_fails(tmp_path: Path) -> None:
    import pyoxigraph as ox

    from civicgraph.store.loading import BackgroundLoad

    store = ox.Store(str(tmp_path / "oxigraph"))
    with pytest.raises(RuntimeError, match="a check failed"), BackgroundLoad(store) as loader:
        loader.feed('<https://e.org/a> <https://e.org/p> "1" .\n' * 1000)
        raise RuntimeError("a check failed")
    assert not loader.thread.is_alive()
    assert len(store) == 0
    # the loader's own error reaches the build
    with pytest.raises(SyntaxError), BackgroundLoad(store) as loader:
        loader.feed("this is not N-Triples\n")
    assert len(store) == 0


def test_a_load_in_parts_keeps_every_triple(tmp_path: Path) -> None:
    import pyoxigraph as ox

    from civicgraph.store.loading import Loads

    store = ox.Store(str(tmp_path / "oxigraph"))
    with Loads(store, part=500) as loads:  # a new bulk load every ~8 lines
        for i in range(200):
            loads.feed(f'<https://e.org/n{i}> <https://e.org/p> "{i}" .\n')
        loads.end()
    assert len(store) == 200
    with pytest.raises(SyntaxError), Loads(store, part=500) as loads:
        loads.feed('<https://e.org/a> <https://e.org/p> "x" .\n' * 20)
        loads.feed("not N-Triples\n")


def test_a_second_build_of_the_same_store_exits_2_and_the_first_is_unharmed(
    workdir: Path,
) -> None:
    import subprocess

    from civicgraph.store.builds import exclusive
    from tests.servers import civicgraph_command

    settings = Settings.resolve(env={})
    before = build(settings).path
    with exclusive(settings.store_dir):  # a build is running
        second = subprocess.run(
            civicgraph_command("build"), cwd=workdir, capture_output=True, text=True, timeout=120
        )
    assert second.returncode == 2
    assert f"another build of {settings.store_dir}/ is running (pid " in second.stderr
    assert "Traceback" not in second.stderr
    assert current_build(settings.store_dir) == before
    assert CivicGraph(settings).resolve("Ana Ruiz").id == "ana-ruiz"


def test_builds_started_together_never_break_each_other(workdir: Path) -> None:
    import subprocess

    from tests.servers import civicgraph_command

    builds = [
        subprocess.Popen(
            civicgraph_command("build"),
            cwd=workdir,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    outcomes = [(p.wait(timeout=180), p.stderr.read() if p.stderr else "") for p in builds]
    assert {code for code, _ in outcomes} <= {0, 2}
    assert any(code == 0 for code, _ in outcomes)
    for code, stderr in outcomes:
        assert "Traceback" not in stderr
        if code == 2:
            assert "is running" in stderr
    settings = Settings.resolve(env={})
    assert CivicGraph(settings).resolve("Ana Ruiz").id == "ana-ruiz"
