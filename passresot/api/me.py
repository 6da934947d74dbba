"""GET /api/v1/me/hours, GET and POST /api/v1/me/reports: the agent's hours and dysfunction reports."""
from flask import jsonify, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..accounts.models import Role
from ..extensions import db
from ..hours.api import DEFAULT_VISIT_MINUTES, agent_hours
from ..ratelimit.api import hit, limit_from_config
from ..reports.api import record_report, report_json, reports_of
from ..reports.exceptions import InvalidReport
from ..timeutil import paris_today
from ..web.access import roles_required
from . import bp


def _iso(moment):
    return moment.isoformat() + "Z" if moment else None


@bp.route("/me/hours")
@roles_required(Role.agent)
def my_hours():
    hours = agent_hours(current_user.id, paris_today().year)
    response = jsonify(
        year=hours.year, target_minutes=hours.target_minutes, total_minutes=hours.total_minutes,
        pass_minutes=hours.pass_minutes, other_minutes=hours.other_minutes,
        default_visit_minutes=DEFAULT_VISIT_MINUTES,
        visits=[{"partner_id": visit.partner_id, "partner_name": visit.partner.name,
                 "admitted_at": _iso(visit.admitted_at), "minutes": minutes, "estimated": estimated}
                for visit, minutes, estimated in hours.visits],
        other_visits=[{"partner_id": other.partner_id, "partner_name": other.partner.name,
                       "visited_on": other.visited_on.isoformat(), "minutes": other.minutes, "note": other.note}
                      for other in hours.other_visits])
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.route("/me/reports", methods=["GET", "POST"])
@roles_required(Role.agent)
def my_reports():
    if request.method == "GET":
        response = jsonify(reports=[report_json(report) for report in reports_of(current_user.id)])
        response.headers["Cache-Control"] = "private, no-cache"
        return response
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidReport(_l("Un objet JSON est attendu."))
    hit(f"reports:user:{current_user.id}", *limit_from_config("REPORTS_RATE_LIMIT"))
    report, created = record_report(current_user, body)
    db.session.commit()  # the network hears of it in the next digest (`flask send-mail`)
    return jsonify(report=report_json(report), replayed=not created), 201 if created else 200
