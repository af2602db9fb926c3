"""Run the benchmark: civicgraph against the naive stack, at several sizes, in one run.

    uv run --group bench python -m bench         # N = 1k, 10k, 100k (the 100k run takes long)
    uv run --group bench python -m bench --sizes 1000 10000    # a quicker run
    uv run --group bench python -m bench --sizes 10000 100000 400000   # LittleSis size
    uv run python -m bench --sizes 200 --out /tmp/b --work /tmp/w   # the smoke test's run

Each measurement runs in a fresh child process (so peak memory is the operation's own):
synthesize N entities, build the store, query it through the Python API, ask the SPARQL
endpoint and load the Bolt server (through the contract's commands), then load the same
triples into rdflib and networkx and do the same there. Results go to OUT/results.json,
OUT/RESULTS.md and OUT/scaling.png.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import parse_emitted
from bench.report import machine, write_report
from bench.services import measure_bolt, measure_explorer, measure_sparql

HERE = Path(__file__).resolve().parent


def child(module: str, *args: str, timeout: float | None = None) -> dict[str, Any]:
    """Run `python -m MODULE ARGS` and return the result it emits."""
    done = subprocess.run(
        [sys.executable, "-m", module, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=HERE.parent,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{module} {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return parse_emitted(done.stdout)


def cli_startup(runs: int = 5) -> float:
    """Median seconds of `civicgraph --help` (the console script, as a user runs it)."""
    script = Path(sys.executable).parent / "civicgraph"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "civicgraph.cli.app"]
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([*command, "--help"], capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def run_size(n: int, work: Path, args: argparse.Namespace) -> dict[str, Any]:
    from civicgraph.build.synth.generator import synthesize
    from civicgraph.config import Settings
    from civicgraph.store.builds import model_for

    here = work / f"n{n}"
    shutil.rmtree(here, ignore_errors=True)
    here.mkdir(parents=True)
    log = lambda step: print(f"[N={n}] {step}", file=sys.stderr, flush=True)  # noqa: E731
    log("synthesizing")
    report = synthesize(
        here / "data", model_for(Settings.resolve(env={})), entities=n, seed=args.seed
    )
    result: dict[str, Any] = {"n": n, "synth_s": report.seconds}
    log("building")
    ours = child("bench.ours", "build", str(here / "data"), str(here / "store"))
    log(f"querying (build took {ours['build_s']:.1f} s)")
    seed, sample = f"--seed={args.seed}", f"--sample={args.sample}"
    ours |= child("bench.ours", "query", str(here / "store"), str(here), seed, sample)
    if not args.no_services:
        lookups = json.loads((here / "sample.json").read_text())["lookups"]
        iris = [f"https://w3id.org/civicgraph/id/{slug}" for slug in lookups]
        log("SPARQL endpoint")
        ours |= measure_sparql(here / "store", iris)
        log("Bolt load")
        ours |= measure_bolt(here / "store")
        log("explorer first paint")
        ours |= measure_explorer(here / "store")
    result["ours"] = ours
    if not args.no_naive and n > args.naive_up_to:
        # rdflib's memory store held 8.5 GB at 100k (6.3M triples): about 34 GB at 400k
        result["naive_skipped"] = f"above --naive-up-to {args.naive_up_to:,}: does not fit"
    elif not args.no_naive:
        log("naive stack (rdflib + networkx)")
        result["naive"] = child("bench.naive", str(here), seed, sample)
    if not args.keep:
        shutil.rmtree(here / "store", ignore_errors=True)
        (here / "graph.nt").unlink(missing_ok=True)
    log("done")
    return result


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--sample", type=int, default=100, help="sources for betweenness")
    parser.add_argument("--out", type=Path, default=HERE, help="where results go")
    parser.add_argument("--work", type=Path, help="scratch directory [default: a temp dir]")
    parser.add_argument("--no-naive", action="store_true", help="skip rdflib + networkx")
    parser.add_argument("--no-services", action="store_true", help="skip endpoint and Bolt")
    parser.add_argument(
        "--naive-up-to",
        type=int,
        default=100_000,
        help="largest N the naive stack runs at (rdflib holds ~85 KB per entity in memory)",
    )
    parser.add_argument("--keep", action="store_true", help="keep stores and exports")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="civicgraph-bench-"))
    results: dict[str, Any] = {
        "machine": machine(),
        "started": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "seed": args.seed,
        "betweenness_sample": args.sample,
        "cli_help_s": cli_startup(),
        "sizes": [],
    }
    args.out.mkdir(parents=True, exist_ok=True)
    for n in args.sizes:
        results["sizes"].append(run_size(n, work, args))
        # written after every size, so a long run shows progress and a crash keeps the rest
        (args.out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
        write_report(results, args.out)
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)
    return results


if __name__ == "__main__":
    main()
