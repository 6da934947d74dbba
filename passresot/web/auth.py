"""Sign-in, sign-out (CSRF is checked on every POST by CSRFProtect), choosing a password from a
one-time link or asking one by e-mail, changing one's own password, and the language switch.

Every sign-in is a server-side record (accounts/sessions.py): the cookie holds only its secret, so
signing out ends it for good. A browser that signed in to an account keeps a signed "known
device" cookie, so strangers' failures never slow it down (accounts/throttle.py)."""
import logging
import re
import secrets
from urllib.parse import urlsplit

from flask import (Blueprint, abort, current_app, flash, g, redirect, render_template, request, session,
                   url_for)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user, logout_user
from itsdangerous import BadSignature, URLSafeSerializer

from ..accounts import api as accounts
from ..accounts import passwords
from ..accounts.exceptions import (InvalidCredentials, SetupLinkInvalid, TooManyAttempts, WeakPassword,
                                   WrongCurrentPassword)
from ..accounts.models import SignInKind
from ..accounts.sessions import current_sign_in, end_sign_in, open_sign_in
from ..extensions import db
from ..ratelimit.exceptions import RateLimited
from .account_forms import ChangePasswordForm, ResetRequestForm
from .forms import LoginForm, SetPasswordForm

bp = Blueprint("auth", __name__)

KNOWN_COOKIE = "passresot_known"
KNOWN_MAX_ACCOUNTS = 10


#: The e-mail of an account that just chose its password, for the sign-in form that follows.
LOGIN_EMAIL = "login_email"


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if request.method == "GET" and session.get(LOGIN_EMAIL):
        form.email.data = session.pop(LOGIN_EMAIL)
    if form.validate_on_submit():
        known = _known_devices()
        user_seen = accounts.find_user_by_email(form.email.data)
        known_id = known["d"] if user_seen and user_seen.id in known["u"] else None
        try:
            user = accounts.authenticate(form.email.data, form.password.data, request.remote_addr or "",
                                         known_device=known_id)
        except (InvalidCredentials, TooManyAttempts, RateLimited) as error:
            db.session.commit()  # the failed attempt counts
            flash(str(error.message), "error")
            return render_template("auth/login.html", form=form, **_login_page()), error.status
        response = redirect(_safe_next(request.args.get("next")) or url_for("home.index"))
        start_session(user, SignInKind.browser, _browser_label())
        db.session.commit()
        _remember_known(response, known, user.id)
        return response
    return render_template("auth/login.html", form=form, **_login_page()), 400 if form.errors else 200


def start_session(user, kind: SignInKind, name: str) -> None:
    """Sign `user` in for this browser: a server-side record whose secret only the cookie holds."""
    secret, _row = open_sign_in(user, kind, name)
    session.permanent = True
    login_user(user)
    session["_user_id"] = "s:" + secret


def _login_page() -> dict:
    return {"reset_by_mail": bool(current_app.config["SMTP_HOST"]),
            "network_contact": current_app.config["NETWORK_CONTACT_EMAIL"]}


def _serializer():
    return URLSafeSerializer(current_app.secret_key, salt="known-device")


def _known_devices() -> dict:
    try:
        data = _serializer().loads(request.cookies.get(KNOWN_COOKIE, ""))
        return {"d": str(data["d"])[:40], "u": [int(u) for u in data["u"]][:KNOWN_MAX_ACCOUNTS]}
    except (BadSignature, KeyError, TypeError, ValueError):
        return {"d": secrets.token_urlsafe(12), "u": []}


def _remember_known(response, known: dict, user_id: int) -> None:
    users = [user_id] + [u for u in known["u"] if u != user_id]
    response.set_cookie(KNOWN_COOKIE, _serializer().dumps({"d": known["d"], "u": users[:KNOWN_MAX_ACCOUNTS]}),
                        max_age=400 * 24 * 3600, httponly=True, samesite="Lax",
                        secure=current_app.config["SESSION_COOKIE_SECURE"] or request.is_secure)


def _browser_label() -> str:
    """"Firefox · Android": enough for people to recognise their own browsers in /me/devices."""
    agent = request.user_agent.string or ""
    browser = next((name for name in ("Edg", "Firefox", "Chrome", "Safari") if name in agent), None)
    system = next((name for name in ("Android", "iPhone", "iPad", "Windows", "Mac OS", "Linux") if name in agent), None)
    label = " · ".join(part.replace("Edg", "Edge") for part in (browser, system) if part)
    return label or _("Navigateur")


def _safe_next(target):
    """Only same-site paths, so the login page cannot bounce people elsewhere."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/logout", methods=["POST"])
def logout():
    """Ends this sign-in on the server: the old cookie, replayed, opens nothing."""
    if current_user.is_authenticated:  # loads this request's sign-in into g
        end_sign_in(current_sign_in())
        db.session.commit()
    logout_user()
    session.clear()
    flash(_("Déconnexion effectuée. À bientôt !"), "info")
    return redirect(url_for("auth.login"))


@bp.route("/password/<token>", methods=["GET", "POST"])
def set_password(token):
    try:
        user = accounts.user_for_setup_link(token)
    except SetupLinkInvalid as error:
        return render_template("auth/link_invalid.html", message=error.message), 410
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            accounts.set_password_with_link(token, form.password.data)
        except WeakPassword as error:
            form.password.errors.append(error.message)
        else:
            db.session.commit()
            logout_user()
            session.clear()
            session[LOGIN_EMAIL] = user.email  # the sign-in form opens with it filled in
            flash(_("Votre mot de passe est enregistré. Connectez-vous."), "success")
            return redirect(url_for("auth.login"))
    status = 400 if form.errors else 200
    return render_template("auth/set_password.html", form=form, user=user), status


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    """A reset link by e-mail for site managers and admins (agents ask their office), when SMTP is
    set; without it the page says whom to ask."""
    form = ResetRequestForm()
    if not current_app.config["SMTP_HOST"]:
        return render_template("auth/forgot.html", form=None, **_login_page())
    if form.validate_on_submit():
        try:
            passwords.send_reset_link(form.email.data, request.remote_addr or "")
        except RateLimited as error:
            flash(str(error.message), "error")
            return render_template("auth/forgot.html", form=form), error.status
        db.session.commit()
        flash(_("Si un compte de responsable de site ou d'administrateur correspond à cette adresse, "
                "un lien vient de lui être envoyé. Il est valable une seule fois."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form), 400 if form.errors else 200


@bp.route("/me/password", methods=["GET", "POST"])
@login_required
def change_password():
    """One's own new password; every other session and token of the account ends."""
    if current_user.password_hash is None:
        abort(404)  # entrance devices have no password
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            ended = passwords.change_own_password(current_user, form.current.data, form.password.data,
                                                  keep=current_sign_in(), address=request.remote_addr or "")
        except (WrongCurrentPassword, WeakPassword, TooManyAttempts) as error:
            db.session.commit()  # a wrong current password counts towards the throttle
            form.current.errors.append(error.message)
        else:
            db.session.commit()
            flash(ngettext("Votre mot de passe est changé. %(num)d autre session ou appareil est déconnecté.",
                           "Votre mot de passe est changé. %(num)d autres sessions ou appareils sont déconnectés.",
                           ended) if ended else _("Votre mot de passe est changé."), "success")
            return redirect(url_for("devices.mine"))
    return render_template("auth/change_password.html", form=form), 400 if form.errors else 200


@bp.route("/language/<code>", methods=["POST"])
def set_language(code):
    if code in current_app.config["LANGUAGES"]:
        session["locale"] = code
        if current_user.is_authenticated:
            current_user.locale = code
            db.session.commit()
    return redirect(_safe_next(request.form.get("next")) or url_for("home.index"))


class SecretPathFilter(logging.Filter):
    """The development server's access log names the route, never a one-time link's secret."""

    PATTERN = re.compile(r"/(password|enrol)/(?!forgot\b)[^/\s\"?]+")

    def filter(self, record):
        if isinstance(record.args, tuple):
            record.args = tuple(self.PATTERN.sub(r"/\1/<token>", arg) if isinstance(arg, str) else arg
                                for arg in record.args)
        if isinstance(record.msg, str):
            record.msg = self.PATTERN.sub(r"/\1/<token>", record.msg)
        return True


@bp.before_app_request
def _forget_previous_sign_in():
    """g.sign_in is this request's; an app context reused across requests (tests) must not carry it."""
    g.pop("sign_in", None)
    g.pop("revoked_device", None)


@bp.record_once
def _filter_werkzeug_log(_state):
    werkzeug_log = logging.getLogger("werkzeug")
    if not any(isinstance(f, SecretPathFilter) for f in werkzeug_log.filters):
        werkzeug_log.addFilter(SecretPathFilter())
