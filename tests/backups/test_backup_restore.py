"""`flask backup` then `flask restore`: the data and the signing keys come back, on SQLite and on PostgreSQL."""
import json
import os
import stat
import tarfile

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from passresot import create_app
from passresot.agents.models import AgentPhoto
from passresot.backups.api import _run
from passresot.backups.exceptions import BackupToolMissing
from passresot.extensions import db
from passresot.offices.models import Office
from passresot.passes.api import issue_pass
from passresot.passes.keys import keys_dir
from passresot.passes.models import Pass
from tests.helpers import FAST_HASH
from tests.factories import Factory

SCRATCH_DB = f"passresot_backup_test_{os.getpid()}"  # two runs at once must not share it


def scratch_app(tmp_path, database_url):
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "instance"), "SECRET_KEY": "backup-test",
                      "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        upgrade()
    return app


def fill(app):
    with app.app_context():
        make = Factory(FAST_HASH)
        office = make.office("Office de Collioure")
        agent = make.agent(office, first_name="Amélie")
        pass_ = issue_pass(None, agent)
        db.session.commit()
        return office.id, agent.id, pass_.number


def round_trip(app, tmp_path):
    office_id, agent_id, number = fill(app)
    keys = {p.name: p.read_bytes() for p in (tmp_path / "instance" / "keys").glob("*.pem")}
    assert keys
    runner = app.test_cli_runner()
    made = runner.invoke(args=["backup", "--output", str(tmp_path / "backups")])
    assert made.exit_code == 0, made.output
    archive = next((tmp_path / "backups").glob("passresot-backup-*.tar.gz"))
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
        manifest = json.load(tar.extractfile("manifest.json"))
        assert all(tar.getmember(f"keys/{name}").mode & 0o077 == 0 for name in keys)
    assert {f"keys/{name}" for name in keys} <= names
    assert manifest["alembic_revision"] and manifest["format"] == 1

    with app.app_context():  # change and delete rows, lose the keys
        db.session.get(Office, office_id).name = "Renommé"
        db.session.delete(db.session.get(AgentPhoto, agent_id))
        Pass.query.delete()
        db.session.add(Office(name="Créé après", commune="Elne", email="elne@example.fr"))
        db.session.commit()
        for path in (tmp_path / "instance" / "keys").glob("*.pem"):
            path.unlink()

    refused = runner.invoke(args=["restore", str(archive)])
    assert refused.exit_code != 0 and "--yes" in refused.output
    with app.app_context():
        assert db.session.get(Office, office_id).name == "Renommé"
    restored = runner.invoke(args=["restore", str(archive), "--yes"])
    assert restored.exit_code == 0, restored.output

    with app.app_context():
        assert db.session.get(Office, office_id).name == "Office de Collioure"
        assert Office.query.filter_by(name="Créé après").count() == 0
        assert db.session.get(AgentPhoto, agent_id) is not None
        assert [p.number for p in Pass.query] == [number]
        key_dir = keys_dir(app)
    for name, content in keys.items():
        path = os.path.join(key_dir, name)
        assert open(path, "rb").read() == content
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    return manifest


def test_sqlite_backup_and_restore(tmp_path):
    app = scratch_app(tmp_path, f"sqlite:///{tmp_path}/live.db")
    try:
        manifest = round_trip(app, tmp_path)
        assert manifest["dialect"] == "sqlite"
    finally:
        with app.app_context():
            db.engine.dispose()


def _postgres_url():
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        pytest.skip("PostgreSQL backups are tested in the PostgreSQL lane of `make test`")
    return make_url(url.replace("postgresql://", "postgresql+psycopg://", 1))


@pytest.mark.engine
def test_postgres_backup_and_restore(tmp_path):
    server = _postgres_url()
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:  # a scratch database: the shared test database is left alone
        connection.execute(text(f"DROP DATABASE IF EXISTS {SCRATCH_DB} WITH (FORCE)"))
        connection.execute(text(f"CREATE DATABASE {SCRATCH_DB}"))
    app = scratch_app(tmp_path, server.set(database=SCRATCH_DB).render_as_string(hide_password=False))
    try:
        manifest = round_trip(app, tmp_path)
        assert manifest["dialect"] == "postgresql"
    finally:
        with app.app_context():
            db.engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {SCRATCH_DB} WITH (FORCE)"))
        admin.dispose()


def test_a_file_that_is_not_a_backup_is_refused(tmp_path):
    app = scratch_app(tmp_path, f"sqlite:///{tmp_path}/live.db")
    bogus = tmp_path / "bogus.tar.gz"
    bogus.write_bytes(b"not a tar")
    result = app.test_cli_runner().invoke(args=["restore", str(bogus), "--yes"])
    assert result.exit_code != 0 and "n'est pas une sauvegarde PassResOT66" in result.output


def test_a_missing_pg_dump_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(BackupToolMissing, match="pg_dump est introuvable.*postgresql-client"):
        _run("pg_dump", ["--version"], dict(os.environ))
