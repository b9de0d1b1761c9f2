"""peersnet/kernel/pdf.py writes a real PDF that carries every character typed and the crisis line."""

import re
import zlib

from peersnet.kernel.pdf import PdfSection, document


def _text_streams(data: bytes) -> bytes:
    out = b""
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            out += zlib.decompress(stream)
        except zlib.error:
            out += stream
    return out


def test_a_pdf_with_sections_and_the_crisis_line(settings):
    data = document(title="My safety plan", sections=[PdfSection("Reasons for living", ["Zoë, my dog — 🐕"])])
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    assert b"/Title" in data
    assert len(_text_streams(data)) > 0


def test_without_the_font_file_it_still_prints(settings, tmp_path):
    settings.PDF_FONT_PATH = str(tmp_path / "missing.ttf")
    data = document(title="Certificate", sections=[PdfSection("Name", ["Zoë"])])
    assert data.startswith(b"%PDF-")
    assert b"988" in _text_streams(data)
