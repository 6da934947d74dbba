"""Bearer tokens for scanner devices and API clients (sign-ins of kind `token`, see sessions.py): revocable."""
from ..audit.api import record_event
from ..extensions import db
from ..timeutil import utcnow
from .exceptions import TokenNotFound
from .models import ApiToken, Role, SignInKind, User
from .sessions import digest as _digest, live_sign_ins, open_sign_in, user_for_secret


def create_api_token(user: User, device_name: str) -> tuple[str, ApiToken]:
    """A new bearer token for `user` (its role's lifetime); the clear text is returned once and never stored."""
    token, row = open_sign_in(user, SignInKind.token, device_name, prefix="prt_")
    record_event(user, "token.created", "user", user.id, device=row.device_name, token_id=row.id)
    return token, row


def user_for_api_token(token: str):
    """The active user behind a live bearer token (or an entrance device's secret), or None."""
    return user_for_secret(token, (SignInKind.token, SignInKind.device))


def revoke_api_token(actor, token: str) -> bool:
    """Revoke the token given in clear (its owner signing a device out)."""
    row = ApiToken.query.filter_by(token_hash=_digest(token or "")).first()
    if row is None or row.revoked_at is not None:
        return False
    row.revoked_at = utcnow()
    record_event(actor or row.user, "token.revoked", "user", row.user_id, token_id=row.id)
    return True


def active_api_tokens(owner: User) -> list[ApiToken]:
    """The owner's sign-ins that still work: browser sessions, tokens and devices together."""
    return live_sign_ins(owner)


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
