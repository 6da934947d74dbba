"""What routes call for passes: issuing, renewing, returning, revoking, and the revocation list."""
from datetime import date, datetime, time, timedelta, timezone

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..accounts.models import AgentKind, Role, User
from ..agents.models import AgentPhoto
from ..audit.api import record_event
from ..errors import DomainError
from ..extensions import db
from ..timeutil import PARIS, paris_today, utcnow
from .exceptions import PassCannotBeIssued, PassNotActive, ReasonRequired
from .models import Pass, PassStatus
from .numbers import new_pass_number, normalize_pass_number
from .token import sign_pass_token

SYNC_OVERLAP = timedelta(minutes=2)
CLOSED_STATUSES = (PassStatus.returned, PassStatus.revoked, PassStatus.replaced)


def missing_for_pass(agent: User, today: date | None = None) -> list:
    """What R3 still lacks before this agent can hold a pass (empty when nothing does)."""
    missing = []
    if not db.session.get(AgentPhoto, agent.id):
        missing.append(_l("la photo"))
    if not (agent.first_name or "").strip():
        missing.append(_l("le prénom"))
    if not (agent.last_name or "").strip():
        missing.append(_l("le nom"))
    if agent.role is not Role.agent or agent.office_id is None:
        missing.append(_l("l'office"))
    if not agent.active:
        missing.append(_l("un compte actif"))
    ended = agent.contract_end is not None and agent.contract_end < (today or paris_today())
    if agent.kind is AgentKind.seasonal and (agent.contract_end is None or ended):
        missing.append(_l("un contrat saisonnier en cours"))
    elif ended:
        missing.append(_l("un contrat en cours"))
    return missing


def validity_window(agent: User, issue_date: date) -> tuple[datetime, datetime]:
    """R2: 12 months for permanent staff (or the contract's end if sooner), the contract for seasonal."""
    start = max(issue_date, agent.contract_start or issue_date)
    end = _add_months(issue_date, 12) - timedelta(days=1)
    if agent.contract_end and (agent.kind is AgentKind.seasonal or agent.contract_end < end):
        end = agent.contract_end
    return _paris_to_utc(start, time.min), _paris_to_utc(end, time(23, 59, 59))


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _paris_to_utc(day: date, moment: time) -> datetime:
    local = datetime.combine(day, moment, tzinfo=PARIS)
    return local.astimezone(timezone.utc).replace(tzinfo=None)


def display_name(agent: User) -> str:
    """What the QR carries: first name and initial, e.g. "Amélie R."."""
    return f"{agent.first_name.strip()} {agent.last_name.strip()[:1]}.".strip()


def issue_pass(actor, agent: User, today: date | None = None) -> Pass:
    """Issue a pass (closing the agent's live one, if any) or raise PassCannotBeIssued listing what lacks."""
    missing = missing_for_pass(agent, today)
    if missing:
        raise PassCannotBeIssued(missing)
    valid_from, valid_until = validity_window(agent, today or paris_today())
    previous = live_pass(agent.id)
    if previous is not None:
        _close(actor, previous, PassStatus.replaced, "Renouvelé")
        db.session.flush()  # the old row leaves the one-live-pass index before the new one enters
    new = Pass(number=_unused_number(), user_id=agent.id, office_id=agent.office_id, kind=agent.kind,
               valid_from=valid_from, valid_until=valid_until, issued_by_id=getattr(actor, "id", None),
               token="", kid="")
    db.session.add(new)
    db.session.flush()
    kid, private_key = current_app.extensions["pass_keys"].signing_key()
    new.token = sign_pass_token(pass_id=new.id, office_id=new.office_id, valid_from=valid_from,
                                valid_until=valid_until, display_name=display_name(agent),
                                private_key=private_key)
    new.kid = kid
    record_event(actor, "pass.renewed" if previous else "pass.issued", "pass", new.id,
                 agent_id=agent.id, number=new.number, valid_until=valid_until.isoformat())
    return new


def passes_signed_by(kid: str) -> list[Pass]:
    """Active, unexpired passes whose QR code was signed with key `kid`."""
    return (Pass.query.filter(Pass.kid == kid, Pass.status == PassStatus.active,
                              Pass.valid_until >= utcnow()).order_by(Pass.id).all())


def resign_passes(kid: str) -> int:
    """Sign again, with the current signing key, every active pass signed with `kid`; same
    number, holder and validity, only the QR code changes (the agent's phone fetches it)."""
    new_kid, private_key = current_app.extensions["pass_keys"].signing_key()
    passes = passes_signed_by(kid)
    for pass_ in passes:
        pass_.token = sign_pass_token(pass_id=pass_.id, office_id=pass_.office_id,
                                      valid_from=pass_.valid_from, valid_until=pass_.valid_until,
                                      display_name=display_name(pass_.holder), private_key=private_key)
        pass_.kid = new_kid
        record_event(None, "pass.resigned", "pass", pass_.id, old_kid=kid, kid=new_kid)
    db.session.flush()
    return len(passes)


def issue_passes(actor, agents) -> tuple[list, list]:
    """Issue to many agents; each succeeds or fails on its own. Returns (passes, [(agent, error)])."""
    issued, failed = [], []
    for agent in agents:
        try:
            with db.session.begin_nested():
                issued.append(issue_pass(actor, agent))
        except DomainError as error:
            failed.append((agent, error))
    return issued, failed


def _unused_number() -> str:
    while True:
        number = new_pass_number()
        if not db.session.scalar(select(Pass.id).where(Pass.number == number)):
            return number


def live_pass(user_id: int):
    """The agent's pass with status active (possibly past its end date), if any."""
    return Pass.query.filter_by(user_id=user_id, status=PassStatus.active).first()


def latest_pass(user_id: int):
    """The agent's most recent pass, whatever its status."""
    return Pass.query.filter_by(user_id=user_id).order_by(Pass.issued_at.desc(), Pass.id.desc()).first()


def return_pass(actor, pass_: Pass, note: str = "") -> None:
    """R4: the pass is handed back ("rendu") at the end of the contract or year."""
    _close(actor, pass_, PassStatus.returned, note.strip()[:300] or None)  # the column holds 300


def revoke_pass(actor, pass_: Pass, reason: str) -> None:
    """Revoke a pass (lost phone, left the office...); the reason is required and kept."""
    if not (reason or "").strip():
        raise ReasonRequired()
    _close(actor, pass_, PassStatus.revoked, reason.strip()[:300])


def revoke_live_pass(actor, agent: User, reason: str) -> Pass | None:
    """Revoke the agent's live pass if there is one (used when the agent is deactivated)."""
    pass_ = live_pass(agent.id)
    if pass_ is not None:
        revoke_pass(actor, pass_, reason)
    return pass_


def _close(actor, pass_: Pass, status: PassStatus, reason) -> None:
    # Read the actor first: loading an expired actor autoflushes, and a half-closed pass must not be.
    actor_id = getattr(actor, "id", None)
    if pass_.status is not PassStatus.active:
        raise PassNotActive()
    pass_.close_reason = reason
    pass_.closed_at = utcnow()
    pass_.closed_by_id = actor_id
    pass_.status = status
    record_event(actor, f"pass.{status.value}", "pass", pass_.id, reason=reason,
                 agent_id=pass_.user_id)


def revocations_since(since: datetime | None) -> list[dict]:
    """Passes that must no longer admit anyone, closed after `since` (all when None), oldest first."""
    query = Pass.query.filter(Pass.status.in_(CLOSED_STATUSES))
    if since is not None:
        # closed_at is stamped before its commit: overlap a little so a pass closed while a scanner
        # synced is sent again rather than never (scanners merge by pass id).
        query = query.filter(Pass.closed_at > since - SYNC_OVERLAP)
    rows = query.order_by(Pass.closed_at, Pass.id).with_entities(Pass.id, Pass.closed_at, Pass.status)
    return [{"pass_id": pid, "revoked_at": closed.isoformat() + "Z", "status": status.value}
            for pid, closed, status in rows]


def find_by_number(text: str) -> Pass | None:
    """The pass with this typed number (check character verified), or None."""
    number = normalize_pass_number(text)
    return Pass.query.filter_by(number=number).first() if number else None


def office_passes(office_id: int, user_ids) -> dict:
    """The latest pass of each of these agents, in one query: {user_id: Pass}."""
    latest = {}
    rows = (Pass.query.filter(Pass.office_id == office_id, Pass.user_id.in_(list(user_ids)))
            .order_by(Pass.issued_at, Pass.id))
    for pass_ in rows:
        latest[pass_.user_id] = pass_
    return latest


def agent_history(agent: User, limit: int = 30):
    """The audit trail of an agent's record and passes, newest first."""
    from ..audit.models import AuditEvent

    pass_ids = [pid for (pid,) in db.session.query(Pass.id).filter(Pass.user_id == agent.id)]
    condition = (AuditEvent.target_type == "user") & (AuditEvent.target_id == agent.id)
    if pass_ids:
        condition = condition | ((AuditEvent.target_type == "pass") & AuditEvent.target_id.in_(pass_ids))
    return (AuditEvent.query.filter(condition).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
            .limit(limit).all())
