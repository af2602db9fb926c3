"""The chapter's statistics, cell by cell: Tables 1 and 2 and the ICESI figures are parsed from
the source text with plain Python and compared with what SPARQL finds in the built graph."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from civicgraph.cli.app import app
from civicgraph.config import REPO_DIR

SOURCE = REPO_DIR / "data" / "sources" / "building-resilient-communities-intro.txt"
runner = CliRunner()


def fold(name: str) -> str:
    return name.casefold()


def sparql(store: Path, query: str) -> list[dict[str, str]]:
    """Run a query through `civicgraph sparql --format json`; return the bindings' values."""
    result = runner.invoke(app, ["sparql", query, "--format", "json", "--store", str(store)])
    assert result.exit_code == 0, result.stderr
    answer = json.loads(result.stdout)
    return [{k: v["value"] for k, v in row.items()} for row in answer["results"]["bindings"]]


def names_of(store: Path) -> dict[str, set[str]]:
    """Every entity's English label and aliases, folded, by IRI."""
    rows = sparql(
        store,
        "SELECT ?e ?n WHERE { { ?e rdfs:label ?n } UNION { ?e skos:altLabel ?n } "
        "?e a/civ:recordType ?t }",
    )
    names: dict[str, set[str]] = {}
    for row in rows:
        names.setdefault(row["e"], set()).add(fold(row["n"]))
    return names


# ---------------------------------------------------------------- parsing the source text


def parse_table_1(text: str) -> dict[tuple[str, int], tuple[str, int, int]]:
    """(year, rank) -> (municipality as printed, homicides, rate), from Table 1's two blocks."""
    lines = text[text.index("TABLE 1:") :].splitlines()
    cells: dict[tuple[str, int], tuple[str, int, int]] = {}
    for at, line in enumerate(lines):
        years = re.findall(r"\b(20\d\d)\b", line)
        if len(years) != 3 or not line.startswith("\t"):
            continue
        for row in lines[at + 2 : at + 12]:  # skip the "Municipality # Rate" heading line
            parts = row.split("\t")
            rank = int(parts[0])
            for column, year in enumerate(years):
                name, count, rate = parts[1 + 3 * column : 4 + 3 * column]
                cells[(year, rank)] = (name, int(count.replace(",", "")), int(rate))
    return cells


def parse_table_2(text: str) -> dict[tuple[str, str], Decimal]:
    """(agency as printed, column) -> percentage, from Table 2."""
    lines = text[text.index("TABLE 2:") :].splitlines()
    header_at = next(i for i, line in enumerate(lines) if line.startswith("Agency\t"))
    columns = lines[header_at].split("\t")[1:5]
    cells: dict[tuple[str, str], Decimal] = {}
    for line in lines[header_at + 1 :]:
        if not line.strip():
            break
        agency, *values = line.split("\t")
        for column, number in zip(columns, values[:4], strict=True):
            cells[(agency, column)] = Decimal(number)
    return cells


def parse_icesi(text: str) -> list[tuple[int, str]]:
    """(percent, the words that follow it) for each reason in the ICESI sentence."""
    sentence = re.search(r"In a study released in 2011, ICESI found that (.+?)\.⁴", text)
    assert sentence is not None
    parts = re.split(r"(\d+) percent", sentence.group(1))[1:]
    return [(int(parts[i]), parts[i + 1]) for i in range(0, len(parts), 2)]


@pytest.fixture(scope="module")
def text() -> str:
    return SOURCE.read_text(encoding="utf-8")


# ---------------------------------------------------------------- the tests


def test_the_parsers_read_whole_tables(text: str) -> None:
    assert len(parse_table_1(text)) == 60  # six years x ten ranks
    assert len(parse_table_2(text)) == 44  # eleven institutions x four answers
    assert [p for p, _ in parse_icesi(text)] == [39, 16, 10, 9, 6, 3, 1]


def test_table_1_cell_by_cell(chapter_store: Path, text: str) -> None:
    printed = parse_table_1(text)
    rows = sparql(
        chapter_store,
        """SELECT ?place ?period ?rank ?measure ?value WHERE {
             ?o qb:dataSet id:table-1 ; civ:place ?place ; civ:period ?period ; civ:rank ?rank ;
                qb:measureType ?m ; ?m ?value . ?m civ:recordKey ?measure }""",
    )
    graph: dict[tuple[str, int], dict[str, Any]] = {}
    for row in rows:
        cell = graph.setdefault((row["period"], int(row["rank"])), {"place": row["place"]})
        assert cell["place"] == row["place"], "one place per year and rank"
        cell[row["measure"]] = int(row["value"])
    assert set(graph) == set(printed)
    names = names_of(chapter_store)
    for key, (municipality, homicides, rate) in printed.items():
        cell = graph[key]
        assert fold(municipality) in names[cell["place"]], (key, municipality, cell["place"])
        assert cell["homicides"] == homicides, key
        assert cell["homicideRate"] == rate, key


def test_table_1_rates_are_per_100k_and_counts_are_counts(chapter_store: Path) -> None:
    rows = sparql(
        chapter_store,
        """SELECT ?measure ?unit (COUNT(?o) AS ?n) WHERE {
             ?o qb:dataSet id:table-1 ; qb:measureType/civ:recordKey ?measure ; civ:unit ?unit }
           GROUP BY ?measure ?unit""",
    )
    assert {(r["measure"], r["unit"], r["n"]) for r in rows} == {
        ("homicides", "count", "60"),
        ("homicideRate", "per-100k", "60"),
    }


def test_table_2_cell_by_cell(chapter_store: Path, text: str) -> None:
    printed = parse_table_2(text)
    rows = sparql(
        chapter_store,
        """SELECT ?agency ?category ?value ?period WHERE {
             ?o qb:dataSet id:table-2 ; civ:agency ?agency ; civ:category ?category ;
                civ:period ?period ; civ:confidenceShare ?value }""",
    )
    assert len(rows) == len(printed) == 44
    names = names_of(chapter_store)
    graph = {}
    for row in rows:
        assert row["period"] == "2010"
        agency = next(a for a, _ in printed if fold(a) in names[row["agency"]])
        column = next(c for _, c in printed if fold(c) in names[row["category"]])
        graph[(agency, column)] = Decimal(row["value"])
    assert graph == printed


def test_table_2_comes_from_inegis_2010_survey(chapter_store: Path) -> None:
    rows = sparql(
        chapter_store,
        """SELECT ?survey ?producer WHERE {
             id:table-2 civ:cites ?survey . ?survey civ:publishedBy ?producer }""",
    )
    assert {r["survey"].rsplit("/", 1)[1] for r in rows} == {
        "encuesta-nacional-sobre-inseguridad-2010"
    }
    assert "https://w3id.org/civicgraph/id/inegi" in {r["producer"] for r in rows}


def test_icesi_reasons_figure_by_figure(chapter_store: Path, text: str) -> None:
    printed = parse_icesi(text)
    rows = sparql(
        chapter_store,
        """SELECT ?value ?quote (GROUP_CONCAT(?cited; separator="|") AS ?reasons) WHERE {
             ?o qb:dataSet id:icesi-2011-study ; civ:period ?period ;
                civ:nonReportingShare ?value ; civ:citation/civ:quote ?quote ;
                civ:category/civ:citation/civ:quote ?cited . FILTER(STR(?period) = "2011")
             # the observation's quote of its figure (another may date the study)
             FILTER(STRSTARTS(?quote, CONCAT(STR(?value), " percent"))) }
           GROUP BY ?o ?value ?quote""",
    )
    # each printed figure is one observation, quoted once where it is printed
    assert sorted(int(r["value"]) for r in rows) == sorted(p for p, _ in printed)
    words_after = dict(printed)
    for row in rows:
        percent = int(row["value"])
        assert row["quote"].startswith(f"{percent} percent"), row
        # the category the observation names is the reason printed right after its number
        printed_here = f"{percent} percent{words_after[percent]}"
        assert any(reason in printed_here for reason in row["reasons"].split("|")), row


def test_icesi_study_is_dated_and_attributed(chapter_store: Path) -> None:
    rows = sparql(
        chapter_store,
        """SELECT ?who ?start WHERE {
             ?r civ:subject id:icesi-2011-study ; civ:relation civ:publishedBy ;
                civ:object ?who ; civ:startDate ?start }""",
    )
    assert rows == [{"who": "https://w3id.org/civicgraph/id/icesi", "start": "2011"}]
