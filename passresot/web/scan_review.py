"""The network admin's review of scans: conflicts (accepted or voided here), overrides, scans of a
withdrawn device; filtered and paged."""
from datetime import date
from typing import Optional

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.models import Role
from ..collation import french_key
from ..errors import DomainError
from ..extensions import db
from ..partners.models import Partner
from ..passes.exceptions import REFUSAL_MESSAGES
from ..visits.review import STATES, ReviewFilters, accept_conflict, flagged_scans, void_conflict
from .access import roles_required
from .forms import ActionForm

bp = Blueprint("scan_review", __name__, url_prefix="/admin/scans")


@bp.route("/conflicts")
@roles_required(Role.network_admin)
def conflicts():
    filters, errors = _filters()
    page = flagged_scans(filters, request.args.get("page", 1, type=int))
    sites = Partner.query.with_entities(Partner.id, Partner.name).all()
    sites.sort(key=lambda site: french_key(site.name))
    return render_template("network/scan_conflicts.html", page=page, filters=filters, errors=errors,
                           reasons=REFUSAL_MESSAGES, sites=sites, states=STATES,
                           query=_query_args()), 400 if errors else 200


@bp.route("/<scan_id>/accept", methods=["POST"])
@roles_required(Role.network_admin)
def accept(scan_id):
    return _review(lambda: accept_conflict(current_user, scan_id),
                   _("Conflit accepté : l'entrée compte désormais dans les heures et les statistiques."))


@bp.route("/<scan_id>/void", methods=["POST"])
@roles_required(Role.network_admin)
def void(scan_id):
    return _review(lambda: void_conflict(current_user, scan_id),
                   _("Conflit écarté : l'entrée ne comptera pas."))


def _review(action, done: str):
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        action()
    except DomainError as error:
        if error.status == 404:
            abort(404)
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        flash(done, "success")
    back = request.form.get("back", "")
    return redirect(back if back.startswith("/admin/scans/conflicts") else url_for("scan_review.conflicts"))


def _filters() -> tuple[ReviewFilters, dict]:
    errors = {}
    site = request.args.get("site", "").strip()
    reason = request.args.get("reason", "").strip()
    state = request.args.get("state", "").strip()
    if site and not site.isdigit():
        errors["site"] = _("Site inconnu.")
    if reason and reason not in REFUSAL_MESSAGES:
        errors["reason"] = _("Motif inconnu.")
    if state and state not in STATES:
        errors["state"] = _("État inconnu.")
    date_from, date_to = _date("from", errors), _date("to", errors)
    if date_from and date_to and date_from > date_to:
        errors["to"] = _("La date de fin précède la date de début.")
    if errors:
        return ReviewFilters(), errors
    return ReviewFilters(int(site) if site else None, reason or None, state or None, date_from, date_to), errors


def _date(name: str, errors: dict) -> Optional[date]:
    text = request.args.get(name, "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors[name] = _("Date attendue au format AAAA-MM-JJ.")
        return None


def _query_args() -> dict:
    return {key: value for key, value in request.args.items() if key != "page" and value}

