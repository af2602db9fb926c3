"""A graph built from two publishers' documents: the claim both support is confirmed (and
`path --confirmed-only` keeps it), and each record that another document contradicts names
it in `entity --json` and in the text profile."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from typer.testing import CliRunner

from civicgraph.cli.app import app
from civicgraph.config import REPO_DIR
from civicgraph.store.builds import manifest
from tests.conftest import MINI
from tests.two_sources import (
    DEMANDS,
    FOUNDED_2010,
    FOUNDED_2011,
    FUNDS,
    OPPOSED,
    SECOND_TEXT,
    THEFTS_2010,
    THEFTS_2010_SECOND,
    two_sources,
)

runner = CliRunner()
ENTITY_SCHEMA = json.loads((REPO_DIR / "schemas" / "entity.schema.json").read_text())


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    root = tmp_path_factory.mktemp("two-sources")
    data = two_sources(root / "data")
    code, out, err = run("build", "--data", str(data), "--store", str(root / "store"))
    assert code == 0, err
    assert "8 relationships" in out  # the mini graph's 6, and 2 from the second source
    return ["--store", str(root / "store")]


def entity(store: list[str], name: str) -> dict[str, object]:
    code, out, err = run("entity", name, "--json", *store)
    assert code == 0, err
    found = json.loads(out)
    assert not list(Draft202012Validator(ENTITY_SCHEMA).iter_errors(found))
    return found


def relations(found: dict[str, object]) -> dict[str, dict[str, object]]:
    listed = found["relations"]
    assert isinstance(listed, list)
    return {r["id"]: r for r in listed}


def test_a_claim_two_publishers_support_is_confirmed_with_both_citations(
    store: list[str],
) -> None:
    funds = relations(entity(store, "Civic Fund"))[FUNDS]
    assert funds["status"] == "confirmed"
    texts = {"mini.txt": (MINI / "sources" / "mini.txt").read_text(), "second.txt": SECOND_TEXT}
    assert [s["document"] for s in funds["sources"]] == ["mini.txt", "second.txt"]
    for source in funds["sources"]:  # each quote stands at its offsets in its document
        assert (
            texts[source["document"]][source["char_start"] : source["char_end"]] == source["quote"]
        )
    assert "disagrees_with" not in funds
    # the claims quoted from one document keep their status
    others = relations(entity(store, "Clean Streets Network"))
    assert {r["status"] for i, r in others.items() if i != FUNDS} == {"reported", "alleged"}


def test_confirmed_only_keeps_the_confirmed_claim(store: list[str]) -> None:
    code, out, err = run(
        "path", "Civic Fund", "Clean Streets Network", "--confirmed-only", "--json", *store
    )
    assert code == 0, err
    (path,) = json.loads(out)["paths"]
    assert [hop["status"] for hop in path["hops"]] == ["confirmed"]
    code, _, err = run("path", "Ana Ruiz", "Police reform", "--confirmed-only", *store)
    assert code == 1
    assert "confirmed" in err and "no relationship in the graph is confirmed" not in err


def test_a_date_contradiction_shows_on_both_relationships(store: list[str]) -> None:
    found = relations(entity(store, "Ana Ruiz"))
    assert found[FOUNDED_2010]["disagrees_with"] == [
        {
            "id": FOUNDED_2011,
            "predicate": "founded",
            "start": "2011",
            "end": None,
            "documents": ["second.txt"],
        }
    ]
    assert [d["id"] for d in found[FOUNDED_2011]["disagrees_with"]] == [FOUNDED_2010]
    code, out, _ = run("entity", "Ana Ruiz", *store)
    assert code == 0
    assert (
        f"sources disagree: second.txt says otherwise: founded, from 2011 ({FOUNDED_2011})" in out
    )


def test_a_relation_contradiction_shows_on_the_profile(store: list[str]) -> None:
    found = relations(entity(store, "Police reform"))
    assert found[DEMANDS]["disagrees_with"] == [
        {
            "id": OPPOSED,
            "predicate": "opposed",
            "start": None,
            "end": None,
            "documents": ["second.txt"],
        }
    ]
    assert found[OPPOSED]["disagrees_with"][0]["id"] == DEMANDS
    # a relationship that nothing contradicts carries no list
    assert "disagrees_with" not in relations(entity(store, "Safe Towns Program")).popitem()[1]


def test_a_value_contradiction_shows_on_the_observations(store: list[str]) -> None:
    observations = entity(store, "Villa Verde")["observations"]
    assert isinstance(observations, list)
    by_id = {o["id"]: o for o in observations}
    assert by_id[THEFTS_2010]["disagrees_with"] == [
        {"id": THEFTS_2010_SECOND, "value": 1240, "documents": ["second.txt"]}
    ]
    assert by_id[THEFTS_2010_SECOND]["disagrees_with"][0]["value"] == 1204
    assert "disagrees_with" not in by_id["obs--table-a--quantity--2011--villa-verde"]


def test_the_graph_holds_disagreements_for_sparql(store: list[str]) -> None:
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?a civ:disagreesWith ?b }"
    code, out, err = run("sparql", query, "--format", "csv", *store)
    assert code == 0, err
    assert out.split() == ["n", "6"]


def test_the_bundled_chapter_builds_as_before(chapter_store: Path) -> None:
    """One source: nothing is confirmed, nothing disagrees, and the counts are unchanged."""
    where = ["--store", str(chapter_store)]
    built = manifest(chapter_store)
    assert (built["entities"], built["relationships"]) == (345, 423)
    query = (
        "SELECT (COUNT(?c) AS ?confirmed) (COUNT(?d) AS ?disagreeing) WHERE {"
        " { ?c civ:status civ:confirmed } UNION { ?d civ:disagreesWith ?other } }"
    )
    code, out, err = run("sparql", query, "--format", "csv", *where)
    assert code == 0, err
    assert out.split() == ["confirmed,disagreeing", "0,0"]
