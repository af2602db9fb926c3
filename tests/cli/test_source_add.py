"""`civicgraph source add`: a document in, a source `build` reads out; bad input exits 2."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from civicgraph.cli.app import app
from tests.conftest import FIXTURES
from tests.pdfs import image_pdf, text_pdf

runner = CliRunner()
TEXT = FIXTURES / "sources" / "harbor-water-fund.txt"
HTML = FIXTURES / "sources" / "harbor-water-fund.html"


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def files_under(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_help_lists_the_options() -> None:
    code, out, _ = run("source", "add", "--help")
    assert code == 0
    for option in ("--id", "--title", "--authors", "--year", "--publisher", "--url"):
        assert option in out
    assert "--license" in out and "--data" in out
    assert "source" in run("--help")[1]


def test_an_added_pdf_builds_with_the_mini_data(workdir: Path) -> None:
    text = TEXT.read_text(encoding="utf-8")
    pdf = text_pdf(text, workdir / "harbor.pdf")
    code, out, err = run(
        *("source", "add", "harbor.pdf", "--title", "Harbor Council Opens a Water Fund"),
        *("--authors", "Test Reporter; Second Reporter", "--year", "2021"),
        *("--data", "data"),
    )
    assert (code, err) == (0, "")
    new = "harbor-council-opens-a-water-fund"
    assert out.splitlines() == [
        f"wrote data/sources/{new}.txt ({len(text)} characters, 6 paragraphs, sha256 "
        f"{hashlib.sha256(text.encode()).hexdigest()[:12]}…)",
        f"wrote data/sources/{new}.yaml (title from --title: 'Harbor Council Opens a Water Fund')",
        f"kept the original as data/sources/originals/{new}.pdf",
        f"next: read {new}.txt; fill in publisher in {new}.yaml; curate records that quote it "
        f"(document: {new}.txt), then `civicgraph build` and `civicgraph audit`",
    ]
    assert (workdir / "data" / "sources" / f"{new}.txt").read_bytes() == TEXT.read_bytes()
    assert (workdir / "data" / "sources" / "originals" / f"{new}.pdf").read_bytes() == (
        pdf.read_bytes()
    )
    code, out, err = run("build", "--data", "data", "--store", "store")
    assert code == 0, err
    assert "8 entities" in out
    code, _, err = run("audit", "--data", "data", "--json")
    assert code == 0, err


def bad_inputs(folder: Path) -> dict[str, str]:
    """Each bad document, by the reason `source add` must give for it."""
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.txt").write_text(" \n\n\t \n", encoding="utf-8")
    (folder / "markup.html").write_text("<html><body><div> </div></body></html>")
    (folder / "latin1.txt").write_bytes("Ciudad Juárez\n".encode("latin-1"))
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj <<\n")
    (folder / "notes.docx").write_bytes(b"PK\x03\x04")
    (folder / "folder.txt").mkdir()
    image_pdf(folder / "scan.pdf")
    shutil.copy(HTML, folder / "same.html")
    return {
        "empty.txt": "the file is empty",
        "blank.txt": "the file is empty",
        "markup.html": "no text in it (only whitespace or markup)",
        "latin1.txt": "not valid UTF-8 (byte 0xe1); save the file as UTF-8",
        "broken.pdf": "not a readable PDF, damaged or not a PDF at all",
        "notes.docx": "unsupported file type '.docx'; give .txt, .md, .html, .htm, .pdf",
        "folder.txt": "not a file",
        "scan.pdf": "no text layer (a scanned PDF?); run OCR on it first and add the result",
        "missing.pdf": "no such file",
        "same.html": "the same text (sha256",
    }


def test_every_bad_input_exits_2_with_one_line_and_changes_nothing(workdir: Path) -> None:
    code, _, err = run("source", "add", str(TEXT), "--id", "harbor")
    assert code == 0, err
    before = files_under(workdir / "data")
    for name, reason in bad_inputs(workdir).items():
        code, out, err = run("source", "add", name, "--title", "A title")
        assert (code, out) == (2, ""), name
        assert len(err.splitlines()) == 1 and err.startswith(f"{name}:"), err
        assert reason in err, err
        assert "Traceback" not in err
    code, _, err = run("source", "add", str(HTML), "--id", "harbor")
    assert code == 2 and "a source with id 'harbor' exists (data/sources/harbor.txt)" in err
    code, _, err = run("source", "add", str(HTML), "--data", "nowhere")
    assert (code, err) == (2, "nowhere: no such data directory\n")
    assert files_under(workdir / "data") == before


@pytest.mark.parametrize("year", ["soon", "2021.5"])
def test_a_year_that_is_not_a_number_is_a_usage_error(workdir: Path, year: str) -> None:
    code, _, _ = run("source", "add", str(TEXT), "--year", year)
    assert code == 2
    assert not (workdir / "data" / "sources" / "originals").exists()
