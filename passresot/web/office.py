"""The OT admin's screens: the agents of their own office."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from ..accounts.models import Role
from ..agents import api as agents
from ..agents.listing import SHOWS, SORTS, AgentQuery, agent_page
from ..agents.photos import MAX_BYTES as PHOTO_MAX_BYTES, too_big_message
from ..errors import DomainError
from ..extensions import db
from ..passes.api import agent_history, latest_pass, missing_for_pass
from ..privacy.api import record_agent_viewed
from .access import agent_of_my_office_or_404, roles_required
from .forms import ActionForm, ActiveForm, AgentForm, PhotoForm
from .links import issue_and_show_setup_link
from .training_forms import work_settings_form
from .uploads import allow_larger_uploads
from .validation import apply_domain_error, form_status

bp = Blueprint("office", __name__, url_prefix="/office")
office_admin_only = roles_required(Role.office_admin)
#: A photo as big as the pipeline takes, plus the rest of the form.
allow_larger_uploads(bp, dict.fromkeys(("office.agent_new", "office.agent_edit", "office.agent_photo"),
                                       PHOTO_MAX_BYTES + 256 * 1024))


@bp.errorhandler(RequestEntityTooLarge)
def _photo_too_big(error):
    """Past even that (the browser shrinks photos first, so rarely): the page again, the limit
    beside the photo field; the body was not read, so what was typed cannot be kept."""
    if not current_user.is_authenticated or current_user.role is not Role.office_admin:
        return error
    message = str(too_big_message())
    agent_id = (request.view_args or {}).get("agent_id")
    if agent_id is None:
        form = AgentForm(formdata=None)
        form.photo.errors = [message]
        return render_template("office/agent_form.html", form=form, agent=None), 413
    agent = agent_of_my_office_or_404(agent_id)
    photo_form = PhotoForm(prefix="p", formdata=None)
    photo_form.photo.errors = [message]
    return _agent_page(agent, AgentForm(obj=agent, kind=agent.kind.value, formdata=None), photo_form), 413


@bp.route("/agents")
@office_admin_only
def agents_list():
    query = AgentQuery.from_args(request.args)
    page = agent_page(current_user.office_id, query, request.args.get("page", 1, type=int))
    return render_template("office/agents.html", page=page, query=query, shows=SHOWS, sorts=SORTS)


@bp.route("/agents/new", methods=["GET", "POST"])
@office_admin_only
def agent_new():
    form = AgentForm()
    if form.validate_on_submit():
        try:
            agent = agents.create_agent(current_user, current_user.office_id, **_agent_fields(form))
            _maybe_store_photo(form, agent)
        except DomainError as error:
            db.session.rollback()
            apply_domain_error(form, error)
        else:
            return issue_and_show_setup_link(
                current_user, agent, created=True,
                back_url=url_for("office.agent_edit", agent_id=agent.id))
    return render_template("office/agent_form.html", form=form, agent=None), form_status(form)


@bp.route("/agents/<int:agent_id>", methods=["GET", "POST"])
@office_admin_only
def agent_edit(agent_id):
    agent = agent_of_my_office_or_404(agent_id)
    if request.method == "GET":
        record_agent_viewed(current_user, agent)  # the agent sees it in /me/history
        db.session.commit()
    form = AgentForm(obj=agent, kind=agent.kind.value) if request.method == "GET" else AgentForm()
    if form.validate_on_submit():
        try:
            agents.update_agent(current_user, agent, **_agent_fields(form))
            _maybe_store_photo(form, agent)
        except DomainError as error:
            db.session.rollback()
            apply_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Fiche de %(name)s enregistrée.", name=agent.full_name), "success")
            return redirect(url_for("office.agent_edit", agent_id=agent.id))
    return _agent_page(agent, form), form_status(form)


def _agent_page(agent, form, photo_form=None):
    pass_ = latest_pass(agent.id)
    return render_template("office/agent_form.html", form=form, agent=agent,
                           photo_form=photo_form or PhotoForm(prefix="p"),
                           has_photo=agents.agent_photo(agent.id) is not None,
                           pass_=pass_, pass_status=pass_.effective_status() if pass_ else None,
                           missing=missing_for_pass(agent), history=agent_history(agent),
                           action_form=ActionForm(formdata=None), work_form=work_settings_form(agent))


@bp.route("/agents/<int:agent_id>/photo", methods=["POST"])
@office_admin_only
def agent_photo(agent_id):
    agent = agent_of_my_office_or_404(agent_id)
    form = PhotoForm(prefix="p")
    if form.validate_on_submit():
        try:
            agents.set_agent_photo(current_user, agent, form.photo.data.read())
        except DomainError as error:
            form.photo.errors = list(form.photo.errors) + [str(error.message)]
        else:
            db.session.commit()
            flash(_("Photo enregistrée."), "success")
            return redirect(url_for("office.agent_edit", agent_id=agent.id))
    form_main = AgentForm(obj=agent, kind=agent.kind.value, formdata=None)
    return _agent_page(agent, form_main, form), 400


@bp.route("/agents/<int:agent_id>/setup-link", methods=["POST"])
@office_admin_only
def agent_setup_link(agent_id):
    agent = agent_of_my_office_or_404(agent_id)
    return issue_and_show_setup_link(current_user, agent, created=False,
                                     back_url=url_for("office.agent_edit", agent_id=agent.id))


@bp.route("/agents/<int:agent_id>/active", methods=["POST"])
@office_admin_only
def agent_set_active(agent_id):
    agent = agent_of_my_office_or_404(agent_id)
    active = ActiveForm().wanted
    agents.set_agent_active(current_user, agent, active)
    db.session.commit()
    flash(_("Le compte de %(name)s est de nouveau ouvert.", name=agent.full_name) if active
          else _("Le compte de %(name)s est fermé : il ne peut plus se connecter.", name=agent.full_name),
          "success")
    return redirect(url_for("office.agent_edit", agent_id=agent.id))


def _maybe_store_photo(form, agent):
    upload = form.photo.data
    if upload and getattr(upload, "filename", ""):
        agents.set_agent_photo(current_user, agent, upload.read())


def _agent_fields(form):
    return {k: getattr(form, k).data for k in agents.AGENT_FIELDS}


