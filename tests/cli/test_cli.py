"""The command line keeps the contract: JSON shapes, exit codes, plain one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from civicgraph.cli.app import app

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def store(mini_store: Path) -> list[str]:
    return ["--store", str(mini_store)]


def test_stats_json_shape(store: list[str]) -> None:
    code, out, _ = run("stats", "--json", *store)
    assert code == 0
    stats = json.loads(out)
    assert set(stats) == {"entities", "relationships", "observations", "citations", "triples"}
    assert stats["entities"]["Person"] == 1 and stats["observations"] == 2


def test_entity_text_shows_quotes_and_json_matches_contract(store: list[str]) -> None:
    code, out, _ = run("entity", "ana ruíz", *store)
    assert code == 0
    assert "—founded→ Clean Streets Network [from 2010] (reported, unreviewed)" in out
    assert "“Ana Ruiz founded the Clean Streets Network in 2010” (mini.txt:" in out
    code, out, _ = run("entity", "Ana Ruiz", "--json", *store)
    assert code == 0 and json.loads(out)["id"] == "ana-ruiz"


def test_unknown_entity_exits_1_with_suggestions(store: list[str]) -> None:
    code, out, err = run("entity", "Ana Ruis", *store)
    assert code == 1 and out == ""
    assert err.splitlines() == ["no entity named 'Ana Ruis'", "did you mean: Ana Ruiz (ana-ruiz)"]


def test_search_and_type_filter(store: list[str]) -> None:
    code, out, _ = run("search", "streets", "--json", *store)
    assert code == 0 and json.loads(out)[0]["id"] == "clean-streets-network"
    code, _, err = run("search", "streets", "--type", "Wizard", *store)
    assert code == 2 and "unknown type 'Wizard'" in err
    code, _, _ = run("search", "zzzzqqq", *store)
    assert code == 1


def test_path_json_and_no_path(store: list[str]) -> None:
    code, out, _ = run("path", "Ana Ruiz", "Safe Towns Program", "--json", *store)
    assert code == 0
    found = json.loads(out)
    assert found["from"] == {"id": "ana-ruiz", "label": "Ana Ruiz"}
    assert found["paths"][0]["length"] == 3
    code, _, err = run("path", "Ana Ruiz", "Nobody", *store)
    assert code == 1 and "no entity named 'Nobody'" in err
    code, _, err = run("path", "Ana Ruiz", "Safe Towns Program", "--max-hops", "1", *store)
    assert code == 1 and "no path" in err


def test_centrality_json(store: list[str]) -> None:
    code, out, _ = run("centrality", "--metric", "betweenness", "--json", "--top", "3", *store)
    assert code == 0
    ranked = json.loads(out)
    assert ranked["metric"] == "betweenness" and len(ranked["results"]) == 3
    assert ranked["results"][0]["id"] == "clean-streets-network"


def test_sparql_formats_file_and_errors(store: list[str], tmp_path: Path) -> None:
    query = "SELECT ?l WHERE { id:ana-ruiz rdfs:label ?l }"
    code, out, _ = run("sparql", query, "--format", "json", *store)
    assert code == 0 and json.loads(out)["results"]["bindings"][0]["l"]["value"] == "Ana Ruiz"
    (tmp_path / "q.rq").write_text(query)
    code, out, _ = run("sparql", f"@{tmp_path / 'q.rq'}", "--format", "csv", *store)
    assert code == 0 and out.splitlines() == ["l", "Ana Ruiz"]
    code, _, err = run("sparql", "SELECT WHERE", *store)
    assert code == 2 and err.startswith("error: SPARQL syntax error") and "Traceback" not in err


def test_export_to_file_is_written_whole(store: list[str], tmp_path: Path) -> None:
    target = tmp_path / "graph.nt"
    code, _, _ = run("export", "--format", "nt", "-o", str(target), *store)
    assert code == 0
    code, out, _ = run("stats", "--json", *store)
    assert target.read_text().count("\n") == json.loads(out)["triples"]
    assert not list(tmp_path.glob("*.partial"))


def test_missing_store_is_a_plain_error(tmp_path: Path) -> None:
    code, _, err = run("stats", "--store", str(tmp_path / "nowhere"))
    assert code == 2
    assert (
        err.strip()
        == f"error: no built store at {tmp_path / 'nowhere'}/; run `civicgraph build` first"
    )


@pytest.mark.parametrize("command", [["cypher"], ["push"], ["serve", "sparql"], ["serve", "bolt"]])
def test_the_query_interface_commands_are_available(command: list[str]) -> None:
    code, out, _ = run(*command, "--help")
    assert code == 0 and "not available yet" not in out


def test_help_lists_every_contract_command() -> None:
    code, out, _ = run("--help")
    assert code == 0
    for command in (
        "build",
        "stats",
        "entity",
        "search",
        "path",
        "centrality",
        "sparql",
        "export",
        "explore",
        "cypher",
        "push",
        "synth",
        "serve",
    ):
        assert command in out


def test_path_evidence_packet_to_file(store: list[str], tmp_path: Path) -> None:
    target = tmp_path / "evidence.md"
    code, _, err = run(
        "path", "Ana Ruiz", "Safe Towns Program", "--format", "md", "-o", str(target), *store
    )
    assert code == 0 and "wrote" in err
    text = target.read_text()
    assert (
        "1. Ana Ruiz founded Clean Streets Network (from 2010)"
        " [not yet read a second time against the source].[^1]"
    ) in text
    assert "[^3]: “Police reform is part of the Safe Towns Program”" in text


def test_path_options_reach_the_api(store: list[str]) -> None:
    code, out, _ = run("path", "Ana Ruiz", "Civic Fund", "--avoid", "Clean Streets Network", *store)
    assert code == 1
    code, out, _ = run("path", "Ana Ruiz", "Civic Fund", "--through-context", "--json", *store)
    assert code == 0 and json.loads(out)["paths"][0]["length"] == 2
    code, _, err = run("path", "Ana Ruiz", "Civic Fund", "--relation", "admires", *store)
    assert code == 2 and "unknown relation 'admires'" in err
    code, _, err = run(
        "path", "Ana Ruiz", "Civic Fund", "--at", "2010", "--between", "1", "2", *store
    )
    assert code == 2 and "not both" in err


def test_reach_neighbours_communities_brokers(store: list[str]) -> None:
    code, out, _ = run("reach", "Ana Ruiz", *store)
    assert code == 0
    assert out.splitlines()[0].startswith("2  Police reform  (Reform)  →founded →demands")
    code, out, _ = run("neighbours", "ana-ruiz", *store)
    assert code == 0 and out.splitlines()[-1] == "(2 entities, 1 relationships)"
    code, out, _ = run("communities", *store)
    assert code == 0 and out.startswith("modularity ")
    code, out, _ = run("brokers", "--from-type", "Person", "--to-type", "Program", *store)
    assert code == 0 and "1 pairs cut  Clean Streets Network" in out
    code, _, err = run("reach", "Ana Ruiz", "--to-type", "Dataset", *store)
    assert code == 1 and "reaches none" in err
