"""The explorer's entry and its Network page, through AppTest; `civicgraph explore` for real."""

from __future__ import annotations

import re
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP, Explorer, OpenPage


def iframe_page(at: AppTest) -> str:
    frames = [node for node in at.main if node.type == "iframe"]
    assert frames, "no network drawn"
    return str(frames[0].proto.srcdoc)


def test_network_opens_on_the_most_central_entities(
    chapter_store: Path, open_page: OpenPage
) -> None:
    at = open_page(chapter_store)
    assert at.title[0].value == "civicgraph explorer"
    assert "Showing 100 of" in at.markdown[0].value
    page = iframe_page(at)
    assert re.search(r'"physics":\s*\{\s*"enabled":\s*false', page)
    assert "profile" in page  # a click opens a profile


def test_search_as_you_type_focuses_an_entity(chapter_store: Path, open_page: OpenPage) -> None:
    at = open_page(chapter_store)
    at.sidebar.text_input(key="network-search").input("Sicilia").run()
    assert not at.exception
    assert at.sidebar.selectbox[0].value == "javier-sicilia"
    assert "around **Javier Sicilia**" in at.markdown[0].value
    assert at.query_params["focus"] == "javier-sicilia"
    assert '"javier-sicilia"' in iframe_page(at)
    # expand the neighbours of a neighbour: more entities come into view
    shown = int(at.markdown[0].value.split()[1])
    expand = next(s for s in at.main.selectbox if s.label == "Expand the neighbours of")
    expand.select("movement-for-peace-with-justice-and-dignity").run()
    next(b for b in at.main.button if b.label == "Expand neighbours").click().run()
    assert not at.exception
    assert int(at.markdown[0].value.split()[1]) > shown


def test_filters_narrow_the_network(chapter_store: Path, open_page: OpenPage) -> None:
    at = open_page(chapter_store)
    at.sidebar.multiselect[0].select("Movement").select("Person").run()  # types
    assert not at.exception
    text = at.markdown[0].value
    total = int(text.split(" of ")[1].split()[0])
    assert 0 < total < 100  # only people and movements remain
    at.sidebar.multiselect[2].select("alleged").run()  # claim status
    at.sidebar.slider[-1].set_range(2008, 2011).run()  # years
    assert not at.exception


def test_unknown_name_warns(chapter_store: Path, open_page: OpenPage) -> None:
    at = open_page(chapter_store)
    at.sidebar.text_input(key="network-search").input("zzzqqqxxx").run()
    assert not at.exception
    assert "No entity matches" in at.sidebar.warning[0].value


def test_missing_store_shows_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CIVICGRAPH_STORE", str(tmp_path / "none"))
    at = AppTest.from_file(str(APP), default_timeout=30).run()
    assert "run `civicgraph build`" in at.error[0].value


def test_explore_command_builds_and_serves(
    tmp_path: Path, explorer: Callable[[Path], Explorer]
) -> None:
    """`civicgraph explore` on a fresh checkout: builds the bundled data, then serves."""
    server = explorer(tmp_path / "store")
    with urllib.request.urlopen(server.url) as reply:
        assert reply.status == 200
    # the drawings' library, served once from app/static/
    with urllib.request.urlopen(f"{server.url}app/static/vis-network.min.js") as reply:
        assert reply.status == 200 and b"vis-network" in reply.read(2_000)
    assert (tmp_path / "store" / "current").is_symlink()
    assert f"http://localhost:{server.port}" in server.stop()
