"""Entity resolution judgements: read with their lines, checked against each other and the
records, applied without rewriting a record; every bad one is `FILE:LINE: message`, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from civicgraph.build.resolutions import merged, parse_resolutions
from civicgraph.cli.app import app
from civicgraph.config import REPO_DIR
from tests.conftest import MINI
from tests.merging import KEPT, OLD, judged, with_duplicate

runner = CliRunner()
FILE = "data/resolutions.yaml"


def problems_of(text: str) -> list[str]:
    return [str(p) for p in parse_resolutions(text, FILE)[1]]


def test_a_merge_and_its_chain_resolve_to_the_end() -> None:
    found, problems = parse_resolutions(
        "# comment\n- same: [a, b]\n  note: one person\n- same: [b, c]\n- different: [a, d]\n",
        FILE,
    )
    assert problems == []
    assert found.into == {"a": "c", "b": "c"}
    assert [(j.verdict, j.line) for j in found.judgements] == [
        ("same", 2),
        ("same", 4),
        ("different", 5),
    ]
    assert found.judgements[0].note == "one person"
    assert found.merged_from() == {"c": ["a", "b"]}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("same: [a, b]\n", f"{FILE}:1: file must be a YAML list of judgements"),
        ("- [a, b]\n", f"{FILE}:1: a judgement is `- same: [old-id, kept-id]`"),
        ("- same: [a, b]\n  why: x\n", f"{FILE}:1: unknown field 'why'"),
        ("- note: x\n", f"{FILE}:1: a judgement is"),
        ("- same: [a, b]\n  different: [a, b]\n", f"{FILE}:1: a judgement is"),
        ("- same: [a]\n", f"{FILE}:1: same takes two entity ids, [a, b], not ['a']"),
        ("- unsure: a b\n", f"{FILE}:1: unsure takes two entity ids"),
        ("- same: [a, a]\n", f"{FILE}:1: cannot merge an id into itself ('a')"),
        ("- different: [a, a]\n", f"{FILE}:1: cannot judge an id against itself ('a')"),
        ("- same: [a, b]\n  note: [x]\n", f"{FILE}:1: note must be a string"),
        ("- same: [a, b\n", f"{FILE}:2: malformed YAML"),
        ("- same: [a, b]\n  same: [a, c]\n", f"{FILE}:1: a key is given twice"),
        (
            "- same: [a, b]\n- different: [b, a]\n",
            f"{FILE}:2: b and a are already judged same at {FILE}:1",
        ),
        ("- unsure: [a, b]\n- unsure: [a, b]\n", f"{FILE}:2: a and b are already judged unsure"),
        ("- same: [a, b]\n- same: [a, c]\n", f"{FILE}:2: a is already merged into b at {FILE}:1"),
        ("- same: [a, b]\n- same: [b, a]\n", f"{FILE}:2: b and a are already judged same"),
        (
            "- same: [a, b]\n- same: [b, c]\n- same: [c, a]\n",
            f"{FILE}:3: merging c into a makes a cycle: a is merged into c",
        ),
        (
            "- different: [a, c]\n- same: [a, b]\n- same: [b, c]\n",
            f"{FILE}:1: a and c are judged different, but the same judgements merge both into c",
        ),
    ],
)
def test_every_bad_judgement_is_reported_at_its_line(text: str, expected: str) -> None:
    found = problems_of(text)
    assert len(found) == 1 and found[0].startswith(expected), found


def test_every_problem_of_a_file_is_reported_at_once() -> None:
    text = "- same: [a, a]\n- same: [b]\n- same: [c, d]\n- different: [d, c]\n"
    assert [p.split(": ")[0] for p in problems_of(text)] == [f"{FILE}:1", f"{FILE}:2", f"{FILE}:4"]


SLUGS = st.sampled_from(["a", "b", "c", "d", "e"])


@given(st.lists(st.tuples(SLUGS, SLUGS), max_size=8))
def test_merges_always_end_at_a_kept_id(pairs: list[tuple[str, str]]) -> None:
    """Whatever is judged, a merged id goes into an id that is not merged itself."""
    text = "".join(f"- same: [{a}, {b}]\n" for a, b in pairs)
    found, _ = parse_resolutions(text, FILE)
    assert all(kept not in found.into for kept in found.into.values())
    assert all(old != kept for old, kept in found.into.items())


def build(data: Path, store: Path) -> tuple[int, str]:
    result = runner.invoke(app, ["build", "--data", str(data), "--store", str(store)])
    return result.exit_code, result.stderr


def test_the_bundled_data_and_the_mini_fixture_judge_nothing() -> None:
    # the bundled graph builds exactly as before: no judgement, no merge
    assert not (REPO_DIR / "data" / "resolutions.yaml").exists()
    assert not (MINI / "resolutions.yaml").exists()


def test_judgements_against_the_records_are_reported_all_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    data = with_duplicate(tmp_path / "data")
    code, _ = build(data, tmp_path / "store")
    assert code == 0
    with (data / "relationships" / "links.yaml").open("a") as links:
        links.write(
            "\n- subject: a-ruiz\n  predicate: relativeOf\n  object: ana-ruiz\n"
            '  sources:\n    - "Ana Ruiz founded"\n'
        )
    loop_line = len((data / "relationships" / "links.yaml").read_text().splitlines()) - 4
    judged(
        data,
        "- same: [a-ruiz, ana-ruiz]\n"
        "- same: [police-reform, villa-verde]\n"
        "- different: [civic-fnd, clean-streets-network]\n",
    )
    code, err = build(data, tmp_path / "store")
    assert code == 2
    lines = err.splitlines()
    assert (
        f"data/relationships/links.yaml:{loop_line}: relationship 'a-ruiz--relativeOf--ana-ruiz' "
        f"would link 'ana-ruiz' to itself once a-ruiz is merged into it ({FILE}:1); "
        "delete the relationship or the judgement"
    ) in lines
    assert (
        f"{FILE}:2: cannot merge police-reform (Reform) into villa-verde (Municipality): "
        "villa-verde is not a Reform; merge the other way round, or correct the types first"
    ) in lines
    assert (f"{FILE}:3: 'civic-fnd' is not a known entity id; did you mean civic-fund?") in lines
    assert "Traceback" not in err


def test_a_malformed_resolutions_file_fails_the_build_and_keeps_the_old_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from civicgraph.api import CivicGraph
    from civicgraph.config import Settings

    monkeypatch.chdir(tmp_path)
    data = with_duplicate(tmp_path / "data")
    assert build(data, tmp_path / "store")[0] == 0
    judged(data, "- same: [a-ruiz, ana-ruiz\n")
    code, err = build(data, tmp_path / "store")
    assert code == 2
    assert [line for line in err.splitlines() if not line.startswith("…")][:1] == [
        f"{FILE}:2: malformed YAML: expected ',' or ']', but got '<stream end>'"
    ]
    before = CivicGraph(Settings.resolve(store_dir=tmp_path / "store", env={}))
    assert OLD in before.names.entities  # the build before the bad file, unchanged


def test_merging_rewrites_references_not_records(tmp_path: Path) -> None:
    from civicgraph.build.ingest import read_records
    from civicgraph.build.sources import QuoteFinder, load_sources
    from civicgraph.model.ontology import load_model

    data = with_duplicate(tmp_path / "data")
    sources, _ = load_sources(data / "sources")
    model = load_model(REPO_DIR / "ontology")
    records, _, problems = read_records(data, model, QuoteFinder(sources))
    assert problems == []
    graph = merged(records, {OLD: KEPT})
    assert [e.id for e in graph.entities if e.id in (OLD, KEPT)] == [KEPT]
    kept = next(e for e in graph.entities if e.id == KEPT)
    assert {"A. Ruiz", "Ana", "Ruiz"} <= set(kept.aliases)
    assert {c.quote for c in kept.citations} == {
        "Ana Ruiz founded the Clean Streets Network",
        "Ana Ruiz",
    }
    ends = {r.id: (r.subject, r.object) for r in graph.relationships}
    assert ends["a-ruiz--founded--clean-streets-network"] == (KEPT, "clean-streets-network")
    assert [(old.id, into) for old, into in graph.merged] == [(OLD, KEPT)]
    # the records as read are untouched
    assert OLD in {e.id for e in records.entities}
    assert {r.subject for r in records.relationships} >= {OLD}
    assert merged(records, {}) is records


def test_the_audit_takes_a_judged_pair_as_reviewed(tmp_path: Path) -> None:
    from civicgraph.build.audit import audit

    data = with_duplicate(tmp_path / "data")
    people = data / "entities" / "people.yaml"
    people.write_text(people.read_text().replace("aliases: [Ana]", "aliases: [Ana, Ruiz]"))

    def ruiz() -> dict[str, object]:
        report = audit(data, REPO_DIR / "ontology")
        return next(s for s in report.shared_names if s["name"] == "ruiz")

    assert ruiz()["reviewed"] is False
    judged(data, f"- unsure: [{OLD}, {KEPT}]\n")
    assert ruiz()["reviewed"] is False  # still a question
    judged(data, f"- different: [{OLD}, {KEPT}]\n  note: two people\n")
    assert ruiz() == {
        "name": "ruiz",
        "ids": [OLD, KEPT],
        "reviewed": True,
        "reasons": [f"judged different in {data / 'resolutions.yaml'}:1: two people"],
    }


def test_every_kind_of_reference_follows_a_merge(tmp_path: Path) -> None:
    from civicgraph.build.ingest import read_records
    from civicgraph.build.sources import QuoteFinder, load_sources
    from civicgraph.model.ontology import load_model

    sources, _ = load_sources(MINI / "sources")
    records, _, _ = read_records(MINI, load_model(REPO_DIR / "ontology"), QuoteFinder(sources))
    graph = merged(records, {"villa-verde": "somewhere", "table-a": "a-table"})
    named = {r.object for r in graph.relationships}
    assert "somewhere" in named and "villa-verde" not in named
    assert {o.dataset for o in graph.observations} == {"a-table"}
    assert {o.dimensions.get("place") for o in graph.observations} == {"somewhere"}
    assert {o.id for o in graph.observations} == {o.id for o in records.observations}


def test_a_new_judgement_makes_the_store_stale(tmp_path: Path) -> None:
    from civicgraph.config import Settings
    from civicgraph.store.builder import build as build_store
    from civicgraph.store.builder import is_stale

    data = with_duplicate(tmp_path / "data")
    settings = Settings.resolve(data_dir=data, store_dir=tmp_path / "store", env={})
    build_store(settings, shapes=False)
    assert not is_stale(settings)
    judged(data, f"- same: [{OLD}, {KEPT}]\n")
    assert is_stale(settings)
