"""Time the audit evidence pack of one office of 500 agents with a year of visits (PDF + ZIP), on fresh SQLite.

500 agents × 10 pass visits (each with its server scan) + 2 other visits, 60 reports; then the
sections (the queries), the PDF and the ZIP are timed apart, and the HTTP download as the OT admin.

    .venv/bin/python bench/audit_pack.py [agents]
"""
import logging
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask_migrate import upgrade  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from passresot import create_app  # noqa: E402
from passresot.accounts.models import AgentKind, Role, User  # noqa: E402
from passresot.evidence.pack import pack_pdf, pack_zip  # noqa: E402
from passresot.evidence.base import year_period  # noqa: E402
from passresot.evidence.sections import office_sections  # noqa: E402
from passresot.extensions import db  # noqa: E402
from passresot.hours.models import OtherVisit  # noqa: E402
from passresot.offices.models import Office  # noqa: E402
from passresot.partners.models import Partner, PartnerCategory  # noqa: E402
from passresot.reports.models import Report, ReportKind  # noqa: E402
from passresot.visits.models import Scan, ScanStatus, Visit  # noqa: E402

PASSWORD = "bench-password-123"
YEAR = 2026


def fill(agents: int) -> Office:
    office = Office(name="Office du banc d'essai", commune="Perpignan", email="banc@example.fr")
    db.session.add(office)
    partners = [Partner(name=f"Site partenaire {i}", commune="Céret", category=PartnerCategory.museum, visit_minutes=60 + i % 4 * 30)
                for i in range(40)]
    db.session.add_all(partners)
    db.session.flush()
    hashed = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    admin = User(email="admin.banc@example.fr", role=Role.office_admin, first_name="Admin", last_name="Banc",
                 office_id=office.id, password_hash=hashed)
    staff = User(email="staff.banc@example.fr", role=Role.partner_staff, first_name="Staff", last_name="Banc",
                 partner_id=partners[0].id, password_hash=hashed)
    people = [User(email=f"agent{i}@example.fr", role=Role.agent, first_name=f"Élodie{i}", last_name=f"Núñez{i}",
                   office_id=office.id, kind=AgentKind.permanent, password_hash=hashed) for i in range(agents)]
    db.session.add_all([admin, staff, *people])
    db.session.flush()
    start = datetime(YEAR, 1, 5, 9, 0)
    for n, agent in enumerate(people):
        for k in range(10):
            when = start + timedelta(days=(n + 17 * k) % 330, minutes=k)
            visit = Visit(user_id=agent.id, partner_id=partners[(n + k) % 40].id, year=YEAR, admitted_at=when)
            db.session.add(visit)
            db.session.flush()
            db.session.add(Scan(id=str(uuid.uuid4()), partner_id=visit.partner_id, scanned_by_id=staff.id,
                                device_id="banc", pass_number="P", scanned_at=when, received_at=when,
                                status=ScanStatus.admitted, visit_id=visit.id))
        for k in range(2):
            db.session.add(OtherVisit(user_id=agent.id, partner_id=partners[k].id, visited_on=date(YEAR, 3 + k, 10),
                                      minutes=240, note="Éductour", recorded_by_id=admin.id))
        if n % 8 == 0:
            received = start + timedelta(days=n % 300, hours=3)
            db.session.add(Report(id=str(uuid.uuid4()), user_id=agent.id, partner_id=partners[1].id,
                                  kind=ReportKind.other, text="Banc", written_at=received, received_at=received,
                                  handled_at=received + timedelta(days=n % 6)))
    db.session.commit()
    return office


def main(agents: int) -> None:
    logging.disable(logging.WARNING)
    folder = tempfile.mkdtemp()
    app = create_app({"INSTANCE_PATH": folder, "SECRET_KEY": "bench", "TESTING": True,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db",
                      "WTF_CSRF_ENABLED": False})
    with app.app_context():
        upgrade(directory=str(Path(__file__).resolve().parents[1] / "migrations"))
        office = fill(agents)
        print(f"{agents} agents, {Visit.query.count()} pass visits, {OtherVisit.query.count()} other visits, "
              f"{Report.query.count()} reports")
        with app.test_request_context():
            began = time.perf_counter()
            sections = office_sections(office.id, year_period(YEAR))
            queried = time.perf_counter()
            pdf = pack_pdf(office.name, str(YEAR), "Admin Banc", sections)
            rendered = time.perf_counter()
            body = pack_zip([(office.name, sections)], "Admin Banc", str(YEAR))
            zipped = time.perf_counter()
        print(f"sections (queries): {queried - began:.2f} s")
        print(f"PDF ({len(pdf) // 1024} KB): {rendered - queried:.2f} s")
        print(f"ZIP with the PDF again ({len(body) // 1024} KB): {zipped - rendered:.2f} s")
        client = app.test_client()
        client.post("/login", data={"email": "admin.banc@example.fr", "password": PASSWORD})
        began = time.perf_counter()
        response = client.get(f"/office/audit-pack.zip?period={YEAR}")
        print(f"HTTP GET /office/audit-pack.zip: {response.status_code}, {time.perf_counter() - began:.2f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 500)
