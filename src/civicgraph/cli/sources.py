"""Commands that bring in documents: `source add`, and `suggest` (what a source names)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from civicgraph.cli.kit import print_json, reported_errors, resolve_settings
from civicgraph.cli.options import JsonOpt, StoreOpt
from civicgraph.errors import relative_to_cwd

source_app = typer.Typer(help="Add documents to data/sources/ as source texts.")


@source_app.command("add")
def add(
    file: Annotated[Path, typer.Argument(help="A .txt, .md, .html, .htm or .pdf document.")],
    source_id: Annotated[
        str | None,
        typer.Option("--id", help="Source id [default: a slug of the title].", show_default=False),
    ] = None,
    title: Annotated[
        str | None, typer.Option(help="Title [default: the document's own, else the file name].")
    ] = None,
    authors: Annotated[
        str | None, typer.Option(help='Authors separated by semicolons: "A; B".')
    ] = None,
    year: Annotated[int | None, typer.Option(help="Year of publication.")] = None,
    publisher: Annotated[str | None, typer.Option(help="Publisher.")] = None,
    url: Annotated[str | None, typer.Option(help="Where the document was published.")] = None,
    license: Annotated[str | None, typer.Option(help="Its licence, e.g. CC-BY-4.0.")] = None,
    data: Annotated[
        Path | None, typer.Option("--data", help="Curated data directory [default: data/].")
    ] = None,
) -> None:
    """Extract a document's text, normalise it and keep it as data/sources/ID.txt with its
    metadata (ID.yaml, with the SHA-256) and the original (originals/ID.EXT)."""
    from civicgraph.build.documents import SourceMetadata, add_source

    about = SourceMetadata(
        title=title,
        authors=tuple(a.strip() for a in (authors or "").split(";") if a.strip()),
        year=year,
        publisher=publisher,
        url=url,
        license=license,
    )
    with reported_errors():
        added = add_source(file, resolve_settings(data=data).data_dir, about, source_id=source_id)
    typer.echo(
        f"wrote {relative_to_cwd(added.text_path)} ({added.characters} characters, "
        f"{added.paragraphs} paragraphs, sha256 {added.sha256[:12]}…)"
    )
    typer.echo(
        f"wrote {relative_to_cwd(added.metadata_path)} (title from {added.title_from}: "
        f"{added.title!r})"
    )
    typer.echo(f"kept the original as {relative_to_cwd(added.original_path)}")
    missing = [
        name
        for name, value in (("authors", about.authors), ("year", year), ("publisher", publisher))
        if not value
    ]
    fill_in = f"fill in {', '.join(missing)} in {added.metadata_path.name}; " if missing else ""
    typer.echo(
        f"next: read {added.text_path.name}; {fill_in}curate records that quote it "
        f"(document: {added.text_path.name}), then `civicgraph build` and `civicgraph audit`"
    )


def suggest(
    source_id: Annotated[str, typer.Argument(help="A source's id: data/sources/ID.txt.")],
    as_json: JsonOpt = False,
    data: Annotated[
        Path | None, typer.Option("--data", help="Curated data directory [default: data/].")
    ] = None,
    store: StoreOpt = None,
) -> None:
    """Suggest the entities a source names and the claims it may support, linked to the built
    graph, as a review queue data/review/ID.yaml (nothing enters the graph)."""
    from civicgraph.api import CivicGraph
    from civicgraph.graph.suggest import LINKED, read_source, suggest, write_review

    settings = resolve_settings(store=store, data=data)
    with reported_errors():
        doc = read_source(settings.data_dir, source_id)
        suggested = suggest(doc, CivicGraph(settings).names)
        written = write_review(settings.data_dir / "review", suggested)
    if as_json:
        print_json(suggested)
        return
    mentions, relationships = suggested["mentions"], suggested["relationships"]
    linked = [m for m in mentions if m["candidates"] and m["candidates"][0]["score"] >= LINKED]
    typer.echo(
        f"wrote {relative_to_cwd(written)}: {len(mentions)} mentions ({len(linked)} linked to "
        f"an entity), {len(relationships)} relationship candidates, all pending review"
    )
    for m in mentions:
        best = m["candidates"][0] if m["candidates"] else None
        match = f"{best['label']} ({best['id']}, {best['score']})" if best else "no candidate"
        typer.echo(
            f"  {m['id']} {m['text']!r} [{m['kind']}] {m['char_start']}-{m['char_end']}: {match}"
        )
    for r in relationships:
        typer.echo(
            f"  {r['id']} {r['subject']} —{r['predicate'] or '?'}→ {r['object']}: “{r['quote']}”"
        )
