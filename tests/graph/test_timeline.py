"""Timelines: dated relationships on a time axis, their dates as the data gives them."""

from __future__ import annotations

import pytest

from civicgraph.api import CivicGraph
from civicgraph.errors import NotFoundError, UsageError
from civicgraph.graph.timeline import first_day, last_day


def test_a_date_stands_for_its_whole_period() -> None:
    assert (first_day("2011"), last_day("2011")) == ("2011-01-01", "2011-12-31")
    assert (first_day("2008-02"), last_day("2008-02")) == ("2008-02-01", "2008-02-29")
    assert (first_day("2011-01-18"), last_day("2011-01-18")) == ("2011-01-18", "2011-01-18")


def test_the_graph_timeline_is_every_dated_relationship_in_order(timeline: CivicGraph) -> None:
    rows = timeline.timeline()
    dated = [
        key
        for _, _, key, data in timeline.projection.edges(keys=True, data=True)
        if data.get("start") or data.get("end")
    ]
    assert sorted(r["id"] for r in rows) == sorted(dated) and rows
    assert [r["from"] for r in rows] == sorted(r["from"] for r in rows)
    assert all(r["from"] <= r["until"] and r["sources"] for r in rows)
    spans = {r["id"]: r["span"] for r in rows}
    demanded = next(r for r in rows if r["start"] == "2010" and r["end"] == "2012")
    assert spans[demanded["id"]] == "interval"
    assert (demanded["from"], demanded["until"]) == ("2010-01-01", "2012-12-31")
    started = next(r for r in rows if r["start"] == "2015")
    assert started["span"] == "start" and started["until"] == "2015-12-31"


def test_an_entity_timeline_and_filters(timeline: CivicGraph) -> None:
    rows = timeline.timeline("delta-league")
    assert rows and all("delta-league" in (r["subject"]["id"], r["object"]["id"]) for r in rows)
    reforms = timeline.timeline(types=["Reform"])
    assert reforms and all(r["object"]["id"] == "gamma-reform" for r in reforms)
    funding = timeline.timeline(relations=["funds"])
    assert [r["predicate"] for r in funding] == ["funds"]
    with pytest.raises(UsageError):
        timeline.timeline(types=["Nothing"])
    with pytest.raises(NotFoundError):
        timeline.timeline("no-such-entity")


def test_a_period_the_text_places_a_fact_within_is_not_a_start(chapter: CivicGraph) -> None:
    rows = chapter.timeline(types=["CriminalOrganization"])
    within = [r for r in rows if r["date_basis"] == "within"]
    assert within and all(r["span"] == "within" for r in within)
    mafia = next(r for r in within if r["subject"]["id"] == "italian-mafia-organizations")
    assert (mafia["from"], mafia["until"]) == ("1920-01-01", "1950-12-31")
    assert "1920s" in mafia["sources"][0]["quote"]
