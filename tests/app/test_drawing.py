"""The explorer's drawings: vis-network served once as a static file, and the shared cache
that lets the server compute the Network page's first view before anyone asks."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from civicgraph.config import REPO_DIR
from civicgraph.explorer.drawing import vis_library
from tests.app.conftest import OpenPage
from tests.app.test_home import iframe_page

STATIC = REPO_DIR / "app" / "static" / "vis-network.min.js"


@pytest.fixture
def explorer_module() -> Iterator[ModuleType]:
    """app/explorer.py, imported the way the pages import it."""
    sys.path.insert(0, str(REPO_DIR / "app"))
    try:
        import explorer

        yield explorer
    finally:
        sys.path.remove(str(REPO_DIR / "app"))


def test_the_served_library_is_the_one_pyvis_ships() -> None:
    # app/static/ holds a copy: a pyvis upgrade that changes vis-network must renew it
    assert STATIC.read_bytes() == vis_library().read_bytes()


def test_static_serving_is_on_for_the_app() -> None:
    config = (REPO_DIR / "app" / ".streamlit" / "config.toml").read_text(encoding="utf-8")
    assert "enableStaticServing = true" in config


def test_drawings_fetch_the_library_instead_of_inlining_it(
    chapter_store: Path, open_page: OpenPage
) -> None:
    page = iframe_page(open_page(chapter_store))
    assert '<script src="app/static/vis-network.min.js"></script>' in page
    assert len(page) < STATIC.stat().st_size / 4  # the nodes and edges, not the library
    profile = open_page(chapter_store, "profile", entity="javier-sicilia")
    frames = [node.proto.srcdoc for node in profile.main if node.type == "iframe"]
    assert frames and all("app/static/vis-network.min.js" in frame for frame in frames)


def test_shared_values_are_computed_once_for_all_threads(explorer_module: ModuleType) -> None:
    calls: list[int] = []

    @explorer_module.shared(max_entries=2)
    def slow(value: int, twice: bool = False) -> int:
        calls.append(value)
        time.sleep(0.2)  # long enough for every thread to ask while it is computed
        return value * 2

    answers: list[int] = []
    threads = [threading.Thread(target=lambda: answers.append(slow(3))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [6] * 4 and calls == [3]
    assert slow(3, False) == 6 and calls == [3]  # the default spelled out is the same call
    slow(4)
    slow(5)  # pushes 3 out: at most two values kept
    slow(3)
    assert calls == [3, 4, 5, 3]


def test_the_first_view_is_ready_before_the_first_visit(
    chapter_store: Path, explorer_module: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CIVICGRAPH_STORE", str(chapter_store))
    explorer_module.warm()
    version = explorer_module.CivicGraph.current_version()
    page, nodes, total = explorer_module.network_drawing(version)
    # what the page asks for on a first visit, spelled out, is what warm() drew
    assert explorer_module.network_drawing(
        version, explorer_module.Keep(), "pagerank", explorer_module.TOP, None, 1, (), (), False
    ) == (page, nodes, total)
    assert len(nodes) == explorer_module.TOP and total > len(nodes)
