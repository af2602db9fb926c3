"""`civicgraph suggest`: a new source's names linked to the mini graph, claims by sentence."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator
from typer.testing import CliRunner

from civicgraph.build.documents import SourceMetadata, add_source
from civicgraph.cli.app import app
from civicgraph.config import REPO_DIR
from civicgraph.graph.suggest import LINKED
from tests.cli.test_source_add import files_under
from tests.conftest import FIXTURES

runner = CliRunner()
SOURCE = "streets-second-report"
TEXT = FIXTURES / "sources" / f"{SOURCE}.txt"

# Every name in the test text that the mini graph holds, by the entity it names: by label,
# by Spanish label, by alias, with an accent the label lacks, and as an acronym.
EXPECTED = {
    "Ana Ruíz": "ana-ruiz",
    "Red Calles Limpias": "clean-streets-network",
    "Civic Fund": "civic-fund",
    "Clean Streets Network": "clean-streets-network",
    "Safe Towns Program": "safe-towns-program",
    "Villa Verde": "villa-verde",
    "CSN": "clean-streets-network",
    "Ruiz": "ana-ruiz",
}
NEW = ["Marta Quiroga", "Harbor Workers Union", "Ingrid Solberg", "Nordic Water Trust"]


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def suggested(workdir: Path) -> dict[str, Any]:
    """The mini data with the test text added as a source and built, then `suggest --json`."""
    add_source(TEXT, workdir / "data", SourceMetadata(title="A second report"), source_id=SOURCE)
    code, _, err = run("build", "--data", "data", "--store", "store")
    assert code == 0, err
    before = files_under(workdir / "data")
    code, out, err = run("suggest", SOURCE, "--json", "--store", "store")
    assert (code, err) == (0, "")
    after = files_under(workdir / "data")
    assert set(after) - set(before) == {f"review/{SOURCE}.yaml"}
    assert {k: v for k, v in after.items() if k in before} == before
    found: dict[str, Any] = json.loads(out)
    return found


def linked(mention: dict[str, Any]) -> str | None:
    best = mention["candidates"][0] if mention["candidates"] else None
    return best["id"] if best and best["score"] >= LINKED else None


def test_json_validates_and_every_offset_holds(suggested: dict[str, Any]) -> None:
    schema = json.loads((REPO_DIR / "schemas" / "suggest.schema.json").read_text())
    errors = list(Draft202012Validator(schema).iter_errors(suggested))
    assert not errors, [e.message for e in errors[:5]]
    assert suggested["source"] == SOURCE
    text = TEXT.read_text(encoding="utf-8")
    ids = [m["id"] for m in suggested["mentions"]]
    assert ids == [f"m{n}" for n in range(1, len(ids) + 1)]
    for mention in suggested["mentions"]:
        assert text[mention["char_start"] : mention["char_end"]] == mention["text"]
        scores = [c["score"] for c in mention["candidates"]]
        assert scores == sorted(scores, reverse=True) and len(scores) <= 5
    assert suggested["relationships"]
    for rel in suggested["relationships"]:
        assert text[rel["char_start"] : rel["char_end"]] == rel["quote"]
        assert {rel["subject"], rel["object"]} <= set(ids)


def test_known_names_link_top_1_with_high_precision_and_recall(
    suggested: dict[str, Any],
) -> None:
    mentions = suggested["mentions"]
    guessed = [(m["text"], linked(m)) for m in mentions if linked(m)]
    wanted = [(m["text"], EXPECTED[m["text"]]) for m in mentions if m["text"] in EXPECTED]
    right = [pair for pair in guessed if EXPECTED.get(pair[0]) == pair[1]]
    precision, recall = len(right) / len(guessed), len(right) / len(wanted)
    print(f"suggest top-1: precision {precision:.2f}, recall {recall:.2f} ({len(wanted)} names)")
    assert set(EXPECTED) <= {m["text"] for m in mentions}
    assert precision >= 0.9 and recall >= 0.9
    kinds = {m["text"]: m["kind"] for m in mentions}
    assert kinds["Ana Ruíz"] == "person" and kinds["Villa Verde"] == "place"
    assert kinds["Civic Fund"] == "organization"


def test_new_names_are_mentions_without_a_link(suggested: dict[str, Any]) -> None:
    by_text = {m["text"]: m for m in suggested["mentions"]}
    for name in NEW:
        assert name in by_text, name
        assert linked(by_text[name]) is None
    assert by_text["Harbor Workers Union"]["kind"] == "organization"
    assert "Monday" not in by_text and "Civic Fund on Monday" not in by_text


def test_relationships_guess_the_obvious_predicates(suggested: dict[str, Any]) -> None:
    entity = {m["id"]: linked(m) for m in suggested["mentions"]}
    said = {
        (entity[r["subject"]], r["predicate"], entity[r["object"]])
        for r in suggested["relationships"]
    }
    assert ("civic-fund", "funds", "clean-streets-network") in said  # "now funds"
    assert ("ana-ruiz", "founded", "clean-streets-network") in said  # "the founder of"
    passive = [r for r in suggested["relationships"] if "funded by" in r["quote"]]
    assert any((entity[r["subject"]], r["predicate"]) == ("civic-fund", "funds") for r in passive)
    assert any(r["predicate"] is None for r in suggested["relationships"])


def test_the_review_file_holds_every_item_pending(suggested: dict[str, Any], workdir: Path) -> None:
    queue = yaml.safe_load((workdir / "data" / "review" / f"{SOURCE}.yaml").read_text())
    assert queue["source"] == SOURCE and queue["document"] == f"{SOURCE}.txt"
    for key in ("mentions", "relationships"):
        assert [{k: v for k, v in item.items() if k != "status"} for item in queue[key]] == (
            suggested[key]
        )
        assert {item["status"] for item in queue[key]} == {"pending"}
    code, out, err = run("build", "--data", "data", "--store", "store")  # review/ is not data
    assert code == 0, err
    code, out, _ = run("suggest", SOURCE, "--store", "store")
    assert code == 0 and out.startswith(f"wrote data/review/{SOURCE}.yaml: ")


def test_bad_inputs_exit_2_with_one_line(workdir: Path) -> None:
    before = files_under(workdir / "data")
    code, out, err = run("suggest", "min", "--store", "store")
    assert (code, out) == (2, "")
    assert err == "error: no source 'min' in data/sources/; did you mean: mini\n"
    code, out, err = run("suggest", "mini", "--store", "store")
    assert (code, out) == (2, "")
    assert err == "error: no built store at store/; run `civicgraph build` first\n"
    code, _, err = run("suggest", "mini", "--data", "nowhere")
    assert code == 2 and len(err.splitlines()) == 1 and "nowhere" in err
    assert files_under(workdir / "data") == before
