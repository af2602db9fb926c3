"""`review merge` end to end: the judgement goes into data/resolutions.yaml, the next build
merges, and the old id keeps working everywhere (entity, path, SPARQL, /id/ pages)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests
from jsonschema import Draft202012Validator
from typer.testing import CliRunner

from civicgraph.api import CivicGraph
from civicgraph.cli.app import app
from civicgraph.config import REPO_DIR, Settings
from tests.merging import (
    KEPT,
    KEPT_RELATIONSHIP,
    OLD,
    OLD_RELATIONSHIP,
    add_duplicate,
    judged,
    with_duplicate,
)
from tests.servers import civicgraph_command, running

runner = CliRunner()
RELATIONSHIP_IDS = "SELECT ?r WHERE { ?r a civ:Relationship } ORDER BY ?r"


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@dataclass
class Merged:
    data: Path
    before: CivicGraph  # built from the data with both ids
    after: CivicGraph  # built once `review merge` judged them the same
    store: Path


def opened(store: Path) -> CivicGraph:
    return CivicGraph(Settings.resolve(store_dir=store, env={}))


@pytest.fixture(scope="module")
def merged(tmp_path_factory: pytest.TempPathFactory) -> Merged:
    root = tmp_path_factory.mktemp("merge")
    data = with_duplicate(root / "data")
    code, _, err = run("build", "--data", str(data), "--store", str(root / "before"))
    assert code == 0, err
    code, out, err = run("review", "merge", OLD, KEPT, "--note", "one founder", "--data", str(data))
    assert code == 0, err
    assert out.strip().endswith(
        f"resolutions.yaml:6: {OLD} is merged into {KEPT} at the next build"
    )
    code, _, err = run("build", "--data", str(data), "--store", str(root / "after"))
    assert code == 0, err
    return Merged(data, opened(root / "before"), opened(root / "after"), root / "after")


def test_the_judgement_is_one_reviewable_item(merged: Merged) -> None:
    text = (merged.data / "resolutions.yaml").read_text(encoding="utf-8")
    assert text.endswith(f"- same: [{OLD}, {KEPT}]\n  note: one founder\n")
    assert text.startswith("# Entity resolution")


def test_the_old_id_shows_the_kept_entity_and_says_it_was_merged(merged: Merged) -> None:
    store = ["--store", str(merged.store)]
    code, out, _ = run("entity", OLD, *store)
    assert code == 0
    assert out.splitlines()[:2] == [
        f"({OLD} was merged into {KEPT})",
        "Ana Ruiz  (ana-ruiz; Person)",
    ]
    assert f"  merged from: {OLD}" in out
    code, out, _ = run("entity", OLD, "--json", *store)
    found = json.loads(out)
    assert (found["id"], found["redirected_from"], found["merged_from"]) == (KEPT, OLD, [OLD])
    schema = json.loads((REPO_DIR / "schemas" / "entity.schema.json").read_text())
    assert not list(Draft202012Validator(schema).iter_errors(found))
    by_kept = json.loads(run("entity", KEPT, "--json", *store)[1])
    assert "redirected_from" not in by_kept and by_kept["merged_from"] == [OLD]
    assert {k: v for k, v in found.items() if k != "redirected_from"} == by_kept
    # the old label is a name of the kept entity now
    assert json.loads(run("entity", "A. Ruiz", "--json", *store)[1])["id"] == KEPT


def test_the_kept_entity_has_both_citations_and_both_relationships(merged: Merged) -> None:
    found = merged.after.entity(KEPT)
    assert {s["quote"] for s in found["sources"]} == {
        "Ana Ruiz",
        "Ana Ruiz founded the Clean Streets Network",
    }
    assert {"A. Ruiz", "Ana", "Ruiz"} <= set(found["aliases"])
    assert {r["id"] for r in found["relations"]} >= {OLD_RELATIONSHIP, KEPT_RELATIONSHIP}


def test_counts_drop_by_one_and_relationship_ids_stay(merged: Merged) -> None:
    before, after = merged.before, merged.after
    assert len(before.names.entities) - len(after.names.entities) == 1
    assert before.stats()["entities"]["Person"] == 2 and after.stats()["entities"]["Person"] == 1
    assert after.stats()["relationships"] == before.stats()["relationships"]
    assert after.sparql_table(RELATIONSHIP_IDS) == before.sparql_table(RELATIONSHIP_IDS)
    assert after.projection.number_of_nodes() == before.projection.number_of_nodes() - 1
    assert OLD not in after.projection and after.projection.has_edge(KEPT, "clean-streets-network")


def test_the_old_iri_is_a_redirect_and_nothing_more(merged: Merged) -> None:
    graph = merged.after
    assert graph.sparql(f"ASK {{ id:{OLD} owl:sameAs id:{KEPT} }}")
    assert not graph.sparql(f"ASK {{ id:{OLD} a ?type }}")
    rows = graph.sparql_table(f"SELECT ?p ?o WHERE {{ id:{OLD} ?p ?o }}")["rows"]
    assert len(rows) == 1
    assert not graph.sparql(f"ASK {{ ?r civ:subject id:{OLD} }}")


def test_the_analyses_take_the_old_id(merged: Merged) -> None:
    store = ["--store", str(merged.store)]
    code, out, _ = run("path", OLD, "police-reform", "--json", *store)
    assert code == 0 and json.loads(out)["from"]["id"] == KEPT
    code, out, _ = run("neighbours", OLD, "--json", *store)
    assert code == 0 and out.count('"ana-ruiz"') >= 1


def test_the_kept_files_are_what_the_store_reads_back(merged: Merged) -> None:
    from civicgraph.graph.entities import NameIndex
    from civicgraph.graph.project import project
    from civicgraph.store.kept import read_citations
    from tests.store.test_kept import same

    graph = merged.after
    from_store = NameIndex.from_store(graph.store, graph.model)
    assert graph.names.entities == dict(sorted(from_store.entities.items()))
    assert graph.names.redirects == from_store.redirects == {OLD: KEPT}
    assert same(graph.projection, project(graph.store, graph.model, from_store))
    kept = read_citations(graph.build_dir, graph.settings.ontology_dir)
    assert kept is not None
    iri = f"https://w3id.org/civicgraph/id/{KEPT}"
    assert kept[0][iri] == graph.entity(KEPT)["sources"]


@pytest.fixture(scope="module")
def endpoint(merged: Merged, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    workdir = tmp_path_factory.mktemp("serve-merged")
    command = civicgraph_command(
        "serve", "sparql", "--port", "0", "--store", str(merged.store), "--workers", "1"
    )
    with running(command, workdir, timeout=60) as (url, _):
        yield url.removesuffix("/sparql")


def test_the_old_permalink_redirects_to_the_kept_entity(endpoint: str) -> None:
    answer = requests.get(f"{endpoint}/id/{OLD}?format=ttl", allow_redirects=False, timeout=30)
    assert answer.status_code == 303
    assert answer.headers["Location"] == f"/id/{KEPT}?format=ttl"
    assert f"merged into https://w3id.org/civicgraph/id/{KEPT}" in answer.text
    followed = requests.get(f"{endpoint}/id/{OLD}", timeout=30)
    assert followed.status_code == 200 and followed.url.endswith(f"/id/{KEPT}")
    triples = [q.triple for q in ox.parse(followed.content, format=ox.RdfFormat.TURTLE)]
    same_as = ox.NamedNode("http://www.w3.org/2002/07/owl#sameAs")
    kept, old = (ox.NamedNode(f"https://w3id.org/civicgraph/id/{s}") for s in (KEPT, OLD))
    assert ox.Triple(old, same_as, kept) in triples  # the redirect, among what points at it
    page = requests.get(f"{endpoint}/id/{OLD}", headers={"Accept": "text/html"}, timeout=30)
    assert "<h1>Ana Ruiz</h1>" in page.text
    assert requests.get(f"{endpoint}/id/a-ruiz-2", timeout=30).status_code == 404


def test_unmerge_takes_the_judgement_back(workdir: Path) -> None:
    add_duplicate(workdir / "data")
    assert run("review", "merge", OLD, KEPT)[0] == 0
    assert run("review", "judge", "civic-fund", "clean-streets-network", "--different")[0] == 0
    code, out, _ = run("review", "unmerge", OLD)
    assert code == 0 and "data/resolutions.yaml:6" in out
    text = (workdir / "data" / "resolutions.yaml").read_text()
    assert OLD not in text and text.endswith("- different: [civic-fund, clean-streets-network]\n")
    assert run("build")[0] == 0
    assert OLD in opened(workdir / ".civicgraph").names.entities


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["merge", "a-ruis", KEPT], "error: 'a-ruis' is not an entity id in data/entities/; "
         "did you mean a-ruiz, ana-ruiz?"),
        (["merge", OLD, "villa-verde"], "data/resolutions.yaml:6: cannot merge a-ruiz (Person) "
         "into villa-verde (Municipality)"),
        (["merge", OLD, OLD], "data/resolutions.yaml:6: cannot merge an id into itself"),
        (["judge", OLD, KEPT], "say --different or --unsure"),
        (["judge", OLD, KEPT, "--different", "--unsure"], "say --different or --unsure"),
        (["unmerge", KEPT], "error: ana-ruiz is not merged into another id in "
         "data/resolutions.yaml"),
    ],
)  # fmt: skip
def test_every_bad_review_exits_2_and_changes_nothing(
    workdir: Path, args: list[str], expected: str
) -> None:
    add_duplicate(workdir / "data")
    code, _, err = run("review", *args)
    assert code == 2 and err.startswith(expected), err
    assert not (workdir / "data" / "resolutions.yaml").exists()


def test_a_pair_judged_already_exits_2_saying_how(workdir: Path) -> None:
    add_duplicate(workdir / "data")
    assert run("review", "merge", OLD, KEPT)[0] == 0
    before = (workdir / "data" / "resolutions.yaml").read_bytes()
    code, _, err = run("review", "judge", KEPT, OLD, "--unsure")
    assert code == 2
    assert err.strip() == (
        f"error: {KEPT} and {OLD} are already judged same at data/resolutions.yaml:6; "
        f"`civicgraph review unmerge {OLD}` takes it back"
    )
    assert (workdir / "data" / "resolutions.yaml").read_bytes() == before


def test_a_broken_file_is_reported_and_left_alone(workdir: Path) -> None:
    add_duplicate(workdir / "data")
    path = judged(workdir / "data", "- same: [a-ruiz]\n- different: [x, x]\n")
    code, _, err = run("review", "merge", OLD, KEPT)
    assert code == 2
    assert err.splitlines() == [
        "data/resolutions.yaml:1: same takes two entity ids, [a, b], not ['a-ruiz']",
        "data/resolutions.yaml:2: cannot judge an id against itself ('x')",
        "data/resolutions.yaml is unchanged: 2 problem(s)",
    ]
    assert path.read_text() == "- same: [a-ruiz]\n- different: [x, x]\n"
