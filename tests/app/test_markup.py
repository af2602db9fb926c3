"""Text from the data is never markup: the fixture entity `<img src=x onerror=alert(1)>`
shows as text on every page that shows it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app.conftest import OpenPage, assert_markup_is_text

HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.mark.parametrize(
    ("page", "params"),
    [
        (None, {"focus": "img-group"}),
        ("profile", {"entity": "img-group"}),
        ("profile", {"entity": "clean-streets-network"}),
        ("paths", {"from": "img-group"}),
        ("influence", {}),
    ],
)
def test_hostile_name_renders_as_text(
    mini_store: Path, open_page: OpenPage, page: str | None, params: dict[str, str]
) -> None:
    at = open_page(mini_store, page, **params)
    assert assert_markup_is_text(at) > 0  # the name is shown somewhere, always as text


def test_hostile_name_is_the_profile_title(mini_store: Path, open_page: OpenPage) -> None:
    at = open_page(mini_store, "profile", entity="img-group")
    # escaped for Markdown, so the page shows exactly these characters
    assert at.title[0].value.replace("\\", "") == HOSTILE


def test_hostile_name_in_a_query_answer(mini_store: Path, open_page: OpenPage) -> None:
    at = open_page(mini_store, "queries")
    at.text_area[0].input("SELECT ?label WHERE { id:img-group rdfs:label ?label }")
    at.button[0].click().run()
    assert not at.exception
    assert at.dataframe[0].value.iloc[0, 0] == HOSTILE  # a table cell: text, never HTML
