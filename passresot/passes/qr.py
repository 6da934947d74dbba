"""The pass's QR code as inline SVG: crisp at any size, with the standard quiet zone."""
import re
from html import escape

import qrcode
import qrcode.image.svg
from qrcode.constants import ERROR_CORRECT_M


def qr_svg(text: str, label: str = "QR code") -> str:
    """An <svg> element (no XML declaration) drawing `text` in a QR code, 4-module quiet zone;
    `label` is its name for screen readers."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4, box_size=10,
                         image_factory=qrcode.image.svg.SvgPathImage)
    code.add_data(text, optimize=0)
    code.make(fit=True)
    svg = code.make_image().to_string(encoding="unicode")
    if svg.startswith("<?xml"):
        svg = svg[svg.index("?>") + 2:]
    svg = re.sub(r' (width|height)="[^"]*"', "", svg, count=2)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" shape-rendering="crispEdges" ', 1)


def qr_version(text: str) -> int:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4)
    code.add_data(text, optimize=0)
    code.make(fit=True)
    return code.version
