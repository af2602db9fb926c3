"""Bench the query interfaces through their commands: SPARQL one-entity lookups over HTTP, and
the time `serve bolt` takes to load the projection.

    uv run python -m bench.bench_query_interfaces --store .civicgraph

Importable for the harness: `bench_sparql_lookup(store_dir)` and `bench_bolt_load(store_dir)`
each start the real server as a child process on a free loopback port and stop it.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import time
from pathlib import Path
from typing import Any

import requests

from bench.services import Started, start, stop
from civicgraph.api import CivicGraph
from civicgraph.config import Settings
from civicgraph.serve.bolt.arcade import free_port

LOOKUP = "SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}"
LOADED = re.compile(r"loaded (\d+) nodes and (\d+) relationships in ([\d.]+) s")


def _start(args: list[str], timeout: float) -> Started:
    found = start(args, timeout)
    if found.address is None:
        stop(found.process)
        raise RuntimeError(
            f"`civicgraph {' '.join(args)}` did not get ready: {''.join(found.errors)}"
        )
    return found


def bench_sparql_lookup(store_dir: Path, lookups: int = 200, seed: int = 42) -> dict[str, Any]:
    """Median and 95th-percentile time of a one-entity lookup through `serve sparql`."""
    graph = CivicGraph(Settings.resolve(store_dir=store_dir))
    slugs = sorted(graph.names.entities)
    chosen = random.Random(seed).choices(slugs, k=lookups)
    args = ["serve", "sparql", "--store", str(store_dir), "--port", str(free_port())]
    started = _start(args, timeout=300)
    process, url, ready = started.process, started.address, started.seconds
    times = []
    try:
        with requests.Session() as http:
            http.get(url, params={"query": "ASK {}"}, timeout=60)  # connect and warm up
            for slug in chosen:
                query = LOOKUP.format(iri=f"https://w3id.org/civicgraph/id/{slug}")
                started = time.perf_counter()
                answer = http.get(url, params={"query": query}, timeout=60)
                answer.raise_for_status()
                answer.json()
                times.append(time.perf_counter() - started)
    finally:
        stop(process)
    times.sort()
    return {
        "sparql_ready_s": round(ready, 3),
        "sparql_lookup_median_ms": round(statistics.median(times) * 1000, 2),
        "sparql_lookup_p95_ms": round(times[int(len(times) * 0.95) - 1] * 1000, 2),
        "sparql_lookups": len(times),
    }


def bench_bolt_load(store_dir: Path, timeout: float = 1800) -> dict[str, Any]:
    """Seconds `serve bolt` takes until ready, and the load alone (as the command reports)."""
    args = ["serve", "bolt", "--store", str(store_dir), "--port", str(free_port())]
    started = _start(args, timeout=timeout)
    stop(started.process)  # after the process ends, its stderr has been read whole
    ready = started.seconds
    loaded = next((m for m in map(LOADED.search, started.errors) if m), None)
    return {
        "bolt_ready_s": round(ready, 2),
        "bolt_load_s": float(loaded.group(3)) if loaded else None,
        "bolt_nodes": int(loaded.group(1)) if loaded else None,
        "bolt_relationships": int(loaded.group(2)) if loaded else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=Path(".civicgraph"))
    parser.add_argument("--skip-bolt", action="store_true")
    options = parser.parse_args()
    results = bench_sparql_lookup(options.store)
    if not options.skip_bolt:
        results |= bench_bolt_load(options.store)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
