"""Turn the curated YAML under `data/` into typed records, every one with its file and line.

Reading collects every problem instead of stopping at the first; the caller raises them
together. Cross-record rules (dangling references, duplicates) live in `validate`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from civicgraph.build.corroboration import corroborated_status
from civicgraph.build.datafiles import data_files, read_raw
from civicgraph.build.records import (
    FIELDS,
    REQUIRED,
    Citation,
    EntityRecord,
    ObservationRecord,
    Origin,
    RawRecord,
    Records,
    RelationshipRecord,
    observation_id,
    relationship_id,
)
from civicgraph.build.sources import QuoteFinder
from civicgraph.errors import Problem, clipped, relative_to_cwd
from civicgraph.model.ontology import Model
from civicgraph.model.text import plain_forms, printed_at
from civicgraph.model.vocab import DATE_BASES, REVIEWS, STATUSES

CITATION_FIELDS = {"quote", "document", "occurrence", "start"}
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
PERIOD = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?(/\d{4}(-\d{2}(-\d{2})?)?)?$")


class RecordParser:
    """Check raw records field by field and turn them into typed records."""

    def __init__(self, model: Model, finder: QuoteFinder) -> None:
        self.model = model
        self.finder = finder
        self.problems: list[Problem] = []

    def problem(self, raw: RawRecord, key: str | None, message: str) -> None:
        self.problems.append(Problem(raw.file, raw.at(key), message))

    def parse(self, raws: list[RawRecord]) -> Records:
        records = Records()
        for raw in raws:
            before = len(self.problems)
            fields = FIELDS[raw.kind]
            unknown = [] if raw.data.keys() <= fields else sorted(set(map(str, raw.data)) - fields)
            for key in unknown:
                allowed = ", ".join(sorted(FIELDS[raw.kind]))
                self.problem(raw, key, f"unknown field {key!r} in {raw.kind} (allowed: {allowed})")
            for key in REQUIRED[raw.kind]:
                if raw.data.get(key) in (None, "", []):
                    what = "citation (sources)" if key == "sources" else f"field {key!r}"
                    self.problem(raw, None, f"{raw.kind} has no {what}")
            if len(self.problems) > before:
                continue
            citations = self.citations(raw)
            if raw.kind == "entity":
                entity = self.entity(raw, citations)
                if entity and len(self.problems) == before:
                    records.entities.append(entity)
            elif raw.kind == "relationship":
                relationship = self.relationship(raw, citations)
                if relationship and len(self.problems) == before:
                    records.relationships.append(relationship)
            else:
                observation = self.observation(raw, citations)
                if observation and len(self.problems) == before:
                    records.observations.append(observation)
        return records

    def text(self, raw: RawRecord, key: str, *, required: bool = False) -> str | None:
        value = raw.data.get(key)
        if value is None:
            return None
        if type(value) is str and (stripped := value.strip()):  # the common case, first
            return stripped
        if not isinstance(value, str | int) or isinstance(value, bool) or not str(value).strip():
            self.problem(raw, key, f"{key!r} must be a non-empty string")
            return None
        return str(value).strip()

    def slug(self, raw: RawRecord, key: str) -> str | None:
        value = self.text(raw, key)
        if value is not None and not _is_slug(value):
            self.problem(
                raw, key, f"{key} {value!r} is not a slug (lower-case words joined by hyphens)"
            )
            return None
        return value

    def date(self, raw: RawRecord, key: str, pattern: re.Pattern[str] = DATE) -> str | None:
        value = raw.data.get(key)
        if value is None:
            return None
        text = value.isoformat() if isinstance(value, dt.date) else str(value)
        if not pattern.match(text) or not all(_real_date(part) for part in text.split("/")):
            shape = "YYYY, YYYY-MM or YYYY-MM-DD" + (
                " or an interval A/B" if key == "period" else ""
            )
            self.problem(raw, key, f"{key} {value!r} is not a date ({shape})")
            return None
        return text

    def status(self, raw: RawRecord, citations: list[Citation]) -> str:
        """Return the status the record states, else the one its sources give (corroboration)."""
        value = raw.data.get("status")
        if value is None or value == "":
            return corroborated_status(citations)
        if value not in STATUSES:
            self.problem(raw, "status", f"status {value!r} is not one of {', '.join(STATUSES)}")
        return str(value)

    def choice(self, raw: RawRecord, key: str, allowed: tuple[str, ...]) -> str:
        """Return a field that takes one of a few words (the first is the default)."""
        value = raw.data.get(key)
        if value is None:
            return allowed[0]
        if value not in allowed:
            self.problem(raw, key, f"{key} {value!r} is not one of {', '.join(allowed)}")
            return allowed[0]
        return str(value)

    def citations(self, raw: RawRecord) -> list[Citation]:
        sources = raw.data.get("sources")
        if not isinstance(sources, list):
            self.problem(raw, "sources", "sources must be a list of quotes")
            return []
        located: list[Citation] = []
        for index, item in enumerate(sources):
            line = raw.source_lines[index] if index < len(raw.source_lines) else raw.at("sources")
            spec = {"quote": item} if isinstance(item, str) else item
            if not isinstance(spec, dict) or not isinstance(spec.get("quote"), str):
                self.problems.append(Problem(raw.file, line, "a citation needs a `quote`"))
                continue
            unknown = set(spec) - CITATION_FIELDS
            if unknown:
                self.problems.append(
                    Problem(raw.file, line, f"unknown citation field {sorted(unknown)[0]!r}")
                )
                continue
            wrong = _citation_field_problem(spec)
            if wrong:
                self.problems.append(Problem(raw.file, line, wrong))
                continue
            where = self.finder.locate(
                spec["quote"],
                document=spec.get("document"),
                occurrence=spec.get("occurrence"),
                start=spec.get("start"),
            )
            if isinstance(where, str):
                self.problems.append(Problem(raw.file, line, where))
            else:
                located.append(Citation(spec["quote"], where))
        return located

    def names(self, raw: RawRecord, key: str) -> list[str]:
        value = raw.data.get(key)
        if value is None:
            return []
        values = value if isinstance(value, list) else [value]
        if not all(isinstance(v, str) and v.strip() for v in values):
            self.problem(raw, key, f"{key!r} must be a string or a list of strings")
            return []
        return [v.strip() for v in values]

    def entity(self, raw: RawRecord, citations: list[Citation]) -> EntityRecord | None:
        slug = self.slug(raw, "id")
        types = self.names(raw, "type")
        for record_type in types:
            if record_type not in self.model.classes:
                known = ", ".join(sorted(self.model.classes))
                self.problem(raw, "type", f"unknown type {record_type!r} (known: {known})")
        label = self.text(raw, "label")
        if slug is None or label is None:
            return None
        return EntityRecord(
            id=slug,
            types=types,
            label=label,
            label_es=self.text(raw, "label_es"),
            aliases=self.names(raw, "aliases"),
            description=self.text(raw, "description"),
            note=self.text(raw, "note"),
            citations=citations,
            origin=Origin(raw.file, raw.line),
            review=self.choice(raw, "review", REVIEWS),
        )

    def relationship(self, raw: RawRecord, citations: list[Citation]) -> RelationshipRecord | None:
        subject, obj = self.slug(raw, "subject"), self.slug(raw, "object")
        predicate = self.text(raw, "predicate")
        relation = self.model.relations.get(predicate or "")
        if predicate and relation is None:
            known = ", ".join(sorted(self.model.relations))
            self.problem(raw, "predicate", f"unknown predicate {predicate!r} (known: {known})")
        start, end = self.date(raw, "start"), self.date(raw, "end")
        via, concerning = self.slug(raw, "via"), self.slug(raw, "concerning")
        date_basis = self.choice(raw, "date_basis", DATE_BASES)
        if date_basis != "stated" and not (start or end):
            self.problem(raw, "date_basis", f"date_basis {date_basis!r} without a start or end")
        review = self.choice(raw, "review", REVIEWS)
        explicit = self.slug(raw, "id")
        if subject is None or obj is None or relation is None:
            return None
        return RelationshipRecord(
            id=explicit or relationship_id(subject, relation.key, obj, start),
            subject=subject,
            relation=relation,
            object=obj,
            start=start,
            end=end,
            role=self.text(raw, "role"),
            via=via,
            status=self.status(raw, citations),
            note=self.text(raw, "note"),
            citations=citations,
            origin=Origin(raw.file, raw.line),
            lines=raw.key_lines,
            concerning=concerning,
            date_basis=date_basis,
            review=review,
        )

    def observation(self, raw: RawRecord, citations: list[Citation]) -> ObservationRecord | None:
        dataset = self.slug(raw, "dataset")
        measure = self.model.measures.get(str(raw.data.get("measure")))
        if measure is None:
            known = ", ".join(sorted(self.model.measures))
            self.problem(raw, "measure", f"unknown measure {raw.data.get('measure')!r} ({known})")
        period = self.date(raw, "period", PERIOD)
        value = _number(raw.data.get("value"))
        if value is None:
            self.problem(raw, "value", f"value {raw.data.get('value')!r} is not a number")
        rank = raw.data.get("rank")
        if rank is not None and (not isinstance(rank, int) or isinstance(rank, bool) or rank < 1):
            self.problem(raw, "rank", f"rank {rank!r} is not a positive whole number")
        dimensions = self.dimensions(raw)
        printed = self.text(raw, "printed")
        if value is not None and citations and not _printed_in(value, printed, citations):
            shown = printed or plain_forms(value)[0]
            self.problem(raw, "value", f"value {shown} does not appear in any of its quotes")
        if dataset is None or measure is None or period is None or value is None:
            return None
        return ObservationRecord(
            id=self.slug(raw, "id") or observation_id(dataset, measure.key, period, dimensions),
            dataset=dataset,
            measure=measure,
            period=period,
            value=value,
            unit=self.text(raw, "unit") or measure.default_unit,
            rank=rank,
            printed=printed,
            dimensions=dimensions,
            status=self.status(raw, citations),
            note=self.text(raw, "note"),
            citations=citations,
            origin=Origin(raw.file, raw.line),
            lines=raw.key_lines,
            review=self.choice(raw, "review", REVIEWS),
        )

    def dimensions(self, raw: RawRecord) -> dict[str, str]:
        value = raw.data.get("dimensions") or {}
        if not isinstance(value, dict):
            self.problem(raw, "dimensions", "dimensions must be a mapping of key: entity id")
            return {}
        allowed = {k for k in self.model.dimensions if k != "period"}
        result: dict[str, str] = {}
        for key, target in value.items():
            if key not in allowed:
                known = ", ".join(sorted(allowed))
                self.problem(raw, "dimensions", f"unknown dimension {key!r} (known: {known})")
            elif not isinstance(target, str) or not SLUG.match(target):
                self.problem(raw, "dimensions", f"dimension {key} must be an entity id")
            else:
                result[key] = target
        return result


def _citation_field_problem(spec: dict[str, Any]) -> str | None:
    """Say what is wrong with a citation's `document`, `occurrence` or `start`, if anything."""
    document, occurrence, start = spec.get("document"), spec.get("occurrence"), spec.get("start")
    if document is not None and not isinstance(document, str):
        return f"citation `document` must be a source id, not {document!r}"
    if occurrence is not None and not (_whole(occurrence) and occurrence >= 1):
        return f"citation `occurrence` must be a whole number from 1, not {clipped(occurrence)}"
    if start is not None and not (_whole(start) and start >= 0):
        return f"citation `start` must be an offset (a whole number from 0), not {clipped(start)}"
    return None


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_slug(text: str) -> bool:
    # no cache: past 65,536 ids (any large corpus) an LRU cache misses and evicts on most
    # calls, three times the cost of the match itself
    return SLUG.match(text) is not None


@lru_cache(maxsize=1 << 16)  # dates repeat across records: check each once
def _real_date(text: str) -> bool:
    parts = [int(p) for p in text.split("-")]
    try:
        dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        return False
    return True


def _number(value: Any) -> int | Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return Decimal(str(value)) if math.isfinite(value) else None  # .nan and .inf are not
    return None


def _printed_in(value: int | Decimal, printed: str | None, citations: list[Citation]) -> bool:
    return any(printed_at(value, printed, c.quote) is not None for c in citations)


def read_records(
    data_dir: Path,
    model: Model,
    finder: QuoteFinder,
    *,
    keep_raw: bool = True,
    on_file: Callable[[Records], None] | None = None,
    on_read: Callable[[Path, bytes], None] | None = None,
) -> tuple[Records, list[RawRecord], list[Problem]]:
    """Read and type every record under `data_dir`, collecting every problem.

    Files are typed one at a time, so only one file's raw records are alive at once unless
    `keep_raw` asks for all of them back. `on_file` sees each file's typed records as soon
    as they are read (the build starts loading them while it reads the rest), `on_read`
    each file's bytes (the build hashes them: no file is read twice).
    """
    raws: list[RawRecord] = []
    problems: list[Problem] = []
    parser = RecordParser(model, finder)
    records = Records()
    for kind, path in data_files(data_dir):
        file_raws, file_problems = read_raw(kind, path, on_read)
        problems += file_problems
        if file_problems and not file_raws:
            records.unreadable.append(relative_to_cwd(path))
        typed = parser.parse(file_raws)
        if on_file is not None:
            on_file(typed)
        records.entities += typed.entities
        records.relationships += typed.relationships
        records.observations += typed.observations
        if keep_raw:
            raws += file_raws
    return records, raws, problems + parser.problems
