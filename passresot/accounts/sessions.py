"""Sign-ins the server can end: every browser session, bearer token and entrance device is a row of
api_tokens whose secret only the client holds (SHA-256 stored). Signing out, a new password and a
deactivation revoke rows for good, so a replayed cookie or token, or a reactivation, opens nothing.

Lifetimes per role: admins 12 h idle and 30 days at most; agents 180 days (their phone is their
pass); site staff 30 days; entrance devices until revoked.
"""
import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Optional

from flask import g, has_request_context, request
from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value

from ..extensions import db
from ..timeutil import utcnow
from .models import ApiToken, Role, SetupLink, SignInKind, User

#: last_used_at is written at most this often, so every request is not a write.
TOUCH_INTERVAL = timedelta(minutes=5)
#: Devices stay enrolled until revoked; a date far enough to mean "never".
NEVER = datetime(9999, 1, 1)
#: How long a withdrawn entrance device may still send the scans it made before (a tablet offline
#: for weeks at a seasonal site); they are flagged, and nothing scanned after is taken.
WITHDRAWN_UPLOAD = timedelta(days=30)
ADMIN_ROLES = (Role.network_admin, Role.office_admin)
#: The scanner's calls that count as a sync of an entrance device.
SYNC_ENDPOINTS = ("api.scanner_bundle_view", "api.record_scans_batch")


def lifetime(role: Role) -> Optional[timedelta]:
    """How long a sign-in of this role lasts at most (None: until revoked)."""
    if role is Role.entrance_device:
        return None
    if role is Role.agent:
        return timedelta(days=180)
    return timedelta(days=30)


def idle_limit(role: Role) -> Optional[timedelta]:
    """How long an admin's sign-in survives unused."""
    return timedelta(hours=12) if role in ADMIN_ROLES else None


def digest(secret: str) -> str:
    return hashlib.sha256((secret or "").encode()).hexdigest()


def open_sign_in(user: User, kind: SignInKind, device_name: str, prefix: str = "") -> tuple[str, ApiToken]:
    """A new sign-in for `user`; the secret is returned once and never stored."""
    secret = prefix + secrets.token_urlsafe(32)
    span = lifetime(user.role)
    now = utcnow()
    row = ApiToken(user_id=user.id, kind=kind, device_name=(device_name or "").strip()[:80] or "?",
                   token_hash=digest(secret), created_at=now, last_used_at=now,
                   expires_at=now + span if span else NEVER)
    db.session.add(row)
    db.session.flush()
    return secret, row


def is_live(row: ApiToken, now: Optional[datetime] = None) -> bool:
    """Not revoked, not past its lifetime, not idle too long, its account active."""
    now = now or utcnow()
    if row.revoked_at is not None or row.expires_at < now or not row.user.is_active:
        return False
    idle = idle_limit(row.user.role)
    return not (idle and row.last_used_at and now - row.last_used_at > idle)


def user_for_secret(secret: str, kinds) -> Optional[User]:
    """The user behind a live sign-in of one of `kinds`, or None; remembers it in g.sign_in.
    A revoked entrance device is remembered in g.revoked_device, so the answer can say so."""
    row = ApiToken.query.filter_by(token_hash=digest(secret)).first()
    if row is None or row.kind not in kinds:
        return None
    now = utcnow()
    if not is_live(row, now):
        if row.kind is SignInKind.device and row.revoked_at is not None and has_request_context():
            g.revoked_device = row
        return None
    if has_request_context():
        g.sign_in = row
        _note_use(row, _use_of_this_request(row, now))
    return row.user


def _use_of_this_request(row: ApiToken, now: datetime) -> dict:
    """What this request tells of the sign-in: when it was last used (at most every TOUCH_INTERVAL)
    and, for an entrance device's sync, its app version and the scans it still holds."""
    changes = {}
    if row.last_used_at is None or now - row.last_used_at > TOUCH_INTERVAL:
        changes["last_used_at"] = now
    if row.user.role is Role.entrance_device and request.endpoint in SYNC_ENDPOINTS:
        changes["last_sync_at"] = now
        version = request.headers.get("X-Scanner-Version", "").strip()[:40]
        pending = request.headers.get("X-Scanner-Pending", "")
        if version:
            changes["app_version"] = version
        if pending.isdigit():
            changes["pending_scans"] = min(int(pending), 1_000_000)
    return changes


def _note_use(row: ApiToken, changes: dict) -> None:
    """Written at once in a short transaction of its own, like the rate limiter's counts: loading the
    user never commits the request's session (the route commits once), and the note stays even when
    the request fails afterwards."""
    if not changes:
        return
    with db.engine.begin() as connection:
        connection.execute(update(ApiToken).where(ApiToken.id == row.id).values(**changes))
    for name, value in changes.items():
        set_committed_value(row, name, value)  # the row in the session says the same, unchanged


def sent_in_time(withdrawn: ApiToken, now: Optional[datetime] = None) -> bool:
    """A withdrawn entrance device may still send what it scanned before, for WITHDRAWN_UPLOAD."""
    return (now or utcnow()) - withdrawn.revoked_at <= WITHDRAWN_UPLOAD


def current_sign_in() -> Optional[ApiToken]:
    return g.get("sign_in") if has_request_context() else None


def end_sign_in(row: Optional[ApiToken]) -> None:
    if row is not None and row.revoked_at is None:
        row.revoked_at = utcnow()


def end_every_sign_in(user: User, keep: Optional[ApiToken] = None) -> int:
    """Revoke every sign-in of `user` (but `keep`), for good; returns how many ended."""
    query = ApiToken.query.filter(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    if keep is not None:
        query = query.filter(ApiToken.id != keep.id)
    return query.update({ApiToken.revoked_at: utcnow()}, synchronize_session=False)


def end_pending_links(user: User) -> None:
    """Unused set-password links of `user` stop working, for good."""
    SetupLink.query.filter(SetupLink.user_id == user.id, SetupLink.used_at.is_(None)).update(
        {SetupLink.used_at: utcnow()}, synchronize_session=False)


def live_sign_ins(owner: User) -> list[ApiToken]:
    """The owner's sign-ins that still work (browsers, tokens, devices), most recently used first."""
    now = utcnow()
    rows = ApiToken.query.filter(ApiToken.user_id == owner.id, ApiToken.revoked_at.is_(None),
                                 ApiToken.expires_at > now).all()
    rows = [row for row in rows if is_live(row, now)]
    return sorted(rows, key=lambda row: row.last_used_at or row.created_at, reverse=True)
