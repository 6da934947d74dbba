"""What routes call for dysfunction reports: record one (idempotent per device UUID), list, triage, answer."""
import logging
import uuid
from datetime import datetime, timedelta, timezone
from typing import Optional

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..accounts.models import Role, User
from ..audit.api import record_event
from ..extensions import db
from ..mailbox.api import queue_mail
from ..partners.models import Partner
from ..timeutil import utcnow
from .deadlines import handling_deadline
from .exceptions import InvalidReport, ReportIdTaken, ReportNotFound
from .models import MAX_TEXT, Report, ReportKind, ReportStatus

log = logging.getLogger(__name__)

#: A device clock this far ahead of the server is not believed.
CLOCK_SLACK = timedelta(minutes=5)
#: Answers one page may say it showed at once (an agent has a handful).
MAX_SEEN = 200


def parse_report(raw) -> dict:
    """Check what a device sent ({id, partner_id, kind, text, written_at?}); raise InvalidReport."""
    if not isinstance(raw, dict):
        raise InvalidReport()
    fields, clean = {}, {}
    try:
        clean["id"] = str(uuid.UUID(str(raw.get("id", ""))))
    except ValueError:
        fields["id"] = _l("Identifiant manquant ou invalide (UUID attendu).")
    partner_id = raw.get("partner_id")
    partner = None
    if isinstance(partner_id, int) and not isinstance(partner_id, bool):
        partner = db.session.get(Partner, partner_id)
    if partner is None:  # a site deactivated since the report was written is still reported
        fields["partner_id"] = _l("Choisissez un site partenaire.")
    clean["partner"] = partner
    try:
        clean["kind"] = ReportKind(raw.get("kind"))
    except ValueError:
        fields["kind"] = _l("Choisissez le type de problème.")
    text = raw.get("text")
    text = text.strip() if isinstance(text, str) else ""
    if not text:
        fields["text"] = _l("Décrivez le problème.")
    elif len(text) > MAX_TEXT:
        fields["text"] = _l("%(n)s caractères au plus.", n=MAX_TEXT)
    clean["text"] = text
    clean["written_at"] = _written_at(raw.get("written_at"), fields)
    if fields:
        raise InvalidReport(fields=fields)
    return clean


def _written_at(value, fields) -> Optional[datetime]:
    if value in (None, ""):
        return None
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        fields["written_at"] = _l("Date invalide (ISO 8601 attendu).")
        return None
    try:
        if moment.tzinfo is not None:
            moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    except OverflowError:  # 0001-01-01T00:00:00+05:00 falls before year 1 in UTC
        fields["written_at"] = _l("Date invalide (ISO 8601 attendu).")
        return None
    return moment


def record_report(agent: User, raw, *, now: Optional[datetime] = None) -> tuple[Report, bool]:
    """Record a report sent by an agent's device; (report, created). The same UUID again returns the first."""
    if agent.role is not Role.agent:
        raise InvalidReport(_l("Seuls les agents des offices signalent un dysfonctionnement."))
    clean = parse_report(raw)
    existing = db.session.get(Report, clean["id"])
    if existing is not None:
        if existing.user_id != agent.id:
            raise ReportIdTaken()
        return existing, False
    now = now or utcnow()
    written_at = min(clean["written_at"] or now, now + CLOCK_SLACK)
    report = Report(id=clean["id"], user_id=agent.id, partner_id=clean["partner"].id,
                    kind=clean["kind"], text=clean["text"], written_at=written_at, received_at=now)
    db.session.add(report)
    record_event(agent, "report.created", "partner", report.partner_id, report_id=report.id)
    db.session.flush()
    return report, True


def queue_report_digest(now: Optional[datetime] = None) -> int:
    """One message to the network contact listing the reports not told yet (`flask send-mail`
    calls it before sending the queue); returns how many it lists."""
    config = current_app.config
    fresh = (Report.query.options(joinedload(Report.author), joinedload(Report.partner))
             .filter(Report.notified_at.is_(None)).order_by(Report.received_at).all())
    if not fresh:
        return 0
    with force_locale("fr"):  # the network's own language, whoever wrote them
        subject = ngettext("[PassResOT66] %(num)d nouveau signalement", "[PassResOT66] %(num)d nouveaux signalements",
                           len(fresh))
        entries = [_("%(name)s (%(office)s) — %(site)s (%(commune)s)\nType : %(kind)s · écrit le %(written)s UTC\n"
                     "%(text)s", name=report.author.full_name,
                     office=report.author.office.name if report.author.office else "",
                     site=report.partner.name, commune=report.partner.commune, kind=report.kind.label,
                     written=report.written_at.strftime("%d/%m/%Y %H:%M"), text=report.text) for report in fresh]
        body = "\n\n".join(entries) + "\n\n" + _("À traiter sous 3 jours ouvrés.")
    queue_mail(config["NETWORK_CONTACT_EMAIL"], subject, body)
    moment = now or utcnow()
    for report in fresh:
        report.notified_at = moment
    db.session.flush()
    return len(fresh)


def reports_of(agent_id: int) -> list[Report]:
    """The agent's own reports, newest first."""
    return (Report.query.options(joinedload(Report.partner))
            .filter(Report.user_id == agent_id)
            .order_by(Report.received_at.desc()).all())


def network_reports(status: Optional[ReportStatus] = None, *, open_only: bool = False,
                    limit: int = 500) -> list[Report]:
    """Reports for the network admin: one status or every open one (oldest first, the most urgent),
    else all of them, newest first."""
    query = Report.query.options(joinedload(Report.partner), joinedload(Report.author).joinedload(User.office))
    if status is not None or open_only:
        query = query.filter(Report.status == status if status is not None
                             else Report.status != ReportStatus.resolved).order_by(Report.received_at)
    else:
        query = query.order_by(Report.received_at.desc())
    return query.limit(limit).all()


def count_by_status() -> dict:
    """{ReportStatus: count} over every report."""
    rows = db.session.execute(select(Report.status, db.func.count()).group_by(Report.status))
    counts = {status: 0 for status in ReportStatus}
    counts.update(dict(rows.tuples().all()))
    return counts


def get_report(report_id: str) -> Report:
    """One report by id, or ReportNotFound."""
    report = db.session.get(Report, str(report_id).lower())
    if report is None:
        raise ReportNotFound()
    return report


def deadline(report: Report) -> datetime:
    """When the report must have been handled (3 working days after receipt)."""
    return handling_deadline(report.received_at)


def is_late(report: Report, now: Optional[datetime] = None) -> bool:
    """Not handled yet and past its deadline, or handled after it."""
    due = deadline(report)
    if report.handled_at is not None:
        return report.handled_at > due
    return (now or utcnow()) > due


def triage(admin: User, report: Report, status: ReportStatus, answer: Optional[str],
           *, now: Optional[datetime] = None, reports_url: str = "") -> Report:
    """The network admin sets the status and, optionally, answers the agent (a new answer replaces the
    last): the agent gets a badge in the app until their page shows it, and a mail when SMTP is set."""
    now = now or utcnow()
    answer = (answer or "").strip()
    if len(answer) > MAX_TEXT:
        raise InvalidReport(fields={"answer": _l("%(n)s caractères au plus.", n=MAX_TEXT)})
    changed = status is not report.status or (answer and answer != (report.answer or ""))
    if not changed:
        return report
    if status is not report.status:
        record_event(admin, "report.status_changed", "partner", report.partner_id, report_id=report.id,
                     status=status.value)
        report.status = status
    answered = bool(answer) and answer != (report.answer or "")
    if answered:
        report.answer, report.answered_at, report.answered_by_id = answer, now, admin.id
        report.answer_seen_at = None
        record_event(admin, "report.answered", "partner", report.partner_id, report_id=report.id)
    if report.handled_at is None:
        report.handled_at = now
    if answered:
        _mail_answer(report, reports_url)  # after handled_at: queueing flushes the report
    db.session.flush()
    return report


def _mail_answer(report: Report, reports_url: str) -> None:
    """Tell the agent by mail, in their language (queued: sent by `flask send-mail`; nothing without SMTP)."""
    agent = report.author
    with force_locale(agent.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        subject = _("[PassResOT66] Réponse à votre signalement sur %(site)s", site=report.partner.name)
        body = _("Bonjour %(name)s,\n\nLe réseau RESOT66 a répondu à votre signalement sur %(site)s :\n\n%(answer)s"
                 "\n\nVos signalements : %(url)s\n\nRESOT66", name=agent.first_name, site=report.partner.name,
                 answer=report.answer, url=reports_url)
    queue_mail(agent.email, subject, body, log_as=f"réponse au signalement {report.id}")


def _answer_not_seen(agent_id: int):
    """The agent's reports the network answered and whose answer the agent has not seen yet."""
    return (Report.user_id == agent_id, Report.answered_at.is_not(None), Report.answer_seen_at.is_(None))


def unseen_answers(agent_id: int) -> int:
    """How many answers of the network the agent's page has not shown yet (the app's badge)."""
    return Report.query.filter(*_answer_not_seen(agent_id)).count()


def unseen_answer_ids(agent_id: int) -> set:
    """The reports whose answer the agent has not seen yet (marked « Nouvelle réponse »)."""
    return set(db.session.scalars(select(Report.id).where(*_answer_not_seen(agent_id))))


def mark_answers_seen(agent_id: int, report_ids, now: Optional[datetime] = None) -> set:
    """The agent's page showed these answers on screen (static/js/reports.js says so, not the page's
    rendering: an installed app renders it in the background): the badge goes. Returns the ids
    that were new; ids of other people's reports change nothing."""
    ids = [str(report_id) for report_id in report_ids][:MAX_SEEN]
    fresh = Report.query.filter(Report.id.in_(ids), *_answer_not_seen(agent_id)).all() if ids else []
    for report in fresh:
        report.answer_seen_at = now or utcnow()
    db.session.flush()
    return {report.id for report in fresh}


def report_json(report: Report, now: Optional[datetime] = None) -> dict:
    """The agent's view of one report (GET/POST /api/v1/me/reports)."""
    iso = lambda moment: moment.isoformat() + "Z" if moment else None  # noqa: E731
    return {"id": report.id, "partner_id": report.partner_id, "partner_name": report.partner.name,
            "kind": report.kind.value, "text": report.text, "written_at": iso(report.written_at),
            "received_at": iso(report.received_at), "status": report.status.value,
            "answer": report.answer, "answered_at": iso(report.answered_at),
            "due_at": iso(deadline(report)), "late": is_late(report, now)}
