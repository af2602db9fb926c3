"""Commands that analyse the projection: paths, reach, neighbours, centrality, communities,
brokers. Shared filter options narrow the projection before any of them runs."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar, cast

import typer

from civicgraph.cli import answers
from civicgraph.cli.answers import Filters
from civicgraph.cli.kit import open_graph, print_json, reported_errors
from civicgraph.cli.options import JsonOpt, StoreOpt

NodeTypesOpt = Annotated[
    list[str] | None,
    typer.Option("--node-type", help="Keep only entities of this type (repeatable)."),
]
RelationsOpt = Annotated[
    list[str] | None,
    typer.Option("--relation", help="Keep only relationships of this type (repeatable)."),
]
IncludeContextOpt = Annotated[
    bool,
    typer.Option(
        "--include-context",
        help="Include places, publications, datasets and concepts (the actor layer otherwise).",
    ),
]
StatusesOpt = Annotated[
    list[str] | None,
    typer.Option("--status", help="Keep only claims with this status (repeatable)."),
]
AtOpt = Annotated[int | None, typer.Option("--at", help="Keep relationships valid in this year.")]
BetweenOpt = Annotated[
    tuple[int, int] | None,
    typer.Option("--between", help="Keep relationships valid at some time in Y1..Y2."),
]
ContextOpt = Annotated[
    bool,
    typer.Option(
        "--through-context",
        help="Let paths step through places, publications, datasets and concepts.",
    ),
]


class Metric(StrEnum):
    pagerank = "pagerank"
    betweenness = "betweenness"
    degree = "degree"
    eigenvector = "eigenvector"
    closeness = "closeness"


class Engine(StrEnum):
    auto = "auto"
    networkx = "networkx"
    igraph = "igraph"


class PathFormat(StrEnum):
    text = "text"
    json = "json"
    md = "md"


NO_FILTERS = Filters()  # the default of `filters`, which `with_filters` fills from the options
FILTER_OPTIONS = {
    "node_type": NodeTypesOpt,
    "relation": RelationsOpt,
    "status": StatusesOpt,
    "at": AtOpt,
    "between": BetweenOpt,
}
Command = TypeVar("Command", bound=Callable[..., None])


def with_filters(command: Command) -> Command:
    """Give a command the filter options (before `--store`); it receives them as one
    `filters: Filters` argument, so each option is declared once for every command."""
    signature = inspect.signature(command, eval_str=True)
    own = [p for name, p in signature.parameters.items() if name != "filters"]
    at = next((i for i, p in enumerate(own) if p.name == "store"), len(own))
    options = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=kind)
        for name, kind in FILTER_OPTIONS.items()
    ]
    parameters = [
        *own[:at],
        *options,
        *(p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in own[at:]),
    ]

    @functools.wraps(command)
    def run(**given: Any) -> None:
        filters = Filters(**{name: given.pop(name) for name in FILTER_OPTIONS})
        command(filters=filters, **given)

    run.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    run.__annotations__ = {p.name: p.annotation for p in parameters}
    return cast(Command, run)


def register_analytics(app: typer.Typer) -> None:
    """Add the analysis commands to the CLI."""

    @app.command()
    @with_filters
    def path(
        source: Annotated[str, typer.Argument(metavar="FROM", help="Id or name of the start.")],
        target: Annotated[str, typer.Argument(metavar="TO", help="Id or name of the end.")],
        k: Annotated[int, typer.Option("--k", help="How many paths at most.")] = 3,
        max_hops: Annotated[int, typer.Option("--max-hops", help="Longest path.")] = 6,
        via: Annotated[
            str | None, typer.Option("--via", help="Pass through an entity of this type.")
        ] = None,
        avoid: Annotated[
            list[str] | None, typer.Option("--avoid", help="Never step on this entity.")
        ] = None,
        time_consistent: Annotated[
            bool,
            typer.Option("--time-consistent", help="Each hop still valid when the next starts."),
        ] = False,
        confirmed_only: Annotated[
            bool, typer.Option("--confirmed-only", help="Only claims with status confirmed.")
        ] = False,
        through_context: ContextOpt = False,
        filters: Filters = NO_FILTERS,
        fmt: Annotated[
            PathFormat, typer.Option("--format", help="text, json, or md (evidence packet).")
        ] = PathFormat.text,
        output: Annotated[
            Path | None, typer.Option("-o", "--output", help="Write to a file.")
        ] = None,
        store: StoreOpt = None,
        as_json: JsonOpt = False,
    ) -> None:
        """Up to K shortest paths between two entities; every hop shows its quotes."""
        answers.path(
            source,
            target,
            k=k,
            max_hops=max_hops,
            via=via,
            avoid=avoid,
            time_consistent=time_consistent,
            confirmed_only=confirmed_only,
            through_context=through_context,
            filters=filters,
            fmt=fmt.value,
            output=output,
            store=store,
            as_json=as_json,
        )

    @app.command()
    @with_filters
    def reach(
        actor: Annotated[str, typer.Argument(help="Id or name of an actor.")],
        to_type: Annotated[
            list[str] | None,
            typer.Option("--to-type", help="Target type (repeatable) [default: Program, Reform]."),
        ] = None,
        max_hops: Annotated[int, typer.Option("--max-hops", help="How far to look.")] = 4,
        top: Annotated[int, typer.Option(help="How many targets.")] = 50,
        through_context: ContextOpt = False,
        filters: Filters = NO_FILTERS,
        store: StoreOpt = None,
        as_json: JsonOpt = False,
    ) -> None:
        """The programs and reforms an actor connects to, nearest and best attested first."""
        with reported_errors():
            graph = open_graph(store)
            keep = filters.keep(graph)
            found = graph.reach(
                actor,
                to_types=to_type,
                max_hops=max_hops,
                top=top,
                through_context=through_context,
                keep=keep,
            )
        if as_json:
            print_json(found)
            return
        if not found["results"]:
            typer.echo(
                f"{found['from']['label']} reaches none of these within {max_hops} hops", err=True
            )
            raise typer.Exit(1)
        for row in found["results"]:
            steps = " ".join(
                f"{'→' if h['direction'] == 'out' else '←'}{h['predicate']}" for h in row["path"]
            )
            typer.echo(f"{row['length']}  {row['label']}  ({', '.join(row['types'])})  {steps}")

    @app.command()
    def neighbours(
        name_or_id: Annotated[str, typer.Argument(help="Id or name of the centre.")],
        depth: Annotated[int, typer.Option("--depth", help="How many hops out.")] = 1,
        store: StoreOpt = None,
        as_json: JsonOpt = False,
    ) -> None:
        """The ego network of an entity: everything within DEPTH hops."""
        with reported_errors():
            found = open_graph(store).neighbours(name_or_id, depth=depth)
        if as_json:
            print_json(found)
            return
        for node in found["nodes"]:
            typer.echo(f"{node['distance']}  {node['label']}  ({', '.join(node['types'])})")
        typer.echo(f"({len(found['nodes'])} entities, {len(found['edges'])} relationships)")

    @app.command()
    @with_filters
    def centrality(
        metric: Annotated[Metric, typer.Option(help="Which centrality.")] = Metric.pagerank,
        type_: Annotated[
            str | None, typer.Option("--type", help="Rank only this type (and subtypes).")
        ] = None,
        top: Annotated[int, typer.Option(help="How many entities.")] = 20,
        directed: Annotated[bool, typer.Option("--directed", help="Follow directions.")] = False,
        unweighted: Annotated[
            bool, typer.Option("--unweighted", help="Count linked pairs once.")
        ] = False,
        sample: Annotated[
            int | None, typer.Option("--sample", help="Betweenness from K random sources.")
        ] = None,
        seed: Annotated[int, typer.Option(help="Seed of the sample.")] = 42,
        engine: Annotated[Engine, typer.Option(help="Computation engine.")] = Engine.auto,
        include_context: IncludeContextOpt = False,
        filters: Filters = NO_FILTERS,
        store: StoreOpt = None,
        as_json: JsonOpt = False,
    ) -> None:
        """Rank entities by centrality on the projection (undirected unless --directed), on the
        actor layer unless --include-context."""
        with reported_errors():
            graph = open_graph(store)
            keep = filters.keep(graph)
            ranked = graph.centrality(
                metric.value,
                type_=type_,
                top=top,
                directed=directed,
                weighted=not unweighted,
                sample=sample,
                seed=seed,
                engine=engine.value,
                keep=keep,
                include_context=include_context,
            )
        if as_json:
            print_json(ranked)
            return
        for position, row in enumerate(ranked["results"], start=1):
            typer.echo(
                f"{position:>3}. {row['score']:.4f}  {row['label']}  ({', '.join(row['types'])})"
            )

    @app.command()
    @with_filters
    def communities(
        seed: Annotated[int, typer.Option(help="Seed of Louvain (same seed, same answer).")] = 42,
        resolution: Annotated[float, typer.Option(help="Higher finds smaller groups.")] = 1.0,
        top: Annotated[int, typer.Option(help="Members shown per community.")] = 5,
        include_context: IncludeContextOpt = False,
        filters: Filters = NO_FILTERS,
        store: StoreOpt = None,
        as_json: JsonOpt = False,
    ) -> None:
        """Communities of densely linked entities (seeded Louvain)."""
        with reported_errors():
            graph = open_graph(store)
            keep = filters.keep(graph)
            found = graph.communities(
                seed=seed,
                resolution=resolution,
                top=top,
                keep=keep,
                include_context=include_context,
            )
        if as_json:
            print_json(found)
            return
        typer.echo(f"modularity {found['modularity']:.3f} ({found['layer']} layer)")
        for row in found["communities"]:
            names = "; ".join(m["label"] for m in row["top"])
            typer.echo(f"{row['community']:>3}. {row['size']:>4} entities: {names}")

    @app.command()
    @with_filters
    def brokers(
        from_type: Annotated[str, typer.Option("--from-type", help="One side.")] = "Movement",
        to_type: Annotated[str, typer.Option("--to-type", help="The other side.")] = "Reform",
        top: Annotated[int, typer.Option(help="How many brokers.")] = 20,
        include_context: IncludeContextOpt = False,
        filters: Filters = NO_FILTERS,
        store: StoreOpt = None,
        as_json: JsonOpt = False,
    ) -> None:
        """Actors whose removal cuts one type off from another (movements from reforms)."""
        with reported_errors():
            graph = open_graph(store)
            keep = filters.keep(graph)
            found = graph.brokers(
                from_type=from_type,
                to_type=to_type,
                top=top,
                keep=keep,
                include_context=include_context,
            )
        if as_json:
            print_json(found)
            return
        for row in found["results"]:
            typer.echo(
                f"{row['disconnected_pairs']:>4} pairs cut  {row['label']}  "
                f"({', '.join(row['types'])})"
            )
