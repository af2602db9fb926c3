"""The Typer application of the `civicgraph` command line (`cli.app` starts it).

Each command group lives in a module of its own and is added here. Heavy libraries are
imported inside the commands so that `civicgraph --help` starts fast. Errors are printed
as plain lines on stderr with the exit codes of the contract: 0 success, 1 nothing found,
2 bad input or usage.
"""

from __future__ import annotations

from typing import Any

import typer
import typer.main

from civicgraph.cli import analytics, data, explore, interfaces, lookup, resolve, review, sources

SETTINGS: dict[str, Any] = {
    "name": "civicgraph",
    "help": "A cited knowledge graph of Mexico's civic responses to crime and violence.",
    "no_args_is_help": True,
    "add_completion": False,
    "pretty_exceptions_enable": False,
    "rich_markup_mode": None,
}
app = typer.Typer(**SETTINGS)
serve_app = typer.Typer(help="Serve the graph: a SPARQL endpoint or a Bolt server.")
app.add_typer(serve_app, name="serve")

# in the order `civicgraph --help` lists them
app.command()(data.build)
app.command()(lookup.stats)
app.command()(lookup.entity)
app.command()(lookup.search)
app.command()(lookup.sparql)
app.command()(lookup.export)
app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})(
    explore.explore
)
app.command()(data.synth)
analytics.register_analytics(app)
app.command()(data.audit)
app.add_typer(sources.source_app, name="source")
app.command()(sources.suggest)
resolve.register(review.review_app)  # merge, judge, unmerge: entity resolution
app.add_typer(review.review_app, name="review")
interfaces.register_query_interfaces(app, serve_app)


def selected(args: list[str]) -> typer.Typer:
    """Return the app with only the command or group that `args` name first.

    Typer makes a Click command of every registered command at each start, reading every
    signature and its annotations; a start runs one. Anything else (no command, an option,
    an unknown name) gets the whole app, so its help and "No such command" are unchanged.
    """
    name = args[0] if args else ""
    commands = [
        c
        for c in app.registered_commands
        if c.callback and (c.name or typer.main.get_command_name(c.callback.__name__)) == name
    ]
    groups = [g for g in app.registered_groups if g.name == name]
    if not commands and not groups:
        return app
    only = typer.Typer(**SETTINGS)
    only.registered_commands, only.registered_groups = commands, groups
    return only
