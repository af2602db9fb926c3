"""Add a document to `data/sources/`: its canonical text, its metadata and its original.

`add_source` extracts the canonical text (`extract`), then writes, under the sources
directory, `ID.txt` (that text, UTF-8), `ID.yaml` (its metadata, in the shape
`sources.load_sources` reads, with the SHA-256 of the text's bytes and the name of the
original) and `originals/ID.<ext>` (the file as it came in, byte for byte; `build` and
`audit` do not read it). It refuses an id already taken and a text already kept under
another id (same SHA-256). Every check runs before anything is written, and each file is
written to a temporary file and moved into place, so an error leaves the directory as it was.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from civicgraph.build.extract import extract
from civicgraph.build.ingest import SLUG
from civicgraph.build.sources import ORIGINALS, source_texts
from civicgraph.errors import SourceError, relative_to_cwd

MAX_SLUG = 60


@dataclass(frozen=True)
class SourceMetadata:
    """What a person says about a document; the title is read from the document if not given."""

    title: str | None = None
    authors: tuple[str, ...] = ()
    year: int | None = None
    publisher: str | None = None
    url: str | None = None
    license: str | None = None


@dataclass(frozen=True)
class AddedSource:
    """What `add_source` wrote."""

    id: str
    text_path: Path
    metadata_path: Path
    original_path: Path
    title: str
    title_from: str  # "--title", "the document" or "the file name"
    sha256: str
    characters: int
    paragraphs: int


def add_source(
    file: Path, data_dir: Path, about: SourceMetadata, *, source_id: str | None = None
) -> AddedSource:
    """Add `file` as a source of `data_dir`; raise SourceError, writing nothing, if it cannot be."""
    shown = str(file)
    if not data_dir.is_dir():
        raise SourceError(relative_to_cwd(data_dir), "no such data directory")
    extracted = extract(file, shown)
    if about.title and about.title.strip():
        title, title_from = " ".join(about.title.split()), "--title"
    elif extracted.title:
        title, title_from = extracted.title, "the document"
    else:
        title, title_from = re.sub(r"[-_\s]+", " ", file.stem).strip(), "the file name"
    sources_dir = data_dir / "sources"
    new_id = _checked_id(source_id, title, file, shown)
    _refuse_taken(new_id, sources_dir, shown)
    data = extracted.text.encode("utf-8")
    digest = hashlib.sha256(data).hexdigest()
    _refuse_duplicate(digest, sources_dir, file, shown)

    original = sources_dir / ORIGINALS / f"{new_id}{file.suffix.lower()}"
    text_path, metadata_path = sources_dir / f"{new_id}.txt", sources_dir / f"{new_id}.yaml"
    if original.exists():
        raise SourceError(shown, f"{relative_to_cwd(original)} exists already; remove it first")
    metadata = _metadata_text(
        {
            "id": new_id,
            "title": title,
            "authors": list(about.authors),
            "year": about.year,
            "publisher": about.publisher,
            "url": about.url,
            "license": about.license,
            "original": original.relative_to(sources_dir).as_posix(),
            "sha256": digest,
        }
    )
    # the text last: with it in place, the source exists
    _place(
        [
            (original, extracted.original),
            (metadata_path, metadata.encode("utf-8")),
            (text_path, data),
        ]
    )
    return AddedSource(
        id=new_id,
        text_path=text_path,
        metadata_path=metadata_path,
        original_path=original,
        title=title,
        title_from=title_from,
        sha256=digest,
        characters=len(extracted.text),
        paragraphs=extracted.text.count("\n\n") + 1,
    )


def slug_for(title: str) -> str:
    """Return a source id for a title: lower-case ASCII words joined by hyphens, kept short."""
    decomposed = unicodedata.normalize("NFKD", title.lower())
    unaccented = "".join(c for c in decomposed if not unicodedata.combining(c))
    slug = re.sub(r"[^a-z0-9]+", "-", unaccented).strip("-")
    if len(slug) > MAX_SLUG:  # cut at the last word boundary that fits
        cut = slug[: MAX_SLUG + 1]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else slug[:MAX_SLUG]
    return slug


def _checked_id(given: str | None, title: str, file: Path, shown: str) -> str:
    if given is not None:
        if not SLUG.match(given):
            raise SourceError(
                shown, f"--id {given!r} is not a slug (lower-case words joined by hyphens)"
            )
        return given
    slug = slug_for(title) or slug_for(file.stem)
    if not slug:
        raise SourceError(shown, f"cannot make an id from the title {title!r}; give --id")
    return slug


def _refuse_taken(new_id: str, sources_dir: Path, shown: str) -> None:
    for path in (sources_dir / f"{new_id}.txt", sources_dir / f"{new_id}.yaml"):
        if path.exists():
            raise SourceError(
                shown, f"a source with id {new_id!r} exists ({relative_to_cwd(path)}); give --id"
            )
    for text_path in source_texts(sources_dir) if sources_dir.is_dir() else []:
        if _metadata_of(text_path).get("id") == new_id:
            raise SourceError(
                shown,
                f"a source with id {new_id!r} exists "
                f"({relative_to_cwd(text_path.with_suffix('.yaml'))}); give --id",
            )


def _refuse_duplicate(digest: str, sources_dir: Path, file: Path, shown: str) -> None:
    for text_path in source_texts(sources_dir) if sources_dir.is_dir() else []:
        if text_path.resolve() == file.resolve():  # a document dropped among the sources
            continue
        if hashlib.sha256(text_path.read_bytes()).hexdigest() == digest:
            known = _metadata_of(text_path).get("id", "?")
            raise SourceError(
                shown,
                f"the same text (sha256 {digest[:12]}…) is already the source {known} "
                f"({relative_to_cwd(text_path)})",
            )


def _metadata_of(text_path: Path) -> dict[str, Any]:
    """Return a source's metadata, or {} where it is missing or broken (build reports that)."""
    try:
        meta = yaml.safe_load(text_path.with_suffix(".yaml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    return meta if isinstance(meta, dict) else {}


def _metadata_text(fields: dict[str, Any]) -> str:
    kept = {
        key: value
        for key, value in fields.items()
        if value is not None or key in ("year", "publisher")
    }
    body = yaml.safe_dump(
        kept, sort_keys=False, allow_unicode=True, default_flow_style=None, width=10_000
    )
    comment = (
        f"# {fields['id']}.txt is the text of `original`, extracted and normalised by\n"
        "# `civicgraph source add` (civicgraph.build.extract): never edit it, citations\n"
        "# point into it by offset.\n"
    )
    return comment + body


def _place(files: list[tuple[Path, bytes]]) -> None:
    """Write each file beside its target and move them all into place, or none."""
    partials: list[Path] = []
    placed: list[Path] = []
    target = files[0][0]
    try:
        for target, data in files:
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
            partials.append(partial)
            partial.write_bytes(data)
        for (target, _), partial in zip(files, partials, strict=True):
            os.replace(partial, target)
            placed.append(target)
    except OSError as exc:
        for path in (*partials, *placed):
            path.unlink(missing_ok=True)
        raise SourceError(relative_to_cwd(target), f"cannot write: {exc.strerror or exc}") from None
