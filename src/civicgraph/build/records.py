"""The typed records that `data/` holds, as the build reads them: each with its file and line.

A record is one entity, relationship or observation; `Records` is everything read from a
data directory. `FIELDS` and `REQUIRED` say which keys each kind takes. Ids of relationships
and observations are derived from what they say (`relationship_id`, `observation_id`), so
they are stable across builds; names compare folded (`normalise_name`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from civicgraph.build.sources import Located
from civicgraph.model.ontology import Measure, Relation

Kind = Literal["entity", "relationship", "observation"]
FOLDERS: dict[str, Kind] = {
    "entities": "entity",
    "relationships": "relationship",
    "observations": "observation",
}
FIELDS: dict[Kind, set[str]] = {
    "entity": {
        "id",
        "type",
        "label",
        "label_es",
        "aliases",
        "description",
        "note",
        "review",
        "sources",
    },
    "relationship": {
        "id",
        "subject",
        "predicate",
        "object",
        "start",
        "end",
        "role",
        "via",
        "concerning",
        "date_basis",
        "status",
        "review",
        "note",
        "sources",
    },
    "observation": {
        "id",
        "dataset",
        "measure",
        "period",
        "value",
        "unit",
        "rank",
        "printed",
        "dimensions",
        "status",
        "review",
        "note",
        "sources",
    },
}
REQUIRED: dict[Kind, tuple[str, ...]] = {
    "entity": ("id", "type", "label", "sources"),
    "relationship": ("subject", "predicate", "object", "sources"),
    "observation": ("dataset", "measure", "period", "value", "sources"),
}


@dataclass
class RawRecord:
    """One YAML list item as written, with the line of the item and of each key."""

    kind: Kind
    file: str
    line: int
    data: dict[str, Any]
    key_lines: dict[str, int]
    source_lines: list[int]

    def at(self, key: str | None = None) -> int:
        """Return the line of a key, or of the record when the key is absent."""
        return self.key_lines.get(key, self.line) if key else self.line


@dataclass(frozen=True)
class Citation:
    """A located quote: one contiguous span of one source."""

    quote: str
    where: Located

    @property
    def slug(self) -> str:
        return f"cite-{self.where.document.id}-{self.where.start}-{self.where.end}"


@dataclass
class Origin:
    """Where a record was written."""

    file: str
    line: int


@dataclass
class EntityRecord:
    id: str
    types: list[str]
    label: str
    label_es: str | None
    aliases: list[str]
    description: str | None
    note: str | None
    citations: list[Citation]
    origin: Origin
    review: str = "unreviewed"


@dataclass
class RelationshipRecord:
    id: str
    subject: str
    relation: Relation
    object: str
    start: str | None
    end: str | None
    role: str | None
    via: str | None
    status: str
    note: str | None
    citations: list[Citation]
    origin: Origin
    lines: dict[str, int] = field(default_factory=dict)
    concerning: str | None = None
    date_basis: str = "stated"
    review: str = "unreviewed"


@dataclass
class ObservationRecord:
    id: str
    dataset: str
    measure: Measure
    period: str
    value: int | Decimal
    unit: str
    rank: int | None
    printed: str | None
    dimensions: dict[str, str]
    status: str
    note: str | None
    citations: list[Citation]
    origin: Origin
    lines: dict[str, int] = field(default_factory=dict)
    review: str = "unreviewed"


@dataclass
class Records:
    """Everything read from `data/`."""

    entities: list[EntityRecord] = field(default_factory=list)
    relationships: list[RelationshipRecord] = field(default_factory=list)
    observations: list[ObservationRecord] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)  # files none of whose records were read
    # entities merged into another by data/resolutions.yaml, each with the id it went into
    merged: list[tuple[EntityRecord, str]] = field(default_factory=list)


class _Unmarked(dict[int, str | None]):
    """A `str.translate` table that drops combining marks, filled as characters are met."""

    def __missing__(self, code: int) -> str | None:
        char = chr(code)
        self[code] = kept = None if unicodedata.combining(char) else char
        return kept


_UNMARKED = _Unmarked()
_NOT_WORD = re.compile(r"[^\w]+")


def normalise_name(name: str) -> str:
    """Fold case, accents and punctuation so that names compare as people read them."""
    if not name.isascii():  # ASCII has no decompositions and no marks: nothing to strip
        name = unicodedata.normalize("NFKD", name).translate(_UNMARKED)
    return " ".join(_NOT_WORD.sub(" ", name.casefold()).split())


def relationship_id(subject: str, predicate: str, obj: str, start: str | None) -> str:
    """Derive a relationship's slug from what it says, so that it is stable across builds."""
    base = f"{subject}--{predicate}--{obj}"
    return f"{base}--{start}" if start else base


def observation_id(dataset: str, measure: str, period: str, dimensions: dict[str, str]) -> str:
    """Derive an observation's slug from its dataset, measure, period and dimension values."""
    parts = [dataset, measure, period.replace("/", "-to-")]
    parts += [dimensions[key] for key in sorted(dimensions)]
    return "obs--" + "--".join(parts)
