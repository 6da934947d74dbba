"""The network admin's triage of dysfunction reports: list by status, answer, mark in progress or resolved."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.models import Role
from ..errors import DomainError
from ..extensions import db
from ..reports import api as reports
from ..reports.exceptions import ReportNotFound
from ..reports.models import MAX_TEXT, ReportStatus
from ..timeutil import utcnow
from .access import roles_required
from .forms import TriageForm
from .validation import apply_domain_error, form_status

bp = Blueprint("network_reports", __name__, url_prefix="/admin/reports")
network_only = roles_required(Role.network_admin)


@bp.route("")
@network_only
def reports_list():
    raw = request.args.get("status", "open")
    status = next((s for s in ReportStatus if s.value == raw), None)
    if status is None and raw not in ("open", "all"):
        abort(400)
    rows = reports.network_reports(status, open_only=raw == "open")
    now = utcnow()
    return render_template("network/reports.html", reports=rows, current=raw, counts=reports.count_by_status(),
                           late={r.id for r in rows if reports.is_late(r, now)},
                           deadlines={r.id: reports.deadline(r) for r in rows}, statuses=list(ReportStatus))


@bp.route("/<report_id>", methods=["GET", "POST"])
@network_only
def report_detail(report_id):
    try:
        report = reports.get_report(report_id)
    except ReportNotFound:
        abort(404)
    form = TriageForm(data={"status": report.status.value, "answer": report.answer or ""}
                      if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            reports.triage(current_user, report, ReportStatus(form.status.data), form.answer.data,
                           reports_url=_agent_reports_url())
        except DomainError as failure:
            db.session.rollback()
            apply_domain_error(form, failure)
        else:
            db.session.commit()
            flash(_("Signalement mis à jour."), "success")
            return redirect(url_for("network_reports.reports_list"))
    return render_template("network/report_detail.html", report=report, form=form, late=reports.is_late(report),
                           deadline=reports.deadline(report), max_text=MAX_TEXT), form_status(form)


def _agent_reports_url() -> str:
    """The agent's report page as a link for a mail (the public address when set, as for password links)."""
    base = current_app.config["PUBLIC_BASE_URL"]
    return base + url_for("agent_visits.reports") if base else url_for("agent_visits.reports", _external=True)
