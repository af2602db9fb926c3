"""The Entity profile page warns, beside a relationship or an observation, that a record from
another document says otherwise; it shows a confirmed claim's status."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app.conftest import OpenPage
from tests.app.test_pages import shown, unescaped
from tests.conftest import built_store
from tests.two_sources import FOUNDED_2011, OPPOSED, THEFTS_2010_SECOND, two_sources


@pytest.fixture(scope="module")
def two_source_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = two_sources(tmp_path_factory.mktemp("two-sources-app") / "data")
    return built_store(tmp_path_factory, data, "two-sources-store")


def test_profile_warns_where_sources_disagree(two_source_store: Path, open_page: OpenPage) -> None:
    at = open_page(two_source_store, "profile", entity="ana-ruiz")
    titles = [unescaped(e.label) for e in at.expander]
    founded = [t for t in titles if "Clean Streets Network" in t and "(from 201" in t]
    assert len(founded) == 2 and all("⚠ sources disagree" in t for t in founded)
    warnings = [unescaped(w.value) for w in at.warning]
    assert any(
        f"second.txt says otherwise: founded, from 2011 ({FOUNDED_2011})" in w for w in warnings
    )


def test_profile_shows_a_relation_and_a_value_contradiction(
    two_source_store: Path, open_page: OpenPage
) -> None:
    at = open_page(two_source_store, "profile", entity="police-reform")
    assert f"second.txt says otherwise: opposed ({OPPOSED})" in unescaped(shown(at))
    at = open_page(two_source_store, "profile", entity="villa-verde")
    text = unescaped(shown(at))
    assert "Sources disagree on quantity 2010" in text
    assert f"second.txt says otherwise: value 1240 ({THEFTS_2010_SECOND})" in text


def test_profile_shows_a_confirmed_claim(two_source_store: Path, open_page: OpenPage) -> None:
    at = open_page(two_source_store, "profile", entity="civic-fund")
    titles = [unescaped(e.label) for e in at.expander]
    assert any("Clean Streets Network" in t and "**confirmed**" in t for t in titles)
    assert not any("sources disagree" in t for t in titles)


def test_confirmed_only_keeps_a_confirmed_path(two_source_store: Path, open_page: OpenPage) -> None:
    ends = {"from": "civic-fund", "to": "clean-streets-network", "confirmed": "1"}
    at = open_page(two_source_store, "paths", **ends)
    assert "Civic Fund → Clean Streets Network" in unescaped(shown(at))
    assert not at.warning


def test_confirmed_only_on_the_chapter_says_nothing_is_confirmed(
    chapter_store: Path, open_page: OpenPage
) -> None:
    ends = {"from": "javier-sicilia", "to": "judicial-reform", "confirmed": "1"}
    at = open_page(chapter_store, "paths", **ends)
    assert any("no relationship in the graph is confirmed" in w.value for w in at.warning)
