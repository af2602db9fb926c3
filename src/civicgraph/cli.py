"""The `civicgraph` command line: parse arguments, call the library, render the answer.

Heavy libraries are imported inside the commands so that `civicgraph --help` starts fast.
Errors are printed as plain lines on stderr with the exit codes of the contract:
0 success, 1 nothing found, 2 bad input or usage.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from civicgraph.config import Settings
from civicgraph.errors import CivicGraphError, DataError, NotFoundError, UsageError

app = typer.Typer(
    name="civicgraph",
    help="A cited knowledge graph of Mexico's civic responses to crime and violence.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
serve_app = typer.Typer(help="Serve the graph: SPARQL endpoint or Bolt server (not available yet).")
app.add_typer(serve_app, name="serve")

StoreOpt = Annotated[
    Path | None,
    typer.Option(
        "--store",
        help="Store directory [default: $CIVICGRAPH_STORE or .civicgraph/].",
        show_default=False,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON (the contract's shape).")]


def _settings(store: Path | None = None, data: Path | None = None) -> Settings:
    return Settings.resolve(store_dir=store, data_dir=data)


def _fail(message: str, code: int) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(code)


@contextmanager
def _errors() -> Iterator[None]:
    """Turn civicgraph's errors into plain stderr lines and exit codes; never a traceback."""
    try:
        yield
    except DataError as exc:
        for problem in exc.problems:
            typer.echo(str(problem), err=True)
        _fail(f"build failed: {len(exc.problems)} problem(s); the previous store is untouched", 2)
    except NotFoundError as exc:
        lines = [str(exc)]
        if exc.suggestions:
            lines.append("did you mean: " + "; ".join(exc.suggestions))
        _fail("\n".join(lines), exc.exit_code)
    except CivicGraphError as exc:
        _fail(f"error: {exc}", exc.exit_code)


def _print_json(value: Any) -> None:
    typer.echo(json.dumps(value, ensure_ascii=False, indent=2))


LATER = {"allow_extra_args": True, "ignore_unknown_options": True}


def _not_yet(command: str, issue: str) -> Callable[..., None]:
    def stub(ctx: typer.Context) -> None:
        _fail(f"`civicgraph {command}` is not available yet ({issue}).", 2)

    return stub


@app.command()
def build(
    data: Annotated[
        Path | None, typer.Option("--data", help="Curated data directory [default: data/].")
    ] = None,
    store: StoreOpt = None,
    shapes: Annotated[bool, typer.Option(help="Also validate against the SHACL shapes.")] = True,
) -> None:
    """Validate data/ and build the store atomically (on error the old store is untouched)."""
    from civicgraph.store import build as build_store

    settings = _settings(store, data)
    with _errors():
        report = build_store(
            settings, lambda step: typer.echo(f"… {step}", err=True), shapes=shapes
        )
    typer.echo(
        f"built {settings.store_dir}/ in {report.seconds:.1f} s: {report.entities} entities, "
        f"{report.relationships} relationships, {report.observations} observations, "
        f"{report.quads} triples"
    )


def _open(store: Path | None) -> Any:
    from civicgraph.api import CivicGraph

    return CivicGraph(_settings(store))


def _quote_lines(sources: list[dict[str, Any]], indent: str) -> list[str]:
    return [
        f"{indent}“{s['quote']}” ({s['document']}:{s['char_start']}-{s['char_end']})"
        for s in sources
    ]


def _when(item: dict[str, Any]) -> str:
    start, end = item.get("start"), item.get("end")
    if start and end:
        return f" [{start}–{end}]"
    if start:
        return f" [from {start}]"
    return f" [until {end}]" if end else ""


@app.command()
def stats(store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """Count entities by type, relationships by type, observations, citations, triples."""
    with _errors():
        counts = _open(store).stats()
    if as_json:
        _print_json(counts)
        return
    typer.echo(f"entities: {sum(counts['entities'].values())}")
    for name, n in counts["entities"].items():
        typer.echo(f"  {name:<28} {n:>7}")
    typer.echo(f"relationships: {sum(counts['relationships'].values())}")
    for name, n in counts["relationships"].items():
        typer.echo(f"  {name:<28} {n:>7}")
    for key in ("observations", "citations", "triples"):
        typer.echo(f"{key}: {counts[key]}")


@app.command()
def entity(
    name_or_id: Annotated[
        str, typer.Argument(help="An id, or a label or alias (accents and case ignored).")
    ],
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Show one entity's profile: labels, types, relationships and observations, each cited."""
    with _errors():
        found = _open(store).entity(name_or_id)
    if as_json:
        _print_json(found)
        return
    typer.echo(f"{found['label']}  ({found['id']}; {', '.join(found['types'])})")
    if found["label_es"]:
        typer.echo(f"  Spanish: {found['label_es']}")
    if found["aliases"]:
        typer.echo(f"  also: {'; '.join(found['aliases'])}")
    if found["description"]:
        typer.echo(f"  {found['description']}")
    typer.echo("\n".join(_quote_lines(found["sources"], "    ")))
    if found["relations"]:
        typer.echo(f"\nrelationships ({len(found['relations'])}):")
    for rel in found["relations"]:
        arrow = f"—{rel['predicate']}→" if rel["direction"] == "out" else f"←{rel['predicate']}—"
        role = f" as {rel['role']}" if rel["role"] else ""
        typer.echo(f"  {arrow} {rel['other']['label']}{role}{_when(rel)} ({rel['status']})")
        typer.echo("\n".join(_quote_lines(rel["sources"], "      ")))
    if found["observations"]:
        typer.echo(f"\nobservations ({len(found['observations'])}):")
    for obs in found["observations"]:
        rank = f", rank {obs['rank']}" if obs["rank"] else ""
        typer.echo(f"  {obs['measure']} {obs['period']}: {obs['value']} {obs['unit']}{rank}")
        typer.echo("\n".join(_quote_lines(obs["sources"], "      ")))


@app.command()
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
    with _errors():
        graph = _open(store)
        if type_ and type_ not in graph.model.classes:
            raise UsageError(
                f"unknown type {type_!r} (known: {', '.join(sorted(graph.model.classes))})"
            )
        results = graph.search(text, type_=type_, limit=limit)
    if as_json:
        _print_json(results)
        return
    if not results:
        _fail(f"no entity matches {text!r}", 1)
    for row in results:
        typer.echo(f"{row['score']:.2f}  {row['label']}  ({row['id']}; {', '.join(row['types'])})")


@app.command()
def path(
    source: Annotated[str, typer.Argument(metavar="FROM", help="Id or name of the start.")],
    target: Annotated[str, typer.Argument(metavar="TO", help="Id or name of the end.")],
    k: Annotated[int, typer.Option("--k", help="How many paths at most.")] = 3,
    max_hops: Annotated[int, typer.Option("--max-hops", help="Longest path to consider.")] = 6,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Up to K shortest paths between two entities; every hop shows its quotes."""
    with _errors():
        found = _open(store).path(source, target, k=k, max_hops=max_hops)
    if as_json:
        _print_json(found)
        return
    for number, found_path in enumerate(found["paths"], start=1):
        typer.echo(
            f"path {number} ({found_path['length']} hops): "
            f"{found['from']['label']} → {found['to']['label']}"
        )
        for hop in found_path["hops"]:
            if hop["direction"] == "out":
                line = f"{hop['from']['label']} —{hop['predicate']}→ {hop['to']['label']}"
            else:
                line = f"{hop['from']['label']} ←{hop['predicate']}— {hop['to']['label']}"
            typer.echo(f"  {line}{_when(hop)} ({hop['status']})")
            typer.echo("\n".join(_quote_lines(hop["sources"], "      ")))


class Metric(StrEnum):
    pagerank = "pagerank"
    betweenness = "betweenness"
    degree = "degree"
    eigenvector = "eigenvector"
    closeness = "closeness"


@app.command()
def centrality(
    metric: Annotated[Metric, typer.Option(help="Which centrality.")] = Metric.pagerank,
    type_: Annotated[
        str | None, typer.Option("--type", help="Rank only this type (and subtypes).")
    ] = None,
    top: Annotated[int, typer.Option(help="How many entities.")] = 20,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Rank entities by centrality on the undirected projection."""
    with _errors():
        graph = _open(store)
        if type_ and type_ not in graph.model.classes:
            raise UsageError(
                f"unknown type {type_!r} (known: {', '.join(sorted(graph.model.classes))})"
            )
        ranked = graph.centrality(metric.value, type_=type_, top=top)
    if as_json:
        _print_json(ranked)
        return
    for position, row in enumerate(ranked["results"], start=1):
        typer.echo(
            f"{position:>3}. {row['score']:.4f}  {row['label']}  ({', '.join(row['types'])})"
        )


class ResultFormat(StrEnum):
    json = "json"
    csv = "csv"
    tsv = "tsv"
    table = "table"


@app.command()
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
    from civicgraph.sparql import render

    with _errors():
        if query_text.startswith("@"):
            query_file = Path(query_text[1:])
            if not query_file.is_file():
                raise UsageError(f"no query file {query_file}")
            query_text = query_file.read_text(encoding="utf-8")
        result = _open(store).sparql(query_text)
        typer.echo(render(result, fmt.value), nl=False)


class ExportFormat(StrEnum):
    nt = "nt"
    ttl = "ttl"
    trig = "trig"
    jsonld = "jsonld"
    graphml = "graphml"
    gexf = "gexf"
    jsonl = "jsonl"


@app.command()
def export(
    fmt: Annotated[ExportFormat, typer.Option("--format", help="Output format.")],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="File [default: stdout].")
    ] = None,
    store: StoreOpt = None,
) -> None:
    """Export the whole graph (RDF formats, GraphML/GEXF projection, or JSON lines of profiles)."""
    from civicgraph.export import export as export_graph

    with _errors():
        graph = _open(store)
        if output is None:
            export_graph(graph, fmt.value, sys.stdout.buffer)
            sys.stdout.buffer.flush()
        else:
            partial = output.with_name(output.name + ".partial")
            with partial.open("wb") as sink:
                export_graph(graph, fmt.value, sink)
            partial.replace(output)
            typer.echo(f"wrote {output}", err=True)


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def explore(
    ctx: typer.Context,
    port: Annotated[int, typer.Option(help="Port of the explorer.")] = 8501,
    store: StoreOpt = None,
) -> None:
    """Open the Streamlit explorer (builds the bundled graph first if needed).

    Extra arguments go to `streamlit run`, e.g. `civicgraph explore --server.address 0.0.0.0`.
    """
    import os

    from civicgraph.store import build as build_store
    from civicgraph.store import is_stale

    settings = _settings(store)
    with _errors():
        if is_stale(settings):
            typer.echo(f"building {settings.store_dir}/ from {settings.data_dir}/ …", err=True)
            build_store(settings)
    script = settings.app_dir / "Home.py"
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        *ctx.args,
    ]
    env = {**os.environ, "CIVICGRAPH_STORE": str(settings.store_dir.resolve())}
    typer.echo(f"civicgraph explorer: http://localhost:{port}", err=True)
    sys.stderr.flush()
    # Become Streamlit, so that Ctrl-C and signals reach the server itself.
    os.execve(sys.executable, command, env)


app.command(
    "cypher",
    context_settings=LATER,
    help="Cypher over the property graph via Bolt (not available yet: issue 6).",
)(_not_yet("cypher", "Bolt/Cypher comes with issue 6"))
app.command(
    "push",
    context_settings=LATER,
    help="Load the projection into a Neo4j/Bolt server (not available yet: issue 6).",
)(_not_yet("push", "push comes with issue 6"))
app.command(
    "synth",
    context_settings=LATER,
    help="Generate a synthetic dataset (not available yet: issue 8).",
)(_not_yet("synth", "synthetic data comes with issue 8"))
serve_app.command(
    "sparql", context_settings=LATER, help="Read-only SPARQL endpoint (not available yet: issue 6)."
)(_not_yet("serve sparql", "the SPARQL endpoint comes with issue 6"))
serve_app.command(
    "bolt", context_settings=LATER, help="Embedded Bolt server (not available yet: issue 6)."
)(_not_yet("serve bolt", "the Bolt server comes with issue 6"))


def main() -> None:
    """Entry point of the `civicgraph` console script."""
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
