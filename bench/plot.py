"""Draw bench/scaling.png: time and memory against N for both stacks, log–log."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display; must precede pyplot
import matplotlib.pyplot as plt

TIMES = [
    ("build", "build_s", "build_s"),
    ("PageRank", "pagerank_s", "pagerank_s"),
    ("sampled betweenness", "betweenness_s", "betweenness_s"),
    ("path k=3", "path_s", "path_s"),
    ("entity lookup", "lookup_s", "lookup_s"),
]
MEMORY = [
    ("build / load", "build_rss_mb", "load_rss_mb"),
    ("queries", "query_rss_mb", "rss_mb"),
]


def _series(results: dict[str, Any], stack: str, key: str) -> tuple[list[int], list[float]]:
    ns, values = [], []
    for size in results["sizes"]:
        value = size.get(stack, {}).get(key)
        if isinstance(value, int | float) and value > 0:
            ns.append(size["n"])
            values.append(value)
    return ns, values


def plot(results: dict[str, Any], path: Path) -> None:
    """Write the two log–log panels: solid lines civicgraph, dashed the naive stack."""
    figure, (times, memory) = plt.subplots(1, 2, figsize=(12, 5))
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for axes, rows in ((times, TIMES), (memory, MEMORY)):
        for colour, (label, ours, naive) in zip(colours, rows, strict=False):
            for stack, key, style in (("ours", ours, "o-"), ("naive", naive, "s--")):
                series = _series(results, stack, key)
                axes.plot(*series, style, color=colour, label=f"{label} ({stack})")
    for axes, title, unit in ((times, "time", "seconds"), (memory, "peak memory", "MB")):
        axes.set_xscale("log")
        axes.set_yscale("log")
        axes.set_xlabel("entities (N)")
        axes.set_ylabel(unit)
        axes.set_title(f"{title} against N")
        axes.grid(True, which="both", alpha=0.3)
        axes.legend(fontsize=7)
    machine = results["machine"]
    figure.suptitle(
        f"civicgraph vs rdflib + networkx — {machine['cores']} cores, "
        f"{machine['memory_gb']} GB; solid: civicgraph, dashed: naive"
    )
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
