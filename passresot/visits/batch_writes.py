"""What a sync batch writes: its visits, then its scans, each in one multi-row INSERT … ON CONFLICT DO NOTHING
RETURNING (PostgreSQL; SQLite ≥ 3.35), so the database's unique keys settle races between batches.

The rows are sent as parameter sets: SQLAlchemy's "insertmanyvalues" renders them as one multi-row
VALUES statement (up to 1,000 rows) from a statement compiled once and cached, where `.values(rows)`
would compile a new one per batch. Rows go in key order: two batches that want the same keys take
them in the same order, so on PostgreSQL one waits for the other instead of both deadlocking.
"""
from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from .models import Scan, Visit

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def insert_visits(rows: list[dict]) -> dict[tuple[int, int], int]:
    """Insert the admissions whose (holder, site, year) slot is still free: {(user_id, year): visit id}
    of those written; the others lost their slot to another batch."""
    if not rows:
        return {}
    table = Visit.__table__
    rows = sorted(rows, key=lambda row: (row["user_id"], row["year"]))
    statement = _insert(table).on_conflict_do_nothing().returning(table.c.id, table.c.user_id, table.c.year)
    return {(user_id, year): visit_id for visit_id, user_id, year in db.session.execute(statement, rows)}


def insert_scans(rows: list[dict]) -> set[str]:
    """Insert the scans whose UUID is still unknown; returns the UUIDs written (the others were
    recorded meanwhile by another upload of the same scan)."""
    if not rows:
        return set()
    table = Scan.__table__
    rows = sorted(rows, key=lambda row: row["id"])
    statement = _insert(table).on_conflict_do_nothing().returning(table.c.id)
    return set(db.session.scalars(statement, rows))


def delete_visits(visit_ids: list[int]) -> None:
    """Take back admissions written for scans that turned out to be recorded already."""
    if visit_ids:
        db.session.execute(delete(Visit.__table__).where(Visit.__table__.c.id.in_(visit_ids)))


def _insert(table):
    return _INSERTS[db.engine.dialect.name](table)
