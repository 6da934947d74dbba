"""Importing partner sites from a file (our CSV, DATAtourisme CSV or JSON-LD): upload, preview every
row, then import all or nothing — network admin only."""
from flask import Blueprint, Response, flash, render_template
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from sqlalchemy.exc import IntegrityError
from wtforms import HiddenField
from wtforms.validators import InputRequired

from ..accounts.models import Role
from ..extensions import db
from ..partners import imports
from ..partners.models import Partner
from .access import roles_required
from .forms import ImportConfirmForm
from .uploads import decode_payload, encode_payload, uploaded_bytes

bp = Blueprint("partner_import", __name__, url_prefix="/admin/partners/import")
network_only = roles_required(Role.network_admin)
REQUIRED = _l("Ce champ est obligatoire.")


class PartnerFileForm(FlaskForm):
    file = FileField(_l("Fichier CSV ou JSON-LD"), validators=[InputRequired(message=REQUIRED)])


class PartnerImportConfirmForm(ImportConfirmForm):
    """The file as sent at preview time (base64) and its name, read and checked again before writing."""

    filename = HiddenField()


@bp.route("", methods=["GET", "POST"])
@network_only
def upload():
    form = PartnerFileForm()
    if form.validate_on_submit():
        upload = form.file.data
        data = uploaded_bytes(upload, imports.MAX_BYTES)
        if data is None:
            form.file.errors = list(form.file.errors) + [_("Choisissez un fichier CSV ou JSON-LD.")]
        else:
            preview = imports.check_partner_file(data, upload.filename or "")
            if not preview.errors:
                return _preview_page(preview, data, upload.filename or "")
            form.file.errors = list(form.file.errors) + [str(e) for e in preview.errors]
    return _upload_page(form)


@bp.route("/confirm", methods=["POST"])
@network_only
def confirm():
    form = PartnerImportConfirmForm()
    data = decode_payload(form.payload.data) if form.validate_on_submit() else None
    if data is None:
        flash(_("Le fichier à importer n'a pas été transmis : envoyez-le de nouveau."), "error")
        return _upload_page(PartnerFileForm(formdata=None), status=400)
    filename = form.filename.data or ""
    try:
        result = imports.import_partners(current_user, data, filename)
        created, updated = [p.id for p in result.created], [p.id for p in result.updated]
        db.session.commit()
    except imports.PartnerImportRejected as rejected:
        db.session.rollback()
        return _rejected_page(rejected.preview, data, filename)
    except IntegrityError:  # another import created the same site meanwhile
        db.session.rollback()
        flash(_("Un autre import a modifié les mêmes sites pendant ce temps : envoyez le fichier de "
                "nouveau pour voir où ils en sont."), "error")
        return _upload_page(PartnerFileForm(formdata=None), status=409)
    # One query reloads every site the commit expired.
    by_id = {p.id: p for p in Partner.query.filter(Partner.id.in_(created + updated))}
    return render_template("network/partner_import_result.html",
                           created=[by_id[i] for i in created], updated=[by_id[i] for i in updated],
                           unchanged=result.unchanged)


@bp.route("/example.csv")
@network_only
def example():
    return Response(imports.example_csv(), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=sites-partenaires-exemple.csv"})


def _upload_page(form, status=None):
    if status is None:
        status = 400 if form.errors else 200
    return render_template("network/partner_import_upload.html", form=form,
                           max_rows=imports.MAX_ROWS), status


def _preview_page(preview, data, filename, status=200):
    confirm_form = None
    if preview.ok:
        confirm_form = PartnerImportConfirmForm(
            formdata=None, payload=encode_payload(data), filename=filename)
    return render_template("network/partner_import_preview.html", preview=preview,
                           confirm_form=confirm_form, upload_form=PartnerFileForm(formdata=None),
                           filename=filename), status


def _rejected_page(preview, data, filename):
    """The file changed meaning since the preview (or was tampered with): show why, write nothing."""
    flash(_("Le fichier contient des erreurs : aucun site n'a été importé."), "error")
    if preview.errors:
        form = PartnerFileForm(formdata=None)
        form.file.errors = [str(e) for e in preview.errors]
        return _upload_page(form, status=400)
    return _preview_page(preview, data, filename, status=400)
