"""Generate a synthetic dataset in the format of `data/`, so that benchmarks run at any size.

`synthesize(out, entities=N, seed=S)` writes `sources/`, `entities/`, `relationships/` and
`observations/` that `civicgraph build` accepts as they are:

- types are drawn with a realistic mix (people and organizations of each kind first; then
  places, programs, reforms, events, publications, datasets, concepts); every record type
  the ontology declares occurs once the dataset is large enough;
- each relationship's predicate, subject and object respect the domain and range that the
  ontology declares (read through `load_model`, never restated here);
- ends are chosen by preferential attachment (a Pólya urn: an entity is drawn in proportion
  to its degree + 1), so degrees are heavy-tailed like LittleSis's; LittleSis has about four
  relationships per entity, the default here;
- most relationships are dated, some are alleged, disputed or confirmed, some have a role
  or a channel (`via`); datasets carry Data Cube observations;
- every record cites one sentence of a generated source text by `document:` and `start:`,
  so locating a quote is O(1) and never a scan of a large text.

The same seed gives the same files, byte for byte.
"""

from __future__ import annotations

import hashlib
import json
import random
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from civicgraph.build.synth.words import (
    COUNTRY,
    DEFAULT_WEIGHT,
    FIRST,
    PATTERNS,
    RELATION_WEIGHTS,
    ROLES,
    STATE,
    STATUS_WEIGHTS,
    SURNAME,
    TOPIC,
    TOWN,
    TOWN_PREFIX,
    TYPE_WEIGHTS,
)
from civicgraph.errors import UsageError
from civicgraph.model.ontology import Model
from civicgraph.model.vocab import STATUSES

# Relative frequency of each record type (LittleSis: mostly people, then organizations).
RECORDS_PER_FILE = 5_000
SENTENCES_PER_DOCUMENT = 50_000
OBSERVATIONS_PER_ENTITY = 0.1
LAYOUTS = ("lines", "block")


@dataclass(frozen=True)
class SynthReport:
    """What a synthetic dataset holds."""

    out: Path
    entities: int
    relationships: int
    observations: int
    files: int
    seconds: float


@dataclass
class Entity:
    id: str
    type: str
    label: str
    urns: tuple[str, ...]


class SourceText:
    """Accumulate the generated source texts and cite a sentence by document and offset."""

    def __init__(self, out: Path) -> None:
        self.dir = out / "sources"
        self.parts: list[str] = []
        self.length = 0
        self.sentences = 0
        self.number = 0
        self.files = 0

    @property
    def name(self) -> str:
        return f"synth-{self.number + 1:03d}.txt"

    def cite(self, sentence: str) -> dict[str, Any]:
        if self.sentences and self.sentences % SENTENCES_PER_DOCUMENT == 0:
            self.flush()
        separator = "\n\n" if self.sentences % 8 == 0 and self.parts else " "
        if self.parts:
            self.parts.append(separator)
            self.length += len(separator)
        citation = {"quote": sentence, "document": self.name, "start": self.length}
        self.parts.append(sentence)
        self.length += len(sentence)
        self.sentences += 1
        return citation

    def flush(self) -> None:
        data = ("".join(self.parts) + "\n").encode("utf-8")
        self.dir.mkdir(parents=True, exist_ok=True)
        (self.dir / self.name).write_bytes(data)
        meta = {
            "id": f"synthetic-source-{self.number + 1:03d}",
            "title": f"Synthetic civic report, part {self.number + 1}",
            "authors": ["civicgraph synth"],
            "year": 2014,
            "publisher": "civicgraph (generated for benchmarks)",
            "sha256": hashlib.sha256(data).hexdigest(),
        }
        lines = [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in meta.items()]
        (self.dir / self.name).with_suffix(".yaml").write_text("\n".join(lines) + "\n")
        self.parts, self.length = [], 0
        self.number += 1
        self.files += 2


class YamlChunks:
    """Write records as YAML lists, RECORDS_PER_FILE to a file, in a stable order.

    Layout `lines` writes one record per line as a JSON object (`- {"id": ...}`), which is
    YAML and what a pipeline generating a large corpus should write; `block` writes the
    indented style of the hand-curated files.
    """

    def __init__(self, folder: Path, layout: str) -> None:
        self.folder = folder
        self.layout = layout
        self.lines: list[str] = []
        self.count = 0
        self.files = 0

    def add(self, record: dict[str, Any]) -> None:
        if self.layout == "lines":
            present = {k: v for k, v in record.items() if v is not None}
            self.lines.append("- " + json.dumps(present, ensure_ascii=False))
        else:
            self.add_block(record)
        self.count += 1
        if self.count % RECORDS_PER_FILE == 0:
            self.flush()

    def add_block(self, record: dict[str, Any]) -> None:
        first = True
        for key, value in record.items():
            if value is None:
                continue
            lead = "- " if first else "  "
            first = False
            if key == "sources":
                self.lines.append(f"{lead}sources:")
                for citation in value:
                    items = list(citation.items())
                    self.lines.append(f"  - {items[0][0]}: {_scalar(items[0][1])}")
                    self.lines += [f"    {k}: {_scalar(v)}" for k, v in items[1:]]
            elif isinstance(value, dict):
                self.lines.append(f"{lead}{key}:")
                self.lines += [f"    {k}: {_scalar(v)}" for k, v in value.items()]
            else:
                self.lines.append(f"{lead}{key}: {_scalar(value)}")

    def flush(self) -> None:
        if not self.lines:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        self.files += 1
        path = self.folder / f"synth-{self.files:04d}.yaml"
        path.write_text("\n".join(self.lines) + "\n", encoding="utf-8")
        self.lines = []


def _scalar(value: Any) -> str:
    # A JSON string is a valid YAML double-quoted scalar; numbers and lists are flow YAML.
    return json.dumps(value, ensure_ascii=False)


def slugify(label: str) -> str:
    """Write a label as a slug: ASCII lower-case words joined by single hyphens."""
    decomposed = unicodedata.normalize("NFKD", label)
    ascii_only = "".join(c for c in decomposed if c.isascii())
    words = "".join(c if c.isalnum() else " " for c in ascii_only.lower()).split()
    return "-".join(words)


class Generator:
    """Draw entities, relationships and observations for one seed."""

    def __init__(self, model: Model, seed: int) -> None:
        self.model = model
        self.rng = random.Random(seed)
        self.labels: set[str] = set()
        self.entities: list[Entity] = []
        self.urns: dict[str, list[int]] = {}
        constraints = {r.domain or "" for r in model.relations.values()}
        constraints |= {r.range or "" for r in model.relations.values()}
        constraints |= {d.range or "" for d in model.dimensions.values()}
        self.constraints = sorted(constraints)

    def label(self, record_type: str) -> str:
        patterns = PATTERNS.get(record_type) or ["{topic} " + record_type + " {year}"]
        rng = self.rng
        text = rng.choice(patterns).format(
            first=rng.choice(FIRST), surname=rng.choice(SURNAME), surname2=rng.choice(SURNAME),
            town=rng.choice(TOWN), prefix=rng.choice(TOWN_PREFIX), state=rng.choice(STATE),
            country=rng.choice(COUNTRY), topic=rng.choice(TOPIC), year=rng.randint(1990, 2014),
        )  # fmt: skip
        label, n = text, 1
        while slugify(label) in self.labels:  # unique after normalising, like real data
            n += 1
            label = f"{text} ({n})"
        self.labels.add(slugify(label))
        return label

    def draw_entities(self, count: int) -> None:
        types = [t for t in self.model.classes if t in TYPE_WEIGHTS] + sorted(
            t for t in self.model.classes if t not in TYPE_WEIGHTS
        )
        weights = [TYPE_WEIGHTS.get(t, DEFAULT_WEIGHT / 10) for t in types]
        # every type once (where N allows), the rest by weight
        chosen = types[:count] + self.rng.choices(types, weights, k=max(0, count - len(types)))
        self.rng.shuffle(chosen)
        for record_type in chosen:
            label = self.label(record_type)
            urns = tuple(
                c for c in self.constraints if not c or self.model.conforms([record_type], c)
            )
            index = len(self.entities)
            self.entities.append(Entity(slugify(label), record_type, label, urns))
            for urn in urns:
                self.urns.setdefault(urn, []).append(index)

    def entity_records(self, text: SourceText) -> Iterator[dict[str, Any]]:
        for entity in self.entities:
            what = _article(self.model.classes[entity.type].label)
            town = self.rng.choice(TOWN)
            aliases = None
            if entity.type == "Person" and self.rng.random() < 0.3:
                aliases = [entity.label.split()[1]]
            elif entity.type != "Person" and self.rng.random() < 0.2:
                aliases = ["".join(w[0] for w in entity.label.split() if w[0].isupper())]
            yield {
                "id": entity.id,
                "type": entity.type,
                "label": entity.label,
                "aliases": aliases,
                "description": f"{what.capitalize()} active in {town}.",
                "sources": [text.cite(f"{entity.label} is {what} active in {town}.")],
            }

    def pick(self, urn: str) -> int:
        return self.rng.choice(self.urns[urn])

    def relationship_records(self, count: int, text: SourceText) -> Iterator[dict[str, Any]]:
        relations = [r for r in self.model.relations.values() if self.urns.get(r.domain or "")]
        relations = [r for r in relations if self.urns.get(r.range or "")]
        weights = [RELATION_WEIGHTS.get(r.key, DEFAULT_WEIGHT) for r in relations]
        statuses = list(STATUSES)
        status_weights = [STATUS_WEIGHTS.get(s, 1.0) for s in statuses]
        seen: set[tuple[int, str, int, str | None]] = set()
        made, attempts = 0, 0
        while made < count and attempts < count * 20 and relations:
            attempts += 1
            relation = self.rng.choices(relations, weights)[0]
            s, o = self.pick(relation.domain or ""), self.pick(relation.range or "")
            start = _date(self.rng) if self.rng.random() < 0.75 else None
            key = (s, relation.key, o, start)
            if s == o or key in seen:
                continue
            seen.add(key)
            end = None
            if start and self.rng.random() < 0.25:
                end = str(int(start[:4]) + self.rng.randint(1, 6))
            status = self.rng.choices(statuses, status_weights)[0]
            role = self.rng.choice(ROLES) if relation.key == "holdsPosition" else None
            via = self.pick("")
            via_id = (
                self.entities[via].id if self.rng.random() < 0.02 and via not in (s, o) else None
            )
            subject, obj = self.entities[s], self.entities[o]
            sentence = f"{subject.label}{f', as {role},' if role else ''} {relation.label} "
            sentence += (
                f"{obj.label}{f' from {start}' if start else ''}{f' to {end}' if end else ''}."
            )
            if status != "reported":
                sentence = f"It is {status} that {sentence}"
            for index in (s, o):  # preferential attachment: degree raises the odds
                for urn in self.entities[index].urns:
                    self.urns[urn].append(index)
            made += 1
            yield {
                "subject": subject.id,
                "predicate": relation.key,
                "object": obj.id,
                "start": start,
                "end": end,
                "role": role,
                "via": via_id,
                "status": None if status == "reported" else status,
                "sources": [text.cite(sentence)],
            }

    def observation_records(self, count: int, text: SourceText) -> Iterator[dict[str, Any]]:
        datasets = [e for e in self.entities if e.type == "Dataset"]
        place_range = (
            self.model.dimensions["place"].range if "place" in self.model.dimensions else None
        )
        measures = list(self.model.measures.values())
        if not datasets or place_range is None or not measures or not self.urns.get(place_range):
            return
        seen: set[tuple[str, str, str, str]] = set()
        for _ in range(count):
            dataset, measure = self.rng.choice(datasets), self.rng.choice(measures)
            place = self.entities[self.pick(place_range)]
            period = str(self.rng.randint(2000, 2014))
            key = (dataset.id, measure.key, period, place.id)
            if key in seen:
                continue
            seen.add(key)
            value: int | float
            if measure.default_unit in ("percent", "per-100k"):
                value = round(self.rng.uniform(0.1, 99.9), 1)
                printed = str(value)
            else:
                value = int(self.rng.paretovariate(1.2) * 100)
                printed = f"{value:,}"
            sentence = (
                f"{dataset.label} records {printed} ({measure.label}, {measure.default_unit}) "
                f"for {place.label} in {period}."
            )
            yield {
                "dataset": dataset.id,
                "measure": measure.key,
                "period": period,
                "value": value,
                "dimensions": {"place": place.id},
                "sources": [text.cite(sentence)],
            }


def _article(noun: str) -> str:
    return f"{'an' if noun[0] in 'aeiou' else 'a'} {noun}"


def _date(rng: random.Random) -> str:
    year = rng.randint(1990, 2014)
    roll = rng.random()
    if roll < 0.6:
        return str(year)
    if roll < 0.85:
        return f"{year}-{rng.randint(1, 12):02d}"
    return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def synthesize(
    out: Path,
    model: Model,
    *,
    entities: int,
    seed: int = 0,
    relationships_per_entity: float = 4.0,
    layout: str = "lines",
) -> SynthReport:
    """Write a synthetic dataset of `entities` entities into `out` (which must be empty)."""
    if entities < 1:
        raise UsageError("--entities must be at least 1")
    if relationships_per_entity < 0:
        raise UsageError("--relationships-per-entity must not be negative")
    if layout not in LAYOUTS:
        raise UsageError(f"unknown layout {layout!r} (one of {', '.join(LAYOUTS)})")
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise UsageError(f"{out} exists and is not an empty directory")
    started = time.perf_counter()
    generator = Generator(model, seed)
    generator.draw_entities(entities)
    text = SourceText(out)
    counts: dict[str, int] = {}
    streams = {
        "entities": generator.entity_records(text),
        "relationships": generator.relationship_records(
            round(entities * relationships_per_entity), text
        ),
        "observations": generator.observation_records(
            round(entities * OBSERVATIONS_PER_ENTITY), text
        ),
    }
    files = 0
    for folder, records in streams.items():
        chunks = YamlChunks(out / folder, layout)
        for record in records:
            chunks.add(record)
        chunks.flush()
        (out / folder).mkdir(parents=True, exist_ok=True)
        counts[folder] = chunks.count
        files += chunks.files
    text.flush()
    return SynthReport(
        out=out,
        entities=counts["entities"],
        relationships=counts["relationships"],
        observations=counts["observations"],
        files=files + text.files,
        seconds=time.perf_counter() - started,
    )
