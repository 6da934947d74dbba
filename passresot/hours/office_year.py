"""An office's year of partner visits for its OT admin: hours per agent towards the 14 h, every
visit, the partners visited, as tables for the CSV/XLSX exports and the printed yearly sheet.

The year counts every agent of the office who was active or visited in it: a seasonal agent
whose account closed in October still counts their summer's visits.
"""
from dataclasses import dataclass
from datetime import date, timezone

from flask_babel import gettext as _
from sqlalchemy import or_, select

from ..accounts.models import Role, User
from ..agents.listing import french_key
from ..exports import Table
from ..extensions import db
from ..partners.models import Partner
from ..timeutil import PARIS
from ..visits.models import Visit
from ..training.settings import administrative_ids
from .api import TARGET_MINUTES, visit_minutes
from .models import OtherVisit

#: Export name → what it holds; the names appear in the URLs (/office/overview/<name>.csv).
TABLES = ("hours", "visits")


@dataclass
class VisitLine:
    day: date
    agent: User
    partner: Partner
    minutes: int
    estimated: bool
    other: bool  # an eductour or a visit without the pass, recorded by the admin
    note: str = ""


@dataclass
class AgentYear:
    agent: User
    visits: int = 0  # with the pass
    pass_minutes: int = 0
    other_minutes: int = 0
    #: Purely administrative (training/ settings): out of the 14-hour target, shown as « non concerné ».
    excluded: bool = False

    @property
    def total_minutes(self) -> int:
        return self.pass_minutes + self.other_minutes


@dataclass
class OfficeYear:
    year: int
    agents: list  # AgentYear, by French name order
    lines: list  # VisitLine, by day then name

    @property
    def participating(self) -> int:
        return sum(1 for row in self.agents if row.visits)

    @property
    def reached(self) -> int:
        return sum(1 for row in self.agents if row.total_minutes >= TARGET_MINUTES and not row.excluded)

    @property
    def visits(self) -> int:
        return sum(row.visits for row in self.agents)

    @property
    def total_minutes(self) -> int:
        return sum(row.total_minutes for row in self.agents)

    def partners(self) -> list[tuple[Partner, int, int]]:
        """(partner, visits with the pass, agents who came) by visits, most first."""
        counts: dict[int, list] = {}
        for line in self.lines:
            if not line.other:
                entry = counts.setdefault(line.partner.id, [line.partner, 0, set()])
                entry[1] += 1
                entry[2].add(line.agent.id)
        rows = [(partner, visits, len(agents)) for partner, visits, agents in counts.values()]
        return sorted(rows, key=lambda row: (-row[1], french_key(row[0].name)))


def office_year(office_id: int, year: int) -> OfficeYear:
    """The office's agents and visits of `year`: four queries whatever the size of the office."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    visited = select(Visit.user_id).where(Visit.year == year)
    recorded = select(OtherVisit.user_id).where(OtherVisit.visited_on.between(first, last))
    agents = User.query.filter(User.office_id == office_id, User.role == Role.agent,
                               or_(User.active.is_(True), User.id.in_(visited), User.id.in_(recorded))).all()
    excluded = administrative_ids([agent.id for agent in agents])
    by_id = {agent.id: AgentYear(agent, excluded=agent.id in excluded) for agent in agents}
    lines = []
    rows = db.session.execute(select(Visit, Partner).join(Partner, Partner.id == Visit.partner_id)
                              .where(Visit.year == year, Visit.user_id.in_(list(by_id)))).all()
    for visit, partner in rows:
        minutes, estimated = visit_minutes(partner)
        row = by_id[visit.user_id]
        row.visits += 1
        row.pass_minutes += minutes
        lines.append(VisitLine(_paris_day(visit.admitted_at), row.agent, partner, minutes, estimated, False))
    others = db.session.execute(select(OtherVisit, Partner).join(Partner, Partner.id == OtherVisit.partner_id)
                                .where(OtherVisit.visited_on.between(first, last),
                                       OtherVisit.user_id.in_(list(by_id)))).all()
    for other, partner in others:
        row = by_id[other.user_id]
        row.other_minutes += other.minutes
        lines.append(VisitLine(other.visited_on, row.agent, partner, other.minutes, False, True, other.note or ""))
    name = lambda agent: (french_key(agent.last_name), french_key(agent.first_name), agent.id)  # noqa: E731
    lines.sort(key=lambda line: (line.day, name(line.agent)))
    return OfficeYear(year, sorted(by_id.values(), key=lambda row: name(row.agent)), lines)


def _paris_day(moment) -> date:
    return moment.replace(tzinfo=timezone.utc).astimezone(PARIS).date()


def _hours(minutes: int) -> float:
    return round(minutes / 60, 2)


def hours_table(data: OfficeYear) -> Table:
    """One line an agent: visits and hours of the year, and whether the 14 h are reached."""
    columns = [_("Nom"), _("Prénom"), _("E-mail"), _("Contrat"), _("Compte"), _("Visites avec le pass"),
               _("Heures avec le pass"), _("Heures d'autres visites"), _("Heures au total"), _("Objectif 14 h")]
    rows = [(row.agent.last_name, row.agent.first_name, row.agent.email, str(row.agent.kind.label),
             _("ouvert") if row.agent.active else _("fermé"), row.visits, _hours(row.pass_minutes),
             _hours(row.other_minutes), _hours(row.total_minutes),
             _("non concerné (administratif)") if row.excluded
             else _("atteint") if row.total_minutes >= TARGET_MINUTES else _("pas encore"))
            for row in data.agents]
    return Table(_("Heures %(year)s", year=data.year), columns, rows)


def visits_table(data: OfficeYear) -> Table:
    """One line a visit: with the pass, or recorded by the admin (eductour, visit without the pass)."""
    columns = [_("Date"), _("Nom"), _("Prénom"), _("Partenaire"), _("Commune"), _("Visite"), _("Heures"),
               _("Durée estimée"), _("Note")]
    rows = [(line.day, line.agent.last_name, line.agent.first_name, line.partner.name, line.partner.commune,
             _("autre visite") if line.other else _("avec le pass"), _hours(line.minutes),
             _("oui") if line.estimated else _("non"), line.note)
            for line in data.lines]
    return Table(_("Visites %(year)s", year=data.year), columns, rows)


def export_table(name: str, data: OfficeYear) -> Table:
    return hours_table(data) if name == "hours" else visits_table(data)
