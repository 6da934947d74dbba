"""The training ledger: over the rolling 3 years ending today, an agent's hours of training, partner
visits and eductours against the Qualité Tourisme target, pro rata of working time and contract days.

Hours come from SOURCES, functions (user_ids, since, until) -> [Line]; eductours are one more source.
"""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Callable, Optional

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..accounts.models import Role, User
from ..collation import by_name
from ..eductours.attendance import attended_stops
from ..extensions import db
from ..hours.api import agent_start, visit_minutes
from ..hours.models import OtherVisit
from ..partners.models import Partner
from ..timeutil import PARIS
from ..visits.models import Visit
from .settings import work_settings
from .models import Service, TrainingEntry, WorkSettings

#: Full-time targets over 3 years (seed 003): front desk 150 h, half accredited; other services 75 h, accredited.
TARGET_MINUTES = {Service.front_desk: 150 * 60, Service.other: 75 * 60}
YEARS = 3

TRAINING, VISIT, OTHER_VISIT, EDUCTOUR = "training", "visit", "other_visit", "eductour"
KIND_LABELS = {TRAINING: _l("Formation"), VISIT: _l("Visite avec le pass"),
               OTHER_VISIT: _l("Visite sans le pass"), EDUCTOUR: _l("Éductour")}


@dataclass
class Line:
    """One piece of evidence: a training entry, a visit, an eductour stop."""

    user_id: int
    day: date
    kind: str
    title: str
    minutes: int
    accredited: bool = False
    detail: str = ""  # organisation, commune, programme...
    estimated: bool = False  # a pass visit of a site with no typical length
    entry: Optional[TrainingEntry] = None  # training lines: the row (certificate, delete)

    @property
    def kind_label(self):
        return KIND_LABELS[self.kind]


@dataclass
class Ledger:
    agent: User
    settings: WorkSettings
    since: date
    until: date
    #: Days of the window under contract (the target's pro rata), out of window_days.
    contract_days: int
    window_days: int
    lines: list = field(default_factory=list)  # Line, most recent first

    def minutes_of(self, kind: str) -> int:
        return sum(line.minutes for line in self.lines if line.kind == kind)

    @property
    def total_minutes(self) -> int:
        return sum(line.minutes for line in self.lines)

    @property
    def accredited_minutes(self) -> int:
        return sum(line.minutes for line in self.lines if line.accredited)

    @property
    def full_target_minutes(self) -> int:
        return TARGET_MINUTES[self.settings.service]

    @property
    def target_minutes(self) -> int:
        """150 h or 75 h × working time × share of the 3 years under contract, to the minute."""
        return round(self.full_target_minutes * self.settings.working_percent / 100
                     * self.contract_days / self.window_days)

    @property
    def accredited_target_minutes(self) -> int:
        """Half the target for the front desk; all of it for the other services (seed 003)."""
        if self.settings.service is Service.other:
            return self.target_minutes
        return round(self.target_minutes / 2)

    @property
    def missing_minutes(self) -> int:
        """Hours still needed: the larger of the total's and the accredited part's shortfalls."""
        return max(0, self.target_minutes - self.total_minutes,
                   self.accredited_target_minutes - self.accredited_minutes)

    @property
    def on_track(self) -> bool:
        return self.missing_minutes == 0

    @property
    def percent(self) -> int:
        return 100 if not self.target_minutes else min(100, round(100 * self.total_minutes / self.target_minutes))

    @property
    def accredited_percent(self) -> int:
        target = self.accredited_target_minutes
        return 100 if not target else min(100, round(100 * self.accredited_minutes / target))


def window(today: date) -> tuple[date, date]:
    """The rolling 3 years ending today, both days included (29 February falls back to the 28th)."""
    try:
        start = today.replace(year=today.year - YEARS)
    except ValueError:
        start = today.replace(year=today.year - YEARS, day=28)
    return start + timedelta(days=1), today


def contract_days(agent: User, since: date, until: date) -> int:
    """Days of [since, until] the agent was under contract (a seasonal contract counts only its own)."""
    first = max(since, agent_start(agent))
    last = min(until, agent.contract_end or until)
    return max(0, (last - first).days + 1)


def training_lines(user_ids: list[int], since: date, until: date) -> list[Line]:
    entries = TrainingEntry.query.filter(TrainingEntry.user_id.in_(user_ids),
                                         TrainingEntry.trained_on.between(since, until)).all()
    return [Line(e.user_id, e.trained_on, TRAINING, e.title, e.minutes, e.accredited, e.organisation, entry=e)
            for e in entries]


def visit_lines(user_ids: list[int], since: date, until: date) -> list[Line]:
    """Pass visits, each counted with its site's typical length as hours/api.py counts it."""
    start = datetime.combine(since, time(), PARIS).astimezone(timezone.utc).replace(tzinfo=None)
    end = datetime.combine(until + timedelta(days=1), time(), PARIS).astimezone(timezone.utc).replace(tzinfo=None)
    rows = db.session.execute(select(Visit, Partner).join(Partner, Partner.id == Visit.partner_id).where(
        Visit.user_id.in_(user_ids), Visit.admitted_at >= start, Visit.admitted_at < end)).all()
    lines = []
    for visit, partner in rows:
        minutes, estimated = visit_minutes(partner)
        day = visit.admitted_at.replace(tzinfo=timezone.utc).astimezone(PARIS).date()
        lines.append(Line(visit.user_id, day, VISIT, partner.name, minutes, detail=partner.commune,
                          estimated=estimated))
    return lines


def other_visit_lines(user_ids: list[int], since: date, until: date) -> list[Line]:
    """Visits without the pass recorded by the OT admin, with their own duration."""
    rows = db.session.execute(select(OtherVisit, Partner).join(Partner, Partner.id == OtherVisit.partner_id).where(
        OtherVisit.user_id.in_(user_ids), OtherVisit.visited_on.between(since, until))).all()
    return [Line(other.user_id, other.visited_on, OTHER_VISIT, partner.name, other.minutes,
                 detail=other.note or partner.commune) for other, partner in rows]


def eductour_lines(user_ids: list[int], since: date, until: date) -> list[Line]:
    """Eductour stops attended, each counting its programme times (passresot/eductours)."""
    return [Line(stop.user_id, stop.day, EDUCTOUR, stop.partner_name, stop.minutes, detail=stop.programme_title)
            for stop in attended_stops(user_ids, since, until)]


#: Where the ledger's hours come from.
SOURCES: list[Callable[[list, date, date], list]] = [training_lines, visit_lines, other_visit_lines, eductour_lines]


def _ledgers(agents: list[User], today: date) -> list[Ledger]:
    since, until = window(today)
    ids = [agent.id for agent in agents]
    settings = {s.user_id: s for s in WorkSettings.query.filter(WorkSettings.user_id.in_(ids))} if ids else {}
    by_agent = {agent.id: [] for agent in agents}
    for source in SOURCES:
        for line in (source(ids, since, until) if ids else []):
            by_agent[line.user_id].append(line)
    ledgers = []
    for agent in agents:
        lines = sorted(by_agent[agent.id], key=lambda line: (line.day, line.kind, line.title), reverse=True)
        ledgers.append(Ledger(agent, settings.get(agent.id) or work_settings(agent.id), since, until,
                              contract_days(agent, since, until), (until - since).days + 1, lines))
    return ledgers


def agent_ledger(agent: User, today: date) -> Ledger:
    """The agent's ledger over the 3 years ending `today`."""
    return _ledgers([agent], today)[0]


def office_ledger(office_id: int, today: date) -> list[Ledger]:
    """The office's active agents' ledgers, those behind first (most hours missing first), then by name."""
    agents = by_name(User.query.filter(User.office_id == office_id, User.role == Role.agent,
                                       User.active.is_(True)).all(), "last_name", "first_name")
    ledgers = _ledgers(agents, today)
    order = {ledger.agent.id: n for n, ledger in enumerate(ledgers)}
    return sorted(ledgers, key=lambda ledger: (-ledger.missing_minutes, order[ledger.agent.id]))
