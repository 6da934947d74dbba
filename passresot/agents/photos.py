"""Photo uploads: only real JPEG, PNG, WebP or HEIC images, re-encoded to a clean 600 px JPEG."""
import io
import warnings

import pillow_heif
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

from .exceptions import PhotoRejected

# iPhones save HEIC; pillow-heif decodes it (and its thumbnails and EXIF are dropped like any other's).
pillow_heif.register_heif_opener()

#: A phone photo as it comes off the phone (the browser shrinks what it can decode before sending).
MAX_BYTES = 20 * 1024 * 1024
MAX_MB = MAX_BYTES // (1024 * 1024)
MAX_SIDE = 600
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "HEIF"}
#: The file input's accept attribute (some systems know HEIC by its extension only).
ACCEPT = "image/jpeg,image/png,image/webp,image/heic,image/heif,.jpg,.jpeg,.png,.webp,.heic,.heif"
#: Refuse absurd dimensions before decoding (a small file can claim a huge canvas): a 4.9 KB PNG of
#: 6300×6300 1-bit pixels cost ~350 MB and most of a second under the former 40 Mpx. 16 Mpx still
#: takes any phone photo (12 Mpx is common; larger JPEGs are decoded at reduced size anyway).
MAX_PIXELS = 16_000_000


def reencode_photo(data: bytes) -> bytes:
    """Return a 600 px (longest side) JPEG with no metadata segment (EXIF, GPS, comment, ICC, XMP), or raise PhotoRejected with the reason."""
    if not data:
        raise PhotoRejected(_l("Aucun fichier reçu : choisissez une photo."))
    if len(data) > MAX_BYTES:
        raise PhotoRejected(too_big_message())
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in ACCEPTED_FORMATS:
                raise PhotoRejected(_l("Format refusé : envoyez une photo JPEG, PNG, WebP ou HEIC."))
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
                               "JPEG, PNG, WebP ou HEIC.")) from None
    image = ImageOps.exif_transpose(image)
    if image.mode != "RGB":
        image = _flatten(image)
    image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    # Pillow writes image.info back (the JPEG comment survived); the pixels alone are kept.
    image.info = {}
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, optimize=True, progressive=True)
    return out.getvalue()


def too_big_message():
    """What a photo over the limit is told, beside the field."""
    return _l("La photo dépasse %(mb)s Mo : choisissez un fichier plus léger.", mb=MAX_MB)


def _flatten(image: Image.Image) -> Image.Image:
    """Put transparent images on white rather than black."""
    rgba = image.convert("RGBA")
    background = Image.new("RGB", rgba.size, (255, 255, 255))
    background.paste(rgba, mask=rgba.getchannel("A"))
    return background
