"""The retention purge: photos deleted and accounts anonymised once their purpose has ended.

An agent is anonymised `RETENTION_MONTHS` (default 12) after their last pass ended (its end of
validity, or its closing when earlier), and never while a pass is live. An account that never had
a pass is anonymised that long after it was deactivated. Anonymising keeps the row, its id, role,
office and kind of staff, so visits, other visits and reports stay counted per office, per kind,
per partner and in participation; everything that names or reaches the person goes: name, e-mail,
password, photo, contract start, sign-in links, device tokens, failed sign-ins, the name inside
the pass tokens and scanned codes, and the details of the audit events about them.
"""
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Optional

from flask import current_app
from sqlalchemy import and_, case, delete, func, or_, select, update

from ..accounts.models import AgentKind, ApiToken, LoginAttempt, Role, SetupLink, User
from ..agents.models import AgentPhoto
from ..audit.api import record_event
from ..audit.models import AuditEvent
from ..extensions import db
from ..passes.models import Pass, PassStatus
from ..timeutil import utcnow
from ..visits.models import Scan
from ..training.api import forget_certificates
from .exceptions import InvalidRetention

#: Anonymised accounts get an address in this reserved domain (RFC 2606): it marks them as done.
ANONYMOUS_DOMAIN = "anonyme.invalid"
#: Failed sign-ins only matter for 15 minutes; kept a month to look into an attack.
LOGIN_ATTEMPTS_DAYS = 30
#: An admin reopening the same agent's page within this time is not recorded again.
VIEW_RECORD_INTERVAL = timedelta(minutes=30)


@dataclass
class PurgeCounts:
    """What one run of the purge did (or would do, in a dry run)."""

    agents_anonymised: int = 0
    accounts_anonymised: int = 0
    photos_deleted: int = 0
    login_attempts_deleted: int = 0


def retention_months(config=None) -> int:
    """The retention period in months, from PASSRESOT_RETENTION_MONTHS (default 12)."""
    raw = str((config or current_app.config).get("RETENTION_MONTHS", 12)).strip()
    if not raw.isdigit() or int(raw) < 1:
        raise InvalidRetention(f"PASSRESOT_RETENTION_MONTHS doit être un nombre de mois ≥ 1 (reçu « {raw} »).")
    return int(raw)


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` earlier (the last day of a shorter month)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    next_month = date(year + (month + 1) // 12, (month + 1) % 12 + 1, 1)
    day = min(moment.day, (next_month - timedelta(days=1)).day)
    return moment.replace(year=year, month=month + 1, day=day)


def pass_ended_at():
    """SQL: when a pass stopped being usable (closed or out of validity, whichever came first)."""
    closed_first = and_(Pass.closed_at.is_not(None), Pass.closed_at < Pass.valid_until)
    return case((and_(Pass.status != PassStatus.active, closed_first), Pass.closed_at), else_=Pass.valid_until)


def _not_anonymised():
    return User.email.not_like(f"%@{ANONYMOUS_DOMAIN}")


def agents_past_retention(cutoff: datetime, now: datetime) -> list[int]:
    """Ids of agents whose last pass ended before `cutoff` and who hold no live pass."""
    live = select(Pass.user_id).where(Pass.status == PassStatus.active, Pass.valid_until > now)
    ended = (select(Pass.user_id).group_by(Pass.user_id)
             .having(func.max(pass_ended_at()) < cutoff))
    query = (select(User.id).where(User.role == Role.agent, _not_anonymised(),
                                   User.id.in_(ended), User.id.not_in(live)))
    return list(db.session.scalars(query.order_by(User.id)))


def deactivated_accounts_past_retention(cutoff: datetime) -> list[int]:
    """Ids of accounts that never had a pass and were deactivated before `cutoff`."""
    deactivated_at = (select(func.max(AuditEvent.at))
                      .where(AuditEvent.action == "user.deactivated", AuditEvent.target_type == "user",
                             AuditEvent.target_id == User.id)
                      .scalar_subquery())
    query = (select(User.id)
             .where(User.active.is_(False), _not_anonymised(),
                    User.id.not_in(select(Pass.user_id)),
                    func.coalesce(deactivated_at, User.created_at) < cutoff))
    return list(db.session.scalars(query.order_by(User.id)))


def purge_personal_data(now: Optional[datetime] = None, months: Optional[int] = None,
                        dry_run: bool = False) -> PurgeCounts:
    """Delete photos and anonymise accounts past retention; one audit event per real run."""
    now = now or utcnow()
    cutoff = months_before(now, months or retention_months())
    agents = agents_past_retention(cutoff, now)
    others = deactivated_accounts_past_retention(cutoff)
    ids = agents + others
    counts = PurgeCounts(
        agents_anonymised=len(agents), accounts_anonymised=len(others),
        photos_deleted=_count(AgentPhoto.user_id.in_(ids), AgentPhoto) if ids else 0,
        login_attempts_deleted=_count(LoginAttempt.at < now - timedelta(days=LOGIN_ATTEMPTS_DAYS), LoginAttempt))
    if dry_run:
        return counts
    for user in db.session.scalars(select(User).where(User.id.in_(ids))) if ids else []:
        anonymise(user)
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - timedelta(days=LOGIN_ATTEMPTS_DAYS)))
    record_event(None, "privacy.purged", "system", 0, retention_months=months or retention_months(),
                 cutoff=cutoff.isoformat(), **asdict(counts))
    db.session.flush()
    return counts


def _count(condition, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(condition))


def anonymise(user: User) -> None:
    """Strip `user` of everything personal, keeping the row for the statistics."""
    pass_ids = list(db.session.scalars(select(Pass.id).where(Pass.user_id == user.id)))
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.email == user.email))
    for model in (AgentPhoto, SetupLink, ApiToken):
        db.session.execute(delete(model).where(model.user_id == user.id))
    forget_certificates(user.id)  # training certificates name the agent; the hours stay
    user.email = f"anonyme-{user.id}@{ANONYMOUS_DOMAIN}"
    user.first_name, user.last_name = "Compte", "anonymisé"
    user.password_hash, user.locale, user.contract_start = None, None, None
    if user.kind is not AgentKind.seasonal:
        user.contract_end = None  # a seasonal contract's end must stay (database constraint)
    user.active = False
    user.session_version += 1
    if pass_ids:
        # The signed token and the scanned code carry the first name and initial.
        db.session.execute(update(Pass).where(Pass.id.in_(pass_ids)).values(token=""))
        db.session.execute(update(Scan).where(Scan.pass_id.in_(pass_ids), Scan.qr.is_not(None))
                           .values(qr=None, pass_number=select(Pass.number).where(Pass.id == Scan.pass_id)
                                   .scalar_subquery())
                           .execution_options(synchronize_session=False))
    about = or_(and_(AuditEvent.target_type == "user", AuditEvent.target_id == user.id),
                and_(AuditEvent.target_type == "pass", AuditEvent.target_id.in_(pass_ids)))
    db.session.execute(update(AuditEvent).where(about).values(details={})
                       .execution_options(synchronize_session=False))


def record_agent_viewed(viewer: User, agent: User, now: Optional[datetime] = None) -> bool:
    """Record that `viewer` opened `agent`'s record, once per VIEW_RECORD_INTERVAL."""
    now = now or utcnow()
    recent = db.session.scalar(
        select(func.count()).select_from(AuditEvent)
        .where(AuditEvent.action == "agent.viewed", AuditEvent.actor_id == viewer.id,
               AuditEvent.target_type == "user", AuditEvent.target_id == agent.id,
               AuditEvent.at > now - VIEW_RECORD_INTERVAL))
    if recent:
        return False
    record_event(viewer, "agent.viewed", "user", agent.id).at = now
    return True


def history_of(user: User, limit: int = 200) -> list[AuditEvent]:
    """The audit trail about `user`'s record and passes, newest first."""
    from ..passes.api import agent_history

    return agent_history(user, limit=limit)
