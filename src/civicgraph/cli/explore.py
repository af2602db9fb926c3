"""`civicgraph explore`: build the bundled graph if needed, then become the Streamlit server."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from civicgraph.cli.kit import fail, reported_errors, resolve_settings
from civicgraph.cli.options import StoreOpt
from civicgraph.errors import CivicGraphError

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _has_display() -> bool:
    """Tell whether a browser could open here (a desktop session, not a server or CI)."""

    if sys.platform in ("darwin", "win32"):
        return not os.environ.get("CI")
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def served_address(args: list[str]) -> str:
    """The address Streamlit will listen on: the last `--server.address` of the extra
    arguments, else the explorer's own 127.0.0.1."""
    address = "127.0.0.1"
    for i, arg in enumerate(args):
        if arg == "--server.address" and i + 1 < len(args):
            address = args[i + 1]
        elif arg.startswith("--server.address="):
            address = arg.partition("=")[2]
    return address


def explore(
    ctx: typer.Context,
    port: Annotated[int, typer.Option(help="Port of the explorer.")] = 8501,
    store: StoreOpt = None,
    curate: Annotated[
        bool,
        typer.Option(
            "--curate",
            help="Add the Curate page, which accepts and rejects review items into data/ "
            "(loopback only).",
        ),
    ] = False,
    data: Annotated[
        Path | None,
        typer.Option(
            "--data", help="Curated data directory the Curate page edits [default: data/]."
        ),
    ] = None,
) -> None:
    """Open the Streamlit explorer (builds the bundled graph first if needed).

    Extra arguments go to `streamlit run`, e.g. `civicgraph explore --server.address 0.0.0.0`.
    """
    address = served_address(list(ctx.args))
    if curate and address not in LOOPBACK:
        fail(
            f"error: --curate writes to data/, so the explorer must listen on loopback "
            f"(127.0.0.1, localhost or ::1), not {address}",
            2,
        )

    from civicgraph.store.builder import build as build_store
    from civicgraph.store.builder import is_stale
    from civicgraph.store.builds import manifest

    settings = resolve_settings(store, data)
    with reported_errors():
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
    env.pop("CIVICGRAPH_CURATE", None)  # only --curate, checked above, turns the page on
    if curate:
        env |= {"CIVICGRAPH_CURATE": "1", "CIVICGRAPH_DATA": str(settings.data_dir.resolve())}
    typer.echo(f"civicgraph explorer: http://localhost:{port}", err=True)
    sys.stderr.flush()
    # Become Streamlit, so that Ctrl-C and signals reach the server itself.
    os.execve(sys.executable, command, env)
