"""Training pages: the agent's own ledger (/training), the OT admin's office ledger and agent detail
(/office/training, /office/agents/<id>/training), the work settings of the agent form, certificates."""
import os

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge

from ..accounts.models import Role
from ..errors import DomainError
from ..extensions import db
from ..hours.api import agent_start
from ..timeutil import paris_today
from ..training import certificates
from ..training.api import delete_training, may_delete, may_view, set_work_settings, record_training
from ..training.ledger import agent_ledger, office_ledger
from ..training.models import CertificateKind, TrainingEntry
from .access import agent_of_my_office_or_404, roles_required
from .training_forms import TrainingForm, WorkSettingsForm
from .uploads import allow_larger_uploads
from .validation import apply_domain_error, form_status

bp = Blueprint("training", __name__)
office_bp = Blueprint("training_office", __name__, url_prefix="/office")
allow_larger_uploads(bp, {"training.ledger": certificates.MAX_BYTES + 256 * 1024})
allow_larger_uploads(office_bp, {"training_office.agent": certificates.MAX_BYTES + 256 * 1024})


def _too_big(error):
    """Past even the raised limit: the page again with the limit said (the body was not read)."""
    if not current_user.is_authenticated:
        return error
    flash(_("L'attestation dépasse %(mb)s Mo : envoyez un fichier plus léger.", mb=certificates.MAX_MB), "error")
    return redirect(request.path)


bp.register_error_handler(RequestEntityTooLarge, _too_big)
office_bp.register_error_handler(RequestEntityTooLarge, _too_big)


def _record_from(form, agent):
    """Record the form's entry; True when saved (and committed), else the errors are on the form."""
    if not form.validate_on_submit():  # the CSRF token; the fields are the domain's to check
        return False
    try:
        record_training(current_user, agent, **form.sent())
    except DomainError as error:
        db.session.rollback()
        apply_domain_error(form, error)
        return False
    db.session.commit()
    flash(_("Formation enregistrée."), "success")
    return True


def _form_page(template, agent, form, **context):
    today = paris_today()
    return render_template(template, agent=agent, ledger=agent_ledger(agent, today), form=form, today=today,
                           start=agent_start(agent), **context), form_status(form)


@bp.route("/training", methods=["GET", "POST"])
@roles_required(Role.agent)
def ledger():
    form = TrainingForm()
    if _record_from(form, current_user):
        return redirect(url_for("training.ledger"))
    return _form_page("training/agent.html", current_user, form)


@office_bp.route("/training")
@roles_required(Role.office_admin)
def office():
    ledgers = office_ledger(current_user.office_id, paris_today())
    return render_template("training/office.html", ledgers=ledgers,
                           behind=sum(1 for ledger in ledgers if not ledger.on_track))


@office_bp.route("/agents/<int:agent_id>/training", methods=["GET", "POST"])
@roles_required(Role.office_admin)
def agent(agent_id):
    agent = agent_of_my_office_or_404(agent_id)
    form = TrainingForm()
    if _record_from(form, agent):
        return redirect(url_for("training_office.agent", agent_id=agent.id))
    return _form_page("training/office_agent.html", agent, form)


@office_bp.route("/agents/<int:agent_id>/work-settings", methods=["POST"])
@roles_required(Role.office_admin)
def work_settings(agent_id):
    agent = agent_of_my_office_or_404(agent_id)
    form = WorkSettingsForm(prefix="w")
    if form.validate_on_submit():
        try:
            set_work_settings(current_user, agent, **form.sent())
        except DomainError as error:
            db.session.rollback()
            apply_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Temps de travail et service de %(name)s enregistrés.", name=agent.full_name), "success")
            return redirect(url_for("office.agent_edit", agent_id=agent.id) + "#work")
    for field in form:
        for message in field.errors:
            flash(f"{field.label.text} : {message}", "error")
    return redirect(url_for("office.agent_edit", agent_id=agent.id) + "#work")


def _entry_or_404(entry_id, allowed) -> TrainingEntry:
    entry = db.session.get(TrainingEntry, entry_id)
    if entry is None or not allowed(current_user, entry):
        abort(404)  # another office's or another agent's entry: not even its existence
    return entry


@bp.route("/training/<int:entry_id>/delete", methods=["POST"])
@roles_required(Role.agent, Role.office_admin)
def delete(entry_id):
    entry = _entry_or_404(entry_id, may_delete)
    agent_id = entry.user_id
    delete_training(current_user, entry)
    db.session.commit()
    flash(_("Formation supprimée."), "success")
    if current_user.role is Role.office_admin:
        return redirect(url_for("training_office.agent", agent_id=agent_id))
    return redirect(url_for("training.ledger"))


@bp.route("/training/<int:entry_id>/certificate")
@login_required
def certificate(entry_id):
    entry = _entry_or_404(entry_id, lambda viewer, entry: may_view(viewer, entry.agent))
    if not entry.certificate_file or not os.path.exists(certificates.path_of(entry.certificate_file)):
        abort(404)
    pdf = entry.certificate_kind is CertificateKind.pdf
    response = send_file(certificates.path_of(entry.certificate_file),
                         mimetype="application/pdf" if pdf else "image/jpeg",
                         download_name=f"attestation-{entry.id}.{'pdf' if pdf else 'jpg'}", max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
