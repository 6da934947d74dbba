"""GET /healthz for load balancers and monitoring: the database answers and its schema is the code's.

200 {"status": "ok", "database": "ok", "migrations": "current"} when the database answers and its
Alembic revision is the head of migrations/; otherwise 503 with what is wrong ("database":
"unreachable", or "migrations": "behind" / "ahead" / "missing"). Never a stack trace, never the
database URL: the error's class name goes to the log, nothing else.
"""
import logging
from functools import lru_cache

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from flask import Blueprint, jsonify
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def _migrations() -> ScriptDirectory:
    from .. import MIGRATIONS_DIR

    return ScriptDirectory(MIGRATIONS_DIR)


def migrations_state(database_heads: tuple) -> str:
    """'current', 'behind' (an older revision of this code), 'ahead' (unknown here) or 'missing'."""
    script = _migrations()
    if not database_heads:
        return "missing"
    if set(database_heads) == set(script.get_heads()):
        return "current"
    try:
        for revision in database_heads:
            script.get_revision(revision)
    except CommandError:
        return "ahead"
    return "behind"


@bp.route("/healthz")
def healthz():
    try:
        with db.engine.connect() as connection:
            heads = tuple(MigrationContext.configure(connection).get_current_heads())
    except SQLAlchemyError as error:
        log.warning("Health check: the database did not answer (%s)", type(error).__name__)
        return _answer("unreachable", "unknown")
    return _answer("ok", migrations_state(heads))


def _answer(database: str, migrations: str):
    healthy = database == "ok" and migrations == "current"
    response = jsonify(status="ok" if healthy else "error", database=database, migrations=migrations)
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response
