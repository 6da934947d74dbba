"""Certificate files: a real PDF kept as sent, or an image re-encoded to a clean JPEG; stored in the
instance folder under a random name and read back only through the routes that check who asks."""
import io
import os
import uuid
import warnings

from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

from ..agents import photos  # registers the HEIC opener
from .exceptions import CertificateRejected
from .models import CertificateKind

MAX_BYTES = 10 * 1024 * 1024
MAX_MB = MAX_BYTES // (1024 * 1024)
#: Enough to read a scanned A4 certificate; phone photos are larger and get shrunk.
MAX_SIDE = 2000
MAX_PDF_PAGES = 30
ACCEPT = "application/pdf,.pdf," + photos.ACCEPT
NOT_ACCEPTED = _l("Ce fichier n'est ni un PDF ni une image : envoyez l'attestation en PDF, JPEG, PNG, "
                  "WebP ou HEIC.")


def clean_certificate(data: bytes) -> tuple[bytes, CertificateKind]:
    """The bytes to store and their kind, or CertificateRejected with the reason in French."""
    if not data:
        raise CertificateRejected(_l("Le fichier envoyé est vide."))
    if len(data) > MAX_BYTES:
        raise CertificateRejected(_l("L'attestation dépasse %(mb)s Mo : envoyez un fichier plus léger.",
                                     mb=MAX_MB))
    if data.lstrip()[:5] == b"%PDF-":
        return _checked_pdf(data), CertificateKind.pdf
    return _reencoded_image(data), CertificateKind.jpeg


def _checked_pdf(data: bytes) -> bytes:
    import pypdfium2  # here, not at the top: only certificate uploads need it, every app start would pay

    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError:
        raise CertificateRejected(_l("Ce fichier se dit PDF mais ne s'ouvre pas comme un PDF "
                                     "(abîmé ou protégé par un mot de passe).")) from None
    try:
        pages = len(document)
    finally:
        document.close()
    if not 1 <= pages <= MAX_PDF_PAGES:
        raise CertificateRejected(_l("Une attestation compte de 1 à %(n)s pages.", n=MAX_PDF_PAGES))
    return data


def _reencoded_image(data: bytes) -> bytes:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in photos.ACCEPTED_FORMATS:
                raise CertificateRejected(NOT_ACCEPTED)
            if image.width * image.height > photos.MAX_PIXELS * 2:
                raise CertificateRejected(_l("Cette image est beaucoup trop grande."))
            image.load()
    except CertificateRejected:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError,
            Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise CertificateRejected(NOT_ACCEPTED) from None
    image = ImageOps.exif_transpose(image)
    if image.mode != "RGB":
        image = photos._flatten(image)
    image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    image.info = {}  # the pixels only: no EXIF, GPS, comment
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue()


def folder() -> str:
    return os.path.join(current_app.instance_path, "training-certificates")


def store(data: bytes, kind: CertificateKind) -> str:
    """Write the file under a new random name; return that name."""
    name = f"{uuid.uuid4().hex}.{'pdf' if kind is CertificateKind.pdf else 'jpg'}"
    os.makedirs(folder(), exist_ok=True)
    temporary = os.path.join(folder(), name + ".part")
    with open(temporary, "wb") as out:
        out.write(data)
    os.replace(temporary, os.path.join(folder(), name))
    return name


def path_of(name: str) -> str:
    return os.path.join(folder(), os.path.basename(name))


def remove(name: str) -> None:
    try:
        os.remove(path_of(name))
    except FileNotFoundError:
        pass
