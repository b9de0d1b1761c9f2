"""Plain, printable PDFs (a safety plan, a certificate, a pay statement) from headings and lines.

fpdf2 writes the PDF in pure Python. Text is set in DejaVu Sans (``PDF_FONT_PATH``; Debian's
fonts-dejavu-core) so that every character a person types prints; without that font file the PDF falls
back to the built-in Helvetica and characters outside Latin-1 print as "?". Every document ends with
the crisis line, like every page and email.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from fpdf import FPDF

DEFAULT_FONT_PATH = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
CRISIS_FOOTER = "In crisis? Call or text 988 (Suicide & Crisis Lifeline). In an emergency, call 911."


@dataclass
class PdfSection:
    heading: str
    lines: list[str] = field(default_factory=list)  # paragraphs; an empty list prints "(nothing yet)"


def _font_path() -> Path | None:
    path = Path(getattr(settings, "PDF_FONT_PATH", "") or DEFAULT_FONT_PATH)
    return path if path.is_file() else None


def document(*, title: str, subtitle: str = "", sections: list[PdfSection], footer: str = "") -> bytes:
    """A one-column A4/Letter-neutral PDF: title, subtitle, sections, a footer line and the crisis line."""
    pdf = FPDF(format="letter")
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.set_title(title)
    font_path = _font_path()
    if font_path:
        pdf.add_font("body", "", str(font_path))
        bold = font_path.with_name(font_path.name.replace(".ttf", "-Bold.ttf"))
        pdf.add_font("body", "B", str(bold if bold.is_file() else font_path))
        family = "body"
    else:
        family = "helvetica"

    def text(value: str) -> str:
        return value if font_path else value.encode("latin-1", "replace").decode("latin-1")

    pdf.add_page()
    pdf.set_font(family, "B", 18)
    pdf.multi_cell(0, 9, text(title), new_x="LMARGIN", new_y="NEXT")
    if subtitle:
        pdf.set_font(family, "", 10)
        pdf.multi_cell(0, 6, text(subtitle), new_x="LMARGIN", new_y="NEXT")
    for section in sections:
        pdf.ln(3)
        pdf.set_font(family, "B", 12)
        pdf.multi_cell(0, 7, text(section.heading), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(family, "", 11)
        for line in section.lines or ["(nothing yet)"]:
            pdf.multi_cell(0, 6, text(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(family, "", 9)
    if footer:
        pdf.multi_cell(0, 5, text(footer), new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 5, text(CRISIS_FOOTER), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
