"""Bearer tokens for scanner devices and API clients: created at sign-in, stored hashed, revocable."""
import hashlib
import secrets
from datetime import timedelta

from ..audit.api import record_event
from ..extensions import db
from ..timeutil import utcnow
from .exceptions import TokenNotFound
from .models import ApiToken, Role, User

TOKEN_LIFETIME = timedelta(days=180)
#: last_used_at is written at most this often, so every API call is not a write.
TOUCH_INTERVAL = timedelta(minutes=5)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_api_token(user: User, device_name: str) -> tuple[str, ApiToken]:
    """A new bearer token for `user`; the clear text is returned once and never stored."""
    token = "prt_" + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, device_name=(device_name or "").strip()[:80] or "?",
                   token_hash=_digest(token), expires_at=utcnow() + TOKEN_LIFETIME)
    db.session.add(row)
    db.session.flush()
    record_event(user, "token.created", "user", user.id, device=row.device_name, token_id=row.id)
    return token, row


def user_for_api_token(token: str):
    """The active user behind a valid, unrevoked, unexpired token, or None."""
    row = ApiToken.query.filter_by(token_hash=_digest(token or "")).first()
    now = utcnow()
    if row is None or row.revoked_at is not None or row.expires_at < now or not row.user.is_active:
        return None
    if row.last_used_at is None or now - row.last_used_at > TOUCH_INTERVAL:
        row.last_used_at = now
        db.session.commit()
    return row.user


def revoke_api_token(actor, token: str) -> bool:
    """Revoke the token given in clear (its owner signing a device out)."""
    row = ApiToken.query.filter_by(token_hash=_digest(token or "")).first()
    if row is None or row.revoked_at is not None:
        return False
    row.revoked_at = utcnow()
    record_event(actor or row.user, "token.revoked", "user", row.user_id, token_id=row.id)
    return True


def active_api_tokens(owner: User) -> list[ApiToken]:
    """The owner's tokens that still open the API (not revoked, not expired), newest first."""
    return (ApiToken.query.filter(ApiToken.user_id == owner.id, ApiToken.revoked_at.is_(None),
                                  ApiToken.expires_at > utcnow())
            .order_by(ApiToken.created_at.desc()).all())


def may_manage_tokens_of(actor: User, owner: User) -> bool:
    """The owner, the network admin, or the owner's office admin (for people of that office)."""
    if actor.id == owner.id or actor.role is Role.network_admin:
        return True
    return (actor.role is Role.office_admin and owner.office_id is not None
            and owner.office_id == actor.office_id)


def revoke_api_token_of(actor: User, owner: User, token_id: int) -> ApiToken:
    """Sign a device out: `owner`'s token `token_id` stops working (TokenNotFound otherwise)."""
    row = db.session.get(ApiToken, token_id)
    if row is None or row.user_id != owner.id or not may_manage_tokens_of(actor, owner):
        raise TokenNotFound()
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        record_event(actor, "token.revoked", "user", owner.id, token_id=row.id, device=row.device_name)
    return row
