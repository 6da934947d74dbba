"""The agent's own pages: this year's visits and hours (/visits), dysfunction reports (/reports).

Both pages are kept by the service worker (network first, the last copy offline). A report is
written in the browser into an IndexedDB outbox (static/js/reports-outbox.js) and sent through
POST /api/v1/me/reports; the form also posts here when JavaScript is off.
"""
import uuid

from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.models import Role
from ..collation import by_name
from ..errors import DomainError
from ..extensions import db
from ..hours.api import DEFAULT_VISIT_MINUTES, agent_hours, partners_not_visited
from ..i18n import duration_text
from ..partners.models import Partner
from ..ratelimit.api import hit, limit_from_config
from ..reports.api import (is_late, mark_answers_seen, record_report, reports_of, unseen_answer_ids,
                           unseen_answers)
from ..reports.models import KIND_LABELS, MAX_TEXT
from ..timeutil import paris_today, utcnow
from .access import roles_required
from .forms import ReportForm, int_or_none
from .validation import apply_domain_error, form_status

bp = Blueprint("agent_visits", __name__)
agent_only = roles_required(Role.agent)


bp.add_app_template_filter(duration_text, "duration")  # 90 → « 1 h 30 » (i18n.duration_text)


@bp.app_context_processor
def answers_badge() -> dict:
    """Agents see how many of the network's answers they have not read, beside « Signaler »."""
    if getattr(current_user, "is_authenticated", False) and current_user.role is Role.agent:
        return {"unseen_answers": unseen_answers(current_user.id)}
    return {"unseen_answers": 0}


@bp.route("/visits")
@agent_only
def visits():
    year = paris_today().year
    return render_template("agent/visits.html", year=year, hours=agent_hours(current_user.id, year),
                           not_visited=partners_not_visited(current_user.id, year),
                           default_minutes=DEFAULT_VISIT_MINUTES, rendered_at=utcnow().isoformat() + "Z")


@bp.route("/reports", methods=["GET", "POST"])
@agent_only
def reports():
    form = ReportForm()
    if form.validate_on_submit():  # the CSRF token; the fields are the domain's to check
        try:
            hit(f"reports:user:{current_user.id}", *limit_from_config("REPORTS_RATE_LIMIT"))
            record_report(current_user, form.sent())
        except DomainError as error:
            db.session.rollback()
            apply_domain_error(form, error)
        else:
            db.session.commit()  # the network hears of it in the next digest (`flask send-mail`)
            flash(_("Signalement envoyé au réseau RESOT66."), "success")
            return redirect(url_for("agent_visits.reports"))
    mine = reports_of(current_user.id)
    now = utcnow()
    return render_template(
        "agent/reports.html", reports=mine, late={r.id for r in mine if is_late(r, now)}, form=form,
        new_answers=unseen_answer_ids(current_user.id),  # marked seen once on screen (reports_seen)
        partners=by_name(Partner.query.filter_by(active=True).all(), "name", "commune"),
        kinds=KIND_LABELS, max_text=MAX_TEXT, new_id=str(uuid.uuid4()),
        selected=form.sent()["partner_id"] or int_or_none(request.args.get("partner")),
        contact=_contact(), rendered_at=now.isoformat() + "Z",
    ), form_status(form)


@bp.route("/reports/seen", methods=["POST"])
@agent_only
def reports_seen():
    """The report page had these answers on screen (static/js/reports.js): the menu's badge goes."""
    body = request.get_json(silent=True)
    ids = body.get("ids") if isinstance(body, dict) else None
    if not isinstance(ids, list) or not all(isinstance(i, str) and len(i) <= 36 for i in ids):
        return jsonify(error={"code": "invalid_request", "message": _("Liste d'identifiants attendue.")}), 400
    seen = mark_answers_seen(current_user.id, ids)
    db.session.commit()
    return jsonify(seen=sorted(seen), unseen=unseen_answers(current_user.id))


def _contact() -> dict:
    config = current_app.config
    return {"email": config["NETWORK_CONTACT_EMAIL"], "phone": config["NETWORK_CONTACT_PHONE"]}
