"""Rules that span records (references, duplicates, domains) and the SHACL shapes.

Every rule reports a `Problem` at the file and line of the record that breaks it.

SHACL at scale: pyshacl checks a few thousand triples a second, so validating a
LittleSis-sized graph (millions of triples) would take hours. Up to SHACL_FULL_LIMIT
records the build validates every record; above it, `shape_sample` picks every k-th record
of each kind (SHACL_SAMPLE of each, deterministic) plus every entity they reference, and the
shapes run on the triples written for those. That is enough because the two kinds of error
the shapes can see are caught otherwise: every field a shape constrains comes from a record
that `ingest` and `check_records` have checked completely (labels, citations, dates,
statuses, references and their classes), and what is left, a writer that turns a valid
record into a malformed node, is systematic, so it shows in any sample.

A build runs the shapes in a child process (`ShapeChecker`, `python -m civicgraph.build.validate`)
started before it reads the records, so importing pyshacl and validating overlap the build
instead of following it. `check_shapes` does the same in this process.
"""

from __future__ import annotations

import json
import threading
from collections import defaultdict
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from civicgraph.build.records import Origin, Records, normalise_name
from civicgraph.build.sources import SourceDocument
from civicgraph.errors import Problem, StoreError
from civicgraph.model.ontology import ONTOLOGY_FILE, SHAPES_FILE, Model
from civicgraph.model.vocab import local_name, slug_of


def check_records(records: Records, model: Model, sources: list[SourceDocument]) -> list[Problem]:
    """Check references, duplicates, unique labels, dates and domains across all records."""
    problems: list[Problem] = []

    def at(origin: Origin, message: str, line: int | None = None) -> None:
        problems.append(Problem(origin.file, line or origin.line, message))

    first_seen: dict[str, Origin] = {d.id: Origin(f"data/sources/{d.path}", 1) for d in sources}
    items: list[tuple[str, Origin]] = [(e.id, e.origin) for e in records.entities]
    items += [(r.id, r.origin) for r in records.relationships]
    items += [(o.id, o.origin) for o in records.observations]
    for slug, origin in items:
        if slug in first_seen:
            earlier = first_seen[slug]
            at(origin, f"duplicate id {slug!r} (first defined at {earlier.file}:{earlier.line})")
        else:
            first_seen[slug] = origin

    types = {e.id: e.types for e in records.entities}
    by_label: dict[str, Origin] = {}
    for entity in records.entities:
        key = normalise_name(entity.label)
        if key in by_label and by_label[key] != entity.origin:
            other = by_label[key]
            at(
                entity.origin,
                f"label {entity.label!r} is not unique after normalising (also at "
                f"{other.file}:{other.line}); add a qualifier such as '(city)'",
            )
        by_label.setdefault(key, entity.origin)

    def reference(origin: Origin, line: int, role: str, slug: str, wanted: str | None) -> None:
        if slug not in types:
            at(origin, f"{role} {slug!r} is not a known entity id", line)
        elif wanted and not model.conforms(types[slug], wanted):
            at(
                origin,
                f"{role} {slug!r} is a {'/'.join(types[slug])}, "
                f"but it must be a {local_name(wanted)}",
                line,
            )

    for rel in records.relationships:
        name = rel.relation.key
        reference(
            rel.origin,
            rel.lines.get("subject", 0),
            f"{name} subject",
            rel.subject,
            rel.relation.domain,
        )
        reference(
            rel.origin, rel.lines.get("object", 0), f"{name} object", rel.object, rel.relation.range
        )
        for qualifier, named in (("via", rel.via), ("concerning", rel.concerning)):
            if named:
                reference(rel.origin, rel.lines.get(qualifier, 0), qualifier, named, None)
        if rel.subject == rel.object:
            at(rel.origin, f"relationship {rel.id!r} links {rel.subject!r} to itself")
        if rel.start and rel.end and rel.end < rel.start:
            at(rel.origin, f"end {rel.end} is before start {rel.start}", rel.lines.get("end"))

    dataset_class = model.classes["Dataset"].iri
    for obs in records.observations:
        reference(obs.origin, obs.lines.get("dataset", 0), "dataset", obs.dataset, dataset_class)
        for key, slug in obs.dimensions.items():
            reference(
                obs.origin,
                obs.lines.get("dimensions", 0),
                f"dimension {key}",
                slug,
                model.dimensions[key].range,
            )
    return problems


SHACL_FULL_LIMIT = 5_000
SHACL_SAMPLE = 50


def shape_sample(
    records: Records, *, limit: int = SHACL_FULL_LIMIT, per_kind: int = SHACL_SAMPLE
) -> Records:
    """Return the records SHACL checks: all of them up to `limit`, else a sample (see above)."""
    total = len(records.entities) + len(records.relationships) + len(records.observations)
    if total <= limit:
        return records

    def every_kth(items: list[Any]) -> list[Any]:
        return items[:: max(1, len(items) // per_kind)][:per_kind]

    relationships = every_kth(records.relationships)
    observations = every_kth(records.observations)
    wanted = {e.id for e in every_kth(records.entities)}
    for rel in relationships:
        wanted |= {rel.subject, rel.object} | {slug for slug in (rel.via, rel.concerning) if slug}
    for obs in observations:
        wanted |= {obs.dataset, *obs.dimensions.values()}
    return Records(
        entities=[e for e in records.entities if e.id in wanted],
        relationships=relationships,
        observations=observations,
    )


@dataclass(frozen=True)
class ShapeViolation:
    focus: str
    path: str
    message: str


def check_shapes(ntriples: bytes, ontology_dir: Path, origins: dict[str, Origin]) -> list[Problem]:
    """Validate the built graph against `ontology/shapes.ttl`; report at each record's line."""
    report = _shacl_report(ntriples, ontology_dir)
    return [] if report is None else shape_problems(_violations(report), origins)


def shape_problems(violations: list[ShapeViolation], origins: dict[str, Origin]) -> list[Problem]:
    """Report each violation at the file and line of the record its node came from."""
    problems = []
    for violation in violations:
        origin = origins.get(violation.focus)
        file, line = (origin.file, origin.line) if origin else ("ontology/shapes.ttl", 1)
        subject = slug_of(violation.focus)
        problems.append(Problem(file, line, f"{subject}: {violation.message} ({violation.path})"))
    return problems


def _shacl_report(ntriples: bytes, ontology_dir: Path, data: Any = None) -> Any:
    """Run pyshacl on N-Triples (plus the ontology, unless `data` already holds it)."""
    import pyshacl  # heavy: imported only when a build validates
    from rdflib import Graph

    # The ontology sits in the data graph, as in the store: SHACL's targetClass and sh:class
    # follow rdfs:subClassOf there, so no inference pass is needed.
    if data is None:
        data = Graph().parse(ontology_dir / ONTOLOGY_FILE, format="turtle")
    data.addN((*triple, data) for triple in rdflib_triples(ntriples))
    shapes = Graph().parse(ontology_dir / SHAPES_FILE, format="turtle")
    conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none")
    return None if conforms else report


XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def rdflib_triples(ntriples: bytes) -> Iterator[tuple[Any, Any, Any]]:
    """Parse N-Triples with Oxigraph into the rdflib terms rdflib's own parser would make.

    rdflib's N-Triples parser reads 2 KB at a time and matches its line pattern again after
    each read, so a line of n bytes costs about n²/4 KB of matching: a record with a 2 MB
    description took 20 s to validate, 10 MB 12 minutes. Oxigraph parses in one pass
    (leniently, like the build's bulk loader, so the check accepts what the store accepts).
    """
    import pyoxigraph as ox
    from rdflib import BNode, Literal, URIRef

    def term(node: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Any:
        if isinstance(node, ox.NamedNode):
            return URIRef(node.value)
        if isinstance(node, ox.BlankNode):
            return BNode(node.value)
        if isinstance(node, ox.Literal):
            if node.language:
                return Literal(node.value, lang=node.language)
            datatype = node.datatype.value
            if datatype == XSD_STRING:  # a plain string has no datatype in rdflib, as parsed
                return Literal(node.value)
            return Literal(node.value, datatype=URIRef(datatype))
        raise ValueError(f"not an N-Triples term: {node}")  # RDF-star: never written

    # fresh blank node ids, as rdflib's parser makes: none can meet one of the ontology's
    parsed = ox.parse(ntriples, ox.RdfFormat.N_TRIPLES, rename_blank_nodes=True, lenient=True)
    for triple in parsed:
        yield term(triple.subject), term(triple.predicate), term(triple.object)


class ShapeChecker:
    """Check the shapes in a child process, started before the records are read.

    Importing pyshacl and reading the ontology cost about a second of Python, and a build's
    first second leaves a core idle while Oxigraph waits for its first part: the child
    spends it there, then validates while the build writes its caches. (Imported inside the
    build, pyshacl also left garbage cycles holding the build's frames, which kept every
    record alive until the collector ran: another second at 10k entities.) `send` hands
    over the N-Triples; `problems` waits for the violations, sent back as JSON lines.
    """

    def __init__(self, ontology_dir: Path) -> None:
        import subprocess
        import sys
        import tempfile

        self.errors = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())
        self.process = subprocess.Popen(
            [sys.executable, "-m", "civicgraph.build.validate", str(ontology_dir)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.errors,
        )
        self.writer: threading.Thread | None = None

    def send(self, ntriples: bytes) -> None:
        """Hand the graph to the child without waiting for it to be ready."""
        stdin = self.process.stdin
        assert stdin is not None

        def write() -> None:
            with suppress(BrokenPipeError):  # the child failed: `problems` says why
                stdin.write(ntriples)
                stdin.close()

        self.writer = threading.Thread(target=write, name="shacl-send", daemon=True)
        self.writer.start()

    def problems(self, origins: dict[str, Origin]) -> list[Problem]:
        """Wait for the child's answer: one Problem per violation, at its record's line."""
        assert self.writer is not None and self.process.stdout is not None
        out = self.process.stdout.read()
        self.writer.join()
        if self.process.wait() != 0:
            self.errors.seek(0)
            lines = self.errors.read().decode("utf-8", "replace").strip().splitlines()
            raise StoreError(f"the SHACL check stopped: {(lines or ['no output'])[-1]}")
        violations = [ShapeViolation(**json.loads(line)) for line in out.splitlines()]
        return shape_problems(violations, origins)

    def close(self) -> None:
        """Stop the child if it is still running (the build failed before asking)."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout, self.errors):
            if stream is not None:
                with suppress(OSError):
                    stream.close()

    def __enter__(self) -> ShapeChecker:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _serve_shape_check(ontology_dir: Path) -> None:
    """The child of ShapeChecker: load the libraries and the ontology, then check stdin."""
    import sys

    from rdflib import Graph

    data = Graph().parse(ontology_dir / ONTOLOGY_FILE, format="turtle")
    ntriples = sys.stdin.buffer.read()
    report = _shacl_report(ntriples, ontology_dir, data)
    for violation in _violations(report) if report is not None else []:
        sys.stdout.write(json.dumps(violation.__dict__) + "\n")


def _violations(report: object) -> list[ShapeViolation]:
    from rdflib import Graph, Namespace

    assert isinstance(report, Graph)
    sh = Namespace("http://www.w3.org/ns/shacl#")
    found: dict[tuple[str, str, str], ShapeViolation] = {}
    for result in report.subjects(sh.resultSeverity, sh.Violation):
        focus = str(report.value(result, sh.focusNode))
        path = local_name(str(report.value(result, sh.resultPath) or "")) or "node"
        message = str(report.value(result, sh.resultMessage) or "violates a shape")
        found[(focus, path, message)] = ShapeViolation(focus, path, message)
    grouped: dict[str, list[ShapeViolation]] = defaultdict(list)
    for violation in found.values():
        grouped[violation.focus].append(violation)
    return [v for focus in sorted(grouped) for v in grouped[focus]]


if __name__ == "__main__":
    import sys

    _serve_shape_check(Path(sys.argv[1]))
