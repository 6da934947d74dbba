"""The agent's pass screen (works offline once seen) and its printable card."""
from flask import Blueprint, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from ..accounts.models import Role
from ..agents.api import agent_photo
from ..passes.api import latest_pass
from ..passes.models import PassStatus
from ..passes.qr import qr_modules, qr_svg
from ..timeutil import utcnow
from .access import roles_required

bp = Blueprint("agent_pass", __name__)


def pass_context(agent):
    """What the pass screen and the card show for `agent`."""
    pass_ = latest_pass(agent.id)
    status = pass_.effective_status() if pass_ else None
    usable = status is PassStatus.active
    return {
        "holder": agent,
        "pass_": pass_,
        "status": status,
        "usable": usable,
        "qr": Markup(qr_svg(pass_.token, _("QR code du pass à présenter au partenaire"))) if usable else None,
        "qr_modules": qr_modules(pass_.token) if usable else None,
        "has_photo": agent_photo(agent.id) is not None,
        "rendered_at": utcnow().isoformat() + "Z",
    }


@bp.route("/pass")
@roles_required(Role.agent)
def pass_screen():
    return render_template("pass/pass.html", **pass_context(current_user))


@bp.route("/pass/card")
@roles_required(Role.agent)
def card():
    return render_template("pass/card.html", back_url=url_for("agent_pass.pass_screen"),
                           **pass_context(current_user))
