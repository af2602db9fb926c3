"""`civicgraph review`: a second source's suggestions reviewed into the mini graph's records.

The mini data is copied to a working directory, the test text added as a source with
`source add` and reviewed with `suggest`; every accepted item must then pass `build`, and
`entity --json` must show the new citation at offsets that hold its quote.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator
from typer.testing import CliRunner

from civicgraph.cli.app import app
from civicgraph.config import REPO_DIR
from tests.build.test_yamledit import only_added
from tests.cli.test_source_add import files_under
from tests.conftest import FIXTURES

runner = CliRunner()
SOURCE = "streets-second-report"
DOCUMENT = f"{SOURCE}.txt"
TEXT = (FIXTURES / "sources" / DOCUMENT).read_text(encoding="utf-8")
QUEUE = Path("data") / "review" / f"{SOURCE}.yaml"


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def ok(*args: str) -> str:
    code, out, err = run(*args)
    assert code == 0, err
    return out


@pytest.fixture
def queue(workdir: Path) -> dict[str, Any]:
    """The mini data, the test text added as a source, built, and `suggest`ed."""
    ok("source", "add", str(FIXTURES / "sources" / DOCUMENT), "--id", SOURCE, "--data", "data",
       "--publisher", "Second Press")  # fmt: skip
    ok("build", "--data", "data", "--store", "store")
    ok("suggest", SOURCE, "--store", "store")
    found: dict[str, Any] = yaml.safe_load(QUEUE.read_text(encoding="utf-8"))
    return found


def mention(queue: dict[str, Any], text: str, nth: int = 1) -> str:
    """The item id of the n-th mention printed as `text`."""
    ids = [m["id"] for m in queue["mentions"] if m["text"] == text]
    return f"{SOURCE}/{ids[nth - 1]}"


def candidate(queue: dict[str, Any], subject: str, obj: str, predicate: str | None) -> str:
    """The item id of the relationship candidate between two mentions (bare ids)."""
    for r in queue["relationships"]:
        if (r["subject"], r["object"], r["predicate"]) == (subject, obj, predicate):
            return f"{SOURCE}/{r['id']}"
    raise AssertionError((subject, obj, predicate))


def bare(item: str) -> str:
    return item.rpartition("/")[2]


def item_in_queue(item: str) -> dict[str, Any]:
    current = yaml.safe_load(QUEUE.read_text(encoding="utf-8"))
    found: dict[str, Any] = next(
        i for key in ("mentions", "relationships") for i in current[key] if i["id"] == bare(item)
    )
    return found


def profile(entity: str) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(ok("entity", entity, "--json", "--store", "store"))
    return found


def cited_here(sources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The citations of the new document, each checked to hold its quote at its offsets."""
    here = [s for s in sources if s["document"] == DOCUMENT]
    for s in here:
        assert TEXT[s["char_start"] : s["char_end"]] == s["quote"]
    return here


def test_list_shows_the_queue_and_validates(queue: dict[str, Any]) -> None:
    listed = json.loads(ok("review", "list", "--json"))
    schema = json.loads((REPO_DIR / "schemas" / "review.schema.json").read_text())
    errors = list(Draft202012Validator(schema).iter_errors(listed))
    assert not errors, [e.message for e in errors[:5]]
    rows = listed["items"]
    assert len(rows) == len(queue["mentions"]) + len(queue["relationships"])
    assert {r["status"] for r in rows} == {"pending"}
    csn = next(r for r in rows if r["item"] == mention(queue, "CSN"))
    assert csn["kind"] == "mention" and csn["candidate"]["id"] == "clean-streets-network"
    out = ok("review", "list", SOURCE)
    assert f"{mention(queue, 'CSN')}\tmention\tpending\t'CSN' → clean-streets-network" in out
    assert ok("review", "list", "--status", "accepted") == "no accepted items\n"


def test_accepting_a_mention_edits_its_entity_in_place(queue: dict[str, Any]) -> None:
    groups = Path("data/entities/groups.yaml")
    before = groups.read_text(encoding="utf-8")
    item = mention(queue, "CSN")
    out = ok("review", "accept", item)  # the top candidate, 0.95
    assert out.startswith(f"accepted {item}: linked to clean-streets-network; alias 'CSN'; ")
    assert "next: `civicgraph build`" in out
    sentence = "The CSN says it will keep pressing for police reform."
    start = TEXT.index(sentence)
    assert only_added(before, groups.read_text(encoding="utf-8")) == [
        '  aliases: ["CSN"]',
        "  review: unreviewed",
        f'    - quote: "{sentence}"',
        f"      document: {DOCUMENT}",
        f"      start: {start}",
    ]
    assert item_in_queue(item) | {} == {
        **next(m for m in queue["mentions"] if m["id"] == bare(item)),
        "status": "accepted",
        "entity": "clean-streets-network",
    }
    # a name it already has (the Spanish label, an accent the alias lacks) is no new alias
    ok("review", "accept", mention(queue, "Ruiz"))
    ok("review", "accept", mention(queue, "Red Calles Limpias"))
    ok("build", "--data", "data", "--store", "store")
    network = profile("clean-streets-network")
    assert network["aliases"] == ["CSN"]
    here = cited_here(network["sources"])
    assert [(s["quote"], s["char_start"]) for s in here] == [
        (TEXT[s["char_start"] : s["char_end"]], s["char_start"]) for s in here
    ]
    assert {s["quote"] for s in here} == {sentence, TEXT.split("\n")[2].split(". ")[0] + "."}
    ana = profile("ana-ruiz")
    assert ana["aliases"] == ["Ruiz"]
    assert [s["quote"] for s in cited_here(ana["sources"])] == [
        "Reporters heard Ruiz say that Villa Verde needs street lights more than patrols."
    ]
    code, _, err = run("review", "accept", item)
    assert (code, err) == (2, f"error: {item} is already accepted (clean-streets-network)\n")


def test_new_entities_and_relationships_pass_the_build(queue: dict[str, Any]) -> None:
    marta, union = mention(queue, "Marta Quiroga"), mention(queue, "Harbor Workers Union")
    ok("review", "accept", marta, "--new", "Person", "--label", "Marta Quiroga")
    ok("review", "accept", union, "--new", "CivilSocietyOrganization",
       "--label", "Harbor Workers Union (Villa Verde)", "--id", "harbor-workers-union")  # fmt: skip
    added = yaml.safe_load(Path(f"data/entities/{SOURCE}.yaml").read_text(encoding="utf-8"))
    assert [(r["id"], r.get("aliases"), r["review"]) for r in added] == [
        ("marta-quiroga", None, "unreviewed"),
        ("harbor-workers-union", ["Harbor Workers Union"], "unreviewed"),
    ]
    fund, network = mention(queue, "Civic Fund", 2), mention(queue, "Clean Streets Network")
    funds = candidate(queue, bare(fund), bare(network), "funds")
    code, _, err = run("review", "accept", funds)
    assert code == 2
    assert err == (
        f"error: {funds}: accept {fund} ('Civic Fund') and {network} "
        "('Clean Streets Network') first\n"
    )
    ok("review", "accept", fund)
    ok("review", "accept", network)
    links = Path("data/relationships/links.yaml")
    before = links.read_text(encoding="utf-8")
    out = ok("review", "accept", funds)  # the same claim: a second source for it
    assert f"citation {DOCUMENT}:" in out and "for civic-fund--funds--clean-streets-network" in out
    assert only_added(before, links.read_text(encoding="utf-8"))[0] == "  review: unreviewed"
    ana, first_fund = mention(queue, "Ana Ruíz"), mention(queue, "Civic Fund")
    met = candidate(queue, bare(ana), bare(first_fund), None)
    ok("review", "accept", ana)
    ok("review", "accept", first_fund)
    code, _, err = run("review", "accept", met)
    assert code == 2 and err.startswith(f"error: {met} has no predicate; give --predicate (one of")
    out = ok("review", "accept", met, "--predicate", "supports", "--reverse")
    assert "new relationship civic-fund--supports--ana-ruiz" in out
    assert item_in_queue(met)["relationship"] == "civic-fund--supports--ana-ruiz"
    ok("build", "--data", "data", "--store", "store")
    relations = {r["id"]: r for r in profile("civic-fund")["relations"]}
    funding = relations["civic-fund--funds--clean-streets-network"]
    assert funding["review"] == "unreviewed" and len(funding["sources"]) == 2
    assert len(cited_here(funding["sources"])) == 1
    support = relations["civic-fund--supports--ana-ruiz"]
    assert [s["quote"] for s in cited_here(support["sources"])] == [
        "Ana Ruíz, the founder of the Red Calles Limpias, met the Civic Fund on Monday."
    ]
    person = profile("marta-quiroga")
    assert person["types"] == ["Person"] and len(cited_here(person["sources"])) == 1


def test_reject_and_check(queue: dict[str, Any]) -> None:
    place = mention(queue, "Puerto Lindo")
    assert ok("review", "reject", place, "--note", "only a place") == (
        f"rejected {place}: rejected\nwrote {QUEUE}\n"
    )
    rows = json.loads(ok("review", "list", "--status", "rejected", "--json"))["items"]
    assert [(r["item"], r["note"]) for r in rows] == [(place, "only a place")]
    code, _, err = run("review", "reject", place)
    assert (code, err) == (2, f"error: {place} is already rejected\n")
    claim = "civic-fund--funds--clean-streets-network"
    assert ok("review", "check", claim).startswith(f"checked {claim}: review: checked\nwrote ")
    assert ok("review", "check", claim) == f"checked {claim}: already checked\n"
    ok("review", "check", "civic-fund")
    ok("build", "--data", "data", "--store", "store")
    groups = yaml.safe_load(Path("data/entities/groups.yaml").read_text(encoding="utf-8"))
    assert next(r for r in groups if r["id"] == "civic-fund")["review"] == "checked"
    fund = profile("civic-fund")
    assert {r["id"]: r["review"] for r in fund["relations"]}[claim] == "checked"


def test_bad_inputs_exit_2_with_one_line_and_write_nothing(queue: dict[str, Any]) -> None:
    marta, fund = mention(queue, "Marta Quiroga"), mention(queue, "Civic Fund")
    fund2, network = mention(queue, "Civic Fund", 2), mention(queue, "Clean Streets Network")
    funds = candidate(queue, bare(fund2), bare(network), "funds")
    before = files_under(Path("data"))
    cases = {
        ("review", "list", "streets"): "error: no review queue 'streets' in data/review/; "
        f"did you mean: {SOURCE}",
        ("review", "accept", f"{SOURCE}/m99"): "error: no review item",
        ("review", "accept", "nowhere/m1"): "error: no review queue 'nowhere'",
        ("review", "accept", marta): f"error: {marta} 'Marta Quiroga': it has no candidate "
        "(below 0.8); give --as ENTITY_ID or --new TYPE --label LABEL",
        ("review", "accept", marta, "--as", "civic-fnd"): "error: no entity 'civic-fnd' in "
        "data/entities/; did you mean: civic-fund",
        ("review", "accept", marta, "--new", "Persn", "--label", "M"): "error: unknown entity "
        "type 'Persn'; did you mean: Person",
        ("review", "accept", marta, "--new", "Person"): "error: --new TYPE needs --label",
        ("review", "accept", marta, "--label", "M"): "error: --label and --id go with --new",
        ("review", "accept", marta, "--new", "Person", "--label", "Ana Ruíz", "--id", "a-r"): (
            "error: ana-ruiz already has the label 'Ana Ruiz'; labels are unique"
        ),
        ("review", "accept", marta, "--new", "Person", "--label", "M", "--id", "ana-ruiz"): (
            "error: an entity 'ana-ruiz' exists already"
        ),
        ("review", "accept", marta, "--new", "Person", "--label", "M", "--id", "M Q"): (
            "error: id 'M Q' is not a slug"
        ),
        ("review", "accept", marta, "--as", "civic-fund", "--new", "Person", "--label", "M"): (
            "error: give --as ENTITY_ID or --new TYPE, not both"
        ),
        ("review", "accept", fund, "--predicate", "funds"): f"error: {fund} is a mention",
        ("review", "accept", funds, "--as", "civic-fund"): f"error: {funds} is a relationship",
        ("review", "accept", funds, "--predicate", "fund"): f"error: {funds}: accept ",
        ("review", "check", "civic-fnd"): "error: no record 'civic-fnd' in data/; did you mean: "
        "civic-fund",
    }
    for args, message in cases.items():
        code, out, err = run(*args)
        assert (code, out) == (2, ""), (args, err)
        assert err.startswith(message) and len(err.splitlines()) == 1, (args, err)
    assert files_under(Path("data")) == before
    ok("review", "accept", fund2)
    ok("review", "accept", network)
    code, _, err = run("review", "accept", funds, "--predicate", "fund")
    assert (code, err.split(";")[0]) == (2, "error: unknown predicate 'fund'")
    assert "did you mean: funds" in err


def test_queues_that_cannot_be_read_or_named(queue: dict[str, Any], tmp_path: Path) -> None:
    shutil.copy(QUEUE, QUEUE.with_name("other.yaml"))
    code, _, err = run("review", "accept", "m1")
    assert (code, err) == (2, f"error: m1 is in several queues (other, {SOURCE}); "
                              "write SOURCE_ID/m1\n")  # fmt: skip
    text = QUEUE.read_text(encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row.startswith("- id: m1"))
    other = text.replace("  status: pending", "  status: maybe", 1)
    QUEUE.with_name("other.yaml").write_text(other)
    code, out, err = run("review", "list")
    assert (code, out) == (2, "")
    assert err == (
        f"data/review/other.yaml:{line}: status must be one of pending, accepted, rejected\n"
    )
    QUEUE.with_name("other.yaml").write_text("source: [unclosed\n")
    code, _, err = run("review", "list")
    assert code == 2 and err.startswith("data/review/other.yaml:2: malformed YAML: ")
    QUEUE.with_name("other.yaml").unlink()
    moved = text.replace("char_start: ", "char_start: 1", 1)  # offsets no longer hold the text
    QUEUE.write_text(moved, encoding="utf-8")
    code, _, err = run("review", "accept", "m1")
    assert code == 2 and "'Ana Ruíz' is not at 1" in err and "run `civicgraph suggest" in err
    code, _, err = run("review", "list", "--data", str(tmp_path / "empty"))
    assert code == 2 and err.startswith("error: no review queues in ")


def test_a_dated_record_of_the_same_claim_is_named(queue: dict[str, Any]) -> None:
    ana, network = mention(queue, "Ana Ruíz"), mention(queue, "Red Calles Limpias")
    founded = candidate(queue, bare(ana), bare(network), "founded")
    ok("review", "accept", ana)
    ok("review", "accept", network)
    out = ok("review", "accept", founded)
    assert out.startswith(
        f"accepted {founded}: new relationship ana-ruiz--founded--clean-streets-network; "
        "compare ana-ruiz--founded--clean-streets-network--2010, which says the same\n"
    )
    ok("build", "--data", "data", "--store", "store")
