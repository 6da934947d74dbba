"""CSV import of an office's agents: upload, preview every row, then import all or nothing."""
from flask import Blueprint, render_template

from ..accounts.models import Role
from .access import roles_required

bp = Blueprint("agent_import", __name__, url_prefix="/office/agents/import")


@bp.route("", methods=["GET", "POST"])
@roles_required(Role.office_admin)
def upload():
    return render_template("error.html", status=501, message="À venir"), 501
