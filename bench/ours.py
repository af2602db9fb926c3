"""Child process: measure civicgraph itself (build, then queries through the Python API).

    python -m bench.ours build DATA STORE
    python -m bench.ours query STORE WORK --seed S --sample K

`query` also writes WORK/sample.json (the ids and pairs the naive stack must use too) and
WORK/graph.nt (`export --format nt`, the naive stack's input).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import time
from pathlib import Path
from typing import Any

from bench.common import OverBudget, dir_size_mb, emit, median_time, peak_rss_mb, timed

LOOKUPS = 20
PAIRS = 5
BUDGET_S = 60.0  # per operation: slow ones are timed on fewer samples
ONE_ENTITY = "SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}"
TWO_HOPS = (
    "SELECT (COUNT(DISTINCT ?z) AS ?n) WHERE {{ <{iri}> ?p1 ?y . ?y ?p2 ?z . "
    "?p1 civ:recordKey ?k1 . ?p2 civ:recordKey ?k2 }}"
)


def measure_build(data: Path, store: Path) -> dict[str, Any]:
    from civicgraph.config import Settings
    from civicgraph.store.builder import build

    settings = Settings.resolve(data_dir=data, store_dir=store, env={})
    steps: dict[str, float] = {}
    clock: dict[str, Any] = {"last": time.perf_counter(), "step": "start"}

    def progress(step: str) -> None:
        now = time.perf_counter()
        steps[clock["step"]] = now - clock["last"]
        clock["last"], clock["step"] = now, step

    seconds, report = timed(lambda: build(settings, progress))
    steps[clock["step"]] = time.perf_counter() - clock["last"]
    return {
        "build_s": seconds,
        "build_rss_mb": peak_rss_mb(),
        "build_steps_s": steps,
        "entities": report.entities,
        "relationships": report.relationships,
        "observations": report.observations,
        "triples": report.quads,
        "store_mb": dir_size_mb(report.path),
    }


def pick_sample(graph: Any, seed: int) -> dict[str, Any]:
    """Choose entities and pairs in the largest connected part, the same for both stacks."""
    import networkx as nx

    simple = nx.Graph(graph.projection)
    giant = sorted(max(nx.connected_components(simple), key=len))
    rng = random.Random(seed)
    actors = [
        n for n in giant if {"Person", "Organization"} & set(graph.projection.nodes[n]["types"])
    ]
    return {
        "lookups": rng.sample(giant, min(LOOKUPS, len(giant))),
        "pairs": [rng.sample(giant, 2) for _ in range(PAIRS)] if len(giant) > 1 else [],
        "actors": rng.sample(actors or giant, min(PAIRS, len(actors or giant))),
    }


def _import_engines() -> None:
    import importlib

    for name in ("scipy.sparse", "igraph"):
        with contextlib.suppress(ImportError):
            importlib.import_module(name)


def measure_queries(store: Path, work: Path, seed: int, sample_k: int) -> dict[str, Any]:
    from civicgraph.api import CivicGraph
    from civicgraph.config import Settings
    from civicgraph.model.vocab import entity_iri

    result: dict[str, Any] = {}
    result["open_s"], graph = timed(lambda: CivicGraph(Settings.resolve(store_dir=store, env={})))
    result["names_s"], _ = timed(lambda: graph.names)
    result["projection_s"], _ = timed(lambda: graph.projection)
    # a new process reads the projection cached beside the build (civicgraph.store.kept)
    again = CivicGraph(Settings.resolve(store_dir=store, env={}))
    result["projection_cached_s"], _ = timed(lambda: again.projection)
    if hasattr(graph, "views"):
        result["views_s"], _ = timed(lambda: graph.views)
    sample = pick_sample(graph, seed)
    (work / "sample.json").write_text(json.dumps(sample))

    result["lookup_s"] = median_time(graph.entity, sample["lookups"])
    result["resolve_s"] = median_time(
        lambda slug: graph.resolve(graph.names.entities[slug].label), sample["lookups"]
    )
    try:
        result["path_s"] = median_time(
            lambda pair: graph.path(*pair, k=3), sample["pairs"], budget_s=BUDGET_S
        )
    except OverBudget:
        result["path_s"] = f"> {BUDGET_S:.0f} s (stopped)"
    if hasattr(graph, "reach"):
        try:
            result["reach_s"] = median_time(graph.reach, sample["actors"], budget_s=BUDGET_S)
        except OverBudget:
            result["reach_s"] = f"> {BUDGET_S:.0f} s (stopped)"
        result["reach_engine"] = "CivicGraph.reach"
    else:
        import networkx as nx

        simple = nx.Graph(graph.projection)
        result["reach_s"] = median_time(
            lambda a: nx.single_source_shortest_path_length(simple, a, cutoff=4),
            sample["actors"],
        )
        result["reach_engine"] = "networkx BFS (no CivicGraph.reach)"
    _import_engines()  # in-process numbers: libraries loaded (start-up is measured apart)
    result["pagerank_s"], _ = timed(lambda: graph.centrality("pagerank", top=10))
    result["pagerank_warm_s"], _ = timed(lambda: graph.centrality("pagerank", top=10))
    try:
        result["betweenness_s"], _ = timed(
            lambda: graph.centrality("betweenness", top=10, sample=sample_k)
        )
        result["betweenness_engine"] = f"CivicGraph.centrality(sample={sample_k})"
    except TypeError:
        import networkx as nx

        simple = nx.Graph(graph.projection)
        result["betweenness_s"], _ = timed(
            lambda: nx.betweenness_centrality(simple, k=min(sample_k, len(simple)), seed=seed)
        )
        result["betweenness_engine"] = f"networkx betweenness_centrality(k={sample_k})"

    def sparql(text: str) -> int:
        return len(list(graph.sparql(text)))  # type: ignore[arg-type]

    iris = [entity_iri(s) for s in sample["lookups"]]
    result["sparql_one_s"] = median_time(lambda i: sparql(ONE_ENTITY.format(iri=i)), iris)
    result["sparql_2hop_s"] = median_time(lambda i: sparql(TWO_HOPS.format(iri=i)), iris)
    result["query_rss_mb"] = peak_rss_mb()

    with (work / "graph.nt").open("wb") as sink:
        result["export_nt_s"], _ = timed(lambda: graph.export("nt", sink))
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["build", "query"])
    parser.add_argument("paths", nargs=2, type=Path)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--sample", type=int, default=100)
    args = parser.parse_args()
    if args.mode == "build":
        emit(measure_build(*args.paths))
    else:
        emit(measure_queries(args.paths[0], args.paths[1], args.seed, args.sample))


if __name__ == "__main__":
    main()
