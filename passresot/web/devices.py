"""Devices signed in to the API (scanner tablets, API clients): listed and signed out by their owner,
by the network admin, and by an office admin for the people of their office."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..accounts.models import Role, User
from ..accounts.tokens import active_api_tokens, may_manage_tokens_of, revoke_api_token_of
from ..extensions import db
from .forms import ActionForm

bp = Blueprint("devices", __name__)


@bp.route("/me/devices")
@login_required
def mine():
    return _page(current_user)


@bp.route("/me/devices/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_mine(token_id):
    return _revoke(current_user, token_id, url_for("devices.mine"))


@bp.route("/accounts/<int:user_id>/devices")
@login_required
def of_account(user_id):
    return _page(_managed_account_or_404(user_id))


@bp.route("/accounts/<int:user_id>/devices/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_of_account(user_id, token_id):
    owner = _managed_account_or_404(user_id)
    return _revoke(owner, token_id, url_for("devices.of_account", user_id=owner.id))


def _managed_account_or_404(user_id) -> User:
    """Someone whose devices the signed-in admin manages; anyone else is a 404 (or 403 if no admin)."""
    if current_user.role not in (Role.network_admin, Role.office_admin):
        abort(403)
    owner = db.session.get(User, user_id)
    if owner is None or not may_manage_tokens_of(current_user, owner):
        abort(404)
    return owner


def _page(owner):
    return render_template("devices/list.html", owner=owner, tokens=active_api_tokens(owner),
                           form=ActionForm(), own=owner.id == current_user.id)


def _revoke(owner, token_id, back):
    if not ActionForm().validate_on_submit():
        abort(400)
    row = revoke_api_token_of(current_user, owner, token_id)
    db.session.commit()
    flash(_("« %(device)s » est déconnecté : son jeton ne fonctionne plus.", device=row.device_name), "success")
    return redirect(back)
