"""Sign-in, sign-out (CSRF is checked on every POST by CSRFProtect), choosing a password from a one-time link, and the language switch."""
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ..accounts import api as accounts
from ..accounts.exceptions import InvalidCredentials, SetupLinkInvalid, TooManyAttempts, WeakPassword
from ..extensions import db
from ..ratelimit.exceptions import RateLimited
from .forms import LoginForm, SetPasswordForm

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.email.data, form.password.data, request.remote_addr or "")
        except (InvalidCredentials, TooManyAttempts, RateLimited) as error:
            db.session.commit()  # the failed attempt counts
            flash(str(error.message), "error")
            return render_template("auth/login.html", form=form), error.status
        db.session.commit()
        session.permanent = True
        login_user(user)
        return redirect(_safe_next(request.args.get("next")) or url_for("home.index"))
    return render_template("auth/login.html", form=form), 400 if form.errors else 200


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
    logout_user()
    flash(_("Vous êtes déconnecté(e)."), "info")
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
            flash(_("Votre mot de passe est enregistré. Connectez-vous."), "success")
            return redirect(url_for("auth.login"))
    status = 400 if form.errors else 200
    return render_template("auth/set_password.html", form=form, user=user), status


@bp.route("/language/<code>", methods=["POST"])
def set_language(code):
    if code in current_app.config["LANGUAGES"]:
        session["locale"] = code
        if current_user.is_authenticated:
            current_user.locale = code
            db.session.commit()
    return redirect(_safe_next(request.form.get("next")) or url_for("home.index"))
