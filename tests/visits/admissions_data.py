"""A small, known set of admissions at two sites, around the Europe/Paris day, month and year boundaries."""
import uuid
from datetime import datetime
from types import SimpleNamespace

from passresot.agents.models import AgentPhoto
from passresot.agents.photos import reencode_photo
from passresot.extensions import db
from passresot.passes.api import issue_pass
from passresot.visits.models import Scan, ScanStatus, Visit
from passresot.visits.verdict import paris_moment
from tests.factories import jpeg_bytes

#: Naive UTC instants and the Paris wall clock they stand for.
NEW_YEAR_EVE_2025 = datetime(2025, 12, 31, 22, 30)   # 31/12/2025 23:30 in Paris: year 2025
NEW_YEAR_2026 = datetime(2025, 12, 31, 23, 30)       # 01/01/2026 00:30 in Paris
SPRING_FORWARD = datetime(2026, 3, 28, 23, 30)       # 29/03/2026 00:30 in Paris (still UTC+1)
JUNE_30_NOON = datetime(2026, 6, 30, 10, 0)          # 30/06/2026 12:00 in Paris
JUNE_30_LATE = datetime(2026, 6, 30, 21, 30)         # 30/06/2026 23:30 in Paris
JULY_1_EARLY = datetime(2026, 6, 30, 22, 30)         # 01/07/2026 00:30 in Paris
MAY_10 = datetime(2026, 5, 10, 8, 0)                 # 10/05/2026 10:00 in Paris
JULY_2 = datetime(2026, 7, 2, 9, 0)                  # 02/07/2026 11:00 in Paris


def _visit(holder, partner, at, pass_=None) -> Visit:
    visit = Visit(user_id=holder.id, partner_id=partner.id, pass_id=pass_.id if pass_ else None,
                  year=paris_moment(at).year, admitted_at=at)
    db.session.add(visit)
    db.session.flush()
    return visit


def _scan(staff, at, *, pass_=None, visit=None, **flags) -> Scan:
    scan = Scan(id=str(uuid.uuid4()), partner_id=staff.partner_id, scanned_by_id=staff.id, device_id="tablette",
                pass_number="4K7M-X9Q2", scanned_at=at, received_at=at, status=ScanStatus.admitted,
                pass_id=pass_.id if pass_ else None, visit_id=visit.id if visit else None, **flags)
    db.session.add(scan)
    return scan


def build(make) -> SimpleNamespace:
    """Site A: 5 admissions that count in 2026 (+1 in 2025) and 2 that do not; site B: its own."""
    office = make.office(name="Office de Tourisme de Céret")
    other_office = make.office(name="Office de Tourisme de Prades")
    site_a = make.partner(name="Château royal", accepts_all_year=True)
    site_b = make.partner(name="Grotte secrète", accepts_all_year=True)
    staff_a = make.partner_staff(site_a, first_name="Núria", last_name="Vidal")
    staff_b = make.partner_staff(site_b, first_name="Pau", last_name="Soler")
    names = [("Amélie", "Roca"), ("Bernat", "Sala"), ("Carla", "Tort"), ("Dídac", "Vila"),
             ("Elna", "Mas"), ("Fèlix", "Bosch")]
    holders = [make.agent(office, photo=False, first_name=first, last_name=last) for first, last in names]
    stranger = make.agent(other_office, photo=False, first_name="Zéphyrin", last_name="Quintana")
    photo = reencode_photo(jpeg_bytes(size=(60, 80)))
    db.session.add_all([AgentPhoto(user_id=holder.id, jpeg=photo) for holder in holders + [stranger]])
    passes = [issue_pass(None, holder) for holder in holders + [stranger]]
    _visit(holders[5], site_a, NEW_YEAR_EVE_2025)
    _visit(holders[0], site_a, NEW_YEAR_2026, passes[0])
    _visit(holders[1], site_a, SPRING_FORWARD)  # no pass kept: the office is the holder's
    online = _visit(holders[2], site_a, JUNE_30_NOON, passes[2])
    _scan(staff_a, JUNE_30_NOON, pass_=passes[2], visit=online, offline_verdict=ScanStatus.admitted)
    conflict = _visit(holders[3], site_a, JUNE_30_LATE, passes[3])
    _scan(staff_a, JUNE_30_LATE, pass_=passes[3], visit=conflict, offline_verdict=ScanStatus.admitted,
          conflict=True, reason="revoked")
    override = _visit(holders[4], site_a, JULY_1_EARLY, passes[4])
    _scan(staff_a, JULY_1_EARLY, pass_=passes[4], visit=override, override=True, reason="outside_accepted_period")
    _scan(staff_a, MAY_10, pass_=passes[5], undone_at=MAY_10, undone_by_id=staff_a.id)
    _scan(staff_a, JULY_2, pass_=passes[2], offline_verdict=ScanStatus.admitted, conflict=True,
          reason="already_visited")
    # Site B: the stranger, on the same days, and a conflict of its own.
    stranger_visit = _visit(stranger, site_b, JUNE_30_NOON, passes[6])
    _scan(staff_b, JUNE_30_NOON, pass_=passes[6], visit=stranger_visit, offline_verdict=ScanStatus.admitted)
    _visit(holders[0], site_b, JULY_1_EARLY, passes[0])
    _scan(staff_b, JULY_2, pass_=passes[6], offline_verdict=ScanStatus.admitted, conflict=True,
          reason="already_visited")
    db.session.commit()
    return SimpleNamespace(site_a=site_a, site_b=site_b, staff_a=staff_a, staff_b=staff_b, holders=holders,
                           stranger=stranger, office=office, other_office=other_office)
