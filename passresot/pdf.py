"""Server-made PDF documents (certificates, audit packs): an A4 page with the app's fonts, and a QR code.

The fonts are DejaVu Sans from npm (`make vendor` copies them to static/vendor/fonts/): the core PDF
fonts cannot write every French character (œ, « », the narrow no-break space).
"""
from __future__ import annotations

import io
import logging
import os
from typing import TYPE_CHECKING

import qrcode
from flask import current_app

if TYPE_CHECKING:
    from fpdf import FPDF

FONT = "DejaVu"

# fpdf2 subsets the fonts through fontTools, which logs every glyph table at INFO: not for the app's log.
logging.getLogger("fontTools").setLevel(logging.WARNING)


class FontsMissing(RuntimeError):
    """static/vendor/fonts/ is empty: `make vendor` was not run on this host."""


def new_document(title: str) -> FPDF:
    """An A4 portrait document with DejaVu Sans (regular and bold) registered and `title` as metadata."""
    folder = os.path.join(current_app.static_folder, "vendor", "fonts")
    regular, bold = os.path.join(folder, "DejaVuSans.ttf"), os.path.join(folder, "DejaVuSans-Bold.ttf")
    if not (os.path.exists(regular) and os.path.exists(bold)):
        raise FontsMissing(f"{folder} lacks DejaVuSans.ttf or DejaVuSans-Bold.ttf: run `make vendor`")
    from fpdf import FPDF  # here, not at the top: fpdf and fontTools take a quarter of the app's start

    document = FPDF(orientation="P", unit="mm", format="A4")
    document.add_font(FONT, "", regular)
    document.add_font(FONT, "B", bold)
    document.set_title(title)
    document.set_creator("PassResOT66")
    document.set_auto_page_break(auto=True, margin=15)
    document.set_font(FONT, size=11)
    return document


def qr_png(text: str) -> io.BytesIO:
    """A PNG of a QR code of `text` (medium error correction), ready for FPDF.image()."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2, box_size=8)
    code.add_data(text)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image(fill_color="black", back_color="white").save(buffer, format="PNG")
    buffer.seek(0)
    return buffer


def to_bytes(document: FPDF) -> bytes:
    """The finished document's bytes."""
    return bytes(document.output())
