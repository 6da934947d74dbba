"""Photo uploads: only real JPEG, PNG or WebP images, re-encoded to a clean 600 px JPEG."""
import io
import warnings

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

from .exceptions import PhotoRejected

MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 600
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
#: Refuse absurd dimensions before decoding (a small file can claim a huge canvas): a 4.9 KB PNG of
#: 6300×6300 1-bit pixels cost ~350 MB and most of a second under the former 40 Mpx. 16 Mpx still
#: takes any phone photo (12 Mpx is common; larger JPEGs are decoded at reduced size anyway).
MAX_PIXELS = 16_000_000


def reencode_photo(data: bytes) -> bytes:
    """Return a 600 px (longest side) JPEG with no metadata segment (EXIF, GPS, comment, ICC, XMP), or raise PhotoRejected with the reason."""
    if not data:
        raise PhotoRejected(_l("Aucun fichier reçu : choisissez une photo."))
    if len(data) > MAX_BYTES:
        raise PhotoRejected(_l("La photo dépasse 5 Mo : choisissez un fichier plus léger."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in ACCEPTED_FORMATS:
                raise PhotoRejected(_l("Format refusé : envoyez une photo JPEG, PNG ou WebP."))
            if image.width * image.height > MAX_PIXELS:
                raise PhotoRejected(_l("Cette image est beaucoup trop grande."))
            if image.format == "JPEG":
                # Decode at 1/2, 1/4 or 1/8 scale, still at least twice the final size (for LANCZOS).
                image.draft(None, (2 * MAX_SIDE, 2 * MAX_SIDE))
            image.load()
    except PhotoRejected:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError,
            Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoRejected(_l("Ce fichier n'est pas une image lisible : envoyez une photo "
                               "JPEG, PNG ou WebP.")) from None
    image = ImageOps.exif_transpose(image)
    if image.mode != "RGB":
        image = _flatten(image)
    image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    # Pillow writes image.info back (the JPEG comment survived); the pixels alone are kept.
    image.info = {}
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, optimize=True, progressive=True)
    return out.getvalue()


def _flatten(image: Image.Image) -> Image.Image:
    """Put transparent images on white rather than black."""
    rgba = image.convert("RGBA")
    background = Image.new("RGB", rgba.size, (255, 255, 255))
    background.paste(rgba, mask=rgba.getchannel("A"))
    return background
