"""Entity resolution as data: the same / different / unsure judgements of
`data/resolutions.yaml`, read with their lines, checked, and applied to the records.

A judgement is one list item, `- same: [old-id, kept-id]` (old-id is merged into
kept-id), `- different: [a, b]` or `- unsure: [a, b]`, with an optional `note:`. The
records stay as written: a merge is applied when the graph is made (`merged`): the merged
entity is left out, the kept one takes its names as aliases and its citations, and every
reference to the old id (a relationship's ends, `via`, `concerning`, an observation's
dataset and dimensions) points at the kept id. Relationship and observation ids stay the
ids they were derived under. Chains resolve: after `same: [a, b]` and `same: [b, c]` both
a and b go into c. A cycle, an id merged into two ids, a pair judged twice, a merge that
would turn a relationship into a loop or give an entity a type it does not have are
errors at their lines.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from civicgraph.build.records import (
    EntityRecord,
    ObservationRecord,
    Origin,
    Records,
    RelationshipRecord,
)
from civicgraph.build.sources import decoded
from civicgraph.errors import Problem, clipped, relative_to_cwd
from civicgraph.model.ontology import Model

RESOLUTIONS_FILE = "resolutions.yaml"
VERDICTS = ("same", "different", "unsure")
FIELDS = {*VERDICTS, "note"}


@dataclass(frozen=True)
class Judgement:
    """One judgement on two ids, at its line; for `same`, `first` goes into `second`."""

    verdict: str
    first: str
    second: str
    line: int
    note: str | None = None
    last_line: int = 0  # the item's last line (where `unmerge` stops deleting)

    @property
    def pair(self) -> frozenset[str]:
        return frozenset((self.first, self.second))


@dataclass
class Resolutions:
    """The judgements of a data directory, with the merges they make (old id -> kept id,
    chains followed to their end)."""

    file: str
    judgements: list[Judgement] = field(default_factory=list)
    into: dict[str, str] = field(default_factory=dict)

    def merge_of(self, old: str) -> Judgement | None:
        """Return the `same` judgement that merges `old` away, if any."""
        return next((j for j in self.judgements if j.verdict == "same" and j.first == old), None)

    def merged_from(self) -> dict[str, list[str]]:
        """Return the ids merged into each kept id."""
        found: dict[str, list[str]] = {}
        for old, kept in sorted(self.into.items()):
            found.setdefault(kept, []).append(old)
        return found


def resolutions_path(data_dir: Path) -> Path:
    return data_dir / RESOLUTIONS_FILE


def read_resolutions(data_dir: Path) -> tuple[Resolutions, list[Problem]]:
    """Read `data/resolutions.yaml` (absent: no judgements) and check the judgements
    against each other; every problem at its line."""
    path = resolutions_path(data_dir)
    shown = relative_to_cwd(path)
    if not path.exists():
        return Resolutions(shown), []
    try:
        text = decoded(path.read_bytes(), shown)
    except OSError as exc:
        return Resolutions(shown), [Problem(shown, 1, f"cannot read the file: {exc.strerror}")]
    if isinstance(text, Problem):
        return Resolutions(shown), [text]
    return parse_resolutions(text, shown)


def parse_resolutions(text: str, shown: str) -> tuple[Resolutions, list[Problem]]:
    """Parse the text of a resolutions file (`shown` names it in problems) and resolve it."""
    judgements, problems = _parse(text, shown)
    found = Resolutions(shown, judgements)
    problems += _resolve(found)
    return found, problems


def _parse(text: str, shown: str) -> tuple[list[Judgement], list[Problem]]:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        reason = " ".join(str(getattr(exc, "problem", None) or exc).split())
        return [], [Problem(shown, mark.line + 1 if mark else 1, f"malformed YAML: {reason}")]
    if root is None:
        return [], []
    if not isinstance(root, yaml.SequenceNode):
        line = root.start_mark.line + 1
        return [], [Problem(shown, line, "file must be a YAML list of judgements")]
    judgements, problems = [], []
    for node in root.value:
        found = _judgement(node, shown)
        if isinstance(found, Problem):
            problems.append(found)
        else:
            judgements.append(found)
    return judgements, problems


def _judgement(node: yaml.Node, shown: str) -> Judgement | Problem:
    line = node.start_mark.line + 1
    shape = (
        "a judgement is `- same: [old-id, kept-id]`, `- different: [a, b]` or `- unsure: [a, b]`"
    )
    if not isinstance(node, yaml.MappingNode):
        return Problem(shown, line, shape)
    keys = [k.value for k, _ in node.value]
    if len(set(keys)) < len(keys):
        return Problem(shown, line, "a key is given twice in one judgement")
    unknown = sorted(set(keys) - FIELDS)
    if unknown:
        return Problem(shown, line, f"unknown field {unknown[0]!r} (allowed: {', '.join(FIELDS)})")
    verdicts = [k for k in keys if k in VERDICTS]
    if len(verdicts) != 1:
        return Problem(shown, line, shape + " (exactly one of same, different, unsure)")
    try:
        data: dict[str, Any] = yaml.SafeLoader("").construct_document(node)
    except (yaml.YAMLError, ValueError) as exc:
        return Problem(shown, line, f"unreadable judgement: {exc}")
    verdict = verdicts[0]
    ids = data[verdict]
    if not (isinstance(ids, list) and len(ids) == 2 and all(isinstance(i, str) for i in ids)):
        return Problem(shown, line, f"{verdict} takes two entity ids, [a, b], not {clipped(ids)}")
    if ids[0] == ids[1]:
        what = "merge an id into itself" if verdict == "same" else "judge an id against itself"
        return Problem(shown, line, f"cannot {what} ({ids[0]!r})")
    note = data.get("note")
    if note is not None and not isinstance(note, str):
        return Problem(shown, line, f"note must be a string, not {clipped(note)}")
    last = max(_last_lines(node)) + 1
    return Judgement(verdict, ids[0], ids[1], line, note, last)


def _last_lines(node: yaml.Node) -> list[int]:
    """Return the lines where a node's scalars and flow collections end (0-based); a block
    collection's own end runs on over the comments after it."""
    block = isinstance(node, yaml.CollectionNode) and not node.flow_style
    found = [] if block else [node.end_mark.line - (node.end_mark.column == 0)]
    children: list[Any] = node.value if isinstance(node.value, list) else []
    for child in children:
        for part in child if isinstance(child, tuple) else (child,):
            found += _last_lines(part)
    return found


def _resolve(found: Resolutions) -> list[Problem]:
    """Check the judgements against each other and follow the merges' chains."""
    problems: list[Problem] = []
    first_at: dict[frozenset[str], Judgement] = {}
    direct: dict[str, Judgement] = {}

    def at(judgement: Judgement, message: str) -> None:
        problems.append(Problem(found.file, judgement.line, message))

    def end_of(slug: str) -> str:
        seen = {slug}
        while slug in direct:
            slug = direct[slug].second
            if slug in seen:  # cannot happen: a cycle is refused before it is made
                break
            seen.add(slug)
        return slug

    for judgement in found.judgements:
        a, b = judgement.first, judgement.second
        earlier = first_at.get(judgement.pair)
        if earlier is not None:
            at(
                judgement,
                f"{a} and {b} are already judged {earlier.verdict} at {found.file}:"
                f"{earlier.line}; change or delete that judgement instead",
            )
            continue
        first_at[judgement.pair] = judgement
        if judgement.verdict != "same":
            continue
        if a in direct:
            other = direct[a]
            at(
                judgement,
                f"{a} is already merged into {other.second} at {found.file}:{other.line}",
            )
        elif end_of(b) == a:
            at(judgement, f"merging {a} into {b} makes a cycle: {b} is merged into {a}")
        else:
            direct[a] = judgement
    found.into = {old: end_of(old) for old in direct}
    for judgement in found.judgements:
        if judgement.verdict == "same" or first_at.get(judgement.pair) is not judgement:
            continue
        a, b = judgement.first, judgement.second
        if found.into.get(a, a) == found.into.get(b, b):
            at(
                judgement,
                f"{a} and {b} are judged {judgement.verdict}, but the same judgements "
                f"merge both into {found.into.get(a, a)}",
            )
    return problems


@dataclass(frozen=True)
class Link:
    """What a merge check needs of a relationship: where it is written and its two ends."""

    origin: Origin
    id: str
    subject: str
    object: str


def check_resolutions(
    found: Resolutions, types: dict[str, list[str]], links: list[Link], model: Model
) -> list[Problem]:
    """Check the judgements against the entities (`types`: id -> record types, as written)
    and the relationships: every id known, a kept entity of every type of the ones merged
    into it, and no relationship made a loop by a merge."""
    problems: list[Problem] = []
    for judgement in found.judgements:
        for slug in (judgement.first, judgement.second):
            if slug not in types:
                problems.append(Problem(found.file, judgement.line, unknown_id(slug, types)))
    for old, kept in sorted(found.into.items()):
        if old not in types or kept not in types:
            continue
        missing = [
            t
            for t in types[old]
            if t in model.classes and not model.conforms(types[kept], model.classes[t].iri)
        ]
        if missing:
            line = (found.merge_of(old) or Judgement("same", old, kept, 1)).line
            problems.append(
                Problem(
                    found.file,
                    line,
                    f"cannot merge {old} ({'/'.join(types[old])}) into {kept} "
                    f"({'/'.join(types[kept])}): {kept} is not a {'/'.join(missing)}; "
                    "merge the other way round, or correct the types first",
                )
            )
    for link in links:
        subject, obj = found.into.get(link.subject, link.subject), found.into.get(link.object)
        obj = obj or link.object
        if subject == obj and link.subject != link.object:
            merged = link.subject if link.subject != subject else link.object
            merge = found.merge_of(merged)
            where = f" ({found.file}:{merge.line})" if merge else ""
            problems.append(
                Problem(
                    link.origin.file,
                    link.origin.line,
                    f"relationship {link.id!r} would link {subject!r} to itself once {merged} "
                    f"is merged into it{where}; delete the relationship or the judgement",
                )
            )
    return problems


def unknown_id(slug: str, known: dict[str, Any] | set[str]) -> str:
    """Say that an id names no entity, with the closest ids."""
    close = difflib.get_close_matches(slug, list(known), n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    return f"{slug!r} is not a known entity id{hint}"


def links_of(records: Records) -> list[Link]:
    return [Link(r.origin, r.id, r.subject, r.object) for r in records.relationships]


def merged(records: Records, into: dict[str, str]) -> Records:
    """Return the records as the graph holds them once the merges are applied.

    Merged entities are left out and listed in `Records.merged` with the id each went
    into, the kept entities carry their names as aliases and their citations, and every
    reference to a merged id points at the kept one. Without merges the records are
    returned as they are.
    """
    if not into:
        return records
    kept = {e.id: e for e in records.entities if e.id not in into}
    gone = [(e, into[e.id]) for e in records.entities if e.id in into]
    for entity, target in gone:
        if target in kept:
            kept[target] = absorbed(kept[target], entity)
    return Records(
        entities=[kept.get(e.id, e) for e in records.entities if e.id not in into],
        relationships=[_relationship(r, into) for r in records.relationships],
        observations=[_observation(o, into) for o in records.observations],
        unreadable=records.unreadable,
        merged=[*records.merged, *gone],
    )


def split(records: Records, into: dict[str, str]) -> Records:
    """Return one file's records as the graph writes them: like `merged`, except that a
    merged entity's names and citations are not added to its kept entity, which may be in
    another file (the writer adds them from `Records.merged`)."""
    if not into:
        return records
    return Records(
        entities=[e for e in records.entities if e.id not in into],
        relationships=[_relationship(r, into) for r in records.relationships],
        observations=[_observation(o, into) for o in records.observations],
        unreadable=records.unreadable,
        merged=[(e, into[e.id]) for e in records.entities if e.id in into],
    )


def absorbed(kept: EntityRecord, old: EntityRecord) -> EntityRecord:
    """Return the kept entity with the merged one's names as aliases and its citations."""
    aliases = [*kept.aliases, *(n for n in aliases_taken(old) if n not in kept.aliases)]
    return replace(kept, aliases=aliases, citations=[*kept.citations, *old.citations])


def aliases_taken(old: EntityRecord) -> list[str]:
    """Return the names a merged entity hands to the one it goes into."""
    return [old.label, *([old.label_es] if old.label_es else []), *old.aliases]


def _relationship(rel: RelationshipRecord, into: dict[str, str]) -> RelationshipRecord:
    ends = (rel.subject, rel.object, rel.via, rel.concerning)
    if not any(slug in into for slug in ends if slug):
        return rel
    return replace(
        rel,
        subject=into.get(rel.subject, rel.subject),
        object=into.get(rel.object, rel.object),
        via=into.get(rel.via, rel.via) if rel.via else None,
        concerning=into.get(rel.concerning, rel.concerning) if rel.concerning else None,
    )


def _observation(obs: ObservationRecord, into: dict[str, str]) -> ObservationRecord:
    if obs.dataset not in into and not any(v in into for v in obs.dimensions.values()):
        return obs
    dimensions = {k: into.get(v, v) for k, v in obs.dimensions.items()}
    return replace(obs, dataset=into.get(obs.dataset, obs.dataset), dimensions=dimensions)


def judged_pairs(data_dir: Path) -> dict[frozenset[str], str]:
    """Return the pairs judged `same` or `different`, each with why the audit may stop
    proposing it as a duplicate (`unsure` stays a question); a broken file judges nothing
    here (the build reports it)."""
    found, _ = read_resolutions(data_dir)
    return {
        j.pair: f"judged {j.verdict} in {found.file}:{j.line}" + (f": {j.note}" if j.note else "")
        for j in found.judgements
        if j.verdict in ("same", "different")
    }
