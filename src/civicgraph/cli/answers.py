"""What `entity`, `search` and `path` do and print, without Typer: their Typer commands
(`lookup`, `analytics`) call these, and so does `quick`, which runs them without Typer."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from civicgraph.cli.kit import (
    echo,
    fail,
    open_graph,
    print_json,
    quote_lines,
    reported_errors,
    when_text,
)
from civicgraph.errors import UsageError
from civicgraph.model.text import disagreement

if TYPE_CHECKING:
    from civicgraph.api import CivicGraph
    from civicgraph.graph.project import Filter


@dataclass(frozen=True)
class Filters:
    """The filter options as given on the command line."""

    node_type: list[str] | None = None
    relation: list[str] | None = None
    status: list[str] | None = None
    at: int | None = None
    between: tuple[int, int] | None = None

    def keep(self, graph: CivicGraph, *, statuses: list[str] | None = None) -> Filter:
        """Check the options against the graph's model; `statuses` overrides `--status`."""
        return graph.keep(
            types=self.node_type,
            relations=self.relation,
            statuses=statuses or self.status,
            at=self.at,
            between=self.between,
        )


def entity(name_or_id: str, store: Path | None, as_json: bool) -> None:
    """Show one entity's profile: labels, types, relationships and observations, each cited."""
    with reported_errors():
        found = open_graph(store).entity(name_or_id)
    if as_json:
        print_json(found)
        return
    if found.get("redirected_from"):
        echo(f"({found['redirected_from']} was merged into {found['id']})")
    echo(f"{found['label']}  ({found['id']}; {', '.join(found['types'])})")
    if found.get("merged_from"):
        echo(f"  merged from: {', '.join(found['merged_from'])}")
    if found["label_es"]:
        echo(f"  Spanish: {found['label_es']}")
    if found["aliases"]:
        echo(f"  also: {'; '.join(found['aliases'])}")
    if found["description"]:
        echo(f"  {found['description']}")
    echo("\n".join(quote_lines(found["sources"], "    ")))
    if found["relations"]:
        echo(f"\nrelationships ({len(found['relations'])}):")
    for rel in found["relations"]:
        arrow = f"—{rel['predicate']}→" if rel["direction"] == "out" else f"←{rel['predicate']}—"
        role = f" as {rel['role']}" if rel["role"] else ""
        about = f", concerning {rel['concerning']['label']}" if rel["concerning"] else ""
        claim = f"{rel['status']}, {rel['review']}"
        echo(f"  {arrow} {rel['other']['label']}{role}{about}{when_text(rel)} ({claim})")
        echo("\n".join(quote_lines(rel["sources"], "      ")))
        for other in rel.get("disagrees_with", []):
            echo(f"      sources disagree: {disagreement(other)}")
    if found["observations"]:
        echo(f"\nobservations ({len(found['observations'])}):")
    for obs in found["observations"]:
        rank = f", rank {obs['rank']}" if obs["rank"] else ""
        echo(f"  {obs['measure']} {obs['period']}: {obs['value']} {obs['unit']}{rank}")
        echo("\n".join(quote_lines(obs["sources"], "      ")))
        for other in obs.get("disagrees_with", []):
            echo(f"      sources disagree: {disagreement(other)}")


def search(text: str, type_: str | None, limit: int, store: Path | None, as_json: bool) -> None:
    """Rank candidate entities for a name."""
    with reported_errors():
        graph = open_graph(store)
        if type_ and type_ not in graph.model.classes:
            raise UsageError(
                f"unknown type {type_!r} (known: {', '.join(sorted(graph.model.classes))})"
            )
        results = graph.search(text, type_=type_, limit=limit)
    if as_json:
        print_json(results)
        return
    if not results:
        fail(f"no entity matches {text!r}", 1)
    for row in results:
        echo(f"{row['score']:.2f}  {row['label']}  ({row['id']}; {', '.join(row['types'])})")


def path(
    source: str,
    target: str,
    *,
    k: int,
    max_hops: int,
    via: str | None,
    avoid: list[str] | None,
    time_consistent: bool,
    confirmed_only: bool,
    through_context: bool,
    filters: Filters,
    fmt: str,
    output: Path | None,
    store: Path | None,
    as_json: bool,
) -> None:
    """Up to K shortest paths between two entities; every hop shows its quotes."""
    with reported_errors():
        graph = open_graph(store)
        keep = filters.keep(graph, statuses=["confirmed"] if confirmed_only else None)
        found = graph.path(
            source,
            target,
            k=k,
            max_hops=max_hops,
            via=via,
            avoid=avoid,
            through_context=through_context,
            time_consistent=time_consistent,
            keep=keep,
        )
        if as_json or fmt == "json":
            text = json.dumps(found, ensure_ascii=False, indent=2) + "\n"
        elif fmt == "md":
            text = graph.evidence(found)
        else:
            text = _path_text(found)
    if output is None:
        echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        echo(f"wrote {output}", err=True)


def _hop_line(hop: dict[str, Any]) -> str:
    role = f" as {hop['role']}" if hop.get("role") else ""
    if hop["direction"] == "out":
        line = f"{hop['from']['label']} —{hop['predicate']}{role}→ {hop['to']['label']}"
    else:
        line = f"{hop['from']['label']} ←{hop['predicate']}{role}— {hop['to']['label']}"
    about = f", concerning {hop['concerning']['label']}" if hop.get("concerning") else ""
    return f"  {line}{about}{when_text(hop)} ({hop['status']}, {hop['review']})"


def _path_text(found: dict[str, Any]) -> str:
    lines = []
    for number, found_path in enumerate(found["paths"], start=1):
        lines.append(
            f"path {number} ({found_path['length']} hops): "
            f"{found['from']['label']} → {found['to']['label']}"
        )
        for hop in found_path["hops"]:
            lines.append(_hop_line(hop))
            lines += quote_lines(hop["sources"], "      ")
    return "\n".join(lines) + "\n"
