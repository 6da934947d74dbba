"""Flask extensions, created unbound and attached in create_app()."""
import re
import sqlite3

from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names, so migrations can alter them on SQLite and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """SQLite enforces foreign keys only when asked, per connection; WAL lets readers go on while a
    writer commits, and a writer waits its turn (busy timeout) instead of failing."""
    if _is_sqlite(dbapi_connection):
        if sqlite3.sqlite_version_info < (3, 35):  # INSERT … ON CONFLICT DO NOTHING RETURNING (visits/batch_writes.py)
            raise RuntimeError(f"SQLite 3.35 or later is needed, this is {sqlite3.sqlite_version}")
        # pysqlite's own transaction handling (a BEGIN before INSERT/UPDATE/DELETE only, none before
        # a SAVEPOINT) is off: _sqlite_begin_before_writing below opens the transactions.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


_SQLITE_WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE|SAVEPOINT)\b", re.IGNORECASE)


@event.listens_for(Engine, "before_cursor_execute")
def _sqlite_begin_before_writing(conn, _cursor, statement, _parameters, _context, _executemany):
    """SQLAlchemy's pysqlite recipe (isolation_level=None, our own BEGIN), with the BEGIN sent just
    before the first write or SAVEPOINT of a transaction, as BEGIN IMMEDIATE.

    So a request's or a sync batch's writes, savepoints included, are one transaction and one
    commit. Reads before the first write stay outside it, as with pysqlite: a BEGIN at the first
    read would pin a WAL snapshot, and its first write would then fail at once (SQLITE_BUSY_SNAPSHOT,
    no busy wait) whenever another connection had committed meanwhile, e.g. the rate limiter's own
    connection (ratelimit/api.py) in the same request. IMMEDIATE takes the write lock at BEGIN, so
    writers queue under the busy timeout rather than deadlock on an upgrade.
    """
    if conn.dialect.name != "sqlite" or not _SQLITE_WRITE.match(statement):
        return
    dbapi_connection = conn.connection.dbapi_connection
    if dbapi_connection.in_transaction or conn.get_execution_options().get("isolation_level") == "AUTOCOMMIT":
        return
    # SQLAlchemy gives pysqlite its own handling back after an isolation level was set ("").
    dbapi_connection.isolation_level = None
    dbapi_connection.execute("BEGIN IMMEDIATE")


def _is_sqlite(dbapi_connection) -> bool:
    return type(dbapi_connection).__module__.startswith("sqlite3")
