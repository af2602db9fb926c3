"""The entry point of the `civicgraph` command line.

A start first offers its command line to `quick`, which runs the lookups (`entity`,
`search`, `path`) without Typer when it understands every word of it; anything else goes
to the Typer application (`cli.commands`), built with only the command it names
(`commands.selected`). This module imports neither until a start needs it: `app` (the whole
Typer application, for tests and tools) is read from `cli.commands` on first use.
"""

from __future__ import annotations

import sys
from typing import Any

from civicgraph.cli import quick


def main() -> None:
    """Entry point of the `civicgraph` console script."""
    args = sys.argv[1:]
    try:
        if quick.run(args):
            return
        import typer.main

        from civicgraph.cli.commands import selected

        # a group even when it holds one command: Typer would run a lone command bare
        typer.main.get_group(selected(args))()
    except KeyboardInterrupt:
        sys.exit(130)


def __getattr__(name: str) -> Any:
    if name in ("app", "serve_app", "selected", "SETTINGS"):
        from civicgraph.cli import commands

        return getattr(commands, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if __name__ == "__main__":
    main()
