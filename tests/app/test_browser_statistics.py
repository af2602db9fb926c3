"""The Statistics page in a real browser (Debian's Chromium, driven by Playwright): every
chart is drawn with all its labels, whole, and says its figures in words on hover.
Screenshots of each dataset go under the test's tmp dir."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page

from bench.chromium import CHROMIUM
from tests.app.conftest import Explorer, settle

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason=f"needs Debian's chromium at {CHROMIUM}"
    ),
]


def choose(page: Page, dataset: str) -> None:
    page.locator("[data-testid=stSidebar] [data-testid=stSelectbox]").click()
    page.locator("[role=option]", has_text=dataset).first.click()
    settle(page)


AXIS_LABELS = """svg => [...svg.querySelectorAll('.role-axis-label text')]
    .filter(t => getComputedStyle(t).opacity !== '0' && t.getAttribute('opacity') !== '0')
    .map(t => t.textContent)"""


def axis_labels(page: Page) -> list[str]:
    """The axis labels a chart shows (Vega hides overlapping ones by making them clear)."""
    svg = page.locator("[data-testid=stVegaLiteChart] svg").first
    return list(svg.evaluate(AXIS_LABELS))


def hover_tooltips(page: Page) -> list[str]:
    """Point at the middle of the first few marks (bars or cells, where a cell's figure is
    written); return the tooltips they raise."""
    marks = page.locator("[data-testid=stVegaLiteChart] svg .mark-rect path")
    marks.first.wait_for(timeout=30_000)
    seen = []
    for index in range(min(6, marks.count())):
        box = marks.nth(index).bounding_box()
        assert box is not None
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        tip = page.locator("#vg-tooltip-element")
        tip.wait_for(timeout=5_000)
        seen.append(tip.inner_text())
    return seen


def test_statistics_charts_in_a_browser(
    chapter_store: Path, explorer: Callable[[Path], Explorer], page: Page, tmp_path: Path
) -> None:
    server = explorer(chapter_store)
    page.goto(server.url + "statistics")
    settle(page)
    labels = {}
    for name in ("Table 1", "Table 2", "ICESI"):
        choose(page, name)
        tips = hover_tooltips(page)
        labels[name] = axis_labels(page)
        page.screenshot(path=tmp_path / f"{name}.png", full_page=True)
        assert tips, name
        assert not [t for t in tips if "null" in t or "per-100k" in t or "\\" in t], tips
        if name == "Table 1":
            assert any("per 100,000 inhabitants" in t for t in tips), tips
        else:
            assert all(" %" in t or "percent" in t for t in tips), tips
    # every label shown whole: 11 agencies, 7 reasons, a share axis that ends at 100
    for agency in ("Navy", "Agents of Federal Attorney General", "Municipal Police"):
        assert agency in labels["Table 2"], labels["Table 2"]
    assert len([t for t in labels["Table 2"] if not t.isdigit()]) == 11, labels["Table 2"]
    assert "100" in labels["Table 2"] and "110" not in labels["Table 2"]
    reasons = [t for t in labels["ICESI"] if not t.isdigit()]
    assert len(reasons) == 7 and "Fear of extortion by authorities" in reasons, reasons
    assert not [t for t in labels["Table 2"] + reasons if t.endswith("…")]
    choose(page, "Figure 3")
    assert page.locator("[data-testid=stVegaLiteChart]").count() == 0
    page.get_by_text("about 20% lower").first.wait_for()
    page.screenshot(path=tmp_path / "Figure 3.png", full_page=True)
