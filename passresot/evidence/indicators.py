"""The twice-yearly indicator review: per office and half-year, agents, the 14 h share, hours, reports.

The 14 h share is pro-rated: an agent counts as "at target" for a half-year when their partner-visit
hours within it reach 7 h (14 h × 6/12). Agents are the office's open agent accounts that are not
purely administrative; hours and reports count every agent of the office.
"""
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import func, select

from ..accounts.models import Role, User
from ..extensions import db
from ..hours.api import TARGET_MINUTES, visit_minutes
from ..hours.models import OtherVisit
from ..offices.models import Office
from ..partners.models import Partner
from ..reports.deadlines import handling_deadline
from ..reports.models import Report
from ..timeutil import PARIS
from ..training.settings import administrative_ids
from ..visits.models import Visit

HALF_TARGET_MINUTES = TARGET_MINUTES // 2


@dataclass(frozen=True)
class Half:
    year: int
    number: int  # 1: January–June, 2: July–December

    @property
    def since(self) -> date:
        return date(self.year, 1 if self.number == 1 else 7, 1)

    @property
    def until(self) -> date:
        return date(self.year, 6, 30) if self.number == 1 else date(self.year, 12, 31)

    def previous(self) -> "Half":
        return Half(self.year, 1) if self.number == 2 else Half(self.year - 1, 2)

    @property
    def key(self) -> str:
        return f"{self.year}-{self.number}"


def current_half(today: date) -> Half:
    return Half(today.year, 1 if today.month <= 6 else 2)


def parse_half(raw, today: date) -> Half:
    """"2026-2" → the half; anything else (or a future half) → the current one."""
    try:
        year, number = (int(part) for part in (raw or "").split("-"))
        half = Half(year, number)
        if number in (1, 2) and 2000 <= year and half.since <= today:
            return half
    except ValueError:
        pass
    return current_half(today)


@dataclass
class OfficeHalf:
    office: Office
    agents: int = 0
    at_target: int = 0
    minutes: int = 0
    reports: int = 0
    within: int = 0

    @property
    def share_at_target(self):
        return round(100 * self.at_target / self.agents) if self.agents else None

    @property
    def share_within(self):
        return round(100 * self.within / self.reports) if self.reports else None


def _utc(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=PARIS).astimezone(timezone.utc).replace(tzinfo=None)


def half_indicators(half: Half) -> dict[int, OfficeHalf]:
    """office id → the half-year's figures, for every open office: five queries whatever the network's size."""
    offices = Office.query.filter(Office.active.is_(True)).all()
    result = {office.id: OfficeHalf(office) for office in offices}
    agents = db.session.execute(select(User.id, User.office_id, User.active).where(
        User.role == Role.agent, User.office_id.in_(list(result)))).all()
    office_of = {row.id: row.office_id for row in agents}
    start, end = _utc(half.since), _utc(half.until + timedelta(days=1))
    minutes: dict[int, int] = {}
    partners = {partner.id: partner for partner in Partner.query.all()}
    for user_id, partner_id, count in db.session.execute(
            select(Visit.user_id, Visit.partner_id, func.count()).where(
                Visit.admitted_at >= start, Visit.admitted_at < end, Visit.user_id.in_(list(office_of)))
            .group_by(Visit.user_id, Visit.partner_id)):
        minutes[user_id] = minutes.get(user_id, 0) + count * visit_minutes(partners[partner_id])[0]
    for user_id, total in db.session.execute(
            select(OtherVisit.user_id, func.sum(OtherVisit.minutes)).where(
                OtherVisit.visited_on.between(half.since, half.until), OtherVisit.user_id.in_(list(office_of)))
            .group_by(OtherVisit.user_id)):
        minutes[user_id] = minutes.get(user_id, 0) + int(total)
    administrative = administrative_ids(list(office_of))
    for row in agents:
        figures = result[row.office_id]
        figures.minutes += minutes.get(row.id, 0)
        if row.active and row.id not in administrative:
            figures.agents += 1
            figures.at_target += minutes.get(row.id, 0) >= HALF_TARGET_MINUTES
    for user_id, received_at, handled_at in db.session.execute(
            select(Report.user_id, Report.received_at, Report.handled_at).where(
                Report.received_at >= start, Report.received_at < end, Report.user_id.in_(list(office_of)))):
        figures = result[office_of[user_id]]
        figures.reports += 1
        figures.within += bool(handled_at and handled_at <= handling_deadline(received_at, public_holidays=True))
    return result


def review(half: Half) -> list[tuple[OfficeHalf, OfficeHalf]]:
    """(this half, the previous half) per office, by office name."""
    now, before = half_indicators(half), half_indicators(half.previous())
    rows = [(now[office_id], before[office_id]) for office_id in now]
    return sorted(rows, key=lambda pair: pair[0].office.name.lower())
