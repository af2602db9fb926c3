"""PDFs made for the tests with fpdf2, the same bytes on every run: one with a text layer,
one that is a picture of a page only (as a scan without OCR is)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from fpdf import FPDF

FIXED_DATE = dt.datetime(2021, 3, 12, tzinfo=dt.UTC)


def _document(title: str) -> FPDF:
    pdf = FPDF(format=(420, 595), unit="pt")  # A5, given in points
    pdf.set_creation_date(FIXED_DATE)
    pdf.set_title(title)
    pdf.set_margins(50, 50)
    pdf.add_page()
    return pdf


def text_pdf(text: str, path: Path, *, title: str = "") -> Path:
    """Lay out `text` (paragraphs separated by blank lines) in Helvetica, wrapped at the
    margin, a gap between paragraphs; the core fonts hold Latin-1 only."""
    pdf = _document(title)
    pdf.set_font("Helvetica", size=11)
    for paragraph in text.split("\n\n"):
        pdf.multi_cell(0, 15, " ".join(paragraph.split()), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(10)
    pdf.output(str(path))
    return path


def image_pdf(path: Path) -> Path:
    """A page that is only an image of grey lines, as a scanner makes it: no text layer."""
    from PIL import Image, ImageDraw

    picture = Image.new("L", (300, 400), 255)
    draw = ImageDraw.Draw(picture)
    for y in range(40, 360, 20):
        draw.line((30, y, 270, y), fill=80, width=6)
    pdf = _document("A scanned page")
    pdf.image(picture, x=50, y=50, w=300)
    pdf.output(str(path))
    return path
