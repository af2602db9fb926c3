"""Commands that make and check the data: `build`, `synth` and `audit`."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from civicgraph.cli.kit import print_json, reported_errors, resolve_settings
from civicgraph.cli.options import JsonOpt, StoreOpt

if TYPE_CHECKING:
    from civicgraph.build.audit import AuditReport, Finding

DataOpt = Annotated[
    Path | None, typer.Option("--data", help="Curated data directory [default: data/].")
]


def build(
    data: DataOpt = None,
    store: StoreOpt = None,
    shapes: Annotated[bool, typer.Option(help="Also validate against the SHACL shapes.")] = True,
) -> None:
    """Validate data/ and build the store atomically (on error the old store is untouched)."""
    from civicgraph.api import CivicGraph
    from civicgraph.graph.scores import keep_scores
    from civicgraph.store.builder import build as build_store

    settings = resolve_settings(store, data)
    started = time.perf_counter()

    def progress(step: str) -> None:  # each step with the time it starts at
        typer.echo(f"… {step} [{time.perf_counter() - started:.0f} s]", err=True)

    with reported_errors():
        report = build_store(settings, progress, shapes=shapes)
        # the scores that depend on no option, kept for `centrality` and the explorer
        progress("computing PageRank and degree")
        began = time.perf_counter()
        keep_scores(CivicGraph(settings).loaded)
        scored = time.perf_counter() - began
    typer.echo(
        f"built {settings.store_dir}/ in {report.seconds:.1f} s: {report.entities} entities, "
        f"{report.relationships} relationships, {report.observations} observations, "
        f"{report.quads} triples; scores kept in {scored:.1f} s"
    )


def synth(
    entities: Annotated[int, typer.Option("--entities", help="How many entities.")],
    out: Annotated[Path, typer.Option("--out", help="Directory to write (new or empty).")],
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same files).")] = 0,
    relationships_per_entity: Annotated[
        float, typer.Option(help="Relationships per entity (LittleSis has about 4).")
    ] = 4.0,
    layout: Annotated[
        str, typer.Option(help="lines: one record per line (JSON objects); block: indented.")
    ] = "lines",
) -> None:
    """Generate a synthetic dataset in the format of data/, for benchmarks (`build --data`)."""
    from civicgraph.build.synth.generator import synthesize
    from civicgraph.store.builds import model_for

    with reported_errors():
        report = synthesize(
            out,
            model_for(resolve_settings()),
            entities=entities,
            seed=seed,
            relationships_per_entity=relationships_per_entity,
            layout=layout,
        )
    typer.echo(
        f"wrote {out}/ in {report.seconds:.1f} s: {report.entities} entities, "
        f"{report.relationships} relationships, {report.observations} observations, "
        f"{report.files} files"
    )


def audit(
    data: DataOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Report uncited names and numbers, single-citation entities, duplicates, and
    relationships that may say more than their quotes (dates, names, relatives, table cells).

    Reads data/ (no store needed); deliberate exclusions come from data/EXCLUDED.md.
    """
    from civicgraph.api import CivicGraph

    with reported_errors():
        report = CivicGraph.audit(resolve_settings(data=data))
    if as_json:
        print_json(report.to_json())
    else:
        typer.echo(render_text(report), nl=False)


def render_text(report: AuditReport) -> str:
    """Render a report for people: counts first, then what to look at."""
    from civicgraph.build.claims import CHECKS

    lines = []
    for kind, counts in report.coverage.items():
        lines.append(
            f"{kind}s: {counts['covered']}/{counts['distinct']} distinct cited, "
            f"{counts['covered_occurrences']}/{counts['occurrences']} occurrences"
        )

    def section(title: str, items: list[str], aside: str = "") -> None:
        lines.append(f"\n{title} ({len(items)}{aside}):")
        lines.extend(f"  {item}" for item in items)

    def where(finding: Finding) -> str:
        first = finding.to_json()["occurrences"][0]
        return f"{first['document']}:{first['line']} ({', '.join(finding.to_json()['regions'])})"

    section("uncited names and numbers", [f"{f.text!r}  {where(f)}" for f in report.uncited])
    section(
        "cited names no entity carries", [f"{f.text!r}  {where(f)}" for f in report.not_entities]
    )
    section("excluded in EXCLUDED.md", [f"{f.text!r}: {f.excluded}" for f in report.excluded])
    section("exclusions that match nothing", report.unused_exclusions)
    section(
        "names shared by several entities",
        [
            f"{s['name']!r}: {', '.join(s['ids'])}" + ("" if s["reviewed"] else "  (not reviewed)")
            for s in report.shared_names
        ],
    )
    section(
        "near-duplicate entities",
        [
            f"{' / '.join(d['ids'])} ({d['ratio']})" + ("" if d["reviewed"] else "  (not reviewed)")
            for d in report.near_duplicates
        ],
    )
    section(
        "entities with a single citation",
        [f"{s['id']} ({', '.join(s['types'])})" for s in report.single_citation],
    )
    for check in CHECKS:
        found = [c for c in report.claims if c.check == check]
        explained = sum(c.explained is not None for c in found)
        section(
            f"claims to read again: {check}",
            [f"{c.file}:{c.line}: {c.relationship}: {c.message}" for c in found if not c.explained],
            f"; {explained} more explained in EXCLUDED.md" if explained else "",
        )
    section(
        "Contradictions: sources that disagree",
        [
            f"{c.message}\n    {c.first.file}:{c.first.line}: {c.first.id}"
            f"\n    {c.second.file}:{c.second.line}: {c.second.id}"
            for c in report.contradictions
        ],
    )
    return "\n".join(lines) + "\n"
