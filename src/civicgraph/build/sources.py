"""Source documents under `data/sources/` and the citations that quote them.

A source is a text file kept byte for byte as published plus a YAML metadata record beside
it; a document added with `source add` also keeps its original under `originals/`, which is
not read here. Citations give a quote; this module finds the quote's code-point offsets in
the text.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from civicgraph.errors import Problem, clipped, relative_to_cwd

METADATA_FIELDS = {
    *("id", "title", "authors", "year", "publisher", "sha256"),
    *("url", "license", "original"),  # written by `source add` when known
}
# `source add` keeps each document as it came in here; it is not itself a source text.
ORIGINALS = "originals"


@dataclass(frozen=True)
class SourceDocument:
    """One source text and what is known about it."""

    id: str
    path: str  # relative to data/sources/, as `document` in JSON
    title: str
    authors: tuple[str, ...]
    year: int | None
    publisher: str | None
    sha256: str
    text: str


@dataclass(frozen=True)
class Located:
    """Where a quote stands: document and code-point offsets [start, end)."""

    document: SourceDocument
    start: int
    end: int


def load_sources(sources_dir: Path) -> tuple[list[SourceDocument], list[Problem]]:
    """Read every `*.txt` with its `*.yaml` metadata; check each text's SHA-256."""
    import yaml  # here, not at the top: lookups use `Located` and never read YAML

    documents: list[SourceDocument] = []
    problems: list[Problem] = []
    if not sources_dir.is_dir():
        return [], [Problem(relative_to_cwd(sources_dir), 0, "no sources directory")]
    for text_path in source_texts(sources_dir):
        meta_path = text_path.with_suffix(".yaml")
        shown = relative_to_cwd(meta_path)
        if not meta_path.exists():
            problems.append(Problem(relative_to_cwd(text_path), 1, f"no metadata file {shown}"))
            continue
        try:
            meta: Any = yaml.safe_load(meta_path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            line = getattr(getattr(exc, "problem_mark", None), "line", 0) + 1
            problems.append(Problem(shown, line, f"malformed YAML: {exc}"))
            continue
        except UnicodeDecodeError as exc:
            problems.append(Problem(shown, 1, f"not valid UTF-8: {exc.reason}"))
            continue
        if not isinstance(meta, dict):
            problems.append(Problem(shown, 1, "metadata must be a mapping"))
            continue
        missing = {"id", "title", "sha256"} - meta.keys()
        unknown = meta.keys() - METADATA_FIELDS
        if missing or unknown:
            detail = "; ".join(
                part
                for part in (
                    f"missing {', '.join(sorted(missing))}" if missing else "",
                    f"unknown field {', '.join(sorted(unknown))}" if unknown else "",
                )
                if part
            )
            problems.append(Problem(shown, 1, f"source metadata: {detail}"))
            continue
        year = meta.get("year")
        if year is not None and (not isinstance(year, int) or isinstance(year, bool)):
            problems.append(
                Problem(
                    shown,
                    _line_of_key(meta_path, "year"),
                    f"year must be a whole number such as 2014, not {clipped(year, 40)}",
                )
            )
            continue
        raw = text_path.read_bytes()
        digest = hashlib.sha256(raw).hexdigest()
        if digest != str(meta["sha256"]):
            problems.append(
                Problem(
                    shown,
                    _line_of_key(meta_path, "sha256"),
                    f"sha256 {meta['sha256']} does not match the text's {digest}: "
                    "sources are kept byte for byte as published",
                )
            )
            continue
        text = decoded(raw, relative_to_cwd(text_path))
        if isinstance(text, Problem):
            problems.append(text)
            continue
        documents.append(
            SourceDocument(
                id=str(meta["id"]),
                path=text_path.relative_to(sources_dir).as_posix(),
                title=str(meta["title"]),
                authors=tuple(str(a) for a in meta.get("authors") or ()),
                year=year,
                publisher=str(meta["publisher"]) if meta.get("publisher") else None,
                sha256=digest,
                text=text,
            )
        )
    if not documents and not problems:
        problems.append(Problem(relative_to_cwd(sources_dir), 0, "no source texts (*.txt)"))
    return documents, problems


def source_texts(sources_dir: Path) -> list[Path]:
    """Every source text under `sources_dir`, in order; the originals kept beside are not."""
    return sorted(
        path
        for path in sources_dir.rglob("*.txt")
        if path.relative_to(sources_dir).parts[0] != ORIGINALS
    )


def decoded(data: bytes, shown: str) -> str | Problem:
    """Return the text of UTF-8 bytes, or the problem at the line of the first bad byte."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        byte = data[exc.start : exc.start + 1].hex()
        return Problem(shown, line, f"not valid UTF-8 (byte 0x{byte}); save the file as UTF-8")


def _line_of_key(path: Path, key: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith(f"{key}:"):
            return number
    return 1


class QuoteFinder:
    """Find quotes in the sources and tell, in plain words, why one cannot be placed."""

    def __init__(self, documents: list[SourceDocument]) -> None:
        self.documents = {d.path: d for d in documents}

    def locate(
        self,
        quote: str,
        *,
        document: str | None = None,
        occurrence: int | None = None,
        start: int | None = None,
    ) -> Located | str:
        """Return where the quote stands, or a message saying why it cannot be placed."""
        if not quote.strip():
            return "empty quote"
        if document is not None and document not in self.documents:
            known = ", ".join(sorted(self.documents))
            return f"unknown document {document!r} (sources: {known})"
        candidates = [self.documents[document]] if document else list(self.documents.values())
        if start is not None:
            hits = [d for d in candidates if d.text.startswith(quote, start)]
            if len(hits) == 1:
                return Located(hits[0], start, start + len(quote))
            if not hits:
                return f"quote is not at offset {start}: {clipped(quote)}"
            return f"quote is at offset {start} of several documents; give `document:`"
        found = [(d, at) for d in candidates for at in _occurrences(d.text, quote)]
        if not found:
            return f"quote not found verbatim in the sources: {clipped(quote)}"
        if occurrence is not None:
            if not 1 <= occurrence <= len(found):
                return f"occurrence {occurrence} asked but the quote occurs {len(found)} time(s)"
            doc, at = found[occurrence - 1]
            return Located(doc, at, at + len(quote))
        if len(found) > 1:
            return (
                f"quote is ambiguous: found {len(found)} times; lengthen it or add "
                f"`occurrence:` (1-{len(found)}): {clipped(quote)}"
            )
        doc, at = found[0]
        return Located(doc, at, at + len(quote))


def _occurrences(text: str, quote: str) -> list[int]:
    found: list[int] = []
    at = text.find(quote)
    while at != -1:
        found.append(at)
        at = text.find(quote, at + 1)
    return found
