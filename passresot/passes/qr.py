"""The pass's QR code as inline SVG: crisp at any size, as large as the screen or card allows.

The SVG carries a 2-module white border; the page or card puts it inside a white area at least
2 more modules wide (`qr_modules` lets the CSS size that margin), so the code keeps the 4-module
quiet zone of ISO/IEC 18004 without spending screen width on a second margin. Error correction
stays at level M: Q and H read worse when the camera is out of focus, L worse under glare.
"""
import functools
from html import escape

import qrcode
from qrcode.constants import ERROR_CORRECT_M

#: Modules of white inside the SVG itself; the white area around it adds at least as many.
BORDER = 2


def _code(text: str) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=BORDER)
    code.add_data(text, optimize=0)
    code.make(fit=True)
    return code


def qr_svg(text: str, label: str = "QR code") -> str:
    """An <svg> element (no XML declaration) drawing `text` in a QR code with a 2-module border;
    `label` is its name for screen readers."""
    squares, side = _drawing(text)
    return (f'<svg role="img" aria-label="{escape(label)}" shape-rendering="crispEdges" viewBox="0 0 {side} {side}" '
            f'xmlns="http://www.w3.org/2000/svg"><path d="{squares}" fill="#000"/></svg>')


def qr_modules(text: str) -> int:
    """The side of qr_svg(text) in modules, its border included."""
    return _drawing(text)[1]


@functools.lru_cache(maxsize=256)
def _drawing(text: str) -> tuple[str, int]:
    """The path of `text`'s code, one unit square per dark module, and its side in modules: the
    viewBox is in modules and the page or card sizes it. Written from the module matrix: qrcode's SVG
    image factory added ~3.6 ms to the 8 ms of encoding a version 8 code, per card of a sheet of
    hundreds. A pass page draws the same code at each opening (and the worker's background refresh
    asks for it again): it is drawn once."""
    matrix = _code(text).get_matrix()  # the border included
    squares = "".join(f"M{x},{y}H{x + 1}V{y + 1}H{x}z"
                      for y, row in enumerate(matrix) for x, dark in enumerate(row) if dark)
    return squares, len(matrix)


def qr_version(text: str) -> int:
    return _code(text).version
