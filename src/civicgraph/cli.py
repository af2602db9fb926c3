"""The `civicgraph` command line: parse arguments, call the library, render the answer.

Heavy libraries are imported inside the commands so that `civicgraph --help` starts fast.
Errors are printed as plain lines on stderr with the exit codes of the contract:
0 success, 1 nothing found, 2 bad input or usage.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from civicgraph.cli_analytics import register_analytics
from civicgraph.cli_audit import register_audit
from civicgraph.cli_serve import register_query_interfaces
from civicgraph.clikit import (
    JsonOpt,
    StoreOpt,
    _errors,
    _fail,
    _open,
    _print_json,
    _quote_lines,
    _settings,
    _when,
)
from civicgraph.errors import CivicGraphError, UsageError

app = typer.Typer(
    name="civicgraph",
    help="A cited knowledge graph of Mexico's civic responses to crime and violence.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
serve_app = typer.Typer(help="Serve the graph: a SPARQL endpoint or a Bolt server.")
app.add_typer(serve_app, name="serve")


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


def _has_display() -> bool:
    """Tell whether a browser could open here (a desktop session, not a server or CI)."""
    import os

    if sys.platform in ("darwin", "win32"):
        return not os.environ.get("CI")
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


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
    from civicgraph.store import is_stale, manifest

    settings = _settings(store)
    with _errors():
        try:
            built_from = Path(manifest(settings.store_dir).get("data_dir", settings.data_dir))
        except (CivicGraphError, OSError, ValueError):
            built_from = settings.data_dir
        # rebuild a store only from the data it was built from, never over another dataset
        if built_from.resolve() == settings.data_dir.resolve() and is_stale(settings):
            typer.echo(f"building {settings.store_dir}/ from {settings.data_dir}/ …", err=True)
            build_store(settings)
    script = settings.app_dir / "Home.py"
    command = [
        sys.executable,
        # `streamlit run`, with the Network page's first view computed as the server starts
        str(settings.app_dir / "serve.py"),
        "run",
        str(script),
        "--server.port",
        str(port),
        # local by default; `--server.address 0.0.0.0` (later on the line) opens it up
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "false" if _has_display() else "true",
        "--browser.gatherUsageStats",
        "false",
        "--client.toolbarMode",
        "viewer",
        *ctx.args,
    ]
    env = {**os.environ, "CIVICGRAPH_STORE": str(settings.store_dir.resolve())}
    typer.echo(f"civicgraph explorer: http://localhost:{port}", err=True)
    sys.stderr.flush()
    # Become Streamlit, so that Ctrl-C and signals reach the server itself.
    os.execve(sys.executable, command, env)


@app.command()
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
    from civicgraph.store import model_for
    from civicgraph.synth import synthesize

    with _errors():
        report = synthesize(
            out,
            model_for(_settings()),
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


def main() -> None:
    """Entry point of the `civicgraph` console script."""
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


register_analytics(app)
register_audit(app)
register_query_interfaces(app, serve_app)

if __name__ == "__main__":
    main()
