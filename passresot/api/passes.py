"""GET /api/v1/me/pass, /keys and /revocations: what the agent shows and what scanners verify with."""
from flask import current_app, jsonify, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..accounts.models import Role
from ..errors import NotFound
from ..passes.api import latest_pass, revocations_since
from ..passes.models import PassStatus
from ..timeutil import utcnow
from ..web.access import roles_required
from . import bp
from .validation import optional_timestamp


def _iso(moment):
    return moment.isoformat() + "Z" if moment else None


@bp.route("/me/pass")
@roles_required(Role.agent)
def my_pass():
    pass_ = latest_pass(current_user.id)
    if pass_ is None:
        raise NotFound(_l("Aucun pass ne vous a encore été délivré."))
    agent = current_user
    status = pass_.effective_status()
    return jsonify(
        # Like the pass screen, no code to show once the pass is not valid any more.
        qr=pass_.token if status is PassStatus.active else None,
        pass_number=pass_.display_number,
        holder={"first_name": agent.first_name, "last_name": agent.last_name,
                "photo_url": url_for("home.photo", agent_id=agent.id)},
        office={"id": agent.office.id, "name": agent.office.name},
        valid_from=_iso(pass_.valid_from),
        valid_until=_iso(pass_.valid_until),
        status=status.value,
    )


@bp.route("/keys")
def keys():
    response = jsonify(keys=current_app.extensions["pass_keys"].public_jwks())
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.route("/revocations")
@roles_required(Role.partner_staff, Role.network_admin)
def revocations():
    since = optional_timestamp("since")
    now = utcnow()
    return jsonify(revocations=revocations_since(since), server_time=_iso(now))
