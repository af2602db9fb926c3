"""Write bench/RESULTS.md from results.json: the machine, the table, the targets.

Benches run on their own (`bench_endpoint`…) write their results into a section of their
own (`write_section`), between `<!-- section: NAME -->` and `<!-- /section: NAME -->`;
the report keeps those sections as they are when it rewrites the rest.
"""

from __future__ import annotations

import os
import platform
import re
from importlib import metadata
from pathlib import Path
from typing import Any

# (row label, key in "ours", key in "naive" or None, kind)
ROWS: list[tuple[str, str, str | None, str]] = [
    ("build (ours: YAML → checked store; naive: rdflib + networkx)", "build_s", "build_s", "s"),
    ("peak RSS of the build / load", "build_rss_mb", "load_rss_mb", "mb"),
    ("store on disk", "store_mb", None, "mb"),
    ("open the store + name index", "names_s", None, "s"),
    ("projection to a graph (first use)", "projection_s", "projection_s", "s"),
    ("projection, cached beside the build", "projection_cached_s", None, "s"),
    ("entity lookup: cited profile by id", "lookup_s", "lookup_s", "s"),
    ("name → entity", "resolve_s", "resolve_s", "s"),
    ("path, k = 3", "path_s", "path_s", "s"),
    ("reach (max 4 hops)", "reach_s", "reach_s", "s"),
    ("PageRank (first call)", "pagerank_s", "pagerank_s", "s"),
    ("PageRank (again)", "pagerank_warm_s", None, "s"),
    ("sampled betweenness", "betweenness_s", "betweenness_s", "s"),
    ("SPARQL one entity, in process", "sparql_one_s", "sparql_one_s", "s"),
    ("SPARQL 2 hops, in process", "sparql_2hop_s", "sparql_2hop_s", "s"),
    ("SPARQL endpoint: first answer after start", "endpoint_ready_s", None, "s"),
    ("SPARQL one entity, through the endpoint", "endpoint_one_s", None, "s"),
    ("SPARQL 2 hops, through the endpoint", "endpoint_2hop_s", None, "s"),
    ("Bolt load (`serve bolt` until ready)", "bolt_load_s", None, "s"),
    ("explorer: `explore` until the server answers", "explorer_ready_s", None, "s"),
    ("explorer first paint (fresh server)", "explorer_first_paint", None, "s"),
    ("explorer first paint (warm, new session)", "explorer_warm_paint_s", None, "s"),
    ("export --format nt", "export_nt_s", None, "s"),
    ("peak RSS of the query process", "query_rss_mb", "rss_mb", "mb"),
]
# (N, what, key, limit, unit); limits from issue 8
TARGETS: list[tuple[int, str, str, float, str]] = [
    (10_000, "build < 5 s", "build_s", 5, "s"),
    (10_000, "peak RSS < 1 GB", "rss", 1024, "mb"),
    (10_000, "lookup < 10 ms", "lookup_s", 0.010, "s"),
    (10_000, "path < 10 ms", "path_s", 0.010, "s"),
    (10_000, "PageRank < 0.3 s", "pagerank_s", 0.3, "s"),
    (10_000, "Bolt load < 10 s", "bolt_load_s", 10, "s"),
    (100_000, "build < 60 s", "build_s", 60, "s"),
    (100_000, "peak RSS < 4 GB", "rss", 4096, "mb"),
    (100_000, "lookup < 20 ms", "lookup_s", 0.020, "s"),
    (100_000, "path < 20 ms", "path_s", 0.020, "s"),
    (100_000, "PageRank < 1 s", "pagerank_s", 1, "s"),
    (100_000, "Bolt load < 60 s", "bolt_load_s", 60, "s"),
    (100_000, "sampled betweenness < 15 s", "betweenness_s", 15, "s"),
]
PACKAGES = ["pyoxigraph", "rdflib", "networkx", "igraph", "pyshacl", "PyYAML"]
SECTION = re.compile(r"<!-- section: ([\w-]+) -->\n.*?<!-- /section: \1 -->\n", re.DOTALL)


def sections(path: Path) -> list[str]:
    """The sections other benches wrote into a report, each whole with its markers."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    return [found.group(0) for found in SECTION.finditer(text)]


def write_section(path: Path, name: str, body: str) -> None:
    """Put `body` into the report's section `name` (added at the end the first time),
    leaving everything else in the file as it is."""
    block = f"<!-- section: {name} -->\n{body.strip()}\n<!-- /section: {name} -->\n"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    found = next((m for m in SECTION.finditer(text) if m.group(1) == name), None)
    if found:
        text = text[: found.start()] + block + text[found.end() :]
    else:
        text = text.rstrip("\n") + ("\n\n" if text else "") + block
    path.write_text(text, encoding="utf-8")


def machine() -> dict[str, Any]:
    """Describe where the numbers were measured."""
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    except OSError:
        memory_kb = 0
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "-"
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(memory_kb / 1024**2, 1),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "packages": versions,
    }


def show(value: Any, kind: str) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    if kind == "mb":
        return f"{value / 1024:.2f} GB" if value >= 1024 else f"{value:.0f} MB"
    if value >= 1:
        return f"{value:.1f} s"
    if value >= 0.001:
        return f"{value * 1000:.0f} ms" if value >= 0.01 else f"{value * 1000:.1f} ms"
    return f"{value * 1e6:.0f} µs"


def _target_value(size: dict[str, Any], key: str) -> Any:
    ours = size["ours"]
    if key == "rss":
        return max(ours.get("build_rss_mb", 0), ours.get("query_rss_mb", 0))
    return ours.get(key)


def target_rows(results: dict[str, Any]) -> list[str]:
    by_n = {s["n"]: s for s in results["sizes"]}
    rows = ["| N | target | measured | met |", "|---|---|---|---|"]
    for n, what, key, limit, kind in TARGETS:
        if n not in by_n:
            continue
        value = _target_value(by_n[n], key)
        met = "yes" if isinstance(value, int | float) and value < limit else "**no**"
        if isinstance(value, str) and not value.startswith(">"):
            met = "not measured"
        rows.append(f"| {n:,} | {what} | {show(value, kind)} | {met} |")
        if key == "build_s" and n == 10_000 and "naive" in by_n[n]:
            ratio = by_n[n]["naive"]["build_s"] / by_n[n]["ours"]["build_s"]
            met = "yes" if ratio >= 5 else "**no**"
            rows.append(f"| {n:,} | build ≥ 5× faster than rdflib | {ratio:.1f}× | {met} |")
    cli = results.get("cli_help_s")
    if cli is not None:
        rows.append(
            f"| – | `civicgraph --help` < 0.5 s | {show(cli, 's')} | "
            f"{'yes' if cli < 0.5 else '**no**'} |"
        )
    return rows


def table(results: dict[str, Any]) -> list[str]:
    sizes = results["sizes"]
    head = (
        "| operation | " + " | ".join(f"ours {s['n']:,} | naive {s['n']:,}" for s in sizes) + " |"
    )
    rows = [head, "|---" * (1 + 2 * len(sizes)) + "|"]
    counts = " | ".join(
        f"{s['ours'].get('entities', 0):,} ent., {s['ours'].get('relationships', 0):,} rel., "
        f"{s['ours'].get('triples', 0):,} triples | (same triples)"
        for s in sizes
    )
    rows.append(f"| graph | {counts} |")
    for label, key, naive_key, kind in ROWS:
        cells = []
        for s in sizes:
            cells.append(show(s["ours"].get(key), kind))
            naive = s.get("naive", {})
            cells.append(show(naive.get(naive_key), kind) if naive_key and naive else "—")
        rows.append(f"| {label} | " + " | ".join(cells) + " |")
    return rows


def write_report(results: dict[str, Any], out: Path) -> None:
    """Write RESULTS.md (and scaling.png where matplotlib is installed)."""
    from bench.notes import NOTES

    m = results["machine"]
    packages = ", ".join(f"{k} {v}" for k, v in m["packages"].items())
    engines = {s["ours"].get("betweenness_engine", "") for s in results["sizes"]} | {
        s["ours"].get("reach_engine", "") for s in results["sizes"]
    }
    lines = [
        "# Benchmarks: civicgraph against the naive stack",
        "",
        "Reproduce with `uv run --group bench python -m bench` (all sizes; the 100k run takes a",
        "while) or add `--sizes 1000 10000`. The `bench` group adds matplotlib for the plot",
        "(kept out of the default environment: igraph imports it, when present, at start-up).",
        "Generated by `bench/report.py` from `bench/results.json`; the plot is",
        "`bench/scaling.png` (`bench/plot.py`).",
        "",
        f"Measured {results['started']} on {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB,",
        f"{m['os']}, Python {m['python']}; {packages}.",
        f"Synthetic data: `civicgraph synth --entities N --seed {results['seed']}` (about 4",
        "relationships and 0.1 observations per entity, as in LittleSis). Betweenness samples",
        f"{results['betweenness_sample']} sources in both stacks. Engines: "
        + "; ".join(sorted(e for e in engines if e))
        + ".",
        "",
        *(
            f"The naive stack did not run at N = {s['n']:,} ({s['naive_skipped']}: rdflib's "
            "memory store held 8.5 GB at 100k entities, and this machine has "
            f"{m['memory_gb']} GB)."
            for s in results["sizes"]
            if s.get("naive_skipped")
        ),
        "",
        "Times of lookups, paths, reach and queries are medians over the same sampled",
        'entities and pairs in both stacks; "naive" is rdflib\'s in-memory Graph parsing',
        "`export --format nt` plus a networkx graph built from its relation triples.",
        "",
        "## Results",
        "",
        *table(results),
        "",
        "## Targets (issue 8)",
        "",
        *target_rows(results),
        "",
        NOTES.strip(),
        "",
        *sections(out / "RESULTS.md"),  # other benches' results, as they wrote them
    ]
    (out / "RESULTS.md").write_text("\n".join(lines))
    try:
        from bench.plot import plot
    except ImportError:  # matplotlib comes with the `bench` dependency group
        return
    plot(results, out / "scaling.png")
