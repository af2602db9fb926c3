"""`add_source` keeps a document as the current sources are kept, or writes nothing."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
import yaml

from civicgraph.build.documents import SourceMetadata, add_source, slug_for
from civicgraph.build.sources import METADATA_FIELDS, load_sources
from civicgraph.errors import SourceError
from tests.conftest import FIXTURES, MINI
from tests.pdfs import text_pdf

TEXT = FIXTURES / "sources" / "harbor-water-fund.txt"
ABOUT = SourceMetadata(
    title="Harbor Council Opens a Water Fund",
    authors=("Test Reporter", "Second Reporter"),
    year=2021,
    publisher="Villa Verde Gazette",
    url="https://example.org/harbor",
    license="CC-BY-4.0",
)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    shutil.copytree(MINI, tmp_path / "data")
    return tmp_path / "data"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_a_pdf_is_kept_like_the_current_sources(data_dir: Path, tmp_path: Path) -> None:
    pdf = text_pdf(TEXT.read_text(encoding="utf-8"), tmp_path / "harbor.pdf")
    added = add_source(pdf, data_dir, ABOUT)
    sources = data_dir / "sources"
    assert added.id == "harbor-council-opens-a-water-fund"
    assert added.text_path == sources / f"{added.id}.txt"
    assert added.text_path.read_bytes() == TEXT.read_bytes()
    assert (sources / "originals" / f"{added.id}.pdf").read_bytes() == pdf.read_bytes()
    meta = yaml.safe_load(added.metadata_path.read_text(encoding="utf-8"))
    assert meta == {
        "id": added.id,
        "title": ABOUT.title,
        "authors": ["Test Reporter", "Second Reporter"],
        "year": 2021,
        "publisher": "Villa Verde Gazette",
        "url": "https://example.org/harbor",
        "license": "CC-BY-4.0",
        "original": f"originals/{added.id}.pdf",
        "sha256": hashlib.sha256(TEXT.read_bytes()).hexdigest(),
    }
    assert set(meta) <= METADATA_FIELDS
    documents, problems = load_sources(sources)
    assert not problems
    assert sorted(d.path for d in documents) == [f"{added.id}.txt", "mini.txt"]


def test_without_metadata_the_title_and_id_come_from_the_file(
    data_dir: Path, tmp_path: Path
) -> None:
    plain = tmp_path / "Informe_Juárez 2021.txt"
    shutil.copy(TEXT, plain)
    added = add_source(plain, data_dir, SourceMetadata())
    assert (added.id, added.title, added.title_from) == (
        "informe-juarez-2021",
        "Informe Juárez 2021",
        "the file name",
    )
    meta = yaml.safe_load(added.metadata_path.read_text(encoding="utf-8"))
    assert meta["authors"] == [] and meta["year"] is None and meta["publisher"] is None
    assert "url" not in meta and "license" not in meta
    assert not load_sources(data_dir / "sources")[1]
    # a .txt original beside the text is not a second source
    assert (data_dir / "sources" / "originals" / "informe-juarez-2021.txt").exists()


def test_slugs_are_ascii_words_and_short() -> None:
    assert slug_for("¿Quién financia a quién? Ciudad Juárez, 2010–2012") == (
        "quien-financia-a-quien-ciudad-juarez-2010-2012"
    )
    long = slug_for("word " * 40)
    assert len(long) <= 60 and not long.endswith("-") and long.startswith("word-word")


def test_a_taken_id_and_a_duplicate_text_are_refused(data_dir: Path, tmp_path: Path) -> None:
    add_source(TEXT, data_dir, ABOUT, source_id="harbor")
    before = snapshot(data_dir)
    with pytest.raises(SourceError, match="a source with id 'harbor' exists"):
        add_source(
            FIXTURES / "sources" / "harbor-water-fund.html", data_dir, ABOUT, source_id="harbor"
        )
    with pytest.raises(SourceError, match="a source with id 'mini-report' exists"):
        add_source(TEXT, data_dir, ABOUT, source_id="mini-report")
    with pytest.raises(SourceError, match=r"same text .* already the source harbor"):
        add_source(
            FIXTURES / "sources" / "harbor-water-fund.html", data_dir, ABOUT, source_id="other"
        )
    with pytest.raises(SourceError, match="not a slug"):
        add_source(TEXT, data_dir, ABOUT, source_id="Not A Slug")
    assert snapshot(data_dir) == before


def test_a_failed_write_leaves_nothing_behind(data_dir: Path) -> None:
    # `originals` taken by a file: the first write fails, and no other file is placed
    (data_dir / "sources" / "originals").write_text("in the way", encoding="utf-8")
    before = snapshot(data_dir)
    with pytest.raises(SourceError, match="cannot write"):
        add_source(TEXT, data_dir, ABOUT)
    assert snapshot(data_dir) == before
