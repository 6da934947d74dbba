"""What routes call for accounts: sign-in with throttling, creation, one-time links."""
import hashlib
import secrets
from datetime import timedelta
from functools import cache
from typing import Optional

from flask import current_app
from sqlalchemy import func, or_
from werkzeug.security import check_password_hash, generate_password_hash

from ..audit.api import record_event
from ..extensions import db
from ..ratelimit.api import hit, limit_from_config
from ..timeutil import utcnow
from . import throttle
from .exceptions import EmailAlreadyUsed, InvalidCredentials, SetupLinkInvalid, WeakPassword
from .models import LoginAttempt, Role, SetupLink, SignInKind, User
from .sessions import end_every_sign_in, end_pending_links, user_for_secret

MIN_PASSWORD_LENGTH = 10


def hash_password(secret: str) -> str:
    """The hash kept for a password or a PIN, by the method PASSWORD_HASH_METHOD names (scrypt; the
    tests' database uses a light one, as they set hundreds of passwords)."""
    return generate_password_hash(secret, method=current_app.config["PASSWORD_HASH_METHOD"])


@cache
def _dummy_hash(method: str) -> str:
    """A hash to compare against when the email is unknown, so timing does not reveal accounts: made
    at the first such sign-in, not at import (scrypt costs 0.1 to 0.3 s of processor, which every
    app start would pay)."""
    return generate_password_hash("not-a-real-password", method=method)


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user_by_email(email: str):
    return User.query.filter_by(email=normalize_email(email)).first()


def authenticate(email: str, password: str, address: str, known_device: Optional[str] = None) -> User:
    """Return the active user for these credentials, or raise. Every try counts per caller
    (RateLimited past SIGN_IN_RATE_LIMIT); failures slow down the (account, caller) pair, see
    throttle.py. `known_device`: the id of a browser that signed in to this account before, then
    the caller is that browser and not the (maybe shared) address."""
    caller = f"device:{known_device}" if known_device else address
    hit(f"sign-in:ip:{caller}", *limit_from_config("SIGN_IN_RATE_LIMIT"))
    email = normalize_email(email)
    throttle.check(email, caller, known=bool(known_device))
    user = User.query.filter_by(email=email).first()
    method = current_app.config["PASSWORD_HASH_METHOD"]
    hash_ = user.password_hash if user and user.password_hash else _dummy_hash(method)
    password_ok = check_password_hash(hash_, password or "")
    if not (user and user.password_hash and password_ok and user.is_active):
        throttle.record_failure(email, caller)
        raise InvalidCredentials()
    throttle.forget_failures(email, caller)
    return user


def create_user(actor, *, email, role: Role, first_name, last_name, **fields) -> User:
    """Create an account without password; its owner chooses one through a setup link."""
    email = normalize_email(email)
    ensure_email_free(email)
    user = User(email=email, role=role, first_name=first_name.strip(),
                last_name=last_name.strip(), **fields)
    db.session.add(user)
    db.session.flush()
    record_event(actor, "user.created", "user", user.id, role=role.value, email=email)
    return user


def ensure_email_free(email: str, except_user_id=None) -> None:
    query = User.query.filter(User.email == normalize_email(email))
    if except_user_id:
        query = query.filter(User.id != except_user_id)
    if db.session.query(query.exists()).scalar():
        raise EmailAlreadyUsed(fields={"email": EmailAlreadyUsed.message})


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_setup_link(actor, user: User) -> str:
    """Make a one-time link token valid for SETUP_LINK_DAYS; older unused links of this user end."""
    now = utcnow()
    SetupLink.query.filter(SetupLink.user_id == user.id, SetupLink.used_at.is_(None)).update(
        {SetupLink.used_at: now}, synchronize_session=False)
    token = secrets.token_urlsafe(32)
    days = current_app.config["SETUP_LINK_DAYS"]
    db.session.add(SetupLink(user_id=user.id, token_hash=_hash_token(token),
                             expires_at=now + timedelta(days=days),
                             created_by_id=getattr(actor, "id", None)))
    record_event(actor, "user.setup_link_created", "user", user.id)
    return token


def user_for_setup_link(token: str) -> User:
    """The user a valid, unused, unexpired link belongs to."""
    link = _valid_link(token)
    return link.user


def _valid_link(token: str) -> SetupLink:
    link = SetupLink.query.filter_by(token_hash=_hash_token(token or "")).first()
    if not link or link.used_at is not None or link.expires_at < utcnow() or not link.user.active:
        raise SetupLinkInvalid()
    return link


def set_password_with_link(token: str, password: str) -> User:
    """Use a one-time link to set the password; the link cannot be used again."""
    link = _valid_link(token)
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise WeakPassword(fields={"password": WeakPassword.message})
    user = link.user
    user.password_hash = hash_password(password)
    user.session_version += 1
    link.used_at = utcnow()
    end_every_sign_in(user)
    LoginAttempt.query.filter_by(email=user.email).delete()
    record_event(user, "user.password_set", "user", user.id)
    return user


def set_active(actor, user: User, active: bool) -> None:
    """Activate or deactivate an account; deactivation ends its sessions."""
    if user.active == active:
        return
    user.active = active
    if not active:
        end_account_access(user)
    record_event(actor, "user.activated" if active else "user.deactivated", "user", user.id)


def end_account_access(user: User) -> None:
    """Deactivation (of the user, their office or their site): every session, token and pending
    set-password link ends for good, so a later reactivation revives none of them."""
    user.session_version += 1
    end_every_sign_in(user)
    end_pending_links(user)


def user_from_session_id(session_id: str):
    """Flask-Login loader: the session cookie holds 's:<secret>' of a server-side sign-in.
    Cookies of the older 'id:version' form open nothing (their owner signs in again)."""
    if not isinstance(session_id, str) or not session_id.startswith("s:"):
        return None
    return user_for_secret(session_id[2:], (SignInKind.browser, SignInKind.device))


def search_users(query, text: str):
    """Filter a user query by a free-text search on names and email."""
    if not text:
        return query
    like = f"%{escape_like(text.strip().lower())}%"
    return query.filter(or_(func.lower(User.first_name).like(like, escape="\\"),
                            func.lower(User.last_name).like(like, escape="\\"),
                            User.email.like(like, escape="\\")))


def escape_like(text: str) -> str:
    """Make % and _ typed in a search box match themselves."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
