"""Commands that look into the graph: `stats`, `entity`, `search`, `sparql` and `export`."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from civicgraph.cli import answers
from civicgraph.cli.kit import open_graph, print_json, reported_errors
from civicgraph.cli.options import JsonOpt, StoreOpt
from civicgraph.errors import UsageError


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
    answers.entity(name_or_id, store, as_json)


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
    answers.search(text, type_, limit, store, as_json)


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
