"""Shared fixtures: one migrated database per run (SQLite, or TEST_DATABASE_URL), emptied after each test."""
import os

import pytest
from sqlalchemy import text

from passresot import create_app
from passresot.extensions import db

from . import factories
from .helpers import FAST_HASH, FAST_HASH_METHOD, FakeSMTP, empty_every_table


def pytest_collection_modifyitems(config, items):
    """DATABASE_TESTS_ONLY=1 (the PostgreSQL lane of `make test`) keeps only the tests that run on the
    test database (they use the `app` fixture) or pick their engine themselves (marker `engine`): the
    others do the same on any engine, and the SQLite lane runs them."""
    if os.environ.get("DATABASE_TESTS_ONLY") != "1":
        return
    kept, left = [], []
    for item in items:
        on_the_database = "app" in getattr(item, "fixturenames", ()) or item.get_closest_marker("engine")
        (kept if on_the_database else left).append(item)
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = kept


def _database_url(tmp_dir) -> str:
    url = os.environ.get("TEST_DATABASE_URL", "")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url or "sqlite:///" + os.path.join(tmp_dir, "test.db")


def _reset_postgres_schema(engine):
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    app = create_app({
        "TESTING": True,
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": _database_url(str(instance)),
        "SERVER_NAME": "localhost",
        # The suite signs in hundreds of times a minute from one address; tests/test_rate_limits.py
        # sets real limits where it checks them.
        "SIGN_IN_RATE_LIMIT": "100000/60",
        "SCANS_RATE_LIMIT": "100000/60",
        "SCAN_ITEMS_RATE_LIMIT": "10000000/60",
        "REPORTS_RATE_LIMIT": "100000/60",
        "TYPED_IDENTITY_RATE_LIMIT": "100000/60",
        # Passwords and PINs the tests set: 1,000 rounds of PBKDF2, not scrypt's 0.1 s of processor
        # each (test_setup_links.py checks the app's own method).
        "PASSWORD_HASH_METHOD": FAST_HASH_METHOD,
    })
    from flask_migrate import upgrade

    _fresh_request_globals(app)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            _fast_postgres(db.engine)
            _reset_postgres_schema(db.engine)
        else:
            _fast_sqlite(db.engine)
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


def _fresh_request_globals(app):
    """Tests hold an app context (fixtures `make`, `app_ctx`) that Flask reuses for every request,
    so `g` would carry one client's signed-in user and CSRF token into another client's request.
    In production each request has its own context; forget them at the start of each request."""
    from flask import g

    @app.before_request
    def _forget_cached_user_and_token():
        g.pop("_login_user", None)
        g.pop("csrf_token", None)
        g.pop("_flask_babel", None)


def _fast_postgres(engine):
    """Nor need a commit wait for the disk on PostgreSQL (the data stays as safe from other sessions)."""
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _no_commit_wait(dbapi_connection, _record):
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO OFF")
        dbapi_connection.commit()


def _fast_sqlite(engine):
    """The test database need not survive a power cut: skip fsync on every commit."""
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _no_sync(dbapi_connection, _record):
        dbapi_connection.execute("PRAGMA synchronous=OFF")


@pytest.fixture
def clean_db(app):
    """Empties every table after the test; `client`, `app_ctx` and `make` depend on it."""
    yield
    empty_every_table(app)


@pytest.fixture
def app_ctx(app, clean_db):
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def client(app, clean_db):
    """A test client; CSRF is on, so posts carry `csrf_token(client, url)`."""
    return app.test_client()


@pytest.fixture
def make(app_ctx):
    """Factories bound to the test database: make.office(), make.agent(office), make.user(role, ...)."""
    return factories.Factory(FAST_HASH)


@pytest.fixture
def fake_smtp(app, monkeypatch):
    """smtplib.SMTP replaced by FakeSMTP (what would have been sent is kept), SMTP configured."""
    import smtplib

    FakeSMTP.sent, FakeSMTP.fail = [], False
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    monkeypatch.setitem(app.config, "SMTP_HOST", "smtp.example.fr")
    monkeypatch.setitem(app.config, "SMTP_USER", "")
    return FakeSMTP
