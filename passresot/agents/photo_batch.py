"""Photos in bulk: a zip or a folder of photos matched to the office's agents by the e-mail or the
name in each file name, kept aside (re-encoded, clean) until the admin has seen the matches and
misses and confirms.

A batch lives in instance/photo-batches/<random id>/ (a manifest and the clean JPEGs): the
preview page can be reloaded, and nothing reaches the agents' records before the confirmation.
"""
import json
import os
import re
import secrets
import shutil
import time
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from flask import current_app
from flask_babel import lazy_gettext as _l

from ..accounts.models import Role, User
from .api import has_photo_ids, store_clean_photo
from .exceptions import (NoPhotoReceived, PhotoBatchNotFound, PhotoRejected, PhotoZipUnreadable,
                         TooManyPhotos, UnpackedPhotosTooLarge)
from .photos import MAX_BYTES, reencode_photo

MAX_FILES = 1000
#: What a zip may unpack to, whatever it claims: beyond, a zip bomb or not photos of staff.
MAX_UNPACKED = 1024 * 1024 * 1024
#: What the upload form takes in one request (photos shrunk by the browser, or a zip).
MAX_REQUEST = 200 * 1024 * 1024
PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".heic", ".heif"}
#: Batches nobody confirmed are removed after this many seconds.
KEEP_SECONDS = 24 * 3600
_BATCH_ID = re.compile(r"^[0-9a-f]{32}$")
_EMAIL = re.compile(r"[^\s@()\[\]]+@[^\s@()\[\]]+\.[a-z]{2,}", re.IGNORECASE)

NOT_A_PHOTO = _l("Ce n'est pas une photo (JPEG, PNG, WebP ou HEIC).")
NO_AGENT = _l("Aucun agent de l'office ne porte ce nom ni cette adresse.")
SEVERAL_AGENTS = _l("Plusieurs agents portent ce nom : nommez la photo avec l'adresse e-mail.")
TWICE = _l("Une autre photo de l'envoi est déjà prise pour cet agent.")
ENCRYPTED = _l("Fichier chiffré dans le zip : impossible à lire.")


@dataclass
class Incoming:
    """One file received: its bare name, and its bytes or why it was left aside."""

    name: str
    data: bytes | None = None
    error: str | None = None


@dataclass
class BatchPreview:
    #: [(file name, agent, index of the staged photo, replaces an existing photo)]
    matches: list = field(default_factory=list)
    #: [(file name, why it is not used)]
    misses: list = field(default_factory=list)
    #: Active agents who still have no photo once this batch is saved.
    still_without: list = field(default_factory=list)


# --- receiving --------------------------------------------------------------------------------

def receive(uploads) -> list[Incoming]:
    """[(file name, binary stream)] from the form, zips unpacked; TooManyPhotos past MAX_FILES."""
    received: list[Incoming] = []
    for filename, stream in uploads:
        name = _bare_name(filename)
        if not name:
            continue
        if name.lower().endswith(".zip"):
            received.extend(_unzip(stream))
        elif _suffix(name) in PHOTO_SUFFIXES:
            data = stream.read(MAX_BYTES + 1)
            received.append(Incoming(name, data))
        elif not _junk(name):
            received.append(Incoming(name, error=str(NOT_A_PHOTO)))
        if len(received) > MAX_FILES:
            raise TooManyPhotos()
    if not received:
        raise NoPhotoReceived()
    return received


def _unzip(stream) -> list[Incoming]:
    try:
        archive = zipfile.ZipFile(stream)
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise PhotoZipUnreadable() from None
    if len(entries) > 2 * MAX_FILES:
        raise TooManyPhotos()
    received, unpacked = [], 0
    for entry in entries:
        # Only the bare name is used (never as a path): "../../x.jpg" is just "x.jpg".
        name = _bare_name(entry.filename)
        if entry.is_dir() or not name or _junk(name) or "__MACOSX" in entry.filename:
            continue
        if _suffix(name) not in PHOTO_SUFFIXES:
            received.append(Incoming(name, error=str(NOT_A_PHOTO)))
            continue
        if entry.flag_bits & 0x1:
            received.append(Incoming(name, error=str(ENCRYPTED)))
            continue
        data = _read_entry(archive, entry)
        unpacked += len(data)
        if unpacked > MAX_UNPACKED:
            raise UnpackedPhotosTooLarge()
        received.append(Incoming(name, data))
    return received


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


# --- staging ----------------------------------------------------------------------------------

def _root() -> str:
    return os.path.join(current_app.instance_path, "photo-batches")


def stage(actor, received: list[Incoming]) -> str:
    """Re-encode every photo received and keep them aside for `actor`; returns the batch id."""
    _remove_old_batches()
    batch_id = secrets.token_hex(16)
    folder = os.path.join(_root(), batch_id)
    os.makedirs(folder)
    files = []
    for index, item in enumerate(received):
        error = item.error
        if error is None:
            try:
                jpeg = reencode_photo(item.data)
            except PhotoRejected as rejected:
                error = str(rejected.message)
            else:
                with open(os.path.join(folder, f"{index}.jpg"), "wb") as out:
                    out.write(jpeg)
        files.append({"name": item.name, "error": error})
    manifest = {"actor_id": actor.id, "office_id": actor.office_id, "files": files}
    with open(os.path.join(folder, "manifest.json"), "w", encoding="utf-8") as out:
        json.dump(manifest, out, ensure_ascii=False)
    return batch_id


def _manifest(actor, batch_id: str) -> dict:
    """The batch's manifest if `actor` made it, else PhotoBatchNotFound."""
    if not _BATCH_ID.match(batch_id or ""):
        raise PhotoBatchNotFound()
    try:
        with open(os.path.join(_root(), batch_id, "manifest.json"), encoding="utf-8") as source:
            manifest = json.load(source)
    except (OSError, ValueError):
        raise PhotoBatchNotFound() from None
    if manifest.get("actor_id") != actor.id or manifest.get("office_id") != actor.office_id:
        raise PhotoBatchNotFound()
    return manifest


def staged_photo(actor, batch_id: str, index: int) -> bytes:
    """One clean JPEG of the batch, for the preview's thumbnails."""
    manifest = _manifest(actor, batch_id)
    if not 0 <= index < len(manifest["files"]) or manifest["files"][index]["error"]:
        raise PhotoBatchNotFound()
    with open(os.path.join(_root(), batch_id, f"{index}.jpg"), "rb") as source:
        return source.read()


def discard(actor, batch_id: str) -> None:
    _manifest(actor, batch_id)
    shutil.rmtree(os.path.join(_root(), batch_id), ignore_errors=True)


def _remove_old_batches() -> None:
    root = _root()
    if not os.path.isdir(root):
        return
    limit = time.time() - KEEP_SECONDS
    for name in os.listdir(root):
        path = os.path.join(root, name)
        if _BATCH_ID.match(name) and os.path.getmtime(path) < limit:
            shutil.rmtree(path, ignore_errors=True)


# --- matching ---------------------------------------------------------------------------------

def preview(actor, batch_id: str) -> BatchPreview:
    """Which staged photo goes to which agent of the actor's office, and which files are not used."""
    manifest = _manifest(actor, batch_id)
    agents = (User.query.filter(User.role == Role.agent, User.office_id == actor.office_id,
                                User.active.is_(True)).all())
    with_photo = has_photo_ids([agent.id for agent in agents])
    match = _matcher(agents)
    result, taken = BatchPreview(), set()
    for index, item in enumerate(manifest["files"]):
        if item["error"]:
            result.misses.append((item["name"], item["error"]))
            continue
        agent, why = match(item["name"])
        if agent is not None and agent.id in taken:
            agent, why = None, TWICE
        if agent is None:
            result.misses.append((item["name"], str(why)))
            continue
        taken.add(agent.id)
        result.matches.append((item["name"], agent, index, agent.id in with_photo))
    result.still_without = sorted((a for a in agents if a.id not in with_photo and a.id not in taken),
                                  key=lambda a: (_words_of(a.last_name), _words_of(a.first_name)))
    return result


def _matcher(agents):
    by_email = {agent.email.casefold(): agent for agent in agents}
    names = [(agent, set(_words_of(agent.first_name)), set(_words_of(agent.last_name))) for agent in agents]

    def match(filename: str):
        stem = os.path.splitext(filename)[0]
        for found in _EMAIL.findall(stem):
            agent = by_email.get(found.casefold())
            if agent is not None:
                return agent, None
        words = set(_words_of(stem))
        found = [agent for agent, first, last in names if first and last and first | last <= words]
        if len(found) > 1:  # "Marie Dupont" and "Marie-Anne Dupont": the fullest name that fits
            most = max(len(_words_of(a.first_name + " " + a.last_name)) for a in found)
            found = [a for a in found if len(_words_of(a.first_name + " " + a.last_name)) == most]
        if len(found) == 1:
            return found[0], None
        return None, SEVERAL_AGENTS if found else NO_AGENT

    return match


def _words_of(text: str) -> list[str]:
    """Lower-case words without accents: « Dupont_Marie-Ève (2).HEIC » → dupont, marie, eve, 2, heic."""
    bare = "".join(c for c in unicodedata.normalize("NFD", text or "") if not unicodedata.combining(c))
    return [word for word in re.split(r"[^0-9a-z]+", bare.casefold()) if word]


# --- saving -----------------------------------------------------------------------------------

def save(actor, batch_id: str) -> int:
    """Give each matched agent their photo (flushed; the caller commits, then discards the batch)."""
    result = preview(actor, batch_id)
    folder = os.path.join(_root(), batch_id)
    for _name, agent, index, _replaces in result.matches:
        with open(os.path.join(folder, f"{index}.jpg"), "rb") as source:
            store_clean_photo(actor, agent, source.read())
    return len(result.matches)
