"""`review merge`, `review judge` and `review unmerge`: entity resolution judgements, kept in
`data/resolutions.yaml` (see `build.resolutions`); the next `build` applies them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from civicgraph.cli.kit import fail, reported_errors, resolve_settings
from civicgraph.errors import DataError, relative_to_cwd

if TYPE_CHECKING:
    from civicgraph.build.resolutions import Judgement
    from civicgraph.model.ontology import Model

DataOpt = Annotated[
    Path | None, typer.Option("--data", help="Curated data directory [default: data/].")
]
NoteOpt = Annotated[str | None, typer.Option("--note", help="Why: kept with the judgement.")]


def merge(
    old: Annotated[str, typer.Argument(help="The id to merge away (it becomes a redirect).")],
    kept: Annotated[str, typer.Argument(help="The id to keep.")],
    note: NoteOpt = None,
    data: DataOpt = None,
) -> None:
    """Judge two ids the same entity: OLD is merged into KEPT at the next build (its
    permalinks and `entity OLD` keep working; relationship ids stay as they are)."""
    from civicgraph.build.judge import add_judgement

    judged = _written(
        lambda data_dir, model: add_judgement(data_dir, model, "same", old, kept, note), data
    )
    typer.echo(f"{judged}: {old} is merged into {kept} at the next build")


def judge(
    first: Annotated[str, typer.Argument(help="An entity id.")],
    second: Annotated[str, typer.Argument(help="Another entity id.")],
    different: Annotated[
        bool, typer.Option("--different", help="They are different things.")
    ] = False,
    unsure: Annotated[bool, typer.Option("--unsure", help="Read, but not decided.")] = False,
    note: NoteOpt = None,
    data: DataOpt = None,
) -> None:
    """Judge two ids --different (the audit stops proposing them as duplicates) or --unsure."""
    from civicgraph.build.judge import add_judgement

    if different == unsure:
        fail("say --different or --unsure (one of them); `review merge` judges two the same", 2)
    verdict = "different" if different else "unsure"
    judged = _written(
        lambda data_dir, model: add_judgement(data_dir, model, verdict, first, second, note), data
    )
    typer.echo(f"{judged}: {first} and {second} judged {verdict}")


def unmerge(
    old: Annotated[str, typer.Argument(help="A merged id: its `same` judgement is deleted.")],
    data: DataOpt = None,
) -> None:
    """Take a merge back: delete the judgement that merges OLD (the next build has it again)."""
    from civicgraph.build.judge import remove_merge

    judged = _written(lambda data_dir, model: remove_merge(data_dir, model, old), data)
    typer.echo(f"deleted the judgement of {judged}: {old} is its own entity at the next build")


def _written(change: Callable[[Path, Model], Judgement], data: Path | None) -> str:
    """Change the file of the settings' data directory (the ontology at hand); on problems
    print every one and exit 2, the file unchanged. Return the judgement's FILE:LINE."""
    from civicgraph.build.resolutions import resolutions_path
    from civicgraph.model.ontology import load_model

    settings = resolve_settings(data=data)
    where = relative_to_cwd(resolutions_path(settings.data_dir))
    with reported_errors():
        try:
            judgement = change(settings.data_dir, load_model(settings.ontology_dir.resolve()))
        except DataError as exc:
            for problem in exc.problems:
                typer.echo(str(problem), err=True)
            fail(f"{where} is unchanged: {len(exc.problems)} problem(s)", 2)
    return f"{where}:{judgement.line}"


def register(review_app: typer.Typer) -> None:
    """Add the entity resolution commands to the `review` group."""
    review_app.command()(merge)
    review_app.command()(judge)
    review_app.command()(unmerge)
