"""One's own password: changing it (the current one required) and asking a reset link by e-mail."""
from flask import current_app, url_for
from flask_babel import gettext as _
from werkzeug.security import check_password_hash

from ..audit.api import record_event
from ..mailbox.api import queue_mail
from ..ratelimit.api import hit
from . import throttle
from .api import MIN_PASSWORD_LENGTH, create_setup_link, find_user_by_email, hash_password, normalize_email
from .exceptions import WeakPassword, WrongCurrentPassword
from .models import Role
from .sessions import end_every_sign_in

#: Who may ask a reset link by e-mail; agents ask their office (their account is their office's).
RESET_BY_MAIL_ROLES = (Role.partner_staff, Role.entrance_staff, Role.office_admin, Role.network_admin)
RESETS_PER_HOUR_PER_ADDRESS = 5
RESETS_PER_HOUR_PER_ACCOUNT = 3


def change_own_password(user, current: str, new: str, *, keep, address: str) -> int:
    """Set a new password after checking the current one; every other sign-in ends. Returns how many."""
    caller = f"password:{address}"
    throttle.check(user.email, caller)
    if not check_password_hash(user.password_hash or "", current or ""):
        throttle.record_failure(user.email, caller)
        raise WrongCurrentPassword()
    if len(new or "") < MIN_PASSWORD_LENGTH:
        raise WeakPassword()
    user.password_hash = hash_password(new)
    user.session_version += 1
    ended = end_every_sign_in(user, keep=keep)
    record_event(user, "user.password_changed", "user", user.id, sessions_ended=ended)
    return ended


def send_reset_link(email: str, address: str) -> bool:
    """E-mail a one-time link to a site manager or admin; says nothing about whether the account exists."""
    email = normalize_email(email)
    hit(f"reset:ip:{address}", RESETS_PER_HOUR_PER_ADDRESS, 3600)
    hit(f"reset:email:{email}", RESETS_PER_HOUR_PER_ACCOUNT, 3600)
    user = find_user_by_email(email)
    if user is None or not user.is_active or user.role not in RESET_BY_MAIL_ROLES:
        return False
    token = create_setup_link(None, user)
    base = current_app.config["PUBLIC_BASE_URL"]
    path = url_for("auth.set_password", token=token)
    url = base + path if base else url_for("auth.set_password", token=token, _external=True)
    body = _("Bonjour %(name)s,\n\nVous avez demandé à changer le mot de passe de PassResOT66. "
             "Choisissez-en un nouveau avec ce lien, valable %(days)s jours et une seule fois :\n%(url)s\n\n"
             "Si vous n'avez rien demandé, ignorez ce message.\n\nRESOT66",
             name=user.first_name, days=current_app.config["SETUP_LINK_DAYS"], url=url)
    return queue_mail(user.email, _("Nouveau mot de passe PassResOT66"), body,
                      log_as=f"lien créé pour le compte {user.id}") is not None
