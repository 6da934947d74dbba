"""What routes call for partner-visit hours: an agent's year, other visits, an office's participation.

Each pass visit counts the site's typical visit length (Partner.visit_minutes); when the site has
none, DEFAULT_VISIT_MINUTES is counted and shown as an estimate ("durée estimée"). Other partner
visits (eductours, visits without the pass) count their own recorded duration.
"""
from dataclasses import dataclass, field
from datetime import date
from typing import Optional

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..accounts.models import Role, User
from ..audit.api import record_event
from ..collation import by_name
from ..eductours.attendance import attended_stops
from ..extensions import db
from ..i18n import day_text
from ..partners.models import Partner
from ..timeutil import paris_today
from ..training.settings import administrative_ids
from ..visits.models import Visit
from .exceptions import InvalidOtherVisit
from .models import OtherVisit

#: Qualité Tourisme: at least 14 hours of partner visits per person and year.
TARGET_MINUTES = 14 * 60
#: Counted for a pass visit of a site whose typical visit length is unknown.
DEFAULT_VISIT_MINUTES = 60
#: Other visits recorded for one agent on one day add up to 24 h at most.
MAX_MINUTES_A_DAY = 24 * 60
#: Why an agent set « purement administratif » (training/) is out of the 14-hour target (seed 003).
EXCLUDED_REASON = _l("Personnel purement administratif : non concerné par les 14 h de visites.")


@dataclass
class YearHours:
    """An agent's partner-visit time in one calendar year."""

    year: int
    visits: list = field(default_factory=list)  # (Visit, minutes, estimated)
    other_visits: list = field(default_factory=list)  # OtherVisit
    #: Why the agent is out of the 14-hour target (purely administrative staff), else None.
    excluded_reason: Optional[str] = None
    #: Eductour stops attended (eductours.attendance.AttendedStop), each counting its programme times.
    eductours: list = field(default_factory=list)

    @property
    def pass_minutes(self) -> int:
        return sum(minutes for _visit, minutes, _estimated in self.visits)

    @property
    def other_minutes(self) -> int:
        return sum(other.minutes for other in self.other_visits)

    @property
    def eductour_minutes(self) -> int:
        return sum(stop.minutes for stop in self.eductours)

    @property
    def total_minutes(self) -> int:
        return self.pass_minutes + self.other_minutes + self.eductour_minutes

    @property
    def has_estimate(self) -> bool:
        return any(estimated for _visit, _minutes, estimated in self.visits)

    @property
    def target_minutes(self) -> int:
        return TARGET_MINUTES

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.total_minutes / TARGET_MINUTES))


def visit_minutes(partner: Partner) -> tuple[int, bool]:
    """(minutes counted for a pass visit of `partner`, whether it is the default estimate)."""
    if partner.visit_minutes:
        return partner.visit_minutes, False
    return DEFAULT_VISIT_MINUTES, True


def agent_hours(agent_id: int, year: int) -> YearHours:
    """The agent's pass visits and other partner visits of `year`, with their minutes."""
    visits = (Visit.query.options(joinedload(Visit.partner))
              .filter(Visit.user_id == agent_id, Visit.year == year)
              .order_by(Visit.admitted_at).all())
    others = (OtherVisit.query.options(joinedload(OtherVisit.partner))
              .filter(OtherVisit.user_id == agent_id, OtherVisit.visited_on >= date(year, 1, 1),
                      OtherVisit.visited_on <= date(year, 12, 31))
              .order_by(OtherVisit.visited_on, OtherVisit.id).all())
    return YearHours(year, [(visit, *visit_minutes(visit.partner)) for visit in visits], others,
                     EXCLUDED_REASON if administrative_ids([agent_id]) else None,
                     eductours=attended_stops([agent_id], date(year, 1, 1), date(year, 12, 31)))


def partners_not_visited(agent_id: int, year: int) -> list[Partner]:
    """Active partners the agent has not visited with the pass in `year`, in French order of name."""
    visited = select(Visit.partner_id).where(Visit.user_id == agent_id, Visit.year == year)
    return by_name(Partner.query.filter(Partner.active.is_(True), Partner.id.not_in(visited)).all(),
                   "name", "commune")


def record_other_visit(admin: User, agent: User, *, partner_id, visited_on, minutes, note="",
                       today: Optional[date] = None) -> OtherVisit:
    """The OT admin records an eductour or a visit without the pass for an agent of their office."""
    if admin.role is not Role.office_admin or agent.role is not Role.agent or agent.office_id != admin.office_id:
        raise InvalidOtherVisit(_l("Cet agent n'est pas de votre office."))
    fields = {}
    partner = db.session.get(Partner, partner_id) if isinstance(partner_id, int) else None
    if partner is None:
        fields["partner_id"] = _l("Choisissez un site partenaire.")
    _check_day(agent, visited_on, today or paris_today(), fields)
    if not isinstance(minutes, int) or not 5 <= minutes <= 1440:
        fields["minutes"] = _l("Durée en minutes, entre 5 et 1440.")
    elif "visited_on" not in fields:
        already = recorded_minutes_on(agent.id, visited_on)
        if already + minutes > MAX_MINUTES_A_DAY:
            fields["minutes"] = _l("Cet agent a déjà %(h)s h %(m)02d de visites ce jour-là : "
                                   "24 h par jour au plus.", h=already // 60, m=already % 60)
    note = (note or "").strip()
    if len(note) > 200:
        fields["note"] = _l("200 caractères au plus.")
    if fields:
        raise InvalidOtherVisit(fields=fields)
    other = OtherVisit(user_id=agent.id, partner_id=partner.id, visited_on=visited_on, minutes=minutes,
                       note=note, recorded_by_id=admin.id)
    db.session.add(other)
    db.session.flush()
    record_event(admin, "other_visit.recorded", "user", agent.id, other_visit_id=other.id,
                 partner_id=partner.id, visited_on=visited_on.isoformat(), minutes=minutes)
    return other


def _check_day(agent: User, visited_on, today: date, fields: dict) -> None:
    """A visit day between the agent's start (contract, else account) and today: past years'
    figures cannot be rewritten with days the agent was not there."""
    problem = day_in_service_error(
        agent, visited_on, today, invalid=_l("Date invalide."), future=_l("La visite ne peut pas être dans le futur."),
        before_start=lambda start: _l("La visite ne peut pas précéder l'arrivée de l'agent (%(start)s).", start=start))
    if problem:
        fields["visited_on"] = problem


def day_in_service_error(agent: User, day, today: date, *, invalid, future, before_start):
    """The message for a day that is no date, in the future, or before the agent's start
    (`before_start(start_text)`); None for a day the agent was on staff. Visits and training alike."""
    if not isinstance(day, date):
        return invalid
    if day > today:
        return future
    if day < agent_start(agent):
        return before_start(day_text(agent_start(agent), "d MMM y"))
    return None


def agent_start(agent: User) -> date:
    """The first day the agent can have visited as staff: the contract's start, else the account's creation."""
    return agent.contract_start or agent.created_at.date()


def recorded_minutes_on(agent_id: int, day: date) -> int:
    """Minutes of other visits already recorded for the agent on `day`."""
    return int(db.session.scalar(select(func.coalesce(func.sum(OtherVisit.minutes), 0))
                                 .where(OtherVisit.user_id == agent_id, OtherVisit.visited_on == day)))


def delete_other_visit(admin: User, other: OtherVisit) -> None:
    """Remove a visit recorded by mistake (the audit trail keeps it)."""
    record_event(admin, "other_visit.deleted", "user", other.user_id, other_visit_id=other.id,
                 partner_id=other.partner_id, visited_on=other.visited_on.isoformat(), minutes=other.minutes)
    db.session.delete(other)
    db.session.flush()


def office_participation(office_id: int, year: int) -> list[dict]:
    """Each active agent of the office with this year's visits and minutes: {agent, visits, pass_minutes,
    other_minutes, eductour_minutes, total_minutes, excluded_reason}, by name. Five queries whatever the
    number of agents;
    `excluded_reason` is set for purely administrative agents, who are out of the 14-hour target."""
    agents = (User.query.filter(User.office_id == office_id, User.role == Role.agent, User.active.is_(True))
              .all())
    agents = by_name(agents, "last_name", "first_name")
    ids = [agent.id for agent in agents]
    if not ids:
        return []
    minutes = func.coalesce(Partner.visit_minutes, DEFAULT_VISIT_MINUTES)
    visits = dict(((user_id, (count, total)) for user_id, count, total in db.session.execute(
        select(Visit.user_id, func.count(), func.sum(minutes)).join(Partner, Partner.id == Visit.partner_id)
        .where(Visit.user_id.in_(ids), Visit.year == year).group_by(Visit.user_id))))
    others = dict(db.session.execute(
        select(OtherVisit.user_id, func.sum(OtherVisit.minutes))
        .where(OtherVisit.user_id.in_(ids), OtherVisit.visited_on >= date(year, 1, 1),
               OtherVisit.visited_on <= date(year, 12, 31)).group_by(OtherVisit.user_id)).tuples().all())
    eductours = {}
    for stop in attended_stops(ids, date(year, 1, 1), date(year, 12, 31)):
        eductours[stop.user_id] = eductours.get(stop.user_id, 0) + stop.minutes
    administrative = administrative_ids(ids)
    rows = []
    for agent in agents:
        count, pass_minutes = visits.get(agent.id, (0, 0))
        other, eductour = int(others.get(agent.id) or 0), eductours.get(agent.id, 0)
        rows.append({"agent": agent, "visits": count, "pass_minutes": int(pass_minutes or 0),
                     "other_minutes": other, "eductour_minutes": eductour,
                     "total_minutes": int(pass_minutes or 0) + other + eductour,
                     "excluded_reason": EXCLUDED_REASON if agent.id in administrative else None})
    return rows
