"""The saved queries in queries/: each says its question, answers it on the chapter, and is
listed in the README."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from civicgraph.api import CivicGraph
from civicgraph.config import REPO_DIR
from civicgraph.serve.bolt.cypher import run
from civicgraph.serve.bolt.driver import BoltTarget

QUERIES = REPO_DIR / "queries"
SPARQL = sorted((QUERIES / "sparql").glob("*.rq"))
CYPHER = sorted((QUERIES / "cypher").glob("*.cypher"))
README = (REPO_DIR / "README.md").read_text(encoding="utf-8")

# a few answers the chapter must give, by file: (column, value expected in some row)
EXPECTED = {
    "01-who-funds-whom": ("recipient", "Network for Oral Trials"),
    "02-movements-and-demands": ("movement", "Victims' Rights Movement"),
    "03-victims-to-reforms": ("victim", "Isabel Miranda de Wallace"),
    "06-merida-initiative": ("part", "Merida Initiative"),
}


def test_there_are_enough_saved_queries() -> None:
    assert len(SPARQL) >= 15 and len(CYPHER) >= 10


@pytest.mark.parametrize("path", SPARQL + CYPHER, ids=lambda p: p.name)
def test_each_query_begins_with_its_question_and_is_in_the_readme(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# " if path.suffix == ".rq" else "// ")
    assert f"`{path.relative_to(REPO_DIR).as_posix()}`" in README


@pytest.mark.parametrize("path", SPARQL, ids=lambda p: p.name)
def test_each_sparql_query_answers_on_the_chapter(path: Path, chapter: CivicGraph) -> None:
    answer = chapter.sparql(path.read_text(encoding="utf-8"))
    assert isinstance(answer, ox.QuerySolutions)
    columns = [v.value for v in answer.variables]
    rows = [{c: getattr(s[c], "value", None) for c in columns} for s in answer]
    assert rows, f"{path.name} found nothing"
    assert all(any(v is not None for v in row.values()) for row in rows)
    if path.stem in EXPECTED:
        column, wanted = EXPECTED[path.stem]
        assert wanted in {row[column] for row in rows}


@pytest.mark.parametrize("path", CYPHER, ids=lambda p: p.name)
def test_each_cypher_query_answers_on_the_chapter(
    path: Path, bolt_uri: str, bolt_password: str
) -> None:
    answer = run(BoltTarget(bolt_uri, password=bolt_password), path.read_text(encoding="utf-8"))
    assert answer["rows"], f"{path.name} found nothing"
    if path.stem in EXPECTED and EXPECTED[path.stem][0] in answer["columns"]:
        column, wanted = EXPECTED[path.stem]
        assert wanted in {row[column] for row in answer["rows"]}
