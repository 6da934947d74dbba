"""National-scale made-up data for the dashboard's benchmarks: `flask generate-national`.

At scale 1: 1,200 offices, 15,000 agents, 50,000 partners and 1,000,000 pass visits over last
year and this year (up to today), plus other visits, flagged scans and reports. Rows go in with
bulk statements (COPY on PostgreSQL, executemany elsewhere), never ORM objects one by one. Meant
for an empty scratch database: the names it makes would collide with a second run.
"""
import random
import uuid
from datetime import date, datetime, timedelta

import click
from sqlalchemy import func, select, text

from ..accounts.models import Role, User
from ..extensions import db
from ..hours.models import OtherVisit
from ..offices.models import Office
from ..partners.generator import COMMUNES, FAMILIES, FIRST_NAMES, NAMES
from ..partners.models import Partner, PartnerCategory
from ..reports.models import Report
from ..timeutil import paris_today, utcnow
from ..visits.models import Scan, Visit

FULL = {"offices": 1_200, "agents": 15_000, "partners": 50_000, "visits": 1_000_000}
SOURCE = "national"
#: Relative visits per month (1–12): the summer season weighs most.
MONTH_WEIGHTS = (3, 3, 5, 8, 9, 11, 15, 16, 10, 7, 4, 3)
CATEGORIES = list(PartnerCategory)


def sizes(scale: float) -> dict:
    return {name: max(1, round(count * scale)) for name, count in FULL.items()}


def generate_national(scale: float = 1.0, seed: int = 66, today: date | None = None, echo=lambda _m: None) -> dict:
    """Insert the national data set; the caller commits. Returns how many rows of each kind."""
    rng = random.Random(seed)
    today = today or paris_today()
    n = sizes(scale)
    office_ids = _insert_returning_ids(Office, [
        {"name": f"Office de tourisme national n° {i + 1}", "commune": COMMUNES[i % len(COMMUNES)][0],
         "email": f"ot{i + 1}@national.example", "phone": "", "active": True, "created_at": utcnow()}
        for i in range(n["offices"])])
    echo(f"{len(office_ids)} offices")
    admin_ids = _insert_returning_ids(User, [_person(Role.office_admin, f"admin{i}", office_id=office_id)
                                             for i, office_id in enumerate(office_ids)])
    agents = [_agent(rng, i, rng.choice(office_ids), today) for i in range(n["agents"])]
    agent_ids = _insert_returning_ids(User, agents)
    echo(f"{len(agent_ids)} agents")
    partner_ids = _insert_returning_ids(Partner, [_partner(rng, i) for i in range(n["partners"])])
    echo(f"{len(partner_ids)} partners")
    staffed = partner_ids[:max(1, len(partner_ids) // 25)]
    staff = list(zip(_insert_returning_ids(User, [_person(Role.partner_staff, f"staff{i}", partner_id=partner_id)
                                                  for i, partner_id in enumerate(staffed)]), staffed))
    visits = _visits(rng, n["visits"], agent_ids, partner_ids, today)
    _bulk_insert(Visit, ("user_id", "partner_id", "year", "admitted_at"), visits)
    echo(f"{len(visits)} visits")
    counts = {"offices": len(office_ids), "agents": len(agent_ids), "partners": len(partner_ids), "visits": len(visits)}
    counts.update(_extras(rng, today, agent_ids, admin_ids, office_ids, agents, partner_ids, staff))
    return counts


def vacuum_analyze() -> None:
    """After a bulk load on PostgreSQL: statistics for the planner and the visibility map that
    index-only scans need (autovacuum would get there later). Runs outside any transaction."""
    if db.engine.dialect.name != "postgresql":
        return
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))


def _insert_returning_ids(model, rows: list[dict]) -> list[int]:
    """Insert `rows` in bulk (executemany), then read back their ids in insertion order."""
    if not rows:
        return []
    before = db.session.scalar(select(func.coalesce(func.max(model.id), 0)))
    for start in range(0, len(rows), 5_000):
        db.session.execute(model.__table__.insert(), rows[start:start + 5_000])
    return list(db.session.scalars(select(model.id).where(model.id > before).order_by(model.id)))


def _bulk_insert(model, columns: tuple, rows: list[tuple]) -> None:
    """COPY on PostgreSQL (psycopg 3), executemany elsewhere."""
    if db.engine.dialect.name == "postgresql":
        cursor = db.session.connection().connection.driver_connection.cursor()
        with cursor.copy(f"COPY {model.__tablename__} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    table = model.__table__
    for start in range(0, len(rows), 10_000):
        db.session.execute(table.insert(), [dict(zip(columns, row)) for row in rows[start:start + 10_000]])


def _person(role: Role, slug: str, **fields) -> dict:
    return {"email": f"{slug}@national.example", "password_hash": None, "role": role.name,
            "first_name": "Prénom", "last_name": slug.capitalize(), "office_id": None, "partner_id": None,
            "kind": None, "contract_start": None, "contract_end": None, "active": True, "locale": None,
            "created_at": utcnow(), "session_version": 1, **fields}


def _agent(rng, i: int, office_id: int, today: date) -> dict:
    seasonal = rng.random() < 0.3
    start = today - timedelta(days=rng.randint(30, 900))
    return _person(Role.agent, f"agent{i}", office_id=office_id, kind="seasonal" if seasonal else "permanent",
                   first_name=rng.choice(FIRST_NAMES), last_name=rng.choice(FAMILIES), contract_start=start,
                   contract_end=start + timedelta(days=rng.randint(90, 200)) if seasonal else None,
                   active=rng.random() > 0.05)


def _partner(rng, i: int) -> dict:
    commune, insee, postal, lat, lon = rng.choice(COMMUNES)
    category = rng.choice(CATEGORIES)
    name = rng.choice(NAMES[category]).format(c=commune, f=rng.choice(FAMILIES), s="du Patrimoine", g="botanique")
    now = utcnow()
    return {"name": f"{name} {i + 1}", "category": category.name, "commune": commune, "insee_code": insee,
            "address": "", "postal_code": postal, "latitude": lat, "longitude": lon, "phone": "", "email": "",
            "website": "", "socials": [], "manager_name": "", "booking": "unknown", "accepts_all_year": True,
            "description": "", "visit_minutes": rng.choice((30, 45, 60, 90, 120, None)), "opening_info": "",
            "active": rng.random() > 0.02, "source": SOURCE, "source_id": str(i + 1), "created_at": now,
            "updated_at": now}


def _visits(rng, count: int, agent_ids, partner_ids, today: date) -> list[tuple]:
    """`count` distinct (agent, partner, year) admissions over last year and this year up to today.
    One agent in six never visits; partner popularity falls off steeply and a quarter get none."""
    agents = [a for a in agent_ids if rng.random() > 1 / 6] or agent_ids
    popular = partner_ids[: max(1, len(partner_ids) * 3 // 4)]
    weights = [1 / (rank + 10) for rank in range(len(popular))]
    this_year, last_year = today.year, today.year - 1
    days = {year: _weighted_days(year, today) for year in (last_year, this_year)}
    share_this = len(days[this_year]) / (len(days[this_year]) + len(days[last_year]))
    seen, rows = set(), []
    limit = min(count, len(agents) * len(popular))  # at most half the possible admissions: no endless redraws
    while len(rows) < limit:
        batch = min(200_000, (limit - len(rows)) * 2)
        for agent, partner in zip(rng.choices(agents, k=batch), rng.choices(popular, weights=weights, k=batch)):
            year = this_year if rng.random() < share_this else last_year
            key = (agent, partner, year)
            if key in seen:
                continue
            seen.add(key)
            day = rng.choice(days[year])
            rows.append((agent, partner, year, datetime(day.year, day.month, day.day, rng.randint(7, 16), rng.randint(0, 59))))
            if len(rows) == limit:
                break
    return rows


def _weighted_days(year: int, today: date) -> list[date]:
    """Each day of `year` up to today, repeated by its month's weight (a cheap weighted choice)."""
    last = min(date(year, 12, 31), today)
    day, out = date(year, 1, 1), []
    while day <= last:
        out.extend([day] * MONTH_WEIGHTS[day.month - 1])
        day += timedelta(days=1)
    return out


def _extras(rng, today, agent_ids, admin_ids, office_ids, agents, partner_ids, staff) -> dict:
    """Other visits (eductours), flagged scans and reports, in proportion to the agents."""
    admin_of = dict(zip(office_ids, admin_ids))
    office_of = {agent_id: agent["office_id"] for agent_id, agent in zip(agent_ids, agents)}
    start = date(today.year - 1, 1, 1)
    span = (today - start).days
    others = [{"user_id": a, "partner_id": rng.choice(partner_ids), "visited_on": start + timedelta(days=rng.randint(0, span)),
               "minutes": rng.choice((120, 240, 420)), "note": "Éductour", "recorded_by_id": admin_of[office_of[a]],
               "recorded_at": utcnow()} for a in rng.sample(agent_ids, len(agent_ids) // 4)]
    for chunk in range(0, len(others), 5_000):
        db.session.execute(OtherVisit.__table__.insert(), others[chunk:chunk + 5_000])
    scans, reports = [], []
    for _ in range(max(1, len(agent_ids) // 5)):
        moment = datetime.combine(start + timedelta(days=rng.randint(0, span)), datetime.min.time()) + timedelta(hours=10)
        conflict = rng.random() < 0.5
        staff_id, partner_id = rng.choice(staff)
        scans.append((str(uuid.uuid4()), partner_id, staff_id, "national", "ABCD-1234", moment, moment,
                      "admitted" if conflict else None, "admitted", "revoked" if conflict else "outside_accepted_period",
                      conflict, not conflict))
    for _ in range(max(1, len(agent_ids) // 5)):
        moment = datetime.combine(start + timedelta(days=rng.randint(0, span)), datetime.min.time()) + timedelta(hours=9)
        status = rng.choices(("new", "in_progress", "resolved"), weights=(2, 2, 6))[0]
        reports.append({"id": str(uuid.uuid4()), "user_id": rng.choice(agent_ids), "partner_id": rng.choice(partner_ids),
                        "kind": rng.choice(("refused_entry", "wrong_information", "site_closed", "other")),
                        "text": "Signalement généré.", "written_at": moment, "received_at": moment, "status": status,
                        "handled_at": None if status == "new" else moment + timedelta(days=1), "answer": None,
                        "answered_at": None, "answered_by_id": None})
    _bulk_insert(Scan, ("id", "partner_id", "scanned_by_id", "device_id", "pass_number", "scanned_at", "received_at",
                        "offline_verdict", "status", "reason", "conflict", "override"), scans)
    for chunk in range(0, len(reports), 5_000):
        db.session.execute(Report.__table__.insert(), reports[chunk:chunk + 5_000])
    return {"other_visits": len(others), "scans": len(scans), "reports": len(reports)}


def register_national_command(app):
    @app.cli.command("generate-national")
    @click.option("--scale", type=click.FloatRange(0.0001, 1.0), default=1.0, show_default=True,
                  help="Fraction of the national sizes (0.001: 1 office... 1,000 visits).")
    @click.option("--seed", default=66, show_default=True, help="Same seed, same data.")
    def generate_national_command(scale, seed):
        """Add national-scale made-up offices, agents, partners and visits (benchmarks)."""
        started = datetime.now()
        counts = generate_national(scale, seed, echo=click.echo)
        db.session.commit()
        vacuum_analyze()
        seconds = (datetime.now() - started).total_seconds()
        click.echo(", ".join(f"{value} {name}" for name, value in counts.items()) + f" ({seconds:.1f} s).")
