"""The Ed25519 keys that sign passes: PEM files in one directory, never committed, never logged.

Layout of the directory (``instance/keys/`` by default, config ``PASS_KEYS_DIR``)::

    20260115093000-1a2b3c4d.pem     active key (mode 0600): created UTC, then its kid
    20260601120000-5e6f7a8b.pem     the newest active key signs; all active keys verify
    retired/20250101000000-....pem  kept for the record, no longer verifies

Every process reads the directory afresh, so a rotation made with ``flask keys rotate`` reaches
all workers without a restart; a lock file keeps concurrent starts from making two keys.
"""
import base64
import fcntl
import logging
import os
import re
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import click
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding, NoEncryption, PrivateFormat, PublicFormat, load_pem_private_key)
from flask import current_app
from flask.cli import AppGroup

from .exceptions import KeyNotFound, KeyRingError, SigningKeyNotRetirable
from .token import key_id

log = logging.getLogger(__name__)

_FILE_NAME = re.compile(r"^(\d{14})-([0-9a-f]{8})\.pem$")
_STAMP = "%Y%m%d%H%M%S"
RETIRED = "retired"


@dataclass(frozen=True)
class KeyFile:
    """One key on disk, as its name describes it."""

    kid: str
    created: datetime
    path: Path


class KeyRing:
    """The pass-signing keys kept in `directory`."""

    def __init__(self, directory: str | os.PathLike):
        self.directory = Path(directory)
        self._loaded: dict[Path, Ed25519PrivateKey] = {}

    def __repr__(self) -> str:
        return f"KeyRing({str(self.directory)!r})"

    def active(self) -> list[KeyFile]:
        """Active keys, oldest first: the last one signs."""
        return _key_files(self.directory)

    def retired(self) -> list[KeyFile]:
        return _key_files(self.directory / RETIRED)

    def ensure_key(self) -> str:
        """Make a signing key if there is no active one; return the signing kid."""
        with self._locked():
            active = self.active()
            return active[-1].kid if active else self._generate()

    def rotate(self) -> str:
        """Make a new signing key; older active keys keep verifying until retired."""
        with self._locked():
            return self._generate()

    def retire(self, kid: str) -> None:
        """Move an active key other than the signing key to retired/."""
        with self._locked():
            active = self.active()
            matches = [key for key in active if key.kid == kid]
            if not matches:
                raise KeyNotFound(f"Aucune clé active {kid}.")
            if matches[0] == active[-1]:
                raise SigningKeyNotRetirable(
                    f"{kid} est la clé de signature en service : faites d'abord une rotation "
                    "(flask keys rotate).")
            (self.directory / RETIRED).mkdir(mode=0o700, exist_ok=True)
            os.replace(matches[0].path, self.directory / RETIRED / matches[0].path.name)
            log.info("Pass signing key %s retired", kid)

    def signing_key(self) -> tuple[str, Ed25519PrivateKey]:
        """The kid and private key that sign new passes."""
        active = self.active()
        if not active:
            raise KeyRingError(f"Aucune clé de signature active dans {self.directory}.")
        return active[-1].kid, self._load(active[-1])

    def public_keys(self) -> dict[str, bytes]:
        """kid -> raw 32-byte public key, for every active key."""
        return {key.kid: self._load(key).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
                for key in self.active()}

    def verifying_key(self, kid: str):
        """The public key of `kid`, active or retired (a signed certificate outlives a rotation), or None."""
        for key in self.active() + self.retired():
            if key.kid == kid:
                return self._load(key).public_key()
        return None

    def public_jwks(self) -> list[dict]:
        """The active public keys in the shape of ``GET /api/v1/keys``, oldest first."""
        return [{"kid": kid, "alg": "Ed25519",
                 "public_key": base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")}
                for kid, raw in self.public_keys().items()]

    def _generate(self) -> str:
        key = Ed25519PrivateKey.generate()
        kid = key_id(key.public_key())
        name = f"{self._next_stamp().strftime(_STAMP)}-{kid}.pem"
        pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
        _write_private(self.directory, name, pem)
        log.info("Pass signing key %s created", kid)
        return kid

    def _next_stamp(self) -> datetime:
        # Strictly after every existing key, so the newest key always sorts last even when two
        # are made in the same second or the clock went back.
        now = datetime.now(timezone.utc).replace(microsecond=0, tzinfo=None)
        stamps = [key.created for key in self.active() + self.retired()]
        return max([now, *(stamp + timedelta(seconds=1) for stamp in stamps)])

    def _load(self, key_file: KeyFile) -> Ed25519PrivateKey:
        if key_file.path not in self._loaded:
            key = load_pem_private_key(key_file.path.read_bytes(), password=None)
            if not isinstance(key, Ed25519PrivateKey):
                raise KeyRingError(f"{key_file.path.name} n'est pas une clé Ed25519.")
            if key_id(key.public_key()) != key_file.kid:
                raise KeyRingError(f"{key_file.path.name} ne contient pas la clé que son nom indique.")
            self._loaded[key_file.path] = key
        return self._loaded[key_file.path]

    @contextmanager
    def _locked(self):
        _make_private_dir(self.directory)
        with open(self.directory / ".lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)


def _key_files(directory: Path) -> list[KeyFile]:
    if not directory.is_dir():
        return []
    found = []
    for path in directory.iterdir():
        match = _FILE_NAME.match(path.name)
        if match and path.is_file():
            created = datetime.strptime(match[1], _STAMP)
            found.append(KeyFile(match[2], created, path))
    return sorted(found, key=lambda key: (key.created, key.kid))


def _make_private_dir(directory: Path) -> None:
    if not directory.exists():
        directory.mkdir(mode=0o700, parents=True)
        os.chmod(directory, 0o700)  # mkdir's mode is masked by the umask


def _write_private(directory: Path, name: str, data: bytes) -> None:
    """Write a 0600 file atomically: readers never see a half-written key."""
    temporary = directory / f".{name}.tmp"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, directory / name)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def keys_dir(app) -> str:
    return app.config.get("PASS_KEYS_DIR") or os.path.join(app.instance_path, "keys")


def init_app(app) -> KeyRing:
    """Open the key ring, make a first key if needed, store it as app.extensions["pass_keys"]."""
    ring = KeyRing(keys_dir(app))
    ring.ensure_key()
    app.extensions["pass_keys"] = ring
    return ring


def _ring() -> KeyRing:
    return current_app.extensions.get("pass_keys") or KeyRing(keys_dir(current_app))


def register_key_commands(app) -> None:
    """Add ``flask keys list|rotate|retire KID``."""
    keys = AppGroup("keys", help="Clés qui signent les pass (jamais affichées ni journalisées).")

    @keys.command("list")
    def list_command():
        """List the keys: signing, active (still verify) and retired."""
        ring = _ring()
        active, retired = ring.active(), ring.retired()
        if not active and not retired:
            click.echo(f"Aucune clé dans {ring.directory}.")
        for key in active:
            status = "signature" if key is active[-1] else "active"
            click.echo(f"{key.kid}  {key.created:%Y-%m-%d %H:%M:%S} UTC  {status}")
        for key in retired:
            click.echo(f"{key.kid}  {key.created:%Y-%m-%d %H:%M:%S} UTC  retirée")

    @keys.command("rotate")
    def rotate_command():
        """Make a new signing key; the previous ones still verify."""
        kid = _ring().rotate()
        click.echo(f"Nouvelle clé de signature : {kid}. Les anciennes vérifient encore "
                   "jusqu'à leur retrait (flask keys retire KID).")

    @keys.command("retire")
    @click.argument("kid")
    @click.option("--resign", is_flag=True,
                  help="Signer d'abord avec la clé en service les pass actifs qui utilisent KID.")
    def retire_command(kid, resign):
        """Stop accepting passes signed with key KID (moved to retired/).

        Refused while active passes use KID (they would become `unknown_key` while the agents
        still see them as valid), unless --resign signs them again with the signing key first."""
        from ..extensions import db
        from .api import passes_signed_by, resign_passes

        kid, ring = kid.lower(), _ring()
        active = ring.active()
        if kid not in {key.kid for key in active[:-1]}:
            try:  # the same checks and messages as the retirement itself
                ring.retire(kid)
            except KeyRingError as error:
                raise click.ClickException(str(error)) from None
        # A key ring may be used without the pass database (register_key_commands on a bare app).
        in_use = len(passes_signed_by(kid)) if "sqlalchemy" in current_app.extensions else 0
        if in_use and not resign:
            raise click.ClickException(
                (f"1 pass actif est signé par la clé {kid} : il deviendrait illisible. " if in_use == 1 else
                 f"{in_use} pass actifs sont signés par la clé {kid} : ils deviendraient illisibles. ") +
                "Relancez avec --resign pour les signer avec la clé en service, puis la retirer.")
        if in_use:
            resigned = resign_passes(kid)
            db.session.commit()
            click.echo(f"{resigned} pass signé{'s' if resigned > 1 else ''} à nouveau avec la clé {ring.signing_key()[0]}.")
        try:
            ring.retire(kid)
        except KeyRingError as error:
            raise click.ClickException(str(error)) from None
        click.echo(f"Clé {kid} retirée : les pass qu'elle a signés ne sont plus acceptés.")

    app.cli.add_command(keys)
