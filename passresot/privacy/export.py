"""Everything PassResOT66 holds about one account, as a JSON-ready mapping (right of access)."""
import base64
from datetime import date, datetime

from sqlalchemy import select

from ..accounts.models import ApiToken, LoginAttempt, SetupLink, User
from ..agents.models import AgentPhoto
from ..audit.models import AuditEvent
from ..extensions import db
from ..hours.models import OtherVisit
from ..passes.models import Pass
from ..reports.models import Report
from ..timeutil import utcnow
from ..training.models import TrainingEntry, WorkSettings
from ..visits.models import Scan, Visit
from .api import history_of


def personal_data(user: User) -> dict:
    """The account's profile, photo, passes, visits, scans of its passes, reports, other visits,
    devices (never the token), sign-in links and failures, and the audit events about it."""
    passes = db.session.scalars(select(Pass).where(Pass.user_id == user.id).order_by(Pass.issued_at)).all()
    pass_ids = [p.id for p in passes]
    return {
        "generated_at": _when(utcnow()),
        "profile": _profile(user),
        "photo_jpeg_base64": _photo(user.id),
        "passes": [_pass(p) for p in passes],
        "visits": [_visit(v) for v in _rows(Visit, Visit.user_id == user.id, Visit.admitted_at)],
        "scans_of_my_passes": [_scan(s) for s in _rows(Scan, Scan.pass_id.in_(pass_ids), Scan.scanned_at)],
        "other_visits": [_other_visit(o) for o in _rows(OtherVisit, OtherVisit.user_id == user.id,
                                                        OtherVisit.visited_on)],
        "training": [_training(t) for t in _rows(TrainingEntry, TrainingEntry.user_id == user.id,
                                                  TrainingEntry.trained_on)],
        "work_settings": _work_settings(user.id),
        "reports": [_report(r) for r in _rows(Report, Report.user_id == user.id, Report.received_at)],
        "api_tokens": [_token(t) for t in _rows(ApiToken, ApiToken.user_id == user.id, ApiToken.created_at)],
        "setup_links": [{"created_at": _when(link.created_at), "expires_at": _when(link.expires_at),
                         "used_at": _when(link.used_at)}
                        for link in _rows(SetupLink, SetupLink.user_id == user.id, SetupLink.created_at)],
        "failed_sign_ins": [{"at": _when(a.at), "address": a.address}
                            for a in _rows(LoginAttempt, LoginAttempt.email == user.email, LoginAttempt.at)],
        "audit_events_about_me": [_event(e) for e in history_of(user, limit=None)],
        # What the account did: the action and its target, not the details (they may be about others).
        "audit_events_by_me": [{"at": _when(e.at), "action": e.action, "target_type": e.target_type,
                                "target_id": e.target_id}
                               for e in _rows(AuditEvent, AuditEvent.actor_id == user.id, AuditEvent.at)],
    }


def _rows(model, condition, order):
    return db.session.scalars(select(model).where(condition).order_by(order)).all()


def _when(value):
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat() + "Z"
    return value.isoformat() if isinstance(value, date) else value


def _profile(user: User) -> dict:
    return {
        "id": user.id, "email": user.email, "first_name": user.first_name, "last_name": user.last_name,
        "role": user.role.value, "office": {"id": user.office.id, "name": user.office.name} if user.office else None,
        "partner": {"id": user.partner.id, "name": user.partner.name} if user.partner else None,
        "kind": user.kind.value if user.kind else None, "contract_start": _when(user.contract_start),
        "contract_end": _when(user.contract_end), "active": user.active, "locale": user.locale,
        "created_at": _when(user.created_at),
    }


def _photo(user_id: int):
    photo = db.session.get(AgentPhoto, user_id)
    return base64.b64encode(photo.jpeg).decode("ascii") if photo else None


def _pass(p: Pass) -> dict:
    return {"id": p.id, "number": p.display_number, "office": p.office.name, "kind": p.kind.value,
            "status": p.effective_status().value, "valid_from": _when(p.valid_from),
            "valid_until": _when(p.valid_until), "issued_at": _when(p.issued_at),
            "closed_at": _when(p.closed_at), "close_reason": p.close_reason, "qr": p.token or None}


def _visit(v: Visit) -> dict:
    return {"id": v.id, "partner": v.partner.name, "year": v.year, "admitted_at": _when(v.admitted_at),
            "pass_id": v.pass_id}


def _scan(s: Scan) -> dict:
    return {"id": s.id, "partner": s.partner.name, "pass_id": s.pass_id, "scanned_at": _when(s.scanned_at),
            "received_at": _when(s.received_at), "status": s.status.value, "reason": s.reason,
            "offline_verdict": s.offline_verdict.value if s.offline_verdict else None,
            "conflict": s.conflict, "override": s.override, "undone_at": _when(s.undone_at)}


def _other_visit(o: OtherVisit) -> dict:
    return {"id": o.id, "partner": o.partner.name, "visited_on": _when(o.visited_on), "minutes": o.minutes,
            "note": o.note, "recorded_at": _when(o.recorded_at)}


def _training(t: TrainingEntry) -> dict:
    return {"id": t.id, "trained_on": _when(t.trained_on), "minutes": t.minutes, "title": t.title,
            "organisation": t.organisation, "accredited": t.accredited, "certificate": t.certificate_file is not None,
            "recorded_at": _when(t.recorded_at)}


def _work_settings(user_id: int):
    settings = db.session.get(WorkSettings, user_id)
    if settings is None:
        return None
    return {"working_percent": settings.working_percent, "service": settings.service.value,
            "administrative": settings.administrative}


def _report(r: Report) -> dict:
    return {"id": r.id, "partner": r.partner.name, "kind": r.kind.value, "text": r.text,
            "written_at": _when(r.written_at), "received_at": _when(r.received_at), "status": r.status.value,
            "answer": r.answer, "answered_at": _when(r.answered_at)}


def _token(t: ApiToken) -> dict:
    return {"id": t.id, "kind": t.kind.value, "device_name": t.device_name, "created_at": _when(t.created_at),
            "expires_at": _when(t.expires_at), "last_used_at": _when(t.last_used_at),
            "revoked_at": _when(t.revoked_at)}


def _event(e: AuditEvent) -> dict:
    actor = {"name": e.actor.full_name, "role": e.actor.role.value} if e.actor else None
    return {"at": _when(e.at), "action": e.action, "label": str(e.label), "actor": actor,
            "target_type": e.target_type, "target_id": e.target_id, "details": e.details}
