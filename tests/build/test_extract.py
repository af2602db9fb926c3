"""One text in three formats gives one canonical text, so citations keep their offsets."""

from __future__ import annotations

import hashlib
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from civicgraph.build.extract import canonical, extract
from civicgraph.errors import SourceError
from tests.conftest import FIXTURES
from tests.pdfs import image_pdf, text_pdf

SOURCES = FIXTURES / "sources"
TEXT = SOURCES / "harbor-water-fund.txt"
TITLE = "Harbor Council Opens a Water Fund"


@pytest.fixture
def versions(tmp_path: Path) -> dict[str, Path]:
    pdf = text_pdf(TEXT.read_text(encoding="utf-8"), tmp_path / "harbor.pdf", title=TITLE)
    return {"txt": TEXT, "html": SOURCES / "harbor-water-fund.html", "pdf": pdf}


def test_txt_html_and_pdf_give_the_same_canonical_text(versions: dict[str, Path]) -> None:
    texts = {kind: extract(path, path.name).text for kind, path in versions.items()}
    assert texts["html"] == texts["txt"] == texts["pdf"]
    digests = {hashlib.sha256(text.encode()).hexdigest() for text in texts.values()}
    assert len(digests) == 1
    # the fixture is written in canonical form, so its own offsets are the citations' offsets
    assert texts["txt"] == TEXT.read_text(encoding="utf-8")
    quote = "Tomás Ibáñez"
    assert {text.index(quote) for text in texts.values()} == {TEXT.read_text().index(quote)}


def test_html_and_pdf_carry_their_title(versions: dict[str, Path]) -> None:
    assert extract(versions["html"], "h").title == TITLE
    assert extract(versions["pdf"], "p").title == TITLE
    assert extract(versions["txt"], "t").title is None


def test_html_drops_navigation_and_keeps_the_byline() -> None:
    text = extract(SOURCES / "harbor-water-fund.html", "h").text
    assert "Home" not in text and "©" not in text
    assert "\n\nBy Test Reporter, Villa Verde Gazette, 12 March 2021\n\n" in text


def test_the_rules_of_the_module_docstring() -> None:
    raw = (
        "\ufeffTitle  \r\n\r\n"
        "A wrapped\tline\u00a0of\r\ntext  \r\n"
        "with Toma\u0301s, an of\ufb01ce and a co\u00adoperative.\n\n\n\n"
        "  Last.  "
    )
    assert canonical([raw]) == (
        "Title\n\nA wrapped line of text with Tomás, an office and a cooperative.\n\nLast.\n"
    )
    assert canonical(["one", "", "two\n\nthree"]) == "one\n\ntwo\n\nthree\n"
    assert canonical(["  \n\t\n"]) == ""


@given(st.lists(st.text(alphabet=st.characters(codec="utf-8"), max_size=60), max_size=5))
def test_canonical_text_is_a_fixed_point(blocks: list[str]) -> None:
    text = canonical(blocks)
    assert canonical([text]) == text
    if text:
        assert text.endswith("\n") and not text.endswith("\n\n")
        assert "\r" not in text and " \n" not in text and "\n " not in text
        assert "\n\n\n" not in text
        assert unicodedata.is_normalized("NFC", text)


def test_a_pdf_without_a_text_layer_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no text layer"):
        extract(image_pdf(tmp_path / "scan.pdf"), "scan.pdf")


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "the file is empty"),
        ("blank.md", b"  \n\t\r\n", "the file is empty"),
        ("markup.html", b"<html><body><p> </p><script>x()</script></body></html>", "no text"),
        ("latin1.txt", "line one\nJuárez\n".encode("latin-1"), "latin1.txt:2: not valid UTF-8"),
        ("binary.txt", b"ab\x00cd", "not a text file"),
        ("broken.pdf", b"%PDF-1.4\nnot a PDF at all\n", "not a readable PDF"),
        ("notes.docx", b"PK\x03\x04", "unsupported file type '.docx'"),
    ],
)
def test_bad_documents_are_refused_with_the_reason(
    tmp_path: Path, name: str, data: bytes, reason: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(SourceError, match=reason):
        extract(path, name)


def test_a_missing_file_and_a_directory_are_refused(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"gone\.pdf: no such file"):
        extract(tmp_path / "gone.pdf", "gone.pdf")
    (tmp_path / "folder.txt").mkdir()
    with pytest.raises(SourceError, match="not a file"):
        extract(tmp_path / "folder.txt", "folder.txt")


def test_markdown_keeps_its_markup_and_suffixes_ignore_case(tmp_path: Path) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("# Notes\n\nA *first*\nline.\n", encoding="utf-8")
    assert extract(notes, "notes.md").text == "# Notes\n\nA *first* line.\n"
    page = tmp_path / "PAGE.HTM"
    page.write_text("<p>One <b>bold</b><br>word.</p><ul><li>a</li><li>b</li></ul>")
    assert extract(page, "PAGE.HTM").text == "One bold word.\n\na\n\nb\n"
