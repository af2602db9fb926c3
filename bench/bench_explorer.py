"""First paint of the explorer's Network page, measured in headless Chromium.

    uv run python -m bench.bench_explorer                  # the bundled chapter graph
    uv run python -m bench.bench_explorer --entities 10000 # a synthetic graph, built aside

`bench_first_paint(store_dir)` starts `civicgraph explore` on a built store, opens the page
in Debian's Chromium (driven by Playwright) and times, from navigation, until the network
is drawn in its frame: once on a fresh server (cold: its first session) and
then in new sessions (warm: the cached graph is shared). It also times one interaction:
typing a search and waiting for the focused drawing.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from bench.chromium import ARGS, CHROMIUM
from civicgraph.serve.bolt.arcade import free_port

REPO = Path(__file__).resolve().parent.parent
DRAWN = "body[data-ready=true]"


def serve_explorer(store_dir: Path) -> tuple[subprocess.Popen[str], str]:
    """Start `civicgraph explore` on a store; return the process and its URL once it answers."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIVICGRAPH_")}
    env.pop("DISPLAY", None)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "civicgraph.cli.app",
            "explore",
            "--port",
            str(port),
            "--store",
            str(store_dir),
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}_stcore/health") as reply:
                if reply.read() == b"ok":
                    return process, url
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(process.communicate()[1]) from None
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError("the explorer did not start")


def _time_to_drawing(page: Any, url: str) -> float:
    """Seconds from navigation until the network frame says it is drawn."""
    start = time.perf_counter()
    page.goto(url)
    while True:
        for frame in page.frames:
            if frame != page.main_frame and frame.query_selector(DRAWN):
                return time.perf_counter() - start
        if time.perf_counter() - start > 120:
            raise RuntimeError("the network was not drawn within 120 s")
        page.wait_for_timeout(20)


def bench_first_paint(store_dir: Path, runs: int = 5, search: str | None = None) -> dict[str, Any]:
    """Time the Network page's first paint (cold, then warm in new sessions) on a store."""
    from playwright.sync_api import sync_playwright

    from civicgraph.api import CivicGraph

    graph = CivicGraph.open(store_dir)
    entities = graph.projection.number_of_nodes()
    relationships = graph.projection.number_of_edges()
    if search is None:  # a real name from the graph, typed the way a user would
        search = graph.centrality("degree", top=1)["results"][0]["label"].split()[0]
    started = time.perf_counter()
    process, url = serve_explorer(store_dir)
    ready = time.perf_counter() - started  # `explore` until the server answers
    try:
        with sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            cold = _time_to_drawing(page, url)
            warm = []
            for _ in range(runs):
                session = browser.new_page(viewport={"width": 1400, "height": 1000})
                warm.append(_time_to_drawing(session, url))
                session.close()
            start = time.perf_counter()
            page.get_by_label("Search an entity").fill(search)
            page.get_by_text("entities: around").first.wait_for(timeout=120_000)
            page.wait_for_selector(
                "[data-testid=stApp][data-test-script-state=notRunning]", timeout=120_000
            )
            focused = time.perf_counter() - start
            browser.close()
    finally:
        process.terminate()
        process.communicate(timeout=30)
    return {
        "store": str(store_dir),
        "entities": entities,
        "relationships": relationships,
        "server_ready_s": round(ready, 3),
        "cold_first_paint_s": round(cold, 3),
        "warm_first_paint_s": round(statistics.median(warm), 3),
        "warm_runs_s": [round(w, 3) for w in warm],
        "search": search,
        "search_to_focused_drawing_s": round(focused, 3),
    }


def _synthetic_store(entities: int, work: Path) -> Path:
    """Synthesize and build a graph of `entities` entities under `work`."""
    data, store = work / "data", work / "store"
    for command in (
        ["synth", "--entities", str(entities), "--seed", "1", "--out", str(data)],
        ["build", "--data", str(data), "--store", str(store), "--no-shapes"],
    ):
        subprocess.run([sys.executable, "-m", "civicgraph.cli.app", *command], cwd=REPO, check=True)
    return store


def store_to_bench(options: argparse.Namespace, work: Path) -> Path:
    """The store `--store` names, a synthetic one of `--entities`, or the chapter built
    under `work` (its progress on stderr, so stdout stays the JSON result)."""
    if options.entities:
        return _synthetic_store(options.entities, work)
    if options.store:
        return Path(options.store)
    store = work / "store"
    subprocess.run(
        [sys.executable, "-m", "civicgraph.cli.app", "build", "--store", str(store)],
        cwd=REPO,
        check=True,
        stdout=sys.stderr,
    )
    return store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, help="a built store [default: the chapter's]")
    parser.add_argument("--entities", type=int, help="benchmark a synthetic graph this large")
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        store = store_to_bench(options, Path(work))
        print(json.dumps(bench_first_paint(store, options.runs), indent=2))


if __name__ == "__main__":
    main()
