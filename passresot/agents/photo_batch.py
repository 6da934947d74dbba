"""Photos in bulk: a zip or a folder of photos matched to the office's agents by the e-mail or the
name in each file name, kept aside (re-encoded, clean) until the admin has seen the matches and
misses and confirms.

A batch lives in instance/photo-batches/<random id>/ (a manifest, the files as received, then
the clean JPEGs): the preview page can be reloaded, and nothing reaches the agents' records before
the confirmation. Receiving only writes the files (a zip is read one entry at a time, never whole
in memory); re-encoding is done by prepare() in slices of PREPARE_SECONDS, one request each, so
a zip of hundreds of HEIC photos (about a second each) never runs into the server's timeout.
"""
import fcntl
import json
import os
import re
import secrets
import shutil
import time
import unicodedata
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import lazy_gettext as _l

from ..accounts.models import Role, User
from .api import has_photo_ids, store_clean_photo
from .exceptions import NoPhotoReceived, PhotoBatchNotFound, PhotoRejected, PhotosNotReady, TooManyPhotos
from .photo_files import MAX_FILES, Incoming, receive  # noqa: F401 (receive: what routes call with stage)
from .photos import reencode_photo

#: What the upload form takes in one request (photos shrunk by the browser, or a zip).
MAX_REQUEST = 200 * 1024 * 1024
#: Batches nobody confirmed are removed after this many seconds.
KEEP_SECONDS = 24 * 3600
#: Re-encoding done in one request before it answers (gunicorn gives a request 60 s); the app's
#: PHOTO_PREPARE_SECONDS overrides it.
PREPARE_SECONDS = 15
_BATCH_ID = re.compile(r"^[0-9a-f]{32}$")
_EMAIL = re.compile(r"[^\s@()\[\]]+@[^\s@()\[\]]+\.[a-z]{2,}", re.IGNORECASE)

NO_AGENT = _l("Aucun agent de l'office ne porte ce nom ni cette adresse.")
SEVERAL_AGENTS = _l("Plusieurs agents portent ce nom : nommez la photo avec l'adresse e-mail.")
TWICE = _l("Une autre photo de l'envoi est déjà prise pour cet agent.")


@dataclass
class BatchPreview:
    #: [(file name, agent, index of the staged photo, replaces an existing photo)]
    matches: list = field(default_factory=list)
    #: [(file name, why it is not used)]
    misses: list = field(default_factory=list)
    #: Active agents who still have no photo once this batch is saved.
    still_without: list = field(default_factory=list)


@dataclass
class Progress:
    done: int
    total: int

    @property
    def finished(self) -> bool:
        return self.done >= self.total


# --- staging ----------------------------------------------------------------------------------

def _root() -> str:
    return os.path.join(current_app.instance_path, "photo-batches")


def stage(actor, received) -> str:
    """Write the files received aside for `actor` (not decoded yet: see prepare); returns the
    batch id. TooManyPhotos past MAX_FILES, NoPhotoReceived when nothing usable came."""
    _remove_old_batches()
    batch_id = secrets.token_hex(16)
    folder = os.path.join(_root(), batch_id)
    os.makedirs(folder)
    try:
        files = []
        for index, item in enumerate(received):
            if index >= MAX_FILES:
                raise TooManyPhotos()
            if item.error is None:
                with open(os.path.join(folder, f"{index}.raw"), "wb") as out:
                    out.write(item.data)
            files.append({"name": item.name, "error": item.error, "ready": item.error is not None})
        if not files:
            raise NoPhotoReceived()
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    _write_manifest(folder, {"actor_id": actor.id, "office_id": actor.office_id, "files": files})
    return batch_id


def prepare(actor, batch_id: str, seconds: float | None = None) -> Progress:
    """Re-encode the batch's files through the photo pipeline for about `seconds` (the app's
    PHOTO_PREPARE_SECONDS), then say how far it is. A second request at the same moment (another
    tab) leaves the work to the first."""
    if seconds is None:
        seconds = current_app.config.get("PHOTO_PREPARE_SECONDS", PREPARE_SECONDS)
    manifest = _manifest(actor, batch_id)
    folder = os.path.join(_root(), batch_id)
    with open(os.path.join(folder, "lock"), "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return _progress(manifest)
        manifest = _manifest(actor, batch_id)  # as the last holder of the lock left it
        until = time.monotonic() + seconds
        for index, item in enumerate(manifest["files"]):
            if item["ready"]:
                continue
            _reencode(folder, index, item)
            if time.monotonic() >= until:  # at least one photo a call, so every call goes forward
                break
        _write_manifest(folder, manifest)
    return _progress(manifest)


def _reencode(folder: str, index: int, item: dict) -> None:
    raw = os.path.join(folder, f"{index}.raw")
    with open(raw, "rb") as source:
        data = source.read()
    try:
        jpeg = reencode_photo(data)
    except PhotoRejected as rejected:
        item["error"] = str(rejected.message)
    else:
        with open(os.path.join(folder, f"{index}.jpg"), "wb") as out:
            out.write(jpeg)
    item["ready"] = True
    os.remove(raw)


def _progress(manifest: dict) -> Progress:
    files = manifest["files"]
    return Progress(sum(1 for item in files if item["ready"]), len(files))


def progress(actor, batch_id: str) -> Progress:
    return _progress(_manifest(actor, batch_id))


def _write_manifest(folder: str, manifest: dict) -> None:
    """Written whole then renamed: a reader sees the old manifest or the new one, never half."""
    temporary = os.path.join(folder, "manifest.json.tmp")
    with open(temporary, "w", encoding="utf-8") as out:
        json.dump(manifest, out, ensure_ascii=False)
    os.replace(temporary, os.path.join(folder, "manifest.json"))


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
    files = manifest["files"]
    if not 0 <= index < len(files) or not files[index]["ready"] or files[index]["error"]:
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
    if not _progress(manifest).finished:
        raise PhotosNotReady()
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
