"""The canonical text of a document: `.txt`, `.md`, `.html`/`.htm` or `.pdf` in, one text out.

Every format is first read into blocks (the whole file for plain text, one block per block
element for HTML, one per page for PDF); `canonical` then normalises the blocks the same
way, so that a plain-text, an HTML and a PDF version of one text give the same characters
and therefore the same citation offsets:

1. Unicode NFC; the ligatures of Alphabetic Presentation Forms (U+FB00–FB06, "ﬁ" in many
   PDFs) spelled out; soft hyphens, zero-width spaces and byte-order marks removed.
2. Lines are split on every Unicode line break (`\\r\\n`, `\\r`, form feed, U+2028…).
3. A paragraph is a run of non-blank lines; its lines are joined and every run of
   whitespace in it (tabs, no-break spaces, the line breaks of a wrapped paragraph)
   becomes one space, with none at either end.
4. Paragraphs are separated by one blank line (`\\n\\n`); the text ends with one `\\n`.

So line breaks inside a paragraph are not kept: a table or a list without blank lines
between its rows reads as one paragraph. Per format:

- `.txt` and `.md` must be UTF-8 (a BOM is dropped). Markdown is kept as written: its
  markup is part of the text.
- HTML is decoded as its `<meta charset>` or bytes say (BeautifulSoup). Scripts, styles,
  navigation, headers, footers, asides and forms are dropped; the text is that of the one
  `<article>`, else `<main>`, else `<body>`. Each block element (`p`, `h1`–`h6`, `li`,
  `blockquote`, table rows, `div` text…) is a paragraph and inline elements run on, as a
  browser shows them. trafilatura was tried first but drops lines such as a byline.
- PDF text comes from pypdf's layout mode, which marks a gap between lines taller than a
  line as a blank line: so a paragraph ends at such a gap and at a page break. Running
  headers, footers and page numbers stay in the text; a word hyphenated at a line end
  keeps its hyphen ("com- munity"). A PDF with no text on any page has no text layer
  (a scan): run OCR first.
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from civicgraph.errors import SourceError

SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf")

INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\ufeff"))
LIGATURES = {code: unicodedata.normalize("NFKC", chr(code)) for code in range(0xFB00, 0xFB07)}
WHITESPACE = re.compile(r"\s+")

DROPPED_TAGS = (
    *("script", "style", "noscript", "template", "iframe", "svg", "canvas", "head"),
    *("nav", "header", "footer", "aside", "form", "button", "select"),
)
BLOCK_TAGS = frozenset(
    (
        *("p", "div", "section", "article", "main", "blockquote", "pre", "address", "figure"),
        *("figcaption", "h1", "h2", "h3", "h4", "h5", "h6", "hgroup", "ul", "ol", "li", "dl"),
        *("dt", "dd", "table", "caption", "thead", "tbody", "tfoot", "tr", "hr", "details"),
        *("summary", "center", "body", "html"),
    )
)
CELL_TAGS = frozenset(("td", "th"))


@dataclass(frozen=True)
class Extracted:
    """A document's canonical text and the title it carries, if any."""

    text: str
    title: str | None
    kind: str  # "plain text", "HTML" or "PDF"
    original: bytes  # the file's bytes, as read


def canonical(blocks: Iterable[str]) -> str:
    """Normalise blocks of extracted text into the canonical text (see the module doc)."""
    paragraphs: list[str] = []
    for block in blocks:
        block = unicodedata.normalize("NFC", block).translate(INVISIBLE).translate(LIGATURES)
        lines: list[str] = []
        for line in [*block.splitlines(), ""]:
            if line.strip():
                lines.append(line)
            elif lines:
                paragraphs.append(WHITESPACE.sub(" ", " ".join(lines)).strip())
                lines = []
    return "\n\n".join(paragraphs) + "\n" if paragraphs else ""


def extract(path: Path, shown: str) -> Extracted:
    """Read a document and return its canonical text; raise SourceError with the reason."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise SourceError(
            shown, f"unsupported file type {suffix or '(none)'!r}; give {', '.join(SUFFIXES)}"
        )
    if not path.exists():
        raise SourceError(shown, "no such file")
    if not path.is_file():
        raise SourceError(shown, "not a file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(shown, f"cannot be read: {exc.strerror or exc}") from None
    if not data.strip():
        raise SourceError(shown, "the file is empty")
    if suffix == ".pdf":
        blocks, title = _pdf_pages(data, shown)
        kind = "PDF"
    elif suffix in (".html", ".htm"):
        blocks, title = _html_blocks(data)
        kind = "HTML"
    else:
        blocks, title, kind = [_plain_text(data, shown)], None, "plain text"
    text = canonical(blocks)
    if not text:
        if kind == "PDF":
            raise SourceError(
                shown, "no text layer (a scanned PDF?); run OCR on it first and add the result"
            )
        raise SourceError(shown, "no text in it (only whitespace or markup)")
    return Extracted(text, title, kind, data)


def _plain_text(data: bytes, shown: str) -> str:
    if b"\x00" in data:
        raise SourceError(shown, "not a text file (it holds NUL bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        byte = data[exc.start : exc.start + 1].hex()
        raise SourceError(
            shown, f"not valid UTF-8 (byte 0x{byte}); save the file as UTF-8", line
        ) from None


def _html_blocks(data: bytes) -> tuple[list[str], str | None]:
    from bs4 import BeautifulSoup
    from bs4.element import NavigableString, PreformattedString, Tag

    soup = BeautifulSoup(data, "html.parser")
    title_tag = soup.find("title")
    title = " ".join(title_tag.get_text().split()) if title_tag else ""
    for tag in soup.find_all(list(DROPPED_TAGS)):
        tag.decompose()
    articles = soup.find_all("article")
    root: Any = (
        articles[0] if len(articles) == 1 else soup.find("main") or soup.find("body") or soup
    )
    blocks: list[str] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            blocks.append(WHITESPACE.sub(" ", "".join(current)))
            current.clear()

    def walk(node: Tag) -> None:
        for child in node.children:
            if isinstance(child, PreformattedString):  # comments, doctypes, CDATA
                continue
            if isinstance(child, NavigableString):
                current.append(str(child))
            elif isinstance(child, Tag):
                if child.name == "pre":
                    flush()
                    blocks.append(child.get_text())
                elif child.name == "br":
                    current.append(" ")
                elif child.name in BLOCK_TAGS:
                    flush()
                    walk(child)
                    flush()
                else:
                    walk(child)
                    if child.name in CELL_TAGS:
                        current.append(" ")

    walk(root)
    flush()
    if not title:
        heading = soup.find("h1")
        title = " ".join(heading.get_text().split()) if heading else ""
    return blocks, unicodedata.normalize("NFC", title) or None


def _pdf_pages(data: bytes, shown: str) -> tuple[list[str], str | None]:
    from pypdf import PdfReader

    pypdf_log = logging.getLogger("pypdf")
    level = pypdf_log.level
    pypdf_log.setLevel(logging.CRITICAL)  # its warnings on a damaged file are not our lines
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not reader.decrypt(""):
                raise SourceError(shown, "the PDF is encrypted; save an unencrypted copy first")
            if not reader.pages:
                raise SourceError(shown, "the PDF has no pages")
            pages = [page.extract_text(extraction_mode="layout") for page in reader.pages]
            title = reader.metadata.title if reader.metadata else None
    except SourceError:
        raise
    except Exception as exc:  # pypdf raises many kinds of error on a damaged file
        detail = str(exc) or type(exc).__name__
        raise SourceError(
            shown, f"not a readable PDF, damaged or not a PDF at all ({detail})"
        ) from None
    finally:
        pypdf_log.setLevel(level)
    if not isinstance(title, str):
        return pages, None
    return pages, unicodedata.normalize("NFC", " ".join(title.split())) or None
