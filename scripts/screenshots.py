"""Regenerate the README's screenshots of the explorer: one PNG per page.

    uv run python scripts/screenshots.py              # writes docs/screenshots/*.png

Builds the bundled graph into a temporary store, starts `civicgraph explore` on it, opens
each page in Debian's headless Chromium (driven by Playwright) and saves what it shows.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # run as a file: the repository's bench package is beside it
from bench.bench_explorer import serve_explorer  # noqa: E402
from bench.chromium import ARGS, CHROMIUM  # noqa: E402

# (file name, page and query, what to do on the page before the picture)
PAGES = [
    ("network", "", None),
    ("profile", "profile?entity=javier-sicilia", None),
    ("paths", "paths?from=javier-sicilia", None),
    ("influence", "influence", None),
    ("statistics", "statistics", None),
    ("queries", "queries", "run"),
    ("sources", "sources?doc=building-resilient-communities-intro.txt&at=45341", None),
    ("timeline", "timeline?entity=felipe-calderon", None),
    ("about", "about", None),
]


def settle(page: Page) -> None:
    time.sleep(0.5)
    page.wait_for_selector(
        "[data-testid=stApp][data-test-script-state=notRunning]", timeout=120_000
    )
    for frame in page.frames[1:]:
        frame.wait_for_selector("body[data-ready=true]", state="attached", timeout=60_000)
    time.sleep(1.5)  # charts and fonts finish drawing
    if page.locator("[data-testid=stException]").count():
        raise RuntimeError(page.locator("[data-testid=stException]").first.inner_text())


def capture(url: str, out: Path) -> None:
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        for name, path, action in PAGES:
            page.goto(url + path)
            settle(page)
            if action == "run":
                page.get_by_role("button", name="Run").click()
                settle(page)
            page.screenshot(path=out / f"{name}.png")
            print(f"wrote {out / name}.png", file=sys.stderr)
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    options = parser.parse_args()
    options.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        store = Path(work) / "store"
        server, url = serve_explorer(store)  # explore builds the bundled graph there
        try:
            capture(url, options.out)
        finally:
            server.terminate()
            server.communicate(timeout=30)


if __name__ == "__main__":
    main()
