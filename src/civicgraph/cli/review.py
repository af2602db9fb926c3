"""`civicgraph review …`: read the queues `suggest` writes and turn items into records.

`review_app` is the Typer group; other modules may add commands to it (`@review_app.command`)
before `cli.app` registers it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from civicgraph.cli.kit import fail, print_json, reported_errors, resolve_settings
from civicgraph.cli.options import JsonOpt
from civicgraph.errors import DataError, UsageError, relative_to_cwd

if TYPE_CHECKING:
    from civicgraph.build.review import Outcome

review_app = typer.Typer(
    help="Review the queues of data/review/ (written by `suggest`) into curated records.",
    no_args_is_help=True,
)
DataOpt = Annotated[
    Path | None, typer.Option("--data", help="Curated data directory [default: data/].")
]
WIDTH = 60


class ItemStatus(StrEnum):
    pending = "pending"
    accepted = "accepted"
    rejected = "rejected"


@contextmanager
def review_errors() -> Iterator[None]:
    """Report errors as every command does; a queue or data file that cannot be read, or
    edited, as `FILE:LINE: message` lines (not as a failed build)."""
    from civicgraph.build.yamledit import EditError

    with reported_errors():
        try:
            yield
        except DataError as exc:
            fail("\n".join(str(p) for p in exc.problems), 2)
        except EditError as exc:
            fail(str(exc), exc.exit_code)


def shortened(text: object, width: int = WIDTH) -> str:
    shown = " ".join(str(text or "").split())
    return shown if len(shown) <= width else shown[: width - 1] + "…"


@review_app.command("list")
def list_items(
    source_id: Annotated[
        str | None, typer.Argument(help="One queue: data/review/SOURCE_ID.yaml [default: all].")
    ] = None,
    status: Annotated[ItemStatus | None, typer.Option(help="Only items of this status.")] = None,
    as_json: JsonOpt = False,
    data: DataOpt = None,
) -> None:
    """List the items of the review queues: mentions (m1…) and relationship candidates (r1…)."""
    from civicgraph.build.queues import listed, load_queues

    with review_errors():
        queues = load_queues(resolve_settings(data=data).data_dir, source_id)
        rows = listed(queues, status.value if status else None)
        every = rows if status is None else listed(queues, None)
    if as_json:
        print_json({"items": rows})
        return
    if not rows:
        typer.echo(f"no {status.value + ' ' if status else ''}items")
        return
    # a relationship candidate names its mentions by id: show what they say beside it
    said = {r["item"]: r["text"] for r in every if r["kind"] == "mention"}

    def mention_of(row: dict[str, Any], key: str) -> str:
        source = row["item"].rsplit("/", 1)[0]
        text = said.get(f"{source}/{row[key]}")
        return f"{row[key]} {shortened(text, 30)!r}" if text else str(row[key])

    for row in rows:
        if row["kind"] == "mention":
            best = row["candidate"]
            target = (
                f"= {row['entity']}"
                if row["entity"]
                else f"→ {best['id']} ({best['score']})"
                if best
                else "→ no candidate"
            )
            what = f"{shortened(row['text'], 40)!r} {target}"
        else:
            link = (
                f"{mention_of(row, 'subject')} —{row['predicate'] or '?'}→ "
                f"{mention_of(row, 'object')}"
            )
            done = f" = {row['relationship']}" if row["relationship"] else ""
            what = f"{link}{done} “{shortened(row['text'])}”"
        note = f" (note: {shortened(row['note'], 40)})" if row.get("note") else ""
        typer.echo(f"{row['item']}\t{row['kind']}\t{row['status']}\t{what}{note}")


def report(outcome: Outcome) -> None:
    typer.echo(f"{outcome.status} {outcome.item}: {'; '.join(outcome.said)}")
    if outcome.written:
        typer.echo(f"wrote {', '.join(relative_to_cwd(p) for p in outcome.written)}")
    if any(p.parent.name != "review" for p in outcome.written):
        typer.echo("next: `civicgraph build` to check the records and load them into the store")


@review_app.command("accept")
def accept(
    item: Annotated[str, typer.Argument(help="SOURCE_ID/m3 or SOURCE_ID/r2 (m3 alone if unique).")],
    as_entity: Annotated[
        str | None,
        typer.Option(
            "--as", help="Mention: link it to this existing entity id.", show_default=False
        ),
    ] = None,
    new: Annotated[
        str | None,
        typer.Option(
            "--new", help="Mention: a new entity of this type (with --label).", show_default=False
        ),
    ] = None,
    label: Annotated[str | None, typer.Option(help="The new entity's English label.")] = None,
    slug: Annotated[
        str | None,
        typer.Option(
            "--id", help="The new entity's id [default: a slug of the label].", show_default=False
        ),
    ] = None,
    predicate: Annotated[
        str | None,
        typer.Option(
            help="Relationship: its predicate [default: the one suggested].", show_default=False
        ),
    ] = None,
    reverse: Annotated[
        bool, typer.Option("--reverse", help="Relationship: the object is the subject.")
    ] = False,
    data: DataOpt = None,
) -> None:
    """Accept an item: a mention as an entity (its top candidate, --as ID, or --new TYPE
    --label L), a relationship candidate as a cited relationship (both mentions accepted
    first). The records written are marked `review: unreviewed`."""
    from civicgraph.build.queues import find_item, load_queues
    from civicgraph.build.review import NewEntity, accept_mention, accept_relationship
    from civicgraph.graph.suggest import LINKED
    from civicgraph.model.ontology import load_model

    settings = resolve_settings(data=data)
    with review_errors():
        _, kind, _ = find_item(load_queues(settings.data_dir), item)
        model = load_model(settings.ontology_dir.resolve())
        if kind == "mention":
            if predicate or reverse:
                raise UsageError(
                    f"{item} is a mention: --predicate and --reverse are for relationships"
                )
            if (label or slug) and not new:
                raise UsageError("--label and --id go with --new TYPE")
            if new and not label:
                raise UsageError("--new TYPE needs --label (the English name)")
            fresh = NewEntity(new, label, slug) if new and label else None
            outcome = accept_mention(
                settings.data_dir, model, item, linked=LINKED, entity=as_entity, new=fresh
            )
        else:
            if as_entity or new or label or slug:
                raise UsageError(
                    f"{item} is a relationship candidate: --as, --new, --label and --id "
                    "are for mentions"
                )
            outcome = accept_relationship(
                settings.data_dir, model, item, predicate=predicate, reverse=reverse
            )
    report(outcome)


@review_app.command("reject")
def reject(
    item: Annotated[str, typer.Argument(help="SOURCE_ID/m3 or SOURCE_ID/r2 (m3 alone if unique).")],
    note: Annotated[str | None, typer.Option(help="Why, kept in the queue.")] = None,
    data: DataOpt = None,
) -> None:
    """Reject a pending item: nothing is written to the data."""
    from civicgraph.build.review import reject as reject_item

    with review_errors():
        outcome = reject_item(resolve_settings(data=data).data_dir, item, note)
    report(outcome)


@review_app.command("check")
def check(
    record_id: Annotated[str, typer.Argument(help="An entity, relationship or observation id.")],
    data: DataOpt = None,
) -> None:
    """Mark a record `review: checked`: you have read it against the words of its sources."""
    from civicgraph.build.review import check_record

    with review_errors():
        outcome = check_record(resolve_settings(data=data).data_dir, record_id)
    report(outcome)
