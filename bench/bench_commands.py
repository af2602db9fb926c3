"""Bench whole commands as a user runs them (issue 20): is a command's cost flat in N?

    uv run python -m bench.bench_commands --store chapter=.civicgraph \\
        --store 10k=/tmp/s10k/store --store 400k=/tmp/s400k/store

Each command runs whole (`civicgraph …` in a fresh process: interpreter start, imports,
opening the build, the work, the answer), once as a warm-up and then `--runs` times; the
table gives the median wall time and the peak RSS. Beside them, a bare interpreter start
importing pyoxigraph, the floor any command stands on. The entity is the first person of each
store (by id), the path from the first person found linked to an organization that is linked to
another organization, to that other one, so the same kind of lookup is timed at every size.
Results go to a section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.report import machine, write_section

ROOT = Path(__file__).resolve().parent.parent


def timed(command: list[str], runs: int) -> tuple[float, float]:
    """Return the median wall time (s) and the highest peak RSS (MB) of a whole command."""
    walls, peaks = [], []
    with tempfile.TemporaryDirectory() as tmp:
        rss = Path(tmp) / "rss"
        for number in range(runs + 1):
            before = time.perf_counter()
            done = subprocess.run(
                ["/usr/bin/time", "-f", "%M", "-o", str(rss), *command],
                capture_output=True,
                text=True,
                check=False,
            )
            wall = time.perf_counter() - before
            if done.returncode != 0:
                raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr}")
            if number:  # the first run warms the page cache
                walls.append(wall)
                peaks.append(int(rss.read_text().split()[-1]) / 1024)
    return statistics.median(walls), max(peaks)


def first_of(cli: list[str], store: str, kind: str, count: int) -> list[str]:
    return ids(cli, store, f"SELECT ?e WHERE {{ ?e a civ:{kind} }} ORDER BY ?e LIMIT {count}")


def two_hops(cli: list[str], store: str) -> list[str]:
    """The first person (by id) two hops from an organization, through an organization."""
    query = (
        "SELECT ?a ?c WHERE { ?a a civ:Person . ?r civ:subject ?a ; civ:object ?b . "
        "?b a/rdfs:subClassOf* civ:Organization . ?s civ:subject ?b ; civ:object ?c . "
        "?c a/rdfs:subClassOf* civ:Organization "
        "FILTER (?c != ?b) } LIMIT 1"
    )
    done = subprocess.run(
        [*cli, "sparql", query, "--store", store, "--format", "csv"],
        capture_output=True,
        text=True,
        check=True,
    )
    return [cell.rsplit("/", 1)[-1].strip() for cell in done.stdout.splitlines()[1].split(",")]


def last_organization(cli: list[str], store: str) -> str:
    """The last organization by id: at 10k and more, five or six hops from the first person
    (the far end of a path search), on the chapter whatever it is."""
    query = "SELECT ?e WHERE { ?e a/rdfs:subClassOf* civ:Organization } ORDER BY DESC(?e) LIMIT 1"
    return ids(cli, store, query)[0]


def entities(store: str) -> int:
    """The number of entities of a store's current build (its build.json)."""
    info = json.loads((Path(store) / "current" / "build.json").read_text(encoding="utf-8"))
    return int(info["entities"])


def plot(
    rows: dict[str, dict[str, tuple[float, float]]], sizes: dict[str, int], path: Path
) -> None:
    """Draw whole-command wall time against N, one line per command, log-log."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(8, 5))
    for label, by_store in rows.items():
        ns = [sizes[name] for name in by_store]
        axes.plot(ns, [wall for wall, _ in by_store.values()], marker="o", label=label)
    axes.set(
        xscale="log", yscale="log", xlabel="entities (N)", ylabel="wall time, whole command (s)"
    )
    axes.set_title("civicgraph commands as a user runs them, against N")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=110)


def ids(cli: list[str], store: str, query: str) -> list[str]:
    done = subprocess.run(
        [*cli, "sparql", query, "--store", store, "--format", "csv"],
        capture_output=True,
        text=True,
        check=True,
    )
    return [line.rsplit("/", 1)[-1].strip() for line in done.stdout.splitlines()[1:]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", action="append", required=True, help="NAME=DIR")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    cli = [shutil.which("civicgraph") or "civicgraph"]
    floor, _ = timed([sys.executable, "-c", "import pyoxigraph"], args.runs)
    stores = dict(item.split("=", 1) for item in args.store)
    rows: dict[str, dict[str, tuple[float, float]]] = {}
    for name, store in stores.items():
        person = first_of(cli, store, "Person", 1)[0]
        first, second = two_hops(cli, store)
        far = last_organization(cli, store)
        commands = {
            "entity ID --json": ["entity", person, "--json"],
            "search NAME --json": ["search", person.replace("-", " "), "--json"],
            "path A B --k 3 --json": ["path", first, second, "--k", "3", "--json"],
            "path A FAR --k 3 --json": ["path", person, far, "--k", "3", "--json"],
            "reach ID --json": ["reach", person, "--json"],
            "neighbours ID --depth 2 --json": ["neighbours", person, "--depth", "2", "--json"],
            "centrality --metric pagerank --top 10 --json": [
                *("centrality", "--metric", "pagerank", "--top", "10", "--json"),
            ],
        }
        for label, command in commands.items():
            rows.setdefault(label, {})[name] = timed([*cli, *command, "--store", store], args.runs)
            print(name, label, rows[label][name], flush=True)
    where = machine()
    header = " | ".join(f"{n}: wall / RSS" for n in stores)
    lines = [f"| command | {header} |", "|---|" + "---:|" * len(stores)]
    for label, by_store in rows.items():
        cells = " | ".join(f"{w:.2f} s / {r:.0f} MB" for w, r in by_store.values())
        lines.append(f"| `civicgraph {label}` | {cells} |")
    blanks = " |" * (len(stores) - 1)
    lines.append(f"| bare `python -c 'import pyoxigraph'` | {floor:.3f} s |{blanks}")
    body = f"""## Whole commands against N (issue 20)

`uv run python -m bench.bench_commands {" ".join("--store " + s for s in args.store)}`,
{time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}, {where["cpu"]}, {where["cores"]} cores,
{where["memory_gb"]} GB, load {os.getloadavg()[0]:.1f} at the end; median of {args.runs}
after a warm-up, each command a fresh process; `PYTHONDONTWRITEBYTECODE` is
{os.environ.get("PYTHONDONTWRITEBYTECODE") or "unset"} here (where it is set, every command
compiles every module it imports again).

{chr(10).join(lines)}

![whole commands against N](commands.png)
"""
    plot(
        rows,
        {name: entities(store) for name, store in stores.items()},
        ROOT / "bench" / "commands.png",
    )
    write_section(ROOT / "bench" / "RESULTS.md", "commands", body)
    print(body)


if __name__ == "__main__":
    main()
