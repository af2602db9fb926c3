"""The explorer's drawings: vis-network served once as a static file, the shared cache
that lets the server compute the Network page's first view before anyone asks, what a
relation filter draws, and (in Chromium) that no two names drawn overlap."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from playwright.sync_api import sync_playwright

from bench.chromium import ARGS, CHROMIUM
from civicgraph.config import REPO_DIR
from civicgraph.explorer.drawing import vis_library
from tests.app.conftest import Explorer, OpenPage
from tests.app.test_home import iframe_page

STATIC = REPO_DIR / "app" / "static" / "vis-network.min.js"


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


def test_a_relation_filter_draws_who_takes_part(chapter_store: Path, open_page: OpenPage) -> None:
    at = open_page(chapter_store)
    at.sidebar.multiselect[1].select("funds").run()  # relationship types
    assert not at.exception
    assert at.markdown[0].value.startswith("Showing 10 of 10 entities")  # not all 345
    page = iframe_page(at)
    assert '"us-government"' in page and '"mexico"' not in page
    assert "funds (9)" in page  # its colour in the legend
    # around a focus that takes no part itself: the funding around it, not one dot
    focused = open_page(chapter_store, focus="merida-initiative")
    focused.sidebar.multiselect[1].select("funds").run()
    assert not focused.exception
    assert focused.markdown[0].value.startswith("Showing 11 of 11 entities: around")
    page = iframe_page(focused)
    assert '"merida-pillar-iv"' in page and "linking the focus (1)" in page


def test_profile_neighbourhoods_are_named(chapter_store: Path, open_page: OpenPage) -> None:
    profile = open_page(chapter_store, "profile", entity="javier-sicilia")
    frames = [node.proto.srcdoc for node in profile.main if node.type == "iframe"]
    assert frames and '"label":"Movement for Peace with Justice and Dignity"' in frames[0]
    assert '"kind":"edge"' in frames[0]  # with its legend


@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"needs Debian's chromium at {CHROMIUM}")
def test_no_two_names_overlap_in_the_default_network_view(
    chapter_store: Path, explorer: Callable[[Path], Explorer], tmp_path: Path
) -> None:
    server = explorer(chapter_store)
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        tab = browser.new_page(viewport={"width": 1400, "height": 1000})
        errors: list[str] = []
        tab.on("pageerror", lambda error: errors.append(str(error)))
        tab.goto(server.url)
        tab.wait_for_selector("iframe", timeout=60_000)
        frame = next(f for f in tab.frames if f != tab.main_frame)
        frame.wait_for_selector("body[data-ready=true]", state="attached", timeout=60_000)
        tab.wait_for_timeout(500)  # the names are drawn on the next animation frames
        found = frame.evaluate(NAME_BOXES)
        tab.screenshot(path=tmp_path / "network.png")
        for zoom in (2.0, 4.0):  # closer in, more names fit, still none over another
            frame.evaluate(ZOOM_ON_THE_LARGEST, zoom)
            frame.wait_for_function("() => window.placedAt === network.getScale()")
            tab.wait_for_timeout(300)  # and drawn
            closer = frame.evaluate(NAME_BOXES)
            assert not overlapping(closer["boxes"]), overlapping(closer["boxes"])
            assert set(closer["sizes"]) <= {"12", "14"}  # the same size on screen at any zoom
        browser.close()
    assert not errors, errors
    assert set(found["sizes"]) <= {"12", "14"}
    assert len(found["boxes"]) >= 5  # the names are drawn...
    assert not overlapping(found["boxes"]), overlapping(found["boxes"])  # ...none over another
    first = {box[0] for box in found["boxes"]}
    assert {box[0] for box in closer["boxes"]} - first  # zoomed in, names not drawn before


# Each drawn name's box as vis-network last drew it, in screen pixels: its label's size
# (canvas units) shifted by the label's vertical adjustment, times the scale; and the
# names' font sizes on screen.
NAME_BOXES = """() => {
  var scale = network.getScale(), boxes = [], sizes = {};
  nodes.get().forEach(function (n) {
    if (!n.label) { return; }
    var node = network.body.nodes[n.id], size = node.labelModule.size;
    var up = node.options.font.vadjust || 0;
    boxes.push([n.id, size.left * scale, (size.top + up) * scale,
      (size.left + size.width) * scale, (size.top + up + size.height) * scale]);
    sizes[Math.round(node.options.font.size * scale)] = true;
  });
  return {boxes: boxes, sizes: Object.keys(sizes).sort()};
}"""


ZOOM_ON_THE_LARGEST = """z => {
  var largest = nodes.get().sort(function (a, b) { return b.size - a.size; })[0].id;
  var at = network.getPositions([largest])[largest];
  network.moveTo({position: at, scale: network.getScale() * z});
}"""


def overlapping(boxes: list[list[Any]]) -> list[tuple[str, str]]:
    return [
        (a[0], b[0])
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]
    ]


def test_profile_neighbourhoods_draw_actors_unless_the_entity_is_context(
    chapter_store: Path, open_page: OpenPage
) -> None:
    profile = open_page(chapter_store, "profile", entity="merida-initiative")
    (frame, *_) = [node.proto.srcdoc for node in profile.main if node.type == "iframe"]
    assert '"merida-pillar-iv"' in frame  # an actor-layer neighbour
    assert '"gao-2010-merida-report"' not in frame  # a report about it: context
    place = open_page(chapter_store, "profile", entity="mexico")
    (frame, *_) = [node.proto.srcdoc for node in place.main if node.type == "iframe"]
    assert '"mexico"' in frame


# Each relation label vis-network draws on an edge, as a box in screen pixels (as NAME_BOXES).
EDGE_BOXES = """() => {
  var scale = network.getScale(), boxes = [];
  edges.get().forEach(function (e) {
    var drawn = network.body.edges[e.id].labelModule;  // what is drawn, not what was asked
    if (!(drawn.elementOptions.label || "").trim()) { return; }
    var size = drawn.size;
    boxes.push(["edge " + e.id, size.left * scale, size.top * scale,
      (size.left + size.width) * scale, (size.top + size.height) * scale]);
  });
  return boxes;
}"""


@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"needs Debian's chromium at {CHROMIUM}")
def test_relation_labels_cover_no_name_in_small_drawings(
    chapter_store: Path, explorer: Callable[[Path], Explorer], tmp_path: Path
) -> None:
    server = explorer(chapter_store)
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        tab = browser.new_page(viewport={"width": 1400, "height": 1000})
        found = []
        for path in ("paths?from=javier-sicilia&to=judicial-reform", "?focus=usaid"):
            tab.goto(server.url + path)
            tab.wait_for_selector("iframe", timeout=60_000)
            frame = next(f for f in tab.frames if f != tab.main_frame)
            frame.wait_for_selector("body[data-ready=true]", state="attached", timeout=60_000)
            tab.wait_for_timeout(500)
            names = frame.evaluate(NAME_BOXES)["boxes"]
            labels = frame.evaluate(EDGE_BOXES)
            tab.screenshot(path=tmp_path / f"{len(found)}.png")
            found.append((path, names, labels))
        browser.close()
    for path, names, labels in found:
        assert labels, path  # relations are named where they fit...
        clashes = [(a, b) for a, b in overlapping(names + labels) if "edge" in a + b]
        assert not clashes, (path, clashes)  # ...and never over a name or another relation
