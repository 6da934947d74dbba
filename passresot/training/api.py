"""What routes call for training: an agent's work settings, recording and deleting training entries.

Who records: the OT admin for their office's agents, and each agent for themself (they hold the
certificates; the admin sees every entry and can delete one recorded by mistake). The ledger
itself is in ledger.py.
"""
import re
from datetime import date
from typing import Optional

from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..accounts.models import Role, User
from ..audit.api import record_event
from ..extensions import db
from ..hours.api import day_in_service_error
from ..partners.listing import DURATION
from ..timeutil import paris_today
from . import certificates
from .exceptions import CertificateRejected, InvalidTrainingEntry, InvalidWorkSettings, NotYourAgent
from .models import Service, TrainingEntry, WorkSettings

#: One entry: a quarter of an hour to two working weeks (a training spread over days is one entry).
MIN_MINUTES, MAX_MINUTES = 15, 70 * 60
DECIMAL_HOURS = re.compile(r"(\d{1,2})[.,](\d{1,2})\s*h", re.IGNORECASE)


def set_work_settings(admin: User, agent: User, *, working_percent, service, administrative) -> WorkSettings:
    """The OT admin sets an agent's working time (1–100 %), service and « purement administratif »."""
    _check_may_manage(admin, agent, admin_only=True)
    fields = {}
    if not isinstance(working_percent, int) or not 1 <= working_percent <= 100:
        fields["working_percent"] = _l("Un pourcentage entre 1 et 100 (100 pour un temps plein).")
    try:
        service = Service(service)
    except ValueError:
        fields["service"] = _l("Choisissez un service.")
    if fields:
        raise InvalidWorkSettings(fields=fields)
    settings = db.session.get(WorkSettings, agent.id) or WorkSettings(user_id=agent.id)
    before = (settings.working_percent, settings.service, settings.administrative)
    settings.working_percent, settings.service = working_percent, service
    settings.administrative = bool(administrative)
    db.session.add(settings)
    db.session.flush()
    if before != (working_percent, service, bool(administrative)):
        record_event(admin, "work_settings.changed", "user", agent.id, working_percent=working_percent,
                     service=service.value, administrative=bool(administrative))
    return settings


def parse_duration(text) -> Optional[int]:
    """« 7 h », « 3h30 », « 3,5 h », « 90 min » → minutes; None when it does not read as a length."""
    text = str(text or "").strip()
    decimal = DECIMAL_HOURS.fullmatch(text)
    if decimal:
        return int(decimal.group(1)) * 60 + round(60 * int(decimal.group(2)) / 10 ** len(decimal.group(2)))
    match = DURATION.fullmatch(text)
    if not match:
        return None
    if match.group(1):
        return int(match.group(1)) * 60 + int(match.group(2) or 0)
    return int(match.group(3))


def record_training(actor: User, agent: User, *, trained_on, minutes, title, organisation, accredited,
                    certificate: Optional[bytes] = None, today: Optional[date] = None) -> TrainingEntry:
    """Record a training the agent followed; the certificate (PDF or image) is checked and stored."""
    _check_may_manage(actor, agent)
    fields = _check_entry(agent, trained_on, minutes, title, organisation, today or paris_today())
    stored = None
    if certificate:
        try:
            stored = certificates.clean_certificate(certificate)
        except CertificateRejected as error:
            fields["certificate"] = error.message
    if fields:
        raise InvalidTrainingEntry(fields=fields)
    entry = TrainingEntry(user_id=agent.id, trained_on=trained_on, minutes=minutes, title=title.strip(),
                          organisation=organisation.strip(), accredited=bool(accredited), recorded_by_id=actor.id)
    if stored:
        entry.certificate_kind = stored[1]
        entry.certificate_file = certificates.store(stored[0], stored[1])
        _on_rollback_remove(entry.certificate_file)
    db.session.add(entry)
    db.session.flush()
    record_event(actor, "training.recorded", "user", agent.id, training_id=entry.id, minutes=minutes,
                 trained_on=trained_on.isoformat(), title=entry.title, accredited=entry.accredited,
                 certificate=bool(stored))
    return entry


def _check_entry(agent, trained_on, minutes, title, organisation, today) -> dict:
    fields = {}
    problem = day_in_service_error(
        agent, trained_on, today, invalid=_l("Date invalide : choisissez le jour de la formation."),
        future=_l("La formation ne peut pas être dans le futur."),
        before_start=lambda start: _l("La formation ne peut pas précéder l'arrivée de l'agent (%(start)s).",
                                      start=start))
    if problem:
        fields["trained_on"] = problem
    if not isinstance(minutes, int) or isinstance(minutes, bool) or not MIN_MINUTES <= minutes <= MAX_MINUTES:
        fields["minutes"] = _l("Durée entre 15 min et 70 h, par exemple 7 h ou 3h30.")
    for name, value in (("title", title), ("organisation", organisation)):
        value = (value or "").strip()
        if not value:
            fields[name] = _l("Ce champ est obligatoire.")
        elif len(value) > 200:
            fields[name] = _l("200 caractères au plus.")
    return fields


def may_manage(actor: User, agent: User) -> bool:
    """The agent themself, or the OT admin of the agent's office."""
    if agent.role is not Role.agent:
        return False
    if actor.role is Role.office_admin:
        return actor.office_id == agent.office_id
    return actor.id == agent.id


def may_view(viewer: User, agent: User) -> bool:
    """Who may see an agent's ledger and certificates: those who manage it, and the network admin."""
    return viewer.role is Role.network_admin and agent.role is Role.agent or may_manage(viewer, agent)


def _check_may_manage(actor: User, agent: User, admin_only: bool = False) -> None:
    if (admin_only and actor.role is not Role.office_admin) or not may_manage(actor, agent):
        raise NotYourAgent()


def may_delete(actor: User, entry: TrainingEntry) -> bool:
    """The OT admin deletes any entry of their office's agents; an agent only those they recorded."""
    if actor.role is Role.office_admin:
        return may_manage(actor, entry.agent)
    return actor.id == entry.user_id == entry.recorded_by_id


def delete_training(actor: User, entry: TrainingEntry) -> None:
    """Remove an entry recorded by mistake (the audit trail keeps what it said); its file goes on commit."""
    if not may_delete(actor, entry):
        raise NotYourAgent()
    record_event(actor, "training.deleted", "user", entry.user_id, training_id=entry.id, minutes=entry.minutes,
                 trained_on=entry.trained_on.isoformat(), title=entry.title, accredited=entry.accredited)
    if entry.certificate_file:
        db.session.info.setdefault("certificates_to_remove", []).append(entry.certificate_file)
    db.session.delete(entry)
    db.session.flush()


def forget_certificates(user_id: int) -> int:
    """Anonymisation: the agent's certificate files (they name the agent) go on commit; the hours stay."""
    entries = TrainingEntry.query.filter(TrainingEntry.user_id == user_id,
                                         TrainingEntry.certificate_file.is_not(None)).all()
    for entry in entries:
        db.session.info.setdefault("certificates_to_remove", []).append(entry.certificate_file)
        entry.certificate_file, entry.certificate_kind = None, None
    db.session.flush()
    return len(entries)


def _on_rollback_remove(name: str) -> None:
    db.session.info.setdefault("certificates_written", []).append(name)


@event.listens_for(Session, "after_commit")
def _after_commit(session):
    """Files of deleted entries go once the deletion is committed; written files are now kept."""
    session.info.pop("certificates_written", None)
    for name in session.info.pop("certificates_to_remove", []):
        certificates.remove(name)


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session, _transaction):
    """Nothing half-way: a file written for an entry that was rolled back is removed."""
    session.info.pop("certificates_to_remove", None)
    for name in session.info.pop("certificates_written", []):
        certificates.remove(name)
