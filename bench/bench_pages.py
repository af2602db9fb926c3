"""First content and fully drawn, page by page, for every page of the explorer.

    uv run python -m bench.bench_pages                   # the bundled chapter graph
    uv run python -m bench.bench_pages --entities 10000  # a synthetic graph, built aside

Starts `civicgraph explore` on a built store, warms it with one visit to each page (the
graph is opened once per server), then opens each page in a new browser session of Debian's
Chromium and times, from navigation:

- first content: until the page shows its first text in the main column (a title, a
  heading, a paragraph), which is what a reader first sees;
- fully drawn: until the page's script has finished (`data-test-script-state=notRunning`)
  and every drawing frame it holds says it is drawn (`body[data-ready=true]`).

Each page is timed `--runs` times; the median is reported.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.bench_explorer import DRAWN, serve_explorer, store_to_bench
from bench.chromium import ARGS, CHROMIUM

REPO = Path(__file__).resolve().parent.parent
CONTENT = (
    "[data-testid=stMain] h1, [data-testid=stMain] h2, [data-testid=stMain] h3, "
    "[data-testid=stMain] [data-testid=stMarkdownContainer] p"
)
FINISHED = "[data-testid=stApp][data-test-script-state=notRunning]"


def pages(entity: str) -> dict[str, str]:
    """The pages to time, each as the URL path a reader opens (with its permalink)."""
    return {
        "home": "",
        "network": "network",
        "profile": f"profile?entity={entity}",
        "paths": f"paths?from={entity}",
        "influence": "influence",
        "statistics": "statistics",
        "queries": "queries",
        "about": "about",
        "sources": "sources",
        "timeline": f"timeline?entity={entity}",
    }


def time_page(browser: Any, url: str) -> tuple[float, float]:
    """Return (first content, fully drawn) in seconds for one page in a new session."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        start = time.perf_counter()
        page.goto(url)
        page.wait_for_selector(CONTENT, timeout=120_000)
        first = time.perf_counter() - start
        time.sleep(0.3)  # a page may start a second run at once (query params, reruns)
        page.wait_for_selector(FINISHED, timeout=120_000)
        while any(
            f != page.main_frame and f.query_selector("body") and not f.query_selector(DRAWN)
            for f in page.frames
            if f.url.startswith("about:srcdoc") or f.url == "about:blank"
        ):
            if time.perf_counter() - start > 120:
                raise RuntimeError(f"{url}: a drawing did not finish within 120 s")
            page.wait_for_timeout(20)
        return first, time.perf_counter() - start
    finally:
        page.close()


def bench_pages(store_dir: Path, runs: int = 3) -> dict[str, Any]:
    """Time every page of the explorer on a store."""
    from playwright.sync_api import sync_playwright

    from civicgraph.api import CivicGraph

    graph = CivicGraph.open(store_dir)
    entity = graph.centrality("degree", top=1)["results"][0]["id"]
    process, base = serve_explorer(store_dir)
    found: dict[str, Any] = {}
    warmed: dict[str, float] = {}
    try:
        with sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for name, path in pages(entity).items():  # warm: the server's first visit
                print(f"… warming {name}", file=sys.stderr, flush=True)
                warm = time_page(browser, base + path)
                warmed[name] = round(warm[1], 3)
            for name, path in pages(entity).items():
                timings = [time_page(browser, base + path) for _ in range(runs)]
                print(f"… timing {name}", file=sys.stderr, flush=True)
                found[name] = {
                    "url": path,
                    "first_content_s": round(statistics.median(t[0] for t in timings), 3),
                    "fully_drawn_s": round(statistics.median(t[1] for t in timings), 3),
                }
            browser.close()
    finally:
        process.terminate()
        process.communicate(timeout=30)
    return {
        "store": str(store_dir),
        "entities": graph.projection.number_of_nodes(),
        "relationships": graph.projection.number_of_edges(),
        "entity": entity,
        "pages": found,
        "first_visit_after_start_s": warmed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, help="a built store [default: the chapter's]")
    parser.add_argument("--entities", type=int, help="benchmark a synthetic graph this large")
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        print(json.dumps(bench_pages(store_to_bench(options, Path(work)), options.runs), indent=2))


if __name__ == "__main__":
    main()
