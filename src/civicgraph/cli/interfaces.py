"""Commands for other tools: `serve sparql`, `serve bolt`, `cypher` and `push`."""

from __future__ import annotations

import re
import signal
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from civicgraph.cli.kit import open_graph, print_json, reported_errors, resolve_settings
from civicgraph.cli.options import JsonOpt, StoreOpt
from civicgraph.errors import UsageError

HostOpt = Annotated[str, typer.Option("--host", help="Address to listen on.")]
MIN_MEMORY = 64 << 20  # a worker holding the store open takes about 50 MB


def _stop_on_signals() -> None:
    """Let SIGTERM unwind like Ctrl-C, once, so servers stop and temporary files go."""

    def interrupt(signum: int, frame: Any) -> None:
        # once: a second signal must not cut the cleanup short
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
    signal.signal(signal.SIGINT, interrupt)


def _progress(line: str) -> None:
    typer.echo(f"… {line}", err=True)


SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?\s*", re.IGNORECASE)
DEFAULT_MAX_MEMORY = "1G"


def memory_size(text: str) -> int:
    """Read a size like `512M`, `1G` or `1.5GiB` (binary units; a bare number is bytes)."""
    found = SIZE.fullmatch(text)
    if not found:
        raise UsageError(f"--max-memory: {text!r} is not a size like 512M or 1G")
    scale = 1 << (10 * " KMGT".index(found.group(2).upper() or " "))
    return int(float(found.group(1)) * scale)


def serve_sparql(
    host: HostOpt = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port (0 picks a free one).")] = 7878,
    timeout: Annotated[
        float | None, typer.Option("--timeout", help="Seconds a query may run [default: 30].")
    ] = None,
    max_rows: Annotated[
        int | None, typer.Option("--max-rows", help="Rows per answer [default: 10000].")
    ] = None,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            help="Query worker processes; each holds the store open and runs one query at a "
            "time. Those not in a slow slot are kept for quick queries.",
        ),
    ] = 6,
    slow_slots: Annotated[
        int | None,
        typer.Option(
            "--slow-slots",
            help="Queries that may run past 1 s at once, at a lower CPU priority; a query "
            "that turns slow when all are taken is stopped with 503 and Retry-After. "
            "0 stops every query at 1 s. [default: --workers minus 2, at least 1]",
        ),
    ] = None,
    max_memory: Annotated[
        str,
        typer.Option(
            "--max-memory",
            metavar="SIZE",
            help="Resident memory a worker may reach (512M, 1G…); a query that would pass "
            "it is stopped with 503 and its worker replaced. The default keeps 6 workers "
            "within 6 GiB, while an idle worker takes about 50 MB.",
        ),
    ] = DEFAULT_MAX_MEMORY,
    allow_service: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-service",
            help="Let SERVICE call this host (host or host:port; repeatable). "
            "By default every SERVICE is refused.",
        ),
    ] = None,
    store: StoreOpt = None,
) -> None:
    """Serve a read-only SPARQL 1.1 endpoint at /sparql (plus /id/<slug>, /ontology, /health).

    Each query runs in a worker process, stopped past --timeout or --max-memory. The
    endpoint follows rebuilds: each query is answered from the build `current` pointed at
    when it started, and a build stays on disk while a worker still reads it.
    """
    from civicgraph.serve.sparql.pool import Limits
    from civicgraph.serve.sparql.server import make_server, serve

    settings = resolve_settings(store)
    with reported_errors():
        if workers < 1 or (timeout is not None and timeout <= 0) or (max_rows or 1) < 1:
            raise UsageError("--workers, --timeout and --max-rows must be positive")
        slots = max(1, workers - 2) if slow_slots is None else slow_slots
        if not 0 <= slots <= workers:
            raise UsageError(f"--slow-slots must be between 0 and --workers ({workers})")
        cap = memory_size(max_memory)
        if cap < MIN_MEMORY:
            raise UsageError(f"--max-memory must be at least {MIN_MEMORY >> 20}M")
        try:
            server = make_server(
                settings.store_dir,
                host=host,
                port=port,
                timeout=timeout or settings.sparql_timeout_s,
                max_rows=max_rows or settings.sparql_max_rows,
                workers=workers,
                limits=Limits(max_memory=cap, slow_slots=slots),
                allowed_services=tuple(allow_service or ()),
            )
        except OSError as exc:
            raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    _stop_on_signals()
    typer.echo(f"ready http://{host}:{server.server_port}/sparql")
    sys.stdout.flush()
    try:
        serve(server)
    except KeyboardInterrupt:
        typer.echo("stopped", err=True)


def serve_bolt(
    host: HostOpt = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Bolt port (0 picks a free one).")] = 7687,
    password: Annotated[
        str | None,
        typer.Option(
            "--password",
            help="Password of the user `root` [default: $CIVICGRAPH_BOLT_PASSWORD, "
            "else one generated for this run and printed on the ready line].",
        ),
    ] = None,
    store: StoreOpt = None,
) -> None:
    """Serve the property graph over Bolt, read-only (embedded ArcadeDB; user root,
    database civicgraph).

    Clients can read and nothing else: ArcadeDB's own security refuses writes, schema
    changes, users and LOAD CSV, and its HTTP API is stopped. Keep it on loopback.
    """
    from civicgraph.serve.bolt.arcade import EmbeddedBolt, free_port  # light: the JVM starts first

    def rows() -> Any:  # runs while the server starts: its imports and reads overlap the start
        from civicgraph.serve.bolt.rows import projection_rows

        return projection_rows(open_graph(store).loaded)

    import tempfile  # here: every other command would import it (and random) for nothing

    settings = resolve_settings(store)
    given = password or settings.bolt_password
    _stop_on_signals()
    with reported_errors(), tempfile.TemporaryDirectory(prefix="civicgraph-bolt-") as root:
        server = EmbeddedBolt(
            Path(root),
            host=host,
            port=port or free_port(host),
            password=given,
            heap=settings.bolt_heap,
        )
        try:
            # the server starts while the rows are read, and is loaded in process
            target, report = server.start_loaded(rows, progress=_progress)
            typer.echo(
                f"loaded {report.nodes} nodes and {report.relationships} relationships "
                f"in {report.seconds:.1f} s",
                err=True,
            )
            # a generated password is told here, once; a given one is the user's to know
            told = "" if given else f" (user {target.user}, password {target.password})"
            typer.echo(f"ready {target.uri}{told}")
            sys.stdout.flush()
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            typer.echo("stopped", err=True)
        finally:
            server.stop()


def cypher(
    query: Annotated[str, typer.Argument(metavar="QUERY", help="A Cypher query, or @file.")],
    uri: Annotated[
        str | None,
        typer.Option("--uri", help="Bolt URI [default: $CIVICGRAPH_BOLT_URI, else embedded]."),
    ] = None,
    user: Annotated[str, typer.Option("--user", help="User name.")] = "root",
    password: Annotated[
        str | None,
        typer.Option("--password", help="Password [default: $CIVICGRAPH_BOLT_PASSWORD]."),
    ] = None,
    database: Annotated[str, typer.Option("--database", help="Database.")] = "civicgraph",
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Run Cypher over the property graph through Bolt (an embedded server if no URI)."""
    from civicgraph.serve.bolt.cypher import run, run_embedded, table
    from civicgraph.serve.bolt.driver import BoltTarget

    settings = resolve_settings(store)
    with reported_errors():
        if query.startswith("@"):
            path = Path(query[1:])
            if not path.is_file():
                raise UsageError(f"no query file {path}")
            query = path.read_text(encoding="utf-8")
        uri = uri or settings.bolt_uri
        if uri:
            answer = run(BoltTarget(uri, user, password or settings.bolt_password, database), query)
        else:
            answer = run_embedded(open_graph(store).loaded, query)
    if as_json:
        print_json(answer)
    else:
        typer.echo(table(answer), nl=False)


def push(
    uri: Annotated[
        str | None, typer.Option("--uri", help="Bolt URI: bolt://, neo4j://, neo4j+s://…")
    ] = None,
    user: Annotated[str | None, typer.Option("--user", help="User name.")] = None,
    password: Annotated[str | None, typer.Option("--password", help="Password.")] = None,
    database: Annotated[
        str | None, typer.Option("--database", help="Database [default: the server's].")
    ] = None,
    sparql: Annotated[
        str | None,
        typer.Option("--sparql", help="Graph Store Protocol URL of a SPARQL server instead."),
    ] = None,
    store: StoreOpt = None,
) -> None:
    """Load the graph into a Neo4j-compatible server, or a SPARQL server (--sparql)."""
    from civicgraph.serve.bolt.driver import BoltTarget
    from civicgraph.serve.push import push_bolt, push_sparql

    with reported_errors():
        if (uri is None) == (sparql is None):
            raise UsageError("give --uri (Bolt) or --sparql (Graph Store URL), one of them")
        graph = open_graph(store)
        if sparql is not None:
            sent = push_sparql(
                graph.store,
                sparql,
                user=user,
                password=password,
                progress=_progress,
                build_dir=graph.build_dir,
            )
            typer.echo(f"pushed {sent['triples']} triples in {len(sent['graphs'])} graphs")
            return
        assert uri is not None
        report = push_bolt(graph.loaded, BoltTarget(uri, user, password, database), _progress)
    typer.echo(
        f"pushed {report.nodes} nodes and {report.relationships} relationships "
        f"in {report.seconds:.1f} s"
    )


def register_query_interfaces(app: typer.Typer, serve_app: typer.Typer) -> None:
    """Add `cypher`, `push`, `serve sparql` and `serve bolt` to the CLI."""
    app.command("cypher")(cypher)
    app.command("push")(push)
    serve_app.command("sparql")(serve_sparql)
    serve_app.command("bolt")(serve_bolt)
