"""CSV import of an office's agents: upload, preview every row, then import all or nothing."""
from flask import Blueprint, Response, current_app, flash, render_template
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.models import Role, User
from ..agents import csv_import
from ..agents.exceptions import AgentImportRejected
from ..errors import DomainError
from ..extensions import db
from ..mail import send_mail
from .access import roles_required
from .forms import ImportConfirmForm, ImportForm
from .links import setup_link_url
from .uploads import decode_payload, encode_payload, uploaded_bytes

bp = Blueprint("agent_import", __name__, url_prefix="/office/agents/import")
office_admin_only = roles_required(Role.office_admin)


@bp.route("", methods=["GET", "POST"])
@office_admin_only
def upload():
    form = ImportForm()
    if form.validate_on_submit():
        data = uploaded_bytes(form.file.data, csv_import.MAX_BYTES)
        if data is None:
            form.file.errors = list(form.file.errors) + [_("Choisissez un fichier CSV.")]
        else:
            preview = csv_import.check_agents_csv(data)
            if not preview.errors:
                return _preview_page(preview, data)
            form.file.errors = list(form.file.errors) + [str(e) for e in preview.errors]
    return _upload_page(form)


@bp.route("/confirm", methods=["POST"])
@office_admin_only
def confirm():
    form = ImportConfirmForm()
    data = decode_payload(form.payload.data) if form.validate_on_submit() else None
    if data is None:
        flash(_("Le fichier à importer n'a pas été transmis : envoyez-le de nouveau."), "error")
        return _upload_page(ImportForm(formdata=None), status=400)
    try:
        # The office is always the admin's own: never an id coming from the form.
        agents = csv_import.import_agents(current_user, current_user.office_id, data)
    except AgentImportRejected as rejected:
        db.session.rollback()
        return _rejected_page(rejected.preview, data)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return _upload_page(ImportForm(formdata=None), status=error.status)
    tokens = csv_import.issue_setup_links(current_user, agents)
    ids = [agent.id for agent in agents]
    db.session.commit()
    # One query reloads every agent the commit expired (instead of one SELECT each below).
    by_id = {agent.id: agent for agent in User.query.filter(User.id.in_(ids))}
    links = [(by_id[agent_id], setup_link_url(token)) for agent_id, token in zip(ids, tokens)]
    mailed = {agent.id: _mail_setup_link(agent, url) for agent, url in links}
    return render_template("office/import_result.html", links=links, mailed=mailed,
                           days=current_app.config["SETUP_LINK_DAYS"])


@bp.route("/example.csv")
@office_admin_only
def example():
    return Response(csv_import.example_csv(), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=agents-exemple.csv"})


def _upload_page(form, status=None):
    if status is None:
        status = 400 if form.errors else 200
    return render_template("office/import_upload.html", form=form,
                           max_rows=csv_import.MAX_ROWS), status


def _preview_page(preview, data, status=200):
    confirm_form = None
    if preview.ok:
        confirm_form = ImportConfirmForm(formdata=None, payload=encode_payload(data))
    return render_template("office/import_preview.html", preview=preview,
                           confirm_form=confirm_form, upload_form=ImportForm(formdata=None)), status


def _rejected_page(preview, data):
    """The file changed meaning since the preview (or was tampered with): show why, write nothing."""
    flash(_("Le fichier contient des erreurs : aucun agent n'a été importé."), "error")
    if preview.errors:
        form = ImportForm(formdata=None)
        form.file.errors = [str(e) for e in preview.errors]
        return _upload_page(form, status=400)
    return _preview_page(preview, data, status=400)


def _mail_setup_link(user, url: str) -> bool:
    """The same message as web/links.py sends for a single agent."""
    days = current_app.config["SETUP_LINK_DAYS"]
    body = _(
        "Bonjour %(name)s,\n\nUn compte PassResOT66 vous attend. Choisissez votre mot de passe "
        "avec ce lien, valable %(days)s jours et une seule fois :\n%(url)s\n\nRESOT66",
        name=user.first_name, days=days, url=url)
    return send_mail(user.email, _("Votre accès à PassResOT66"), body)  # mail.py never logs its link
