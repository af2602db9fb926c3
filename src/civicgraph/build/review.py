"""Review the queues `suggest` writes (`data/review/SOURCE_ID.yaml`) into curated records.

A queue holds mentions (`m1`…: a name as printed, its offsets, candidate entities) and
relationship candidates (`r1`…: two mentions in one sentence, the sentence as the quote).
Accepting a mention links it to an entity: an existing one, whose record in
`data/entities/` gains the name as an alias (unless it is already one of its names) and the
sentence as a citation, or a new one appended to `data/entities/SOURCE_ID.yaml`. Accepting a
relationship candidate, once both its mentions are accepted, adds the sentence as a citation
to the relationship with the same derived id (a second source corroborating it) or appends a
new relationship to `data/relationships/SOURCE_ID.yaml`. Every record touched is marked
`review: unreviewed`: it now holds words nobody has read against it; `check_record` marks a
record `checked` once somebody has. Records are edited in place (`yamledit`), each file
written atomically, the data file before the queue, so that a failure between the two
leaves a queue item pending whose acceptance, done again, changes nothing twice.

Citations carry `document:` and `start:` (the code-point offset), so the build places each
quote without searching for it. Nothing here needs a built store; the CLI passes in the
score at which suggest counts a candidate as linked.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from civicgraph.build.datafiles import data_files, read_raw
from civicgraph.build.queues import Queue, find_item, load_queues, save_queue, top_candidate
from civicgraph.build.records import Kind, normalise_name, observation_id, relationship_id
from civicgraph.build.yamledit import Change, append_record, edit_record, write_atomically
from civicgraph.errors import DataError, Problem, UsageError, relative_to_cwd
from civicgraph.model.ontology import Model
from civicgraph.model.text import sentences

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass
class Outcome:
    """What a review action did: the item, its new status, the record and the files written."""

    item: str
    status: str
    record: str | None = None
    written: list[Path] = field(default_factory=list)
    said: list[str] = field(default_factory=list)


@dataclass
class NewEntity:
    """A new entity to make of a mention: its type, English label and (optional) slug."""

    type: str
    label: str
    slug: str | None = None


@dataclass
class DataRecord:
    """A record of `data/` as a review edits it: where it is written and what it holds."""

    kind: Kind
    id: str
    path: Path
    index: int  # its place in its file's list
    data: dict[str, Any]


def _text(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def record_id(kind: Kind, data: dict[str, Any]) -> str:
    """A record's id as the build derives it (an explicit `id:` first)."""
    if data.get("id") or kind == "entity":
        return _text(data.get("id"))
    if kind == "relationship":
        start = data.get("start")
        subject, predicate, obj = (_text(data.get(k)) for k in ("subject", "predicate", "object"))
        return relationship_id(subject, predicate, obj, _text(start) if start is not None else None)
    dims = {str(k): _text(v) for k, v in (data.get("dimensions") or {}).items()}
    dataset, measure, period = (_text(data.get(k)) for k in ("dataset", "measure", "period"))
    return observation_id(dataset, measure, period, dims)


def data_records(data_dir: Path, kinds: tuple[Kind, ...]) -> list[DataRecord]:
    """Every record of these kinds under `data_dir`; DataError if a file cannot be read."""
    found: list[DataRecord] = []
    problems: list[Problem] = []
    for kind, path in data_files(data_dir):
        if kind in kinds:
            raws, file_problems = read_raw(kind, path)
            problems += file_problems
            found += [
                DataRecord(kind, record_id(kind, raw.data), path, i, raw.data)
                for i, raw in enumerate(raws)
            ]
    if problems:
        raise DataError(problems)
    return found


def _edit(record: DataRecord, change: Change) -> None:
    text = record.path.read_bytes().decode("utf-8")
    write_atomically(record.path, edit_record(text, record.index, change, _shown(record)))


def _shown(record: DataRecord) -> str:
    return relative_to_cwd(record.path)


def _append(path: Path, record: dict[str, Any]) -> None:
    text = path.read_bytes().decode("utf-8") if path.exists() else ""
    write_atomically(path, append_record(text, record, relative_to_cwd(path)))


def _pending(ref: str, item: dict[str, Any]) -> None:
    if item.get("status") != "pending":
        done = item.get("entity") or item.get("relationship")
        raise UsageError(f"{ref} is already {item.get('status')}" + (f" ({done})" if done else ""))


def source_text(data_dir: Path, queue: Queue, item: dict[str, Any], quote: str) -> str:
    """The source's text, checked to hold the item's words at the item's offsets."""
    path = data_dir / "sources" / queue.document
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read the source {relative_to_cwd(path)}: {exc}") from None
    start, end = item.get("char_start"), item.get("char_end")
    if not isinstance(start, int) or not isinstance(end, int) or text[start:end] != quote:
        raise UsageError(
            f"{relative_to_cwd(queue.path)}:{queue.lines.get(item['id'], 1)}: {quote!r} is not at "
            f"{start}-{end} of {queue.document}; run `civicgraph suggest {queue.source}` again"
        )
    return text


def sentence_citation(text: str, start: int, end: int, document: str) -> dict[str, Any]:
    """The citation of the sentence holding [start, end): quote, document and start offset."""
    s, e = next(((s, e) for s, e in sentences(text) if s <= start and end <= e), (start, end))
    return {"quote": text[s:e], "document": document, "start": s}


def slugify(label: str) -> str:
    folded = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[a-z0-9]+", folded.lower()))


def _cited(data: dict[str, Any], citation: dict[str, Any]) -> bool:
    return citation in (data.get("sources") or [])


def _entity_names(data: dict[str, Any]) -> set[str]:
    aliases = data.get("aliases") or []
    names = [
        data.get("label"),
        data.get("label_es"),
        *(aliases if isinstance(aliases, list) else [aliases]),
    ]
    return {normalise_name(str(n)) for n in names if n}


def accept_mention(
    data_dir: Path,
    model: Model,
    ref: str,
    *,
    linked: float,
    entity: str | None = None,
    new: NewEntity | None = None,
) -> Outcome:
    """Accept a mention as an entity: `entity`, a `new` one, else its top candidate if it
    scores `linked` or more."""
    queue, kind, item = find_item(load_queues(data_dir), ref)
    ref = f"{queue.source}/{item['id']}"
    if kind != "mention":
        raise UsageError(f"{ref} is a relationship candidate: accept it with --predicate/--reverse")
    _pending(ref, item)
    if entity and new:
        raise UsageError("give --as ENTITY_ID or --new TYPE, not both")
    mention = str(item.get("text"))
    text = source_text(data_dir, queue, item, mention)
    citation = sentence_citation(text, item["char_start"], item["char_end"], queue.document)
    entities = data_records(data_dir, ("entity",))
    outcome = Outcome(ref, "accepted")
    if new is not None:
        outcome.record = _new_entity(data_dir, model, queue, entities, new, mention, citation)
        outcome.written.append(data_dir / "entities" / f"{queue.source}.yaml")
        outcome.said.append(f"new entity {outcome.record} ({new.type}, {new.label!r})")
    else:
        if entity is None:
            best = top_candidate(item)
            if best is None or float(best.get("score", 0)) < linked:
                shown = f"{best['id']} scores {best['score']}" if best else "it has no candidate"
                raise UsageError(
                    f"{ref} {mention!r}: {shown} (below {linked}); "
                    "give --as ENTITY_ID or --new TYPE --label LABEL"
                )
            entity = str(best["id"])
        by_id = {r.id: r for r in entities}
        if entity not in by_id:
            labels = {str(r.data.get("label")): r.id for r in entities}
            close = difflib.get_close_matches(entity, sorted(by_id), n=3, cutoff=0.5)
            close += [labels[c] for c in difflib.get_close_matches(entity, labels, n=3, cutoff=0.6)]
            hint = f"; did you mean: {', '.join(dict.fromkeys(close))}" if close else ""
            raise UsageError(f"no entity {entity!r} in {relative_to_cwd(data_dir)}/entities/{hint}")
        record = by_id[entity]
        change = Change({"review": "unreviewed"})
        if normalise_name(mention) not in _entity_names(record.data):
            change.alias = mention
            outcome.said.append(f"alias {mention!r}")
        if not _cited(record.data, citation):
            change.citation = citation
            outcome.said.append(f"citation {queue.document}:{citation['start']}")
        if record.data.get("review") != "unreviewed" or change.alias or change.citation:
            _edit(record, change)
            outcome.written.append(record.path)
        outcome.record = entity
        outcome.said.insert(0, f"linked to {entity}")
    item["status"], item["entity"] = "accepted", outcome.record
    save_queue(queue)
    outcome.written.append(queue.path)
    return outcome


def _new_entity(
    data_dir: Path,
    model: Model,
    queue: Queue,
    entities: list[DataRecord],
    new: NewEntity,
    mention: str,
    citation: dict[str, Any],
) -> str:
    if new.type not in model.classes:
        close = difflib.get_close_matches(new.type, sorted(model.classes), n=3, cutoff=0.5)
        hint = (
            f"did you mean: {', '.join(close)}"
            if close
            else f"known: {', '.join(sorted(model.classes))}"
        )
        raise UsageError(f"unknown entity type {new.type!r}; {hint}")
    label = new.label.strip()
    if not label:
        raise UsageError("--new needs a --label (the English name)")
    slug = new.slug or slugify(label)
    if not SLUG.match(slug):
        raise UsageError(f"id {slug!r} is not a slug (lower-case words joined by hyphens)")
    if any(r.id == slug for r in entities):
        raise UsageError(f"an entity {slug!r} exists already; choose another --id or --as {slug}")
    for r in entities:
        if normalise_name(str(r.data.get("label"))) == normalise_name(label):
            raise UsageError(
                f"{r.id} already has the label {r.data.get('label')!r}; labels are unique: "
                'give a qualifier, e.g. "Name (city)", or accept with --as'
            )
    record: dict[str, Any] = {"id": slug, "type": new.type, "label": label}
    if normalise_name(mention) != normalise_name(label):
        record["aliases"] = [mention]
    record |= {"review": "unreviewed", "sources": [citation]}
    _append(data_dir / "entities" / f"{queue.source}.yaml", record)
    return slug


def accept_relationship(
    data_dir: Path, model: Model, ref: str, *, predicate: str | None = None, reverse: bool = False
) -> Outcome:
    """Accept a relationship candidate: cite its sentence for the relationship its two
    accepted mentions and its predicate make, adding the relationship if it is new."""
    queue, kind, item = find_item(load_queues(data_dir), ref)
    ref = f"{queue.source}/{item['id']}"
    if kind != "relationship":
        raise UsageError(f"{ref} is a mention: accept it with --as ENTITY_ID or --new TYPE")
    _pending(ref, item)
    ends = []
    for key in ("subject", "object"):
        found = queue.find(str(item.get(key)))
        if found is None or found[0] != "mention":
            raise UsageError(f"{ref}: its {key} {item.get(key)!r} is not a mention of the queue")
        ends.append(found[1])
    waiting = [m for m in ends if m.get("status") != "accepted" or not m.get("entity")]
    if waiting:
        named = " and ".join(f"{queue.source}/{m['id']} ({m.get('text')!r})" for m in waiting)
        raise UsageError(f"{ref}: accept {named} first")
    predicate = predicate or item.get("predicate")
    if not predicate:
        known = ", ".join(sorted(model.relations))
        raise UsageError(f"{ref} has no predicate; give --predicate (one of {known})")
    if predicate not in model.relations:
        close = difflib.get_close_matches(predicate, sorted(model.relations), n=3, cutoff=0.5)
        hint = (
            f"did you mean: {', '.join(close)}"
            if close
            else f"known: {', '.join(sorted(model.relations))}"
        )
        raise UsageError(f"unknown predicate {predicate!r}; {hint}")
    subject, obj = (str(m["entity"]) for m in (reversed(ends) if reverse else ends))
    if subject == obj:
        raise UsageError(f"{ref}: both mentions are {subject}; a relationship needs two entities")
    quote = str(item.get("quote"))
    source_text(data_dir, queue, item, quote)
    citation = {"quote": quote, "document": queue.document, "start": item["char_start"]}
    rid = relationship_id(subject, predicate, obj, None)
    relationships = data_records(data_dir, ("relationship",))
    existing = next((r for r in relationships if r.id == rid), None)
    alike = [
        r.id
        for r in relationships
        if r.id != rid
        and (r.data.get("subject"), r.data.get("predicate"), r.data.get("object"))
        == (subject, predicate, obj)
    ]
    outcome = Outcome(ref, "accepted", rid)
    if existing is not None:
        change = Change({"review": "unreviewed"})
        change.citation = None if _cited(existing.data, citation) else citation
        if existing.data.get("review") != "unreviewed" or change.citation:
            _edit(existing, change)
            outcome.written.append(existing.path)
        outcome.said.append(f"citation {queue.document}:{citation['start']} for {rid}")
    else:
        path = data_dir / "relationships" / f"{queue.source}.yaml"
        record = {"subject": subject, "predicate": predicate, "object": obj}
        _append(path, record | {"review": "unreviewed", "sources": [citation]})
        outcome.written.append(path)
        outcome.said.append(f"new relationship {rid}")
        if alike:  # the same claim with a date, or under an explicit id: a person decides
            outcome.said.append(f"compare {', '.join(alike)}, which says the same")
    item["status"], item["relationship"] = "accepted", rid
    if predicate != item.get("predicate"):
        item["predicate"] = predicate
    save_queue(queue)
    outcome.written.append(queue.path)
    return outcome


def reject(data_dir: Path, ref: str, note: str | None = None) -> Outcome:
    """Mark a pending item rejected (with a note saying why, if given)."""
    queue, _, item = find_item(load_queues(data_dir), ref)
    ref = f"{queue.source}/{item['id']}"
    _pending(ref, item)
    item["status"] = "rejected"
    if note:
        item["note"] = note
    save_queue(queue)
    return Outcome(ref, "rejected", written=[queue.path], said=["rejected"])


def check_record(data_dir: Path, record: str) -> Outcome:
    """Mark a record `review: checked`: a person has read it against its sources."""
    records = data_records(data_dir, ("entity", "relationship", "observation"))
    found = [r for r in records if r.id == record]
    if not found:
        close = difflib.get_close_matches(record, sorted({r.id for r in records}), n=3, cutoff=0.5)
        hint = f"; did you mean: {', '.join(close)}" if close else ""
        raise UsageError(f"no record {record!r} in {relative_to_cwd(data_dir)}/{hint}")
    outcome = Outcome(record, "checked", record)
    for r in found:
        if r.data.get("review") != "checked":
            _edit(r, Change({"review": "checked"}))
            outcome.written.append(r.path)
    outcome.said.append("review: checked" if outcome.written else "already checked")
    return outcome
