"""The OT admin's office view (passes ending, agents' participation) and their agents' other partner visits.

CSRF on the posts is checked by CSRFProtect before the views run."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.models import Role
from ..collation import by_name
from ..errors import DomainError
from ..extensions import db
from ..hours.api import (TARGET_MINUTES, agent_hours, delete_other_visit, office_participation,
                         record_other_visit)
from ..hours.models import OtherVisit
from ..hours import office_year as year_tables
from ..exports import FORMATS, table_response
from ..stats.api import parse_year, year_choices
from ..offices.overview import ENDING_WITHIN, passes_ending_soon
from ..partners.models import Partner
from ..timeutil import paris_today, utcnow
from .access import agent_of_my_office_or_404, roles_required
from .forms import ActionForm, OtherVisitForm
from .validation import apply_domain_error, form_status

bp = Blueprint("office_overview", __name__, url_prefix="/office")
office_admin_only = roles_required(Role.office_admin)


@bp.route("/overview")
@office_admin_only
def overview():
    year = parse_year(request.args.get("year"))
    rows = office_participation(current_user.office_id, year)
    now = utcnow()
    return render_template(
        "office/overview.html", year=year, rows=rows, target=TARGET_MINUTES,
        participating=sum(1 for row in rows if row["visits"]),
        reached=sum(1 for row in rows if row["total_minutes"] >= TARGET_MINUTES and not row["excluded_reason"]),
        ending=passes_ending_soon(current_user.office_id, now), now=now, days=ENDING_WITHIN.days,
        action_form=ActionForm(), years=year_choices(), exports=year_tables.TABLES)


@bp.route("/overview/report")
@office_admin_only
def year_report():
    """The office's yearly sheet, to print (or save as PDF) for the director and Qualité Tourisme."""
    data = year_tables.office_year(current_user.office_id, parse_year(request.args.get("year")))
    return render_template("office/year_report.html", data=data, year=data.year, target=TARGET_MINUTES,
                           partners=data.partners(), today=paris_today())


@bp.route("/overview/<name>.<fmt>")
@office_admin_only
def export(name, fmt):
    """The office's agents' hours, or every visit of the year, as CSV or XLSX (their own office only)."""
    if name not in year_tables.TABLES or fmt not in FORMATS:
        abort(404)
    data = year_tables.office_year(current_user.office_id, parse_year(request.args.get("year")))
    return table_response(year_tables.export_table(name, data), fmt, f"passresot66-office-{name}-{data.year}")


@bp.route("/agents/<int:agent_id>/visits", methods=["GET", "POST"])
@office_admin_only
def agent_visits(agent_id):
    agent = agent_of_my_office_or_404(agent_id)
    form = OtherVisitForm(data={"visited_on": paris_today().isoformat(), "minutes": "120"}
                          if request.method == "GET" else None)
    if form.validate_on_submit():  # the CSRF token; the fields are the domain's to check
        try:
            record_other_visit(current_user, agent, **form.sent())
        except DomainError as error:
            db.session.rollback()
            apply_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Visite enregistrée pour %(name)s.", name=agent.full_name), "success")
            return redirect(url_for("office_overview.agent_visits", agent_id=agent.id))
    year = paris_today().year
    return render_template(
        "office/agent_visits.html", agent=agent, year=year, hours=agent_hours(agent.id, year),
        partners=by_name(Partner.query.filter_by(active=True).all(), "name", "commune"), form=form,
        selected=form.sent()["partner_id"], today=paris_today(), action_form=ActionForm()), form_status(form)


@bp.route("/other-visits/<int:visit_id>/delete", methods=["POST"])
@office_admin_only
def delete_agent_visit(visit_id):
    other = db.session.get(OtherVisit, visit_id)
    if other is None:
        abort(404)
    agent = agent_of_my_office_or_404(other.user_id)  # another office's visit is a 404
    delete_other_visit(current_user, other)
    db.session.commit()
    flash(_("Visite supprimée."), "success")
    return redirect(url_for("office_overview.agent_visits", agent_id=agent.id))
