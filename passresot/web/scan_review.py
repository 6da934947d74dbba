"""The network admin's review of scans: offline admissions the server refused, and overrides."""
from flask import Blueprint, render_template

from ..accounts.models import Role
from ..passes.exceptions import REFUSAL_MESSAGES
from ..visits.review import REVIEW_LIMIT, flagged_scans
from .access import roles_required

bp = Blueprint("scan_review", __name__, url_prefix="/admin/scans")


@bp.route("/conflicts")
@roles_required(Role.network_admin)
def conflicts():
    scans = flagged_scans()
    return render_template("network/scan_conflicts.html", scans=scans, reasons=REFUSAL_MESSAGES,
                           limit=REVIEW_LIMIT)
