"""Backup and restore: the database (SQLite online backup API, or pg_dump/pg_restore) plus instance/keys/.

An archive is a .tar.gz written with mode 0600 (it holds personal data and the private signing keys):

    manifest.json          format, creation time, database dialect, Alembic revision, key files
    database.sqlite3       SQLite: a page-by-page copy made with sqlite3.Connection.backup
    database.pgdump        PostgreSQL: pg_dump --format=custom
    keys/...               the pass signing keys (files 0600), retired/ included
"""
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Optional

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from ..passes.keys import keys_dir
from ..timeutil import utcnow
from .exceptions import BackupFailed, BackupToolMissing, NotABackup

FORMAT = 1
MANIFEST = "manifest.json"
DUMP_NAMES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


def default_archive_name(now: Optional[datetime] = None) -> str:
    return f"passresot-backup-{(now or utcnow()).strftime('%Y%m%dT%H%M%SZ')}.tar.gz"


def make_backup(app, output: Optional[str] = None) -> Path:
    """Write a consistent backup archive; `output` is a file (*.tar.gz) or a folder (default instance/backups/)."""
    target = _archive_path(app, output)
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    dialect = url.get_backend_name()
    if dialect not in DUMP_NAMES:
        raise BackupFailed(f"Base de données « {dialect} » non prise en charge (SQLite ou PostgreSQL).")
    with tempfile.TemporaryDirectory(prefix="passresot-backup-") as work:
        dump = Path(work) / DUMP_NAMES[dialect]
        if dialect == "sqlite":
            _sqlite_copy(_sqlite_path(url), dump)
        else:
            _pg_dump(url, dump)
        keys = Path(keys_dir(app))
        manifest = {"format": FORMAT, "created_at": utcnow().isoformat() + "Z", "dialect": dialect,
                    "alembic_revision": _alembic_revision(),
                    "keys": sorted(str(p.relative_to(keys)) for p in _key_files(keys))}
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle, tarfile.open(fileobj=handle, mode="w:gz") as archive:
            _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=2).encode())
            archive.add(dump, arcname=dump.name)
            for path in _key_files(keys):
                archive.add(path, arcname=f"keys/{path.relative_to(keys)}")
    return target


def read_manifest(path: str) -> dict:
    """The manifest of a backup archive; NotABackup when it has none."""
    try:
        with tarfile.open(path, "r:gz") as archive:
            member = archive.extractfile(MANIFEST)
            manifest = json.loads(member.read()) if member else None
    except (OSError, tarfile.TarError, KeyError, ValueError) as error:
        raise NotABackup(f"{path} n'est pas une sauvegarde PassResOT66 lisible ({error}).") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise NotABackup(f"{path} n'est pas une sauvegarde PassResOT66 (format {FORMAT}).")
    return manifest


def restore_backup(app, path: str) -> dict:
    """Replace the database and add the signing keys from the archive at `path`; return its manifest."""
    manifest = read_manifest(path)
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    dialect = url.get_backend_name()
    if manifest.get("dialect") != dialect:
        raise NotABackup(f"Cette sauvegarde est une base {manifest.get('dialect')} ; la base configurée est {dialect}.")
    with tempfile.TemporaryDirectory(prefix="passresot-restore-") as work:
        _extract(path, Path(work))
        dump = Path(work) / DUMP_NAMES[dialect]
        if not dump.is_file():
            raise NotABackup(f"{path} ne contient pas {dump.name}.")
        db.session.remove()
        db.engine.dispose()  # no pooled connection may hold the old data or a lock
        if dialect == "sqlite":
            _sqlite_copy(dump, _sqlite_path(url))
        else:
            _pg_restore(url, dump)
        _restore_keys(Path(work) / "keys", Path(keys_dir(app)))
    return manifest


def _archive_path(app, output: Optional[str]) -> Path:
    target = Path(output) if output else Path(app.instance_path) / "backups"
    if not target.name.endswith((".tar.gz", ".tgz")):
        target.mkdir(parents=True, exist_ok=True, mode=0o700)
        target = target / default_archive_name()
    target.parent.mkdir(parents=True, exist_ok=True)
    return target


def _sqlite_path(url) -> str:
    if not url.database or url.database == ":memory:":
        raise BackupFailed("Une base SQLite en mémoire ne se sauvegarde pas.")
    return url.database


def _sqlite_copy(source: os.PathLike, target: os.PathLike) -> None:
    """Copy a live SQLite database page by page (writers may keep going: the copy is consistent)."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)
    finally:
        src.close()
        dst.close()


def _libpq(url) -> tuple[str, dict]:
    """A libpq connection URL without the password, and an environment carrying it (never on the command line)."""
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(tool: str, arguments: list, env: dict) -> None:
    binary = shutil.which(tool)
    if binary is None:
        raise BackupToolMissing(f"{tool} est introuvable : installez le client PostgreSQL "
                                "(paquet postgresql-client, même version majeure que le serveur).")
    done = subprocess.run([binary, *arguments], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupFailed(f"{tool} a échoué (code {done.returncode}) : {done.stderr.strip()}")


def _pg_dump(url, target: Path) -> None:
    dsn, env = _libpq(url)
    _run("pg_dump", ["--format=custom", "--no-owner", "--no-privileges", f"--file={target}", f"--dbname={dsn}"], env)


def _pg_restore(url, dump: Path) -> None:
    dsn, env = _libpq(url)
    _run("pg_restore", ["--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
                        "--exit-on-error", f"--dbname={dsn}", str(dump)], env)


def _alembic_revision() -> Optional[str]:
    try:
        return db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except SQLAlchemyError:  # a database never migrated has no such table; the backup still goes on
        db.session.rollback()
        return None
    finally:
        db.session.remove()


def _key_files(keys: Path) -> list[Path]:
    return sorted(p for p in keys.rglob("*.pem") if p.is_file()) if keys.is_dir() else []


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), 0o600, int(utcnow().timestamp())
    archive.addfile(info, io.BytesIO(data))


def _extract(path: str, into: Path) -> None:
    """Extract regular files only, refusing absolute paths, '..' and links."""
    with tarfile.open(path, "r:gz") as archive:
        for member in archive.getmembers():
            parts = Path(member.name).parts
            if not member.isfile() or member.name.startswith("/") or ".." in parts:
                raise NotABackup(f"{path} contient une entrée refusée : {member.name}")
            destination = into.joinpath(*parts)
            destination.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            with archive.extractfile(member) as source, open(destination, "wb") as out:
                shutil.copyfileobj(source, out)


def _restore_keys(source: Path, keys: Path) -> None:
    """Put back every key of the backup (0600); keys made since are kept, they harm nothing."""
    for path in _key_files(source):
        destination = keys / path.relative_to(source)
        destination.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(path.read_bytes())
        os.chmod(destination, 0o600)
