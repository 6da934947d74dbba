"""Bearer tokens for scanner devices and API clients: created at sign-in, stored hashed, revocable."""
import hashlib
import secrets
from datetime import timedelta

from ..audit.api import record_event
from ..extensions import db
from ..timeutil import utcnow
from .models import ApiToken, User

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
