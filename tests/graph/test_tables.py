"""Statistics as tables: observations of a dataset, flat and labelled, with a source line."""

from __future__ import annotations

import pytest

from civicgraph.api import CivicGraph
from civicgraph.errors import NotFoundError, UsageError


def test_datasets_list_the_chapters_tables_with_source_lines(chapter: CivicGraph) -> None:
    found = {d["id"]: d for d in chapter.datasets()}
    table_1 = found["table-1"]
    assert table_1["measures"] == ["homicideRate", "homicides"]
    assert "INEGI" in table_1["data_sources"] and table_1["cites"] == ["Molzahn et al. 2013"]
    assert table_1["publishers"] == []  # "Derived from INEGI and SNSP data" names no publisher
    assert table_1["source_line"].startswith("Source: Table 1")
    assert "Olson" in table_1["source_line"] and not table_1["source_line"].endswith("..")
    assert {"table-2", "icesi-2011-study"} <= set(found)


def test_observations_are_flat_rows_with_quotes(chapter: CivicGraph) -> None:
    rows = chapter.observations("table-1", measure="homicides")
    assert len(rows) == 60  # ten municipalities, six years
    juarez = next(r for r in rows if r["period"] == "2010" and r["rank"] == 1)
    assert juarez["value"] == 2738
    assert juarez["dimensions"]["place"] == {"id": "ciudad-juarez", "label": "Ciudad Juárez"}
    assert any("2,738" in s["quote"] for s in juarez["sources"])
    confidence = chapter.observations("table-2")
    assert all(set(r["dimensions"]) == {"agency", "category"} for r in confidence)


def test_observations_check_their_arguments(chapter: CivicGraph) -> None:
    with pytest.raises(UsageError):
        chapter.observations("table-1", measure="nonsense")
    with pytest.raises(NotFoundError):
        chapter.observations("no-such-dataset")


def test_observations_come_in_the_sources_order(chapter: CivicGraph) -> None:
    confidence = chapter.observations("table-2")
    agencies = list(dict.fromkeys(r["dimensions"]["agency"]["label"] for r in confidence))
    # Table 2 prints its rows from the most trusted agency down, not alphabetically
    assert agencies[:3] == ["Navy", "Army", "Federal Judicial Police"]
    assert agencies[-1] == "Municipal Police" and len(agencies) == 11
    levels = [r["dimensions"]["category"]["id"] for r in confidence[:4]]
    assert levels == [
        "confidence-high",
        "confidence-little",
        "confidence-none",
        "confidence-dont-know",
    ]
    reasons = chapter.observations("icesi-2011-study")
    assert [r["value"] for r in reasons] == [39, 16, 10, 9, 6, 3, 1]  # as the sentence gives them
    homicides = chapter.observations("table-1", measure="homicides")
    assert [(r["period"], r["rank"]) for r in homicides[:2]] == [("2007", 1), ("2007", 2)]


def test_observations_carry_the_sources_words_and_the_note(chapter: CivicGraph) -> None:
    (kidnappings,) = chapter.observations("figure-3")
    assert kidnappings["printed"] == "about 20% lower"  # a comparison, as the text words it
    assert "not a share" in kidnappings["note"]
    prose = chapter.observations("intro-prose-figures")
    funding = next(r for r in prose if r["measure"] == "funding")
    assert funding["printed"] == "$1.4 billion" and funding["value"] == 1_400_000_000
    # the extraction's escape stays in the quote (its offsets point into the text) only
    assert "\\$1.4 billion" in funding["sources"][0]["quote"]
    assert not [r["printed"] for r in prose if r["printed"] and "\\" in r["printed"]]
