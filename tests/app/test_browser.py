"""The explorer in a real browser: Debian's Chromium, driven by Playwright.

Starts `civicgraph explore`, searches "Sicilia", clicks the node to open the profile, traces
a path to a reform, and saves a screenshot of each step under the test's tmp dir. Any
Streamlit exception shown in the page fails the test.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page

from bench.chromium import CHROMIUM
from tests.app.conftest import Explorer, settle
from tests.serve.test_bolt_readonly import _listening_ports_of
from tests.servers import descendants, listening

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason=f"needs Debian's chromium at {CHROMIUM}"
    ),
]


def network_frame(page: Page, node: str) -> tuple[float, float]:
    """Wait for the drawn network and return where a node is on the page."""
    page.wait_for_selector("iframe", timeout=30_000)
    frame = next(f for f in page.frames if f != page.main_frame)
    frame.wait_for_selector("body[data-ready=true]", state="attached", timeout=30_000)
    box = page.locator("iframe").first.bounding_box()
    assert box is not None
    where = frame.evaluate("id => network.canvasToDOM(network.getPositions([id])[id])", node)
    return box["x"] + where["x"], box["y"] + where["y"]


def test_search_open_profile_trace_to_a_reform(
    chapter_store: Path, explorer: Callable[[Path], Explorer], page: Page, tmp_path: Path
) -> None:
    server = explorer(chapter_store)
    page.goto(server.url)
    settle(page)
    page.get_by_label("Search an entity").fill("Sicilia")
    page.get_by_text("around Javier Sicilia").wait_for(timeout=30_000)
    settle(page)
    x, y = network_frame(page, "javier-sicilia")
    page.screenshot(path=tmp_path / "1-network.png")

    page.mouse.click(x, y)  # a click on the node opens its profile
    page.wait_for_url("**/profile?entity=javier-sicilia", timeout=30_000)
    settle(page)
    assert page.locator("h1").first.inner_text() == "Javier Sicilia"
    page.get_by_text("Movement for Peace with Justice and Dignity").first.wait_for()
    page.screenshot(path=tmp_path / "2-profile.png")

    page.get_by_text("Trace paths from here").click()
    page.get_by_text("Javier Sicilia → Judicial reform").wait_for(timeout=30_000)
    settle(page)
    assert "from=javier-sicilia" in page.url
    page.get_by_text("Evidence for step 1").first.click()
    page.screenshot(path=tmp_path / "3-paths.png")
    assert all(
        (tmp_path / name).stat().st_size > 10_000
        for name in ("1-network.png", "2-profile.png", "3-paths.png")
    )


def test_hostile_name_never_runs(
    mini_store: Path, explorer: Callable[[Path], Explorer], page: Page, tmp_path: Path
) -> None:
    """The entity named `<img src=x onerror=alert(1)>` shows as text, nothing executes."""
    server = explorer(mini_store)
    page.add_init_script("window.alert = () => { document.title = 'ALERTED'; };")
    page.goto(f"{server.url}profile?entity=img-group")
    settle(page)
    assert page.locator("h1").first.inner_text() == "<img src=x onerror=alert(1)>"
    page.goto(f"{server.url}?focus=img-group")
    settle(page)
    network_frame(page, "img-group")
    page.screenshot(path=tmp_path / "hostile.png")
    frames = [page, *[f for f in page.frames if f != page.main_frame]]
    for frame in frames:
        assert frame.evaluate("document.title") != "ALERTED"
        assert frame.locator("img[src=x]").count() == 0


def _bolt_ports_of_children(pid: int) -> list[int]:
    """The ports of the `serve bolt` processes below a process (read from their command lines)."""
    found = []
    for child in descendants(pid):
        try:
            if b"serve\x00bolt" in Path(f"/proc/{child}/cmdline").read_bytes():
                found += sorted(_listening_ports_of(str(child)))
        except OSError:
            continue
    return found


@pytest.mark.parametrize("signal_name", ["SIGTERM", "SIGINT"])
def test_explore_exits_on_a_signal_after_a_cypher_query(
    chapter_store: Path, explorer: Callable[[Path], Explorer], page: Page, signal_name: str
) -> None:
    import signal

    server = explorer(chapter_store)
    page.goto(f"{server.url}queries")
    settle(page)
    page.get_by_role("tab", name="Cypher").click()
    editor = page.get_by_label("CYPHER query")
    editor.fill("MATCH (n:Entity {id: 'javier-sicilia'}) RETURN n.label AS label")
    page.locator("button:visible", has_text="Run").click()
    page.get_by_text("1 row(s)").wait_for(timeout=300_000)
    # the console's `serve bolt`: its public port, and ArcadeDB's behind its Bolt shim
    bolt_ports = _bolt_ports_of_children(server.process.pid)
    assert len(bolt_ports) == 2, bolt_ports
    server.process.send_signal(getattr(signal, signal_name))
    # it exits, with the page still open: no JVM, nor an open WebSocket, keeps it alive
    server.process.communicate(timeout=30)
    deadline = time.monotonic() + 30
    while any(listening(p) for p in bolt_ports) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(listening(p) for p in bolt_ports), (
        "the console's Bolt server outlived the explorer"
    )


# --- the source reader and the timeline (issue 17, items 5 and 6) ---

CHAPTER_TEXT = "building-resilient-communities-intro.txt"


def sicilia_leads_quote(store: Path) -> dict[str, object]:
    from civicgraph.api import CivicGraph

    profile = CivicGraph.open(store).entity("javier-sicilia")
    leads = next(r for r in profile["relations"] if r["predicate"] == "leads")
    quote: dict[str, object] = leads["sources"][0]
    return quote


def test_reader_click_a_highlighted_span_lists_its_fact(
    chapter_store: Path, explorer: Callable[[Path], Explorer], page: Page, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    quote = sicilia_leads_quote(chapter_store)
    start, end = int(str(quote["char_start"])), int(str(quote["char_end"]))
    server = explorer(chapter_store)
    page.goto(f"{server.url}sources?doc={CHAPTER_TEXT}&from={max(0, start - 200)}")
    settle(page)
    page.get_by_text("Click a highlighted passage").wait_for(timeout=30_000)
    span = page.locator(f'mark[title$="characters {start}–{end}"]').first
    span.scroll_into_view_if_needed()
    span.click()
    page.wait_for_url(f"**at={start}&end={end}", timeout=30_000)
    settle(page)
    facts = page.get_by_text("Facts this passage supports")
    facts.wait_for(timeout=30_000)
    fact = page.locator("[data-testid=stMarkdownContainer]", has_text="Relationship ·").filter(
        has_text="Movement for Peace with Justice and Dignity"
    )
    expect(fact.first).to_be_visible()
    expect(page.get_by_role("link", name="Javier Sicilia").first).to_be_visible()
    expect(page.locator("mark.marked").first).to_be_visible()  # the clicked span, now marked
    page.screenshot(path=tmp_path / "reader-clicked.png")


def test_read_in_context_from_a_profile_lands_on_the_span(
    chapter_store: Path, explorer: Callable[[Path], Explorer], page: Page, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    quote = sicilia_leads_quote(chapter_store)
    server = explorer(chapter_store)
    page.goto(f"{server.url}profile?entity=javier-sicilia")
    settle(page)
    page.get_by_text("→ Movement for Peace with Justice and Dignity · 2 quote(s)").click()
    link = page.get_by_role("link", name="Read in context").filter(visible=True).first
    link.click()
    page.wait_for_url(
        f"**/sources?doc={CHAPTER_TEXT}&at={quote['char_start']}&end={quote['char_end']}",
        timeout=30_000,
    )
    settle(page)
    marked = page.locator("mark.marked")
    marked.first.wait_for(timeout=30_000)
    expect(marked.first).to_be_in_viewport()
    text = "".join(marked.all_inner_texts())
    assert text == quote["quote"]
    page.screenshot(path=tmp_path / "reader-in-context.png")


def test_timeline_draws(
    chapter_store: Path, explorer: Callable[[Path], Explorer], page: Page, tmp_path: Path
) -> None:
    server = explorer(chapter_store)
    page.goto(f"{server.url}timeline")
    settle(page)
    chart = page.locator("[data-testid=stVegaLiteChart]").first
    chart.wait_for(timeout=30_000)
    drawn = chart.locator("canvas, svg").first
    drawn.wait_for(timeout=30_000)
    box = drawn.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 300
    assert page.get_by_text("Italian mafia organizations operates in United States").count()
    page.screenshot(path=tmp_path / "timeline.png", full_page=True)


# state that follows the user (issue 17, items 1-3 and the 800 px layout)


def heading(page: Page, text: str) -> None:
    """Wait until the page's title reads `text`."""
    page.locator("h1", has_text=text).first.wait_for(timeout=30_000)
    settle(page)
    assert page.locator("h1").first.inner_text() == text


def test_a_link_after_a_search_opens_the_linked_entity_and_back_returns(
    chapter_store: Path, explorer: Callable[[Path], Explorer], page: Page, tmp_path: Path
) -> None:
    server = explorer(chapter_store)
    page.goto(f"{server.url}profile")
    heading(page, "Entity profile")  # a prompt, not some entity
    page.get_by_label("Entity: search").fill("Sicilia")
    heading(page, "Javier Sicilia")
    assert page.url.endswith("profile?entity=javier-sicilia")
    neighbour = "Movement for Peace with Justice and Dignity"
    page.locator("[data-testid=stExpander] summary", has_text=neighbour).first.click()
    page.get_by_role("link", name=f"Open {neighbour}").first.click()
    heading(page, neighbour)  # the link wins over the search text
    assert page.url.endswith("entity=movement-for-peace-with-justice-and-dignity")
    assert page.get_by_label("Entity: search").input_value() == ""
    page.screenshot(path=tmp_path / "linked.png")
    page.go_back()
    heading(page, "Javier Sicilia")
    page.go_forward()
    heading(page, neighbour)
    page.go_back()
    page.go_back()
    heading(page, "Entity profile")


def test_trace_paths_from_a_profile_after_a_visit_to_the_path_tracer(
    chapter_store: Path, explorer: Callable[[Path], Explorer], page: Page
) -> None:
    server = explorer(chapter_store)
    page.goto(f"{server.url}paths?from=javier-sicilia")
    page.get_by_text("Javier Sicilia → Judicial reform").wait_for(timeout=30_000)
    settle(page)
    page.locator("[data-testid=stSidebarNav]").get_by_text("Entity profile").click()
    heading(page, "Entity profile")
    page.get_by_label("Entity: search").fill("USAID")
    heading(page, "USAID")
    page.get_by_text("Trace paths from here").click()  # the same session, as in the issue
    page.wait_for_url("**/paths?from=usaid*", timeout=30_000)
    settle(page)
    page.get_by_text("USAID reaches").first.wait_for(timeout=30_000)
    assert "Javier Sicilia" not in page.locator("[data-testid=stMain]").inner_text()


def test_a_bad_permalink_says_not_found_with_suggestions(
    chapter_store: Path, explorer: Callable[[Path], Explorer], page: Page, tmp_path: Path
) -> None:
    server = explorer(chapter_store)
    page.goto(f"{server.url}profile?entity=javier-sicilio")  # the first visit after a start
    heading(page, "Entity profile")
    page.get_by_text("No entity with id 'javier-sicilio'").wait_for()
    # Home.py ran: its navigation, not Streamlit's list of files
    assert "Path tracer" in page.locator("[data-testid=stSidebarNav]").inner_text()
    page.screenshot(path=tmp_path / "not-found.png")
    page.locator("[data-testid=stMain]").get_by_role("link", name="Javier Sicilia").click()
    heading(page, "Javier Sicilia")
    page.goto(f"{server.url}profile?entity=nonexistent-id")
    heading(page, "Entity profile")
    page.get_by_text("No entity with id 'nonexistent-id'").wait_for()
    assert "Relationships" not in page.locator("[data-testid=stMain]").inner_text()


def test_network_most_central_instead_with_text_in_the_search_box(
    chapter_store: Path, explorer: Callable[[Path], Explorer], page: Page
) -> None:
    server = explorer(chapter_store)
    page.goto(server.url)
    settle(page)
    page.get_by_label("Search an entity").fill("Sicilia")
    page.get_by_text("around Javier Sicilia").wait_for(timeout=30_000)
    settle(page)
    page.get_by_role("button", name="Show the most central entities instead").click()
    page.get_by_text("the top by pagerank").wait_for(timeout=30_000)
    settle(page)
    assert "focus=" not in page.url
    assert page.get_by_label("Search an entity").input_value() == ""
    page.go_back()  # Back: the focus again
    page.get_by_text("around Javier Sicilia").wait_for(timeout=30_000)


def test_at_800_px_the_sidebar_starts_collapsed(
    chapter_store: Path, explorer: Callable[[Path], Explorer], page: Page, tmp_path: Path
) -> None:
    server = explorer(chapter_store)
    page.set_viewport_size({"width": 800, "height": 900})
    for address, name in [("profile?entity=usaid", "profile"), ("", "network")]:
        page.goto(f"{server.url}{address}")
        page.locator("h1").first.wait_for(timeout=30_000)
        settle(page)
        page.get_by_test_id("stExpandSidebarButton").wait_for(timeout=10_000)
        sidebar = page.get_by_test_id("stSidebar").bounding_box()
        assert sidebar is not None and sidebar["x"] + sidebar["width"] <= 0, name
        title = page.locator("h1").first.bounding_box()
        assert title is not None and title["x"] < 100, name  # the page has the width
        page.screenshot(path=tmp_path / f"800-{name}.png")
    page.get_by_test_id("stExpandSidebarButton").click()  # the reader can still open it
    page.get_by_label("Search an entity").wait_for()
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(f"{server.url}profile?entity=usaid")  # a wide window: open as before
    heading(page, "USAID")
    assert page.get_by_test_id("stSidebar").bounding_box()["x"] == 0  # type: ignore[index]


def test_a_path_permalink_pasted_in_a_fresh_tab_shows_the_same_trace(
    chapter_store: Path, explorer: Callable[[Path], Explorer], page: Page
) -> None:
    server = explorer(chapter_store)
    page.goto(f"{server.url}paths?from=javier-sicilia&to=judicial-reform")
    page.get_by_text("Javier Sicilia → Judicial reform").wait_for(timeout=30_000)
    settle(page)
    page.get_by_role("slider").first.focus()  # Paths (K): one step down, from 3 to 2
    page.keyboard.press("ArrowLeft")
    page.get_by_text("2 path(s)").wait_for(timeout=30_000)
    settle(page)
    shared = page.url
    assert "k=2" in shared and "to=judicial-reform" in shared
    traced = page.locator("[data-testid=stMain]").inner_text()
    # a new browser context: no cookies, no session, nothing but the URL
    fresh = page.context.browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        tab = fresh.new_page()
        tab.goto(shared)
        tab.get_by_text("Javier Sicilia → Judicial reform: 2 path(s)").wait_for(timeout=30_000)
        settle(tab)
        again = tab.locator("[data-testid=stMain]").inner_text()
        headings = [line for line in traced.splitlines() if re.match(r"Path \d", line)]
        assert len(headings) == 2
        assert [line for line in again.splitlines() if re.match(r"Path \d", line)] == headings
    finally:
        fresh.close()
