"""Personal data pages: the public register, and each account's own data and audit trail."""
import json

from flask import Blueprint, current_app, make_response, render_template
from flask_login import current_user, login_required

from ..privacy.api import LOGIN_ATTEMPTS_DAYS, history_of, retention_months
from ..privacy.export import personal_data
from ..timeutil import paris_today

bp = Blueprint("privacy", __name__)


@bp.route("/privacy")
def register():
    contact = {"email": current_app.config["NETWORK_CONTACT_EMAIL"],
               "phone": current_app.config["NETWORK_CONTACT_PHONE"]}
    return render_template("privacy/register.html", months=retention_months(),
                           login_days=LOGIN_ATTEMPTS_DAYS, contact=contact)


@bp.route("/me/history")
@login_required
def history():
    return render_template("privacy/history.html", events=history_of(current_user))


@bp.route("/me/data.json")
@login_required
def data_download():
    body = json.dumps(personal_data(current_user), ensure_ascii=False, indent=2)
    response = make_response(body)
    response.headers["Content-Type"] = "application/json; charset=utf-8"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="passresot66-mes-donnees-{paris_today().isoformat()}.json"')
    response.headers["Cache-Control"] = "private, no-store"
    return response
