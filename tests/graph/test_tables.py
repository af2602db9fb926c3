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
