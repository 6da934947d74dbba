"""Draw the PWA icons (static/img/icons/*.png) from the design of static/img/icon.svg with Pillow.

Run `.venv/bin/python scripts/make_icons.py` after changing the logo; the PNGs are committed.
The shapes are drawn directly (no SVG renderer), four times larger, then scaled down for smooth edges.
"""
import os

from PIL import Image, ImageDraw

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(ROOT, "static", "img", "icons")
SUPERSAMPLE = 4

TEAL = "#0b5563"
SUN = "#f2b134"
MOUNTAIN = "#e8f1f2"
SLOPE = "#c84b31"

# The logo in the 64-unit box of icon.svg.
SUN_CENTRE, SUN_RADIUS = (46, 18), 8
MOUNTAIN_POINTS = [(8, 50), (24, 28), (34, 40), (42, 32), (56, 50)]
SLOPE_POINTS = [(8, 50), (24, 28), (30, 36), (20, 50)]
CORNER_RADIUS = 14
# The middle of the shapes' bounding box (x 8..56, y 10..50), used to centre them in maskable icons.
LOGO_CENTRE = (32, 30)


def draw_icon(size, *, rounded, logo_scale=1.0, centre_logo=False, transparent=True):
    """One icon of `size` px; `logo_scale` shrinks the shapes (maskable icons keep them in the safe zone)."""
    big = size * SUPERSAMPLE
    unit = big / 64
    image = Image.new("RGBA" if transparent else "RGB", (big, big), (0, 0, 0, 0) if transparent else TEAL)
    draw = ImageDraw.Draw(image)
    if rounded:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=CORNER_RADIUS * unit, fill=TEAL)
    else:
        draw.rectangle((0, 0, big, big), fill=TEAL)

    anchor = LOGO_CENTRE if centre_logo else (32, 32)

    def at(x, y):
        return (big / 2 + (x - anchor[0]) * unit * logo_scale, big / 2 + (y - anchor[1]) * unit * logo_scale)

    cx, cy = at(*SUN_CENTRE)
    r = SUN_RADIUS * unit * logo_scale
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=SUN)
    draw.polygon([at(*p) for p in MOUNTAIN_POINTS], fill=MOUNTAIN)
    draw.polygon([at(*p) for p in SLOPE_POINTS], fill=SLOPE)  # leaves a pale sliver of snow, as icon.svg does
    return image.resize((size, size), Image.LANCZOS)


def maskable_scale():
    """The largest logo scale whose corners stay inside the maskable safe zone (a circle of 40 % radius), with a margin."""
    half_width, half_height = 24, 20  # the logo's bounding box around LOGO_CENTRE, in svg units
    half_diagonal = (half_width ** 2 + half_height ** 2) ** 0.5
    return 0.9 * (0.4 * 64) / half_diagonal


ICONS = {
    "icon-192.png": dict(size=192, rounded=True),
    "icon-512.png": dict(size=512, rounded=True),
    "icon-maskable-512.png": dict(size=512, rounded=False, logo_scale=maskable_scale(), centre_logo=True,
                                  transparent=False),
    # iOS rounds the corners itself and shows transparency as black: a full square, no alpha.
    "apple-touch-icon.png": dict(size=180, rounded=False, logo_scale=0.85, centre_logo=True, transparent=False),
}


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    for name, options in ICONS.items():
        path = os.path.join(OUT_DIR, name)
        draw_icon(**options).save(path, optimize=True)
        print(f"{os.path.relpath(path, ROOT)}  {options['size']}×{options['size']}  {os.path.getsize(path)} octets")


if __name__ == "__main__":
    main()
