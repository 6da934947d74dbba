"""What the network dashboard and its exports call: one function per figure, counted in SQL.

Every function aggregates with GROUP BY in the database and returns at most a few thousand
grouped rows (one per office, partner or month), never the visits themselves. Agents counted in a
year are the active agents plus those no longer active who visited that year (R4: a returned pass
keeps its visits in the statistics).
"""
import heapq
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Optional

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, literal, or_, select, union_all

from ..accounts.models import AgentKind, Role, User
from ..collation import french_key
from ..extensions import db
from ..hours.api import DEFAULT_VISIT_MINUTES, TARGET_MINUTES
from ..hours.models import OtherVisit
from ..offices.models import Office
from ..partners.models import Partner
from ..reports.models import Report, ReportStatus
from ..timeutil import PARIS, paris_today
from ..visits.models import Scan, Visit
from .exceptions import InvalidYear

#: The scheme went digital in 2020 at the earliest: no year before has any data.
FIRST_YEAR = 2020
#: How many partners the dashboard lists (the exports have them all).
TOP_PARTNERS = 20


def parse_year(raw: Optional[str], today: Optional[date] = None) -> int:
    """The year asked for in a query string; this year when none. InvalidYear with a message otherwise."""
    this_year = (today or paris_today()).year
    if raw is None or raw == "":
        return this_year
    text = raw.strip()
    if not (text.isascii() and text.isdigit() and len(text) == 4) or not FIRST_YEAR <= int(text) <= this_year:
        raise InvalidYear(_l("Année invalide : choisissez une année entre %(first)s et %(last)s.",
                             first=FIRST_YEAR, last=this_year))
    return int(text)


def year_choices(today: Optional[date] = None) -> list[int]:
    """The years the selector offers, newest first."""
    return list(range((today or paris_today()).year, FIRST_YEAR - 1, -1))


def _paris_month_starts(year: int) -> list[datetime]:
    """Naive UTC instants where each Paris month of `year - 1` and `year` starts, and where `year` ends."""
    starts = [datetime(y, m, 1, tzinfo=PARIS) for y in (year - 1, year) for m in range(1, 13)]
    starts.append(datetime(year + 1, 1, 1, tzinfo=PARIS))
    return [start.astimezone(timezone.utc).replace(tzinfo=None) for start in starts]


def visits_by_month(year: int) -> list[tuple[int, int, int]]:
    """(month 1–12, visits in `year`, visits in the year before), all twelve months, by the Paris calendar.

    One count per month over an admitted_at range (UTC bounds of the Paris month computed here): each
    is an index-only range scan of ix_visits_admitted_at, far cheaper at a million visits than
    converting every timestamp to Paris time and grouping."""
    bounds = _paris_month_starts(year)
    counts = union_all(*(select(literal(index).label("bucket"), func.count().label("visits"))
                         .where(Visit.admitted_at >= bounds[index], Visit.admitted_at < bounds[index + 1])
                         for index in range(24)))
    found = dict(db.session.execute(counts).tuples().all())
    return [(m, found.get(11 + m, 0), found.get(m - 1, 0)) for m in range(1, 13)]


def _minutes_per_agent(year: int):
    """Subquery: each agent's visits and partner-visit minutes of `year` (pass visits and other visits)."""
    minutes = func.coalesce(Partner.visit_minutes, DEFAULT_VISIT_MINUTES)
    passes = (select(Visit.user_id.label("user_id"), func.count().label("visits"), func.sum(minutes).label("minutes"))
              .join(Partner, Partner.id == Visit.partner_id).where(Visit.year == year).group_by(Visit.user_id))
    others = (select(OtherVisit.user_id, literal(0), func.sum(OtherVisit.minutes))
              .where(OtherVisit.visited_on.between(date(year, 1, 1), date(year, 12, 31)))
              .group_by(OtherVisit.user_id))
    both = union_all(passes, others).subquery()
    return (select(both.c.user_id, func.sum(both.c.visits).label("visits"), func.sum(both.c.minutes).label("minutes"))
            .group_by(both.c.user_id).subquery())


@dataclass
class AgentFigures:
    """Agents counted, those with at least one pass visit, their visits and those at the 14 h target."""

    agents: int = 0
    participants: int = 0
    visits: int = 0
    at_target: int = 0
    minutes: int = 0

    def add(self, other: "AgentFigures") -> None:
        for name in ("agents", "participants", "visits", "at_target", "minutes"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def participation(self) -> float:
        """Share of agents with at least one visit, in percent (0 when there are no agents)."""
        return round(100 * self.participants / self.agents, 1) if self.agents else 0.0

    @property
    def target_share(self) -> float:
        return round(100 * self.at_target / self.agents, 1) if self.agents else 0.0

    @property
    def average_hours(self) -> float:
        return round(self.minutes / 60 / self.agents, 1) if self.agents else 0.0


def agent_figures(year: int) -> list[tuple[int, str, Optional[AgentKind], AgentFigures]]:
    """(office id, office name, kind, figures) for every office and kind of staff that has agents."""
    per_agent = _minutes_per_agent(year)
    visits = func.coalesce(per_agent.c.visits, 0)
    query = (select(Office.id, Office.name, User.kind, func.count(),
                    func.count(case((visits > 0, 1))), func.sum(visits),
                    func.count(case((per_agent.c.minutes >= TARGET_MINUTES, 1))),
                    func.sum(func.coalesce(per_agent.c.minutes, 0)))
             .select_from(User).join(Office, Office.id == User.office_id)
             .outerjoin(per_agent, per_agent.c.user_id == User.id)
             .where(User.role == Role.agent, or_(User.active.is_(True), per_agent.c.user_id.is_not(None)))
             .group_by(Office.id, Office.name, User.kind))
    return [(office_id, name, kind, AgentFigures(*(int(value or 0) for value in figures)))
            for office_id, name, kind, *figures in db.session.execute(query)]


def by_office(rows) -> list[tuple[str, AgentFigures]]:
    """`agent_figures` rows summed per office, by name (offices without agents are left out)."""
    offices: dict[int, tuple[str, AgentFigures]] = {}
    for office_id, name, _kind, figures in rows:
        offices.setdefault(office_id, (name, AgentFigures()))[1].add(figures)
    return sorted(offices.values(), key=lambda item: french_key(item[0]))


def by_kind(rows) -> list[tuple[AgentKind, AgentFigures]]:
    """`agent_figures` rows summed per kind of staff: permanent, then seasonal."""
    kinds = {kind: AgentFigures() for kind in AgentKind}
    for _office_id, _name, kind, figures in rows:
        if kind is not None:
            kinds[kind].add(figures)
    return list(kinds.items())


def network_total(rows) -> AgentFigures:
    total = AgentFigures()
    for *_key, figures in rows:
        total.add(figures)
    return total


def visits_by_partner(year: int, limit: Optional[int] = None) -> list[tuple[str, str, int]]:
    """(partner name, commune, visits in `year`) of the partners visited, most visited first."""
    counts = (select(Visit.partner_id, func.count().label("visits")).where(Visit.year == year)
              .group_by(Visit.partner_id).order_by(func.count().desc(), Visit.partner_id))
    if limit:
        counts = counts.limit(limit)
    counts = counts.subquery()
    query = select(Partner.name, Partner.commune, counts.c.visits).join(counts, counts.c.partner_id == Partner.id)
    rows = [tuple(row) for row in db.session.execute(query)]
    return sorted(rows, key=lambda row: (-row[2], french_key(row[0]), french_key(row[1])))


def _unvisited(year: int):
    visited = select(Visit.id).where(Visit.partner_id == Partner.id, Visit.year == year)
    return and_(Partner.active.is_(True), ~visited.exists())


def partners_counts(year: int) -> tuple[int, int]:
    """(active partners, active partners never visited in `year`)."""
    active, unvisited = db.session.execute(
        select(func.count(), func.count(case((_unvisited(year), 1)))).where(Partner.active.is_(True))).one()
    return active, unvisited


def partners_not_visited(year: int, limit: Optional[int] = None) -> list[tuple[str, str]]:
    """(name, commune) of the active partners nobody visited with the pass in `year`, in French order of
    name (sorted here, the same on every engine: 50,000 names take a tenth of a second)."""
    query = select(Partner.name, Partner.commune).where(_unvisited(year)).order_by(Partner.id)
    rows = [tuple(row) for row in db.session.execute(query)]
    key = lambda row: (french_key(row[0]), french_key(row[1]))  # noqa: E731
    return heapq.nsmallest(limit, rows, key=key) if limit else sorted(rows, key=key)


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    return datetime(year, 1, 1), datetime(year + 1, 1, 1)


def scan_flags(year: int) -> tuple[int, int]:
    """(conflicts, overrides) among the scans received in `year` (UTC bounds)."""
    start, end = _year_bounds(year)
    conflicts, overrides = db.session.execute(
        select(func.count(case((Scan.conflict, 1))), func.count(case((Scan.override, 1))))
        .where(or_(Scan.conflict, Scan.override), Scan.received_at >= start, Scan.received_at < end)).one()
    return conflicts, overrides


def reports_by_status(year: int) -> list[tuple[ReportStatus, int]]:
    """(status, reports received in `year`) for every status, new first."""
    start, end = _year_bounds(year)
    counts = dict(db.session.execute(
        select(Report.status, func.count()).where(Report.received_at >= start, Report.received_at < end)
        .group_by(Report.status)).tuples().all())
    return [(status, counts.get(status, 0)) for status in ReportStatus]
