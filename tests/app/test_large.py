"""Past `WHOLE_UNTIL` entities the explorer reads only the kept parts of the graph: it
draws, profiles and traces as before, and says plainly what it does not do at that size.
The chapter stands in for a large graph by lowering the limit."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest

from tests.app.conftest import OpenPage
from tests.app.test_home import iframe_page
from tests.app.test_pages import shown


@pytest.fixture
def large(explorer_module: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(explorer_module, "WHOLE_UNTIL", 100)  # the chapter has 345 entities


def notices(at: object) -> str:
    return "\n".join(e.value for kind in ("info", "warning", "caption") for e in getattr(at, kind))


def test_the_network_page_draws_the_same_first_view_without_filters(
    chapter_store: Path,
    open_page: OpenPage,
    explorer_module: ModuleType,
    large: None,
) -> None:
    at = open_page(chapter_store)
    assert "not offered" in notices(at)  # the filters say why they are off
    assert all(widget.disabled for widget in at.multiselect)
    metric = next(box for box in at.selectbox if box.label == "Size and rank by")
    assert [*metric.options] == ["pagerank", "degree"]  # the kept metrics only
    page = iframe_page(at)
    assert "Javier Sicilia" in page or "Merida Initiative" in page
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setattr(explorer_module, "WHOLE_UNTIL", 10_000)
    try:
        whole = open_page(chapter_store)
        assert iframe_page(whole) == page  # the same drawing as on a small graph
    finally:
        monkeypatch.undo()


def test_a_link_with_filters_says_they_are_not_applied(
    chapter_store: Path, open_page: OpenPage, large: None
) -> None:
    at = open_page(chapter_store, types="Person", metric="betweenness")
    said = notices(at)
    assert "asks for filters" in said
    assert "betweenness" in said and "not offered" in said


def test_whole_graph_analyses_are_not_run_and_say_so(
    chapter_store: Path, open_page: OpenPage, large: None
) -> None:
    influence = open_page(chapter_store, "influence")
    assert "Communities are not computed" in notices(influence)
    assert "Brokers are not computed" in notices(influence)
    timeline = open_page(chapter_store, "timeline")
    assert "Search an entity to see its timeline" in notices(timeline)
    one = open_page(chapter_store, "timeline", entity="javier-sicilia")
    assert "Javier Sicilia" in shown(one)


def test_a_profile_and_a_trace_still_work(
    chapter_store: Path, open_page: OpenPage, large: None
) -> None:
    profile = open_page(chapter_store, "profile", entity="javier-sicilia")
    assert profile.title[0].value == "Javier Sicilia"
    frames = [node.proto.srcdoc for node in profile.main if node.type == "iframe"]
    assert frames and "Movement for Peace" in frames[0]
    paths = open_page(chapter_store, "paths", **{"from": "javier-sicilia"})
    assert "Within 3 hops" in notices(paths)
