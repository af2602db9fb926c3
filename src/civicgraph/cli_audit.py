"""The `audit` command: what the sources name that the curated data does not cover."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from civicgraph.clikit import JsonOpt, _errors, _print_json, _settings

if TYPE_CHECKING:
    from civicgraph.audit import AuditReport, Finding


def register_audit(app: typer.Typer) -> None:
    """Add `civicgraph audit` to the command line."""

    @app.command()
    def audit(
        data: Annotated[
            Path | None, typer.Option("--data", help="Curated data directory [default: data/].")
        ] = None,
        as_json: JsonOpt = False,
    ) -> None:
        """Report uncited names and numbers, single-citation entities and duplicates.

        Reads data/ (no store needed); deliberate exclusions come from data/EXCLUDED.md.
        """
        from civicgraph.api import CivicGraph

        with _errors():
            report = CivicGraph.audit(_settings(data=data))
        if as_json:
            _print_json(report.to_json())
        else:
            typer.echo(render_text(report), nl=False)


def render_text(report: AuditReport) -> str:
    """Render a report for people: counts first, then what to look at."""
    lines = []
    for kind, counts in report.coverage.items():
        lines.append(
            f"{kind}s: {counts['covered']}/{counts['distinct']} distinct cited, "
            f"{counts['covered_occurrences']}/{counts['occurrences']} occurrences"
        )

    def section(title: str, items: list[str]) -> None:
        lines.append(f"\n{title} ({len(items)}):")
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
    return "\n".join(lines) + "\n"
