"""bench/scans_throughput.py's database side: a scratch PostgreSQL database, the seed, and the
database's own batched insert rate for rows shaped like `scans` and `visits` (the yardstick)."""
import time
import uuid
from datetime import datetime, timedelta, timezone

from sqlalchemy import Column, Index, MetaData, Table, UniqueConstraint

from bench.scans_bench_http import PASSWORD, STAFF_EMAIL

BATCH = 100


def make_postgres(url: str) -> None:
    """Drop and create the scratch database named in `url` (never the `test` one)."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    if name in ("test", "postgres", "passresot"):
        raise SystemExit(f"refusing to drop the database {name!r}: give a scratch one")
    admin = url.rsplit("/", 1)[0].replace("postgresql+psycopg://", "postgresql://") + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def seed(app, holders: int) -> list[str]:
    """Migrate, then one site, its staff and `holders` agents with live passes; returns their QR texts."""
    from flask_migrate import upgrade
    from werkzeug.security import generate_password_hash

    from passresot.accounts.models import AgentKind, Role, User
    from passresot.extensions import db
    from passresot.offices.models import Office
    from passresot.partners.models import Partner, PartnerCategory
    from passresot.passes.models import Pass
    from passresot.passes.numbers import new_pass_number
    from passresot.passes.token import sign_pass_token

    with app.app_context():
        upgrade()
        office = Office(name="Office de Tourisme de Céret", commune="Céret", email="ot@bench.fr")
        partner = Partner(name="Musée d'art moderne de Céret", commune="Céret",
                          category=PartnerCategory.museum, accepts_all_year=True)
        db.session.add_all([office, partner])
        db.session.flush()
        db.session.add(User(email=STAFF_EMAIL, role=Role.partner_staff, first_name="Núria", last_name="Vidal",
                            partner_id=partner.id, password_hash=generate_password_hash(PASSWORD)))
        agents = [User(email=f"agent{n}@bench.fr", role=Role.agent, first_name="Agent", last_name=f"N{n}",
                       office_id=office.id, kind=AgentKind.permanent) for n in range(holders)]
        db.session.add_all(agents)
        db.session.flush()
        kid, key = app.extensions["pass_keys"].signing_key()
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        start, end = now - timedelta(days=30), now + timedelta(days=300)
        numbers = set()
        while len(numbers) < holders:
            numbers.add(new_pass_number())
        passes = [Pass(number=number, user_id=agent.id, office_id=office.id, kind=AgentKind.permanent,
                       valid_from=start, valid_until=end, token="", kid=kid)
                  for agent, number in zip(agents, numbers)]
        db.session.add_all(passes)
        db.session.flush()
        for pass_ in passes:
            pass_.token = sign_pass_token(pass_id=pass_.id, office_id=office.id, valid_from=start,
                                          valid_until=end, display_name="Agent B.", private_key=key)
        db.session.commit()
        tokens = [pass_.token for pass_ in passes]
        db.engine.dispose()
    return tokens


def _scratch_copy(table: Table, metadata: MetaData) -> Table:
    """`table`'s columns, primary and unique keys and indexes under a bench_ name, without foreign keys."""
    columns = [Column(c.name, c.type.copy(), primary_key=c.primary_key, unique=c.unique,
                      nullable=c.nullable, autoincrement=c.autoincrement,
                      server_default=c.server_default.arg if c.server_default is not None else None)
               for c in table.columns]
    extras = [UniqueConstraint(*[c.name for c in u.columns]) for u in table.constraints
              if isinstance(u, UniqueConstraint)]
    copy = Table("bench_" + table.name, metadata, *columns, *extras)
    for index in table.indexes:
        Index("bench_" + index.name, *[copy.c[c.name] for c in index.columns], unique=index.unique,
              **{key: value for key, value in index.kwargs.items() if key.endswith("_where")})
    return copy


def _insert(dialect: str, table: Table):
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)


def database_rate(app, batches: int) -> float:
    """Rows per second the database takes, per batch of 100: visits then scans, each one multi-row
    INSERT … ON CONFLICT DO NOTHING RETURNING, one commit."""
    from passresot.extensions import db
    from passresot.visits.models import Scan, Visit

    batches = max(batches, 20)
    metadata = MetaData()
    visits, scans = _scratch_copy(Visit.__table__, metadata), _scratch_copy(Scan.__table__, metadata)
    with app.app_context():
        engine, dialect = db.engine, db.engine.dialect.name
        metadata.drop_all(engine)
        metadata.create_all(engine)
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        qr = "PR1:" + "A" * 165
        started = time.perf_counter()
        for number in range(batches):
            users = range(number * BATCH, (number + 1) * BATCH)
            with engine.begin() as connection:
                made = connection.execute(
                    _insert(dialect, visits).values([
                        {"user_id": user, "partner_id": 1, "pass_id": user, "year": now.year,
                         "admitted_at": now} for user in users])
                    .on_conflict_do_nothing().returning(visits.c.id, visits.c.user_id)).all()
                connection.execute(_insert(dialect, scans).values([
                    {"id": str(uuid.uuid4()), "partner_id": 1, "scanned_by_id": 1, "device_id": "bench",
                     "qr": qr, "pass_number": None, "scanned_at": now, "received_at": now,
                     "offline_verdict": None, "offline_reason": None, "status": "admitted", "reason": None,
                     "conflict": False, "override": False, "visited_on": None, "pass_id": user,
                     "visit_id": visit_id, "undone_at": None, "undone_by_id": None}
                    for visit_id, user in made]).on_conflict_do_nothing().returning(scans.c.id)).all()
        elapsed = time.perf_counter() - started
        metadata.drop_all(engine)
        engine.dispose()
    return batches * BATCH / elapsed
