"""The landing page of each role, and agent photos."""
from flask import Blueprint, abort, current_app, make_response, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..accounts.models import Role, User
from ..agents.api import agent_photo
from ..extensions import db
from ..partners.api import missing_information
from ..surveys.api import open_survey_for_site
from ..timeutil import paris_today
from ..visits.site_stats import admissions_in_year
from .access import can_view_agent_photo, roles_required

bp = Blueprint("home", __name__)

LANDING = {
    Role.network_admin: "network.offices_list",
    Role.office_admin: "office.agents_list",
    Role.agent: "agent_pass.pass_screen",
    Role.partner_staff: "home.partner",
    Role.entrance_staff: "scanner.scanner",
    Role.entrance_device: "scanner.scanner",
}


@bp.route("/")
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return redirect(url_for(LANDING[current_user.role]))


@bp.route("/me")
@roles_required(Role.agent)
def agent():
    photo = agent_photo(current_user.id)
    contact = {"email": current_app.config["NETWORK_CONTACT_EMAIL"], "phone": current_app.config["NETWORK_CONTACT_PHONE"]}
    return render_template("home/agent.html", has_photo=photo is not None, contact=contact)


@bp.route("/site")
@roles_required(Role.partner_staff)
def partner():
    partner = current_user.partner
    year = paris_today().year
    return render_template("home/partner.html", partner=partner, missing=missing_information(partner),
                           year=year, admissions=admissions_in_year(partner.id, year),
                           open_survey=open_survey_for_site(partner.id, year))


@bp.route("/photos/agents/<int:agent_id>.jpg")
@login_required
def photo(agent_id):
    agent = db.session.get(User, agent_id)
    if agent is None or agent.role is not Role.agent or not can_view_agent_photo(current_user, agent):
        abort(404)
    stored = agent_photo(agent.id)
    if stored is None:
        abort(404)
    return _jpeg_response(stored.jpeg)


def _jpeg_response(jpeg: bytes):
    response = make_response(jpeg)
    response.headers["Content-Type"] = "image/jpeg"
    response.headers["Cache-Control"] = "private, max-age=300"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
