"""A small known network: two offices, five partners, five agents, visits over 2024 and 2025."""
import uuid
from datetime import date, datetime
from types import SimpleNamespace

import pytest

from passresot.extensions import db
from passresot.hours.models import OtherVisit
from passresot.reports.models import Report, ReportKind, ReportStatus
from passresot.visits.models import Scan, ScanStatus, Visit


@pytest.fixture
def network(make):
    alpha, beta = make.office("Office Alpha"), make.office("Office Beta")
    p1 = make.partner("Château Un", commune="Collioure", visit_minutes=120)
    p2 = make.partner("Musée Deux", commune="Céret")  # no visit length: counts 60 min
    p3 = make.partner("Grotte Trois", commune="Prades", visit_minutes=30)
    make.partner("Site fermé", active=False)
    p5 = make.partner("Abbaye Cinq", commune="Elne")
    a1 = make.agent(alpha, photo=False, last_name="Un")
    a2 = make.agent(alpha, photo=False, seasonal=True, last_name="Deux")
    a3 = make.agent(beta, photo=False, last_name="Trois")
    a4 = make.agent(beta, photo=False, last_name="Quatre", active=False)  # pass returned, visited in 2025
    make.agent(beta, photo=False, last_name="Cinq", active=False)  # gone, no visit: not counted
    admin = make.office_admin(alpha)
    staff = make.partner_staff(p1)
    visits = [(a1, p1, datetime(2025, 3, 10, 10)), (a1, p2, datetime(2025, 3, 20, 15)),
              (a1, p3, datetime(2025, 7, 5, 9)), (a2, p1, datetime(2025, 7, 14, 11)),
              (a4, p1, datetime(2025, 12, 1, 14)), (a1, p1, datetime(2024, 3, 5, 10)),
              (a3, p2, datetime(2024, 8, 1, 10))]
    db.session.add_all(Visit(user_id=agent.id, partner_id=partner.id, year=at.year, admitted_at=at)
                       for agent, partner, at in visits)
    db.session.add_all([
        OtherVisit(user_id=a1.id, partner_id=p5.id, visited_on=date(2025, 5, 1), minutes=700,
                   recorded_by_id=admin.id),  # a1: 210 + 700 = 910 min, past the 14 h (840 min)
        OtherVisit(user_id=a3.id, partner_id=p5.id, visited_on=date(2025, 6, 1), minutes=600,
                   recorded_by_id=admin.id),
        OtherVisit(user_id=a3.id, partner_id=p5.id, visited_on=date(2024, 6, 1), minutes=900,
                   recorded_by_id=admin.id)])
    for received, conflict, override in ((datetime(2025, 2, 1), True, False), (datetime(2025, 9, 1), True, False),
                                         (datetime(2025, 10, 1), False, True), (datetime(2024, 10, 1), False, True),
                                         (datetime(2025, 10, 2), False, False)):
        db.session.add(Scan(id=str(uuid.uuid4()), partner_id=p1.id, scanned_by_id=staff.id, device_id="d",
                            pass_number="X", scanned_at=received, received_at=received,
                            offline_verdict=ScanStatus.admitted if conflict else None, status=ScanStatus.admitted,
                            reason="revoked" if conflict else ("outside_accepted_period" if override else None),
                            conflict=conflict, override=override))
    for received, status in ((datetime(2025, 1, 5), ReportStatus.new), (datetime(2025, 4, 5), ReportStatus.new),
                             (datetime(2025, 6, 5), ReportStatus.resolved),
                             (datetime(2024, 6, 5), ReportStatus.in_progress)):
        db.session.add(Report(id=str(uuid.uuid4()), user_id=a1.id, partner_id=p2.id, kind=ReportKind.other,
                              text="…", written_at=received, received_at=received, status=status,
                              handled_at=None if status is ReportStatus.new else received))
    db.session.commit()
    return SimpleNamespace(alpha=alpha, beta=beta, a1=a1, a2=a2, a3=a3, a4=a4)
