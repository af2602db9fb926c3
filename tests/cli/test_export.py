"""`civicgraph export --format ftm|ftm-statements|neo4j-csv` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

from followthemoney import model as ftm_model
from typer.testing import CliRunner

from civicgraph.cli.app import app

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_ftm_lines_on_stdout_are_entities(mini_store: Path) -> None:
    code, out, _ = run("export", "--format", "ftm", "--store", str(mini_store))
    assert code == 0
    lines = out.splitlines()
    assert lines
    for line in lines:
        data = json.loads(line)
        assert ftm_model.get(data["schema"]).validate(data) is None


def test_ftm_statements_to_a_file(mini_store: Path, tmp_path: Path) -> None:
    target = tmp_path / "statements.csv"
    code, _, err = run(
        "export", "--format", "ftm-statements", "-o", str(target), "--store", str(mini_store)
    )
    assert code == 0 and "wrote" in err
    header = target.read_text(encoding="utf-8").splitlines()[0]
    assert '"dataset"' in header and '"origin"' in header


def test_neo4j_csv_needs_a_new_directory(mini_store: Path, tmp_path: Path) -> None:
    code, _, err = run("export", "--format", "neo4j-csv", "--store", str(mini_store))
    assert code == 2 and err.count("\n") == 1 and "-o DIR" in err
    target = tmp_path / "import"
    code, _, err = run(
        "export", "--format", "neo4j-csv", "-o", str(target), "--store", str(mini_store)
    )
    assert code == 0 and (target / "import.sh").exists()
    code, _, err = run(
        "export", "--format", "neo4j-csv", "-o", str(target), "--store", str(mini_store)
    )
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err


def test_help_names_the_new_formats() -> None:
    code, out, _ = run("export", "--help")
    assert code == 0
    for name in ("ftm", "ftm-statements", "neo4j-csv"):
        assert name in out
