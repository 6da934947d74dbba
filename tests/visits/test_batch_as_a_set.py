"""A batch recorded as a set (issue 19): a fixed number of statements whatever its size, one transaction
(all or nothing for anyone else, on SQLite as on PostgreSQL), the same answers as one by one."""
import pytest
from sqlalchemy import event, func, select, text

from passresot.extensions import db
from passresot.offices.models import Office
from passresot.timeutil import paris_today
from passresot.visits.api import record_scans
from passresot.visits.models import Scan, Visit

from .helpers import another_holder, item, sign


@pytest.fixture
def statements(app_ctx):
    """Every SQL statement the app sends while the test runs (BEGIN included when sent)."""
    seen = []

    def keep(_conn, _cursor, statement, *_):
        seen.append(statement.split(None, 1)[0].upper())
    event.listen(db.engine, "before_cursor_execute", keep)
    yield seen
    event.remove(db.engine, "before_cursor_execute", keep)


def holders(site, count):
    return [another_holder(site) for _ in range(count)]


def test_a_batch_sends_as_many_statements_for_30_admissions_as_for_3(site, statements):
    passes = holders(site, 33)
    db.session.expire_all()
    counts = []
    for group in (passes[:3], passes[3:]):
        batch = [item(pass_.token) for pass_ in group]
        del statements[:]
        results = record_scans(site.staff, batch)
        db.session.commit()
        assert {r["status"] for r in results} == {"admitted"}
        counts.append(sum(1 for verb in statements if verb in ("SELECT", "INSERT", "UPDATE", "DELETE")))
    assert counts[0] == counts[1], statements
    # The staff and the site (expired by the commit before), known scans, passes with holders and
    # offices, earlier admissions, the holders' eductour stops here; the visits, the scans.
    assert counts[1] <= 8, statements
    assert statements.count("INSERT") == 2


def test_a_batch_is_one_transaction_that_others_see_whole_or_not_at_all(app, site):
    batch = [item(pass_.token) for pass_ in holders(site, 20)] + [item("n'importe quoi")]
    record_scans(site.staff, batch)
    with db.engine.connect() as other:  # another request, on its own connection
        assert other.scalar(select(func.count()).select_from(Scan)) == 0
        assert other.scalar(select(func.count()).select_from(Visit)) == 0
    db.session.commit()
    with db.engine.connect() as other:
        assert other.scalar(select(func.count()).select_from(Scan)) == 21
        assert other.scalar(select(func.count()).select_from(Visit)) == 20


def test_a_savepoint_does_not_commit_on_its_own(app_ctx):
    """On SQLite, pysqlite used to open no transaction before a SAVEPOINT, whose release then committed."""
    with db.session.begin_nested():
        db.session.add(Office(name="Office de Tourisme de Banyuls", commune="Banyuls-sur-Mer",
                              email="ot@banyuls.example"))
    db.session.rollback()
    with db.engine.connect() as other:
        assert other.scalar(select(func.count()).select_from(Office)) == 0


def test_sqlite_runs_in_wal_mode_so_readers_never_wait_for_a_batch(app_ctx):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    with db.engine.connect() as connection:
        assert connection.scalar(text("PRAGMA journal_mode")) == "wal"
        assert connection.scalar(text("PRAGMA busy_timeout")) >= 5000


def test_a_second_scan_of_a_holder_in_the_same_batch_is_already_visited(site):
    first, second = item(site.pass_.token), item(site.pass_.token, offline_verdict="admitted")
    third = item(site.pass_.token)
    results = record_scans(site.staff, [first, second, third])
    db.session.commit()
    assert [(r["status"], r["reason"], r["conflict"]) for r in results] == [
        ("admitted", None, False), ("admitted", "already_visited", True), ("refused", "already_visited", False)]
    assert [r["visited_on"] for r in results] == [None, paris_today().isoformat(), paris_today().isoformat()]
    assert Scan.query.count() == 3 and Visit.query.count() == 1
    assert db.session.get(Scan, first["id"]).visit_id == Visit.query.one().id


def test_a_mixed_batch_answers_each_item_in_the_order_sent(site):
    known = item(site.pass_.token)
    record_scans(site.staff, [known])
    db.session.commit()
    other = another_holder(site)
    fresh = item(other.token)
    batch = [item("PR1:????"), dict(known), {"id": "pas-un-uuid"}, fresh, dict(fresh),
             item(sign(other)), item(pass_number=other.number)]
    results = record_scans(site.staff, batch)
    db.session.commit()
    assert [r["id"] for r in results] == [b.get("id") for b in batch]
    assert [(r["status"], r.get("reason"), r.get("replayed")) for r in results] == [
        ("refused", "malformed", False), ("admitted", None, True), (None, None, None),
        ("admitted", None, False), ("admitted", None, True), ("refused", "already_visited", False),
        ("refused", "already_visited", False)]
    assert results[2]["error"]["code"] == "invalid_scan"
    assert Scan.query.count() == 5 and Visit.query.count() == 2
