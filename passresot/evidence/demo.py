"""Demo evidence for the audit pack: this year's scanned pass visits, an eductour day and two reports, deterministic."""
import uuid
from datetime import date, datetime, time, timedelta, timezone

from ..extensions import db
from ..hours.models import OtherVisit
from ..reports.models import Report, ReportKind
from ..timeutil import PARIS
from ..visits.models import Scan, ScanStatus, Visit


def _utc(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=PARIS).astimezone(timezone.utc).replace(tzinfo=None)


def load_demo_evidence(admin, staff, agents, partners, today: date) -> None:
    """For the office's agents after the first two (who keep "no visit yet"): visits this year, up to today,
    never at the demo staff's own site (its scanner and admissions start empty, as the browser tests expect)."""
    partners = [partner for partner in partners if partner.id != staff.partner_id]
    first = date(today.year, 1, 2)
    span = max((today - first).days, 1)
    for n, agent in enumerate(agents[2:]):
        for k in range(4 + n % 3):
            day = first + timedelta(days=(11 * n + 37 * k) % span)
            partner = partners[(3 * n + 5 * k) % len(partners)]
            when = _utc(day, 10 + k % 6)
            visit = Visit(user_id=agent.id, partner_id=partner.id, year=today.year, admitted_at=when)
            db.session.add(visit)
            db.session.flush()
            if k != 1:  # one visit a person without a server scan: shown as such in the audit pack
                db.session.add(Scan(id=str(uuid.UUID(int=n * 100 + k + 1)), partner_id=partner.id,
                                    scanned_by_id=staff.id, device_id="demo-tablette", pass_number="DEMO",
                                    scanned_at=when, received_at=when + timedelta(minutes=3 + k),
                                    status=ScanStatus.admitted, visit_id=visit.id))
        db.session.add(OtherVisit(user_id=agent.id, partner_id=partners[n % len(partners)].id,
                                  visited_on=min(today, date(today.year, 3, 12)), minutes=420,
                                  note="Éductour de mars", recorded_by_id=admin.id))
    if len(agents) > 2:
        reporter = agents[2]
        for k, (days_ago, handled_after) in enumerate([(40, timedelta(days=1)), (20, timedelta(days=9))]):
            received = _utc(today - timedelta(days=days_ago), 9)
            db.session.add(Report(id=str(uuid.UUID(int=9000 + k)), user_id=reporter.id, partner_id=partners[k].id,
                                  kind=ReportKind.wrong_information, text="Horaires affichés erronés.",
                                  written_at=received, received_at=received, handled_at=received + handled_after))
    db.session.flush()
