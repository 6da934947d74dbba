"""The pack's sections for one office and a period: each a title, a table for the PDF and a CSV file
(the training and eductour sections are in their own modules)."""
from datetime import date, datetime, timedelta, timezone
from typing import Optional

from flask_babel import gettext as _
from sqlalchemy import select

from ..accounts.models import Role, User
from ..agents.listing import french_key
from ..exports import Table
from ..eductours.attendance import attended_stops
from ..extensions import db
from ..hours.api import TARGET_MINUTES, visit_minutes
from ..hours.models import OtherVisit
from ..partners.models import Partner
from ..reports.deadlines import handling_deadline
from ..reports.models import Report
from ..timeutil import PARIS, paris_today
from ..training.settings import administrative_ids
from ..visits.models import Scan, Visit
from .base import Period, Section, _hours, _paris
from .eductour_sections import eductour_section
from .training_sections import training_sections


def _name(agent: User) -> tuple:
    return french_key(agent.last_name), french_key(agent.first_name), agent.id


def office_agents(office_id: int, period: Period) -> list[User]:
    """Every agent account of the office, open or closed: closed ones appear as excluded, with the reason."""
    agents = User.query.filter(User.office_id == office_id, User.role == Role.agent).all()
    return sorted(agents, key=_name)


def exclusion(agent: User, year: int, administrative: set) -> str:
    """Why an agent is out of the 14-hour target of `year` ("" when in it)."""
    if agent.id in administrative:
        return _("personnel purement administratif")
    if agent.contract_end and agent.contract_end < date(year, 1, 1) or \
            agent.contract_start and agent.contract_start > date(year, 12, 31):
        return _("contrat hors de l'année")
    if not agent.active:
        return _("compte fermé")
    return ""


def pass_visits(agent_ids: list[int], period: Period) -> list[tuple]:
    """(visit, partner, scan or None) of the period, one query: the scan is the server's receipt."""
    rows = db.session.execute(
        select(Visit, Partner, Scan).join(Partner, Partner.id == Visit.partner_id)
        .outerjoin(Scan, Scan.visit_id == Visit.id)
        .where(Visit.user_id.in_(agent_ids), Visit.year.between(period.since.year, period.until.year))).all()
    return [row for row in rows if period.since <= _paris(row[0].admitted_at).date() <= period.until]


def other_visits(agent_ids: list[int], period: Period) -> list[tuple]:
    return db.session.execute(
        select(OtherVisit, Partner).join(Partner, Partner.id == OtherVisit.partner_id)
        .where(OtherVisit.user_id.in_(agent_ids), OtherVisit.visited_on.between(period.since, period.until))).all()


def office_sections(office_id: int, period: Period) -> list[Section]:
    """Every section of the office's pack, in the PDF's order."""
    agents = office_agents(office_id, period)
    by_id = {agent.id: agent for agent in agents}
    ids = list(by_id)
    visits, others = pass_visits(ids, period), other_visits(ids, period)
    recorders = {user.id: user for user in User.query.filter(
        User.id.in_({other.recorded_by_id for other, _p in others})).all()} if others else {}
    eductours = attended_stops(ids, period.since, period.until)
    sections = [agents_section(agents, period, visits, others, eductours),
                pass_visits_section(by_id, visits),
                other_visits_section(by_id, others, recorders),
                reports_section(by_id, period)]
    sections += training_sections(office_id, min(period.until, paris_today()))
    sections.append(eductour_section(by_id, eductours))
    return sections


def agents_section(agents, period, visits, others, eductours) -> Section:
    administrative = administrative_ids([agent.id for agent in agents])
    minutes: dict = {}
    for visit, partner, _scan in visits:
        key = (visit.user_id, _paris(visit.admitted_at).year)
        minutes.setdefault(key, [0, 0, 0, 0])[0] += visit_minutes(partner)[0]
        minutes[key][2] += 1
    for other, _partner in others:
        minutes.setdefault((other.user_id, other.visited_on.year), [0, 0, 0, 0])[1] += other.minutes
    for stop in eductours:
        minutes.setdefault((stop.user_id, stop.day.year), [0, 0, 0, 0])[3] += stop.minutes
    rows, reached, concerned = [], 0, 0
    for year in period.years():
        for agent in agents:
            done = minutes.get((agent.id, year), [0, 0, 0, 0])
            reason = exclusion(agent, year, administrative)
            total = done[0] + done[1] + done[3]
            status = _("exclu") if reason else _("atteint") if total >= TARGET_MINUTES else _("non atteint")
            concerned += not reason
            reached += bool(not reason and total >= TARGET_MINUTES)
            rows.append((year, agent.last_name, agent.first_name, str(agent.kind.label) if agent.kind else "",
                         done[2], _hours(done[0]), _hours(done[1]), _hours(done[3]), _hours(total), status, reason))
    columns = [_("Année"), _("Nom"), _("Prénom"), _("Contrat"), _("Visites avec le pass"), _("Heures avec le pass"),
               _("Heures d'autres visites"), _("Heures d'éductours"), _("Heures au total"), _("Objectif 14 h"), _("Exclu de l'objectif : motif")]
    return Section(_("Heures de visites des agents (objectif 14 h par an)"), "1_agents_heures.csv",
                   Table(_("Agents"), columns, rows),
                   _("%(reached)s agent(s) sur %(concerned)s concernés ont atteint 14 h.",
                     reached=reached, concerned=concerned),
                   (6, 13, 11, 9, 7, 7, 7, 7, 7, 8, 20), {"reached": reached, "concerned": concerned})


def pass_visits_section(by_id, visits) -> Section:
    rows = []
    for visit, partner, scan in visits:
        agent = by_id[visit.user_id]
        rows.append((_paris(visit.admitted_at).date(), agent.last_name, agent.first_name, partner.name,
                     partner.commune, _hours(visit_minutes(partner)[0]),
                     _paris(scan.received_at) if scan else None,
                     scan.id if scan else _("sans scan enregistré par le serveur")))
    rows.sort(key=lambda row: (row[0], french_key(row[1]), french_key(row[2])))
    columns = [_("Date"), _("Nom"), _("Prénom"), _("Site partenaire"), _("Commune"), _("Heures"),
               _("Scan reçu par le serveur le"), _("Identifiant du scan")]
    return Section(_("Visites avec le pass et scans enregistrés par le serveur"), "2_visites_avec_le_pass.csv",
                   Table(_("Visites avec le pass"), columns, rows),
                   _("Chaque visite avec l'heure à laquelle le serveur a reçu le scan du site (heure de Paris) "
                     "et l'identifiant unique de ce scan."), (8, 11, 9, 16, 10, 5, 12, 25))


def other_visits_section(by_id, others, recorders) -> Section:
    rows = []
    for other, partner in others:
        agent, who = by_id[other.user_id], recorders.get(other.recorded_by_id)
        rows.append((other.visited_on, agent.last_name, agent.first_name, partner.name, partner.commune,
                     _hours(other.minutes), who.full_name if who else "", _paris(other.recorded_at), other.note or ""))
    rows.sort(key=lambda row: (row[0], french_key(row[1]), french_key(row[2])))
    columns = [_("Date"), _("Nom"), _("Prénom"), _("Site partenaire"), _("Commune"), _("Heures"),
               _("Saisie par"), _("Saisie le"), _("Note")]
    return Section(_("Autres visites saisies par l'office (sans le pass)"), "3_autres_visites.csv",
                   Table(_("Autres visites"), columns, rows),
                   _("Visites sans scan : qui les a saisies et quand."), (8, 11, 9, 15, 10, 5, 13, 11, 18))


def report_row(report: Report, agent: User, partner: Partner, now: datetime) -> tuple:
    """One report with its handling time against 3 working days (French public holidays counted)."""
    due = handling_deadline(report.received_at, public_holidays=True)
    if report.handled_at is not None:
        verdict = _("oui") if report.handled_at <= due else _("non")
    else:
        verdict = _("non (en retard)") if now > due else _("en cours")
    return (_paris(report.received_at), agent.last_name, agent.first_name, partner.name, str(report.kind.label), _paris(due),
            _paris(report.handled_at) if report.handled_at else None, verdict)


def reports_section(by_id, period: Period, now: Optional[datetime] = None) -> Section:
    start = datetime(period.since.year, period.since.month, period.since.day, tzinfo=PARIS)
    end = datetime(period.until.year, period.until.month, period.until.day, tzinfo=PARIS) + timedelta(days=1)
    utc = lambda moment: moment.astimezone(timezone.utc).replace(tzinfo=None)  # noqa: E731
    rows = db.session.execute(select(Report, Partner).join(Partner, Partner.id == Report.partner_id)
                              .where(Report.user_id.in_(list(by_id)), Report.received_at >= utc(start),
                                     Report.received_at < utc(end)).order_by(Report.received_at)).all()
    now = now or datetime.now(timezone.utc).replace(tzinfo=None)
    lines = [report_row(report, by_id[report.user_id], partner, now) for report, partner in rows]
    within = sum(1 for line in lines if line[-1] == _("oui"))
    columns = [_("Reçu le"), _("Nom"), _("Prénom"), _("Site partenaire"), _("Type"), _("Échéance (3 jours ouvrés)"),
               _("Pris en charge le"), _("Dans le délai")]
    return Section(_("Signalements de dysfonctionnement et délai de traitement"), "4_signalements.csv",
                   Table(_("Signalements"), columns, lines),
                   _("%(within)s signalement(s) sur %(total)s pris en charge en 3 jours ouvrés au plus "
                     "(week-ends et jours fériés exclus).", within=within, total=len(lines)),
                   (12, 11, 9, 16, 12, 12, 12, 9), {"within": within, "total": len(lines)})
