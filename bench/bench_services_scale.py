"""Bench the servers and the bulk commands whole, as a user runs them, against N (issue 20).

    uv run python -m bench.bench_services_scale --store 10k=/tmp/s10k/store \\
        --store 400k=/tmp/s400k/store [--only explore bolt sparql export push]
    uv run python -m bench.bench_services_scale --store 400k=/tmp/s400k/store \\
        --only push-file --nt FILE   # FILE: that store's `export --format nt`

For each store, in a fresh process each: `civicgraph explore` until its server answers and
the Network page's first paint in headless Chromium (a fresh server's first visitor, then
one more session); `civicgraph serve bolt` until it prints `ready`; `civicgraph serve
sparql` and `--lookups` one-entity lookups through `/sparql` (p50 / p95 after a warm-up
of 20); `civicgraph export --format nt -o FILE` (the file deleted after); `civicgraph push
--sparql` into a Virtuoso (Debian's `virtuoso-t`, `tests/servers.py`'s set-up) started
empty for the run, then its triples counted on the server; `push-file`, Virtuoso's side of
the same push: the N-Triples of `--nt FILE` sent in-process by the same code
(`GraphStore.replace` in the same parts), without reading the store. Every figure carries
the 1-minute load average before and after it: another engineer may be using the other
core. Results go to the section `services-scale` of bench/RESULTS.md; `--only neo4j-csv`
also times `export --format neo4j-csv` (and JSON on stdout); measurements of a store not
named again are kept from the last run.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

from bench.bench_explorer import _time_to_drawing, serve_explorer
from bench.chromium import ARGS, CHROMIUM
from bench.ours import ONE_ENTITY
from bench.report import machine, write_section
from bench.services import ask, measure_bolt, stop
from bench.services import command as cli
from civicgraph.model.vocab import ONTOLOGY_GRAPH
from civicgraph.serve.bolt.arcade import free_port
from civicgraph.serve.graphstore import DATA_GRAPH, GraphStore
from civicgraph.serve.push import CHUNK_BYTES, ntriples_parts
from tests.servers import virtuoso_server

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results-services-scale.json"
MEASURES = ("explore", "bolt", "sparql", "export", "neo4j-csv", "push", "push-file")
# (measure, key, row label, target at 400k, limit in s or None)
ROWS = [
    ("explore", "explore_ready_s", "`explore`: server answering", "< 15 s", 15.0),
    (
        "explore",
        "explore_first_paint_s",
        "`explore`: Network page first paint (fresh server)",
        "< 4 s",
        4.0,
    ),
    ("explore", "explore_warm_paint_s", "`explore`: first paint, next session", "", None),
    ("bolt", "bolt_ready_s", "`serve bolt` until `ready`", "< 4 min", 240.0),
    ("sparql", "sparql_ready_s", "`serve sparql` until it answers", "", None),
    ("sparql", "sparql_one_p50_s", "SPARQL one-entity lookup through `/sparql`, p50", "", None),
    (
        "sparql",
        "sparql_one_p95_s",
        "SPARQL one-entity lookup through `/sparql`, p95",
        "< 20 ms",
        0.020,
    ),
    ("export", "export_nt_s", "`export --format nt -o FILE`", "< 2 min", 120.0),
    ("neo4j-csv", "export_neo4j_csv_s", "`export --format neo4j-csv -o DIR`", "", None),
    ("push", "push_sparql_s", "`push --sparql` into Virtuoso", "< 10 min", 600.0),
    (
        "push-file",
        "push_file_s",
        "`push --sparql` into Virtuoso, Virtuoso's side (N-Triples from a file)",
        "",
        None,
    ),
]


def load() -> float:
    return round(os.getloadavg()[0], 1)


def measured(action: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Run one measurement; add the load average before and after it."""
    before = load()
    found = action()
    return found | {"load": [before, load()]}


def explore(store: Path) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    started = time.perf_counter()
    try:
        process, url = serve_explorer(store)  # gives up after 120 s
    except RuntimeError as exc:
        waited = time.perf_counter() - started
        return {"explore_ready_s": f"> {waited:.0f} s (stopped: {str(exc)[:60]})"}
    ready = time.perf_counter() - started
    try:
        with sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            cold = _time_to_drawing(page, url)
            warm = browser.new_page(viewport={"width": 1400, "height": 1000})
            again = _time_to_drawing(warm, url)
            browser.close()
    finally:
        process.terminate()
        process.communicate(timeout=60)
    return {"explore_ready_s": ready, "explore_first_paint_s": cold, "explore_warm_paint_s": again}


def bolt(store: Path) -> dict[str, Any]:
    return {"bolt_ready_s": measure_bolt(store, timeout=900)["bolt_load_s"]}


def sparql(store: Path, lookups: int) -> dict[str, Any]:
    port = free_port()
    process = subprocess.Popen(
        cli("serve", "sparql", "--store", str(store), "--port", str(port)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    ask_here = partial(ask, f"http://127.0.0.1:{port}/sparql")
    try:
        started = time.perf_counter()
        while True:
            try:
                ask_here("ASK { ?s ?p ?o }")
                break
            except OSError:
                if process.poll() is not None or time.perf_counter() - started > 300:
                    raise RuntimeError("serve sparql did not answer") from None
                time.sleep(0.1)
        ready = time.perf_counter() - started
        # a shuffled sample of the first people the store gives
        picked = ask_here(f"SELECT ?e WHERE {{ ?e a civ:Person }} LIMIT {lookups * 40}")["results"][
            "bindings"
        ]
        iris = [row["e"]["value"] for row in picked]
        random.Random(0).shuffle(iris)
        for iri in iris[:20]:  # warm-up: each worker opens the store and reads its pages
            ask_here(ONE_ENTITY.format(iri=iri))
        times = []
        for iri in iris[20 : 20 + lookups]:
            before = time.perf_counter()
            rows = ask_here(ONE_ENTITY.format(iri=iri))["results"]["bindings"]
            times.append(time.perf_counter() - before)
            assert rows, iri
    finally:
        stop(process)
    times.sort()
    return {
        "sparql_ready_s": ready,
        "sparql_one_p50_s": statistics.median(times),
        "sparql_one_p95_s": times[int(0.95 * len(times)) - 1],
        "sparql_lookups": len(times),
    }


def export_timed(store: Path, scratch: Path, fmt: str) -> dict[str, Any]:
    """Time `export --format FMT -o` whole; its size in bytes (a file, or a directory's)."""
    out = scratch / f"export-{fmt}"
    before = time.perf_counter()
    subprocess.run(
        cli("export", "--format", fmt, "-o", str(out), "--store", str(store)),
        check=True,
        capture_output=True,
    )
    seconds = time.perf_counter() - before
    if out.is_dir():
        size = sum(f.stat().st_size for f in out.iterdir())
        shutil.rmtree(out)
    else:
        size = out.stat().st_size
        out.unlink()
    key = f"export_{fmt.replace('-', '_')}"
    return {f"{key}_s": seconds, f"{key}_bytes": size}


VIRTUOSO_BUFFERS = 340_000  # about 2.7 GB of page cache for a large load


def push_sparql(store: Path, scratch: Path) -> dict[str, Any]:
    """`civicgraph push --sparql` whole into a fresh Virtuoso; its triples counted there."""
    workdir = scratch / "virtuoso"
    with _fresh_virtuoso(workdir) as url:
        before = time.perf_counter()
        done = subprocess.run(
            cli(
                *("push", "--sparql", url + "/sparql-graph-crud-auth"),
                *("--user", "dba", "--password", "dba", "--store", str(store)),
            ),
            capture_output=True,
            text=True,
            check=False,
        )
        seconds = time.perf_counter() - before
        if done.returncode != 0:
            raise RuntimeError(f"push --sparql failed:\n{done.stderr[-3000:]}")
        counted = _count_on(url)
    return {"push_sparql_s": seconds, "push_sparql_triples": counted, "push_out": done.stdout}


def push_file(nt: Path, scratch: Path) -> dict[str, Any]:
    """Virtuoso's side of `push --sparql`: the data graph's N-Triples read from a file
    (`export --format nt`) instead of out of the store, sent by the same `GraphStore.replace`
    in the same parts."""
    workdir = scratch / "virtuoso"
    with _fresh_virtuoso(workdir) as url, nt.open("rb") as text:
        with GraphStore(url + "/sparql-graph-crud-auth", "dba", "dba") as endpoint:
            before = time.perf_counter()
            endpoint.negotiate(DATA_GRAPH)
            sent = endpoint.replace(DATA_GRAPH, ntriples_parts(text, CHUNK_BYTES))
            seconds = time.perf_counter() - before
        counted = _count_on(url)
    return {"push_file_s": seconds, "push_file_sent": sent, "push_file_triples": counted}


@contextmanager
def _fresh_virtuoso(workdir: Path) -> Iterator[str]:
    if shutil.which("virtuoso-t") is None:
        raise SystemExit("virtuoso-t not installed (apt-get install virtuoso-opensource)")
    try:
        with virtuoso_server(workdir, buffers=VIRTUOSO_BUFFERS) as url:
            yield url
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _count_on(url: str) -> int:
    query = (  # Virtuoso keeps graphs of its own: count civicgraph's
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
        f"VALUES ?g {{ <{DATA_GRAPH}> <{ONTOLOGY_GRAPH}> }} }}"
    )
    with urllib.request.urlopen(
        url + "/sparql?" + urllib.parse.urlencode({"query": query, "format": "json"}),
        timeout=1200,
    ) as answer:
        return int(json.loads(answer.read())["results"]["bindings"][0]["n"]["value"])


def show(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    if value >= 60:
        return f"{value / 60:.1f} min"
    return f"{value:.1f} s" if value >= 1 else f"{value * 1000:.1f} ms"


def report(results: dict[str, Any]) -> str:
    stores = results["stores"]
    names = list(stores)
    lines = [
        "| measure | " + " | ".join(names) + " | target at 400k |",
        "|---|" + "---:|" * len(names) + "---|",
    ]
    for measure, key, label, target, limit in ROWS:
        cells = []
        for name in names:
            found = stores[name].get(measure, {})
            value = found.get(key)
            cell = show(value)
            if value is not None and "load" in found:
                cell += f" (load {found['load'][0]}–{found['load'][1]})"
            if name == "400k" and limit is not None and value is not None:
                met = isinstance(value, int | float) and value < limit
                cell += "" if met else " **missed**"
            cells.append(cell)
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {target} |")
    counts = []
    for name in names:
        push = stores[name].get("push", {})
        if "push_sparql_triples" in push:
            counts.append(f"{name}: {push['push_sparql_triples']:,} triples on the server")
        pushed = stores[name].get("push-file", {})
        if "push_file_triples" in pushed:
            counts.append(f"{name} from the file: {pushed['push_file_triples']:,} triples")
    m = results["machine"]
    return f"""## Servers and bulk commands against N (issue 20)

`uv run python -m bench.bench_services_scale {" ".join("--store " + s for s in results["args"])}`
(`bench/bench_services_scale.py`), last run {results["finished"]}, {m["cpu"]},
{m["cores"]} cores, {m["memory_gb"]} GB. Each command whole, in a fresh process; the load
average (1 min) before and after each figure is beside it: another engineer's work shared
the 2 cores. Lookups: {results["lookups"]} one-entity `SELECT ?p ?o WHERE {{ <e> ?p ?o }}`
one after another after 20 to warm up. Virtuoso: Debian's `virtuoso-opensource`
{results.get("virtuoso", "")}, empty at start, as `tests/servers.py` sets it up
(`VIRTUOSO_INI`) with {VIRTUOSO_BUFFERS:,} buffers (about 2.7 GB), parts of
{CHUNK_BYTES >> 20} MB; {"; ".join(counts)}.

{chr(10).join(lines)}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", action="append", required=True, help="NAME=DIR")
    parser.add_argument("--only", nargs="+", choices=MEASURES, default=list(MEASURES))
    parser.add_argument("--lookups", type=int, default=200)
    parser.add_argument(
        "--nt", help="for push-file: the store's `export --format nt` (one store at a time)"
    )
    args = parser.parse_args()
    results: dict[str, Any] = (
        json.loads(RESULTS.read_text()) if RESULTS.exists() else {"stores": {}, "args": []}
    )
    results["args"] = sorted(set(results["args"]) | set(args.store), key=_size_order)
    results["lookups"] = args.lookups
    virtuoso_version = subprocess.run(
        ["dpkg-query", "-W", "-f", "${Version}", "virtuoso-opensource"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    results["virtuoso"] = virtuoso_version
    for item in args.store:
        name, directory = item.split("=", 1)
        store = Path(directory)
        found = results["stores"].setdefault(name, {})
        with tempfile.TemporaryDirectory(prefix="civicgraph-scale-", dir="/tmp") as tmp:
            scratch = Path(tmp)
            actions: dict[str, Callable[[], dict[str, Any]]] = {
                "explore": partial(explore, store),
                "bolt": partial(bolt, store),
                "sparql": partial(sparql, store, args.lookups),
                "export": partial(export_timed, store, scratch, "nt"),
                "neo4j-csv": partial(export_timed, store, scratch, "neo4j-csv"),
                "push": partial(push_sparql, store, scratch),
            }
            if args.nt:
                actions["push-file"] = partial(push_file, Path(args.nt), scratch)
            for measure in args.only:
                print(f"{name}: {measure} …", file=sys.stderr, flush=True)
                found[measure] = measured(actions[measure])
                print(json.dumps({name: {measure: found[measure]}}), flush=True)
                results["stores"] = dict(sorted(results["stores"].items(), key=_size_item))
                results["machine"] = machine()
                results["finished"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
                RESULTS.write_text(json.dumps(results, indent=2) + "\n")
                write_section(ROOT / "bench" / "RESULTS.md", "services-scale", report(results))


def _size(name: str) -> float:
    digits = name.rstrip("kKmM")
    scale = {"k": 1e3, "m": 1e6}.get(name[-1:].lower(), 1)
    try:
        return float(digits) * scale
    except ValueError:
        return 0


def _size_order(item: str) -> float:
    return _size(item.split("=", 1)[0])


def _size_item(item: tuple[str, Any]) -> float:
    return _size(item[0])


if __name__ == "__main__":
    main()
