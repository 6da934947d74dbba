"""The files of a bulk photo upload, one at a time: photos sent as they are, zips unpacked by
bare entry name with a limit on every entry and on the whole (photo_batch.py keeps them aside)."""
import os
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from flask_babel import lazy_gettext as _l

from .exceptions import PhotoZipUnreadable, TooManyPhotos, UnpackedPhotosTooLarge
from .photos import MAX_BYTES

MAX_FILES = 1000
#: What a zip may unpack to, whatever it claims: beyond, a zip bomb or not photos of staff.
MAX_UNPACKED = 1024 * 1024 * 1024
PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".heic", ".heif"}
NOT_A_PHOTO = _l("Ce n'est pas une photo (JPEG, PNG, WebP ou HEIC).")
ENCRYPTED = _l("Fichier chiffré dans le zip : impossible à lire.")


@dataclass
class Incoming:
    """One file received: its bare name, and its bytes or why it was left aside."""

    name: str
    data: bytes | None = None
    error: str | None = None


def receive(uploads):
    """Each file of [(file name, binary stream)] from the form, zips unpacked, one at a time (a
    photo's bytes are in memory only until stage() has written them)."""
    for filename, stream in uploads:
        name = _bare_name(filename)
        if not name:
            continue
        if name.lower().endswith(".zip"):
            yield from _unzip(stream)
        elif _suffix(name) in PHOTO_SUFFIXES:
            yield Incoming(name, stream.read(MAX_BYTES + 1))
        elif not _junk(name):
            yield Incoming(name, error=str(NOT_A_PHOTO))


def _unzip(stream):
    try:
        archive = zipfile.ZipFile(stream)
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise PhotoZipUnreadable() from None
    if len(entries) > 2 * MAX_FILES:
        raise TooManyPhotos()
    unpacked = 0
    for entry in entries:
        # Only the bare name is used (never as a path): "../../x.jpg" is just "x.jpg".
        name = _bare_name(entry.filename)
        if entry.is_dir() or not name or _junk(name) or "__MACOSX" in entry.filename:
            continue
        if _suffix(name) not in PHOTO_SUFFIXES:
            yield Incoming(name, error=str(NOT_A_PHOTO))
            continue
        if entry.flag_bits & 0x1:
            yield Incoming(name, error=str(ENCRYPTED))
            continue
        data = _read_entry(archive, entry)
        unpacked += len(data)
        if unpacked > MAX_UNPACKED:
            raise UnpackedPhotosTooLarge()
        yield Incoming(name, data)


def _read_entry(archive, entry) -> bytes:
    """At most one byte past the photo limit, whatever size the entry claims (a bomb stops there)."""
    try:
        with archive.open(entry) as member:
            return member.read(MAX_BYTES + 1)
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError):
        return b"not a readable entry"  # refused by the photo pipeline with its own message


def _bare_name(filename) -> str:
    return PurePosixPath((filename or "").replace("\\", "/")).name.strip()


def _suffix(name: str) -> str:
    return os.path.splitext(name)[1].lower()


def _junk(name: str) -> bool:
    """What systems add to folders and zips: .DS_Store, ._photo.jpg, Thumbs.db, desktop.ini."""
    return name.startswith(".") or name.lower() in {"thumbs.db", "desktop.ini"}
