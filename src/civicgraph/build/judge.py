"""Write judgements into `data/resolutions.yaml`: append one, or take a merge back.

What `review merge`, `review judge` and `review unmerge` do. Each reads the entities and
relationships as written (their ids, types and ends, without locating a quote), checks the
file as it would be against them exactly as a build does (`resolutions`), and only then
replaces the file, atomically. The file is plain text a person edits too: appending keeps
everything above as it was, and unmerging deletes only the lines of that one judgement.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from pathlib import Path

import yaml

from civicgraph.build.datafiles import data_files, read_raw
from civicgraph.build.records import Origin, normalise_name, relationship_id
from civicgraph.build.resolutions import (
    Judgement,
    Link,
    Resolutions,
    check_resolutions,
    parse_resolutions,
    read_resolutions,
    resolutions_path,
)
from civicgraph.errors import DataError, Problem, UsageError, relative_to_cwd
from civicgraph.model.ontology import Model

HEADER = """\
# Entity resolution: judgements on whether two entity ids name the same thing.
#   - same: [old-id, kept-id]   old-id is merged into kept-id; its links keep working
#   - different: [a, b]         read and found distinct (the audit stops proposing them)
#   - unsure: [a, b]            read, not decided
# Each may carry a note:. Delete or change a line to take a judgement back (see data/README.md).
"""


@dataclass
class Written:
    """What the entity and relationship files say, as far as judgements need it."""

    types: dict[str, list[str]]
    labels: dict[str, str]
    links: list[Link]

    def require(self, slug: str) -> None:
        """Raise UsageError, with the closest ids and names, unless `slug` is an entity."""
        if slug in self.types:
            return
        close = difflib.get_close_matches(slug, list(self.types), n=3, cutoff=0.6)
        folded = {normalise_name(label): i for i, label in self.labels.items()}
        named = difflib.get_close_matches(normalise_name(slug.replace("-", " ")), folded, n=3)
        close += [folded[n] for n in named if folded[n] not in close]
        hint = f"; did you mean {', '.join(close[:5])}?" if close else ""
        raise UsageError(f"{slug!r} is not an entity id in data/entities/{hint}")


def written(data_dir: Path) -> Written:
    """Read the entities' ids, types and labels and the relationships' ends, as written."""
    found = Written({}, {}, [])
    for kind, path in data_files(data_dir):
        if kind == "observation":
            continue
        for raw in read_raw(kind, path)[0]:
            data = raw.data
            if kind == "entity" and isinstance(data.get("id"), str):
                types = data.get("type")
                found.types[data["id"]] = types if isinstance(types, list) else [str(types)]
                found.labels[data["id"]] = str(data.get("label") or data["id"])
            elif kind == "relationship":
                subject, obj = str(data.get("subject")), str(data.get("object"))
                start = data.get("start")
                derived = relationship_id(
                    subject, str(data.get("predicate")), obj, str(start) if start else None
                )
                origin = Origin(raw.file, raw.line)
                found.links.append(Link(origin, str(data.get("id") or derived), subject, obj))
    return found


def add_judgement(
    data_dir: Path, model: Model, verdict: str, first: str, second: str, note: str | None
) -> Judgement:
    """Append a judgement (`same`: `first` merged into `second`) and return it as read back.

    Raises UsageError for an unknown id or a pair already judged, DataError when the file
    as it would be does not check (an existing problem, or one this judgement makes).
    """
    current, resolutions = _current(data_dir)
    found = written(data_dir)
    found.require(first)
    found.require(second)
    pair = frozenset((first, second))
    for judgement in resolutions.judgements:
        if judgement.pair == pair:
            undo = (
                f"`civicgraph review unmerge {judgement.first}` takes it back"
                if judgement.verdict == "same"
                else "change or delete that line to judge again"
            )
            raise UsageError(
                f"{first} and {second} are already judged {judgement.verdict} at "
                f"{resolutions.file}:{judgement.line}; {undo}"
            )
    item: dict[str, object] = {verdict: [first, second]}
    if note:
        item["note"] = note
    dumped = yaml.safe_dump(
        [item], default_flow_style=None, sort_keys=False, allow_unicode=True, width=1 << 30
    )
    text = (current or HEADER) + ("\n" if current and not current.endswith("\n") else "")
    new = _checked(data_dir, text + dumped, found, model)
    return new.judgements[-1]


def remove_merge(data_dir: Path, model: Model, old: str) -> Judgement:
    """Delete the `same` judgement that merges `old` away (its lines only); return it."""
    current, resolutions = _current(data_dir)
    judgement = resolutions.merge_of(old)
    if judgement is None:
        merged = sorted(o for o, kept in resolutions.into.items() if kept == old)
        hint = f" (merged into it: {', '.join(merged)})" if merged else ""
        raise UsageError(f"{old} is not merged into another id in {resolutions.file}{hint}")
    lines = current.splitlines(keepends=True)
    kept = lines[: judgement.line - 1] + lines[judgement.last_line :]
    _checked(data_dir, "".join(kept), written(data_dir), model)
    return judgement


def _current(data_dir: Path) -> tuple[str, Resolutions]:
    """Return the file's text ('' when there is none) and its judgements; DataError when it
    does not read or check as it stands (fix it first: nothing is appended to a broken file)."""
    resolutions, problems = read_resolutions(data_dir)
    if problems:
        raise DataError(problems)
    path = resolutions_path(data_dir)
    return (path.read_text(encoding="utf-8") if path.exists() else ""), resolutions


def _checked(data_dir: Path, text: str, found: Written, model: Model) -> Resolutions:
    """Check the file's new text as a build would, then write it atomically."""
    path = resolutions_path(data_dir)
    new, problems = parse_resolutions(text, relative_to_cwd(path))
    problems += check_resolutions(new, found.types, found.links, model)
    if problems:
        raise DataError(sorted(set(problems), key=_order))
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return new


def _order(problem: Problem) -> tuple[str, int, str]:
    return problem.file, problem.line, problem.message
