"""Commands that look into the graph: `stats`, `entity`, `search`, `sparql` and `export`."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from civicgraph.cli.kit import (
    JsonOpt,
    StoreOpt,
    fail,
    open_graph,
    print_json,
    quote_lines,
    reported_errors,
    when_text,
)
from civicgraph.errors import UsageError
from civicgraph.model.text import disagreement


def stats(store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """Count entities by type, relationships by type, observations, citations, triples."""
    with reported_errors():
        counts = open_graph(store).stats()
    if as_json:
        print_json(counts)
        return
    typer.echo(f"entities: {sum(counts['entities'].values())}")
    for name, n in counts["entities"].items():
        typer.echo(f"  {name:<28} {n:>7}")
    typer.echo(f"relationships: {sum(counts['relationships'].values())}")
    for name, n in counts["relationships"].items():
        typer.echo(f"  {name:<28} {n:>7}")
    for key in ("observations", "citations", "triples"):
        typer.echo(f"{key}: {counts[key]}")


def entity(
    name_or_id: Annotated[
        str, typer.Argument(help="An id, or a label or alias (accents and case ignored).")
    ],
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Show one entity's profile: labels, types, relationships and observations, each cited."""
    with reported_errors():
        found = open_graph(store).entity(name_or_id)
    if as_json:
        print_json(found)
        return
    if found.get("redirected_from"):
        typer.echo(f"({found['redirected_from']} was merged into {found['id']})")
    typer.echo(f"{found['label']}  ({found['id']}; {', '.join(found['types'])})")
    if found.get("merged_from"):
        typer.echo(f"  merged from: {', '.join(found['merged_from'])}")
    if found["label_es"]:
        typer.echo(f"  Spanish: {found['label_es']}")
    if found["aliases"]:
        typer.echo(f"  also: {'; '.join(found['aliases'])}")
    if found["description"]:
        typer.echo(f"  {found['description']}")
    typer.echo("\n".join(quote_lines(found["sources"], "    ")))
    if found["relations"]:
        typer.echo(f"\nrelationships ({len(found['relations'])}):")
    for rel in found["relations"]:
        arrow = f"—{rel['predicate']}→" if rel["direction"] == "out" else f"←{rel['predicate']}—"
        role = f" as {rel['role']}" if rel["role"] else ""
        about = f", concerning {rel['concerning']['label']}" if rel["concerning"] else ""
        claim = f"{rel['status']}, {rel['review']}"
        typer.echo(f"  {arrow} {rel['other']['label']}{role}{about}{when_text(rel)} ({claim})")
        typer.echo("\n".join(quote_lines(rel["sources"], "      ")))
        for other in rel.get("disagrees_with", []):
            typer.echo(f"      sources disagree: {disagreement(other)}")
    if found["observations"]:
        typer.echo(f"\nobservations ({len(found['observations'])}):")
    for obs in found["observations"]:
        rank = f", rank {obs['rank']}" if obs["rank"] else ""
        typer.echo(f"  {obs['measure']} {obs['period']}: {obs['value']} {obs['unit']}{rank}")
        typer.echo("\n".join(quote_lines(obs["sources"], "      ")))
        for other in obs.get("disagrees_with", []):
            typer.echo(f"      sources disagree: {disagreement(other)}")


def search(
    text: Annotated[str, typer.Argument(help="Words of a name.")],
    type_: Annotated[
        str | None, typer.Option("--type", help="Only this type (and its subtypes).")
    ] = None,
    limit: Annotated[int, typer.Option(help="How many candidates at most.")] = 20,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
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
        typer.echo(f"{row['score']:.2f}  {row['label']}  ({row['id']}; {', '.join(row['types'])})")


class ResultFormat(StrEnum):
    json = "json"
    csv = "csv"
    tsv = "tsv"
    table = "table"


def sparql(
    query_text: Annotated[
        str, typer.Argument(metavar="QUERY_OR_@FILE", help="A query, or @file.rq.")
    ],
    fmt: Annotated[
        ResultFormat, typer.Option("--format", help="Result format.")
    ] = ResultFormat.table,
    store: StoreOpt = None,
) -> None:
    """Run a SPARQL 1.1 query over the store (the union of all graphs)."""
    from civicgraph.store.sparql import render

    with reported_errors():
        if query_text.startswith("@"):
            query_file = Path(query_text[1:])
            if not query_file.is_file():
                raise UsageError(f"no query file {query_file}")
            query_text = query_file.read_text(encoding="utf-8")
        result = open_graph(store).sparql(query_text)
        typer.echo(render(result, fmt.value), nl=False)


class ExportFormat(StrEnum):
    nt = "nt"
    ttl = "ttl"
    trig = "trig"
    jsonld = "jsonld"
    graphml = "graphml"
    gexf = "gexf"
    jsonl = "jsonl"
    ftm = "ftm"
    ftm_statements = "ftm-statements"
    neo4j_csv = "neo4j-csv"


def export(
    fmt: Annotated[ExportFormat, typer.Option("--format", help="Output format.")],
    output: Annotated[
        Path | None,
        typer.Option(
            "-o", "--output", help="File [default: stdout]; for neo4j-csv a new or empty directory."
        ),
    ] = None,
    store: StoreOpt = None,
) -> None:
    """Export the whole graph (RDF formats, GraphML/GEXF projection, JSON lines of profiles,
    or FollowTheMoney: `ftm` entity lines, `ftm-statements` the library's statement CSV;
    `neo4j-csv` writes a directory of files for `neo4j-admin database import full`, with its
    import.sh)."""
    with reported_errors():
        if fmt is ExportFormat.neo4j_csv:
            if output is None:
                raise UsageError("--format neo4j-csv writes a directory: give -o DIR")
            files = open_graph(store).export_neo4j_csv(output)
            typer.echo(f"wrote {len(files)} files to {output} (run {output}/import.sh)", err=True)
            return
        graph = open_graph(store)
        if output is None:
            graph.export(fmt.value, sys.stdout.buffer)
            sys.stdout.buffer.flush()
        else:
            partial = output.with_name(output.name + ".partial")
            with partial.open("wb") as sink:
                graph.export(fmt.value, sink)
            partial.replace(output)
            typer.echo(f"wrote {output}", err=True)
