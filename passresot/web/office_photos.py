"""Photos in bulk for the OT admin: send a folder or a zip, see the matches and misses, then save."""
from flask import Blueprint, Response, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l, ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from werkzeug.exceptions import RequestEntityTooLarge

from ..accounts.models import Role
from ..agents import photo_batch
from ..agents.photos import ACCEPT, MAX_MB
from ..errors import DomainError
from ..extensions import db
from .access import roles_required
from .forms import ActionForm
from .uploads import allow_larger_uploads

bp = Blueprint("office_photos", __name__, url_prefix="/office/agents/photos")
office_admin_only = roles_required(Role.office_admin)
allow_larger_uploads(bp, {"office_photos.upload": lambda: photo_batch.MAX_REQUEST})


def _request_mb() -> int:
    return photo_batch.MAX_REQUEST // (1024 * 1024)


def _too_big():
    return _l("L'envoi dépasse %(mb)s Mo : envoyez les photos en plusieurs fois.", mb=_request_mb())


class BulkPhotosForm(FlaskForm):
    photos = MultipleFileField(_l("Photos ou fichier zip"), render_kw={
        "accept": ACCEPT + ",.zip,application/zip", "multiple": True, "data-shrink-photo": "",
        "data-max-total": photo_batch.MAX_REQUEST, "data-too-big-total": _too_big()})
    folder = MultipleFileField(_l("Ou un dossier entier"), render_kw={
        "webkitdirectory": True, "multiple": True, "data-shrink-photo": "",
        "data-max-total": photo_batch.MAX_REQUEST, "data-too-big-total": _too_big()})


@bp.errorhandler(RequestEntityTooLarge)
def _request_too_big(error):
    if not current_user.is_authenticated or current_user.role is not Role.office_admin:
        return error
    form = BulkPhotosForm(formdata=None)
    form.photos.errors = [str(_too_big())]
    return _upload_page(form), 413


@bp.route("", methods=["GET", "POST"])
@office_admin_only
def upload():
    form = BulkPhotosForm()
    if form.validate_on_submit():
        files = [(f.filename, f.stream) for f in request.files.getlist("photos") + request.files.getlist("folder")
                 if f and f.filename]
        try:
            batch_id = photo_batch.stage(current_user, photo_batch.receive(files))
        except DomainError as error:
            form.photos.errors = list(form.photos.errors) + [str(error.message)]
        else:
            photo_batch.prepare(current_user, batch_id)  # a small batch is ready at once
            return redirect(url_for(".preview", batch_id=batch_id))
    return _upload_page(form), 400 if form.errors else 200


def _upload_page(form):
    return render_template("office/photos_upload.html", form=form, max_mb=MAX_MB, request_mb=_request_mb(),
                           max_files=photo_batch.MAX_FILES)


@bp.route("/<batch_id>")
@office_admin_only
def preview(batch_id):
    progress = photo_batch.progress(current_user, batch_id)
    if not progress.finished:
        return render_template("office/photos_preparing.html", batch_id=batch_id, progress=progress,
                               action_form=ActionForm())
    result = photo_batch.preview(current_user, batch_id)
    return render_template("office/photos_preview.html", batch_id=batch_id, result=result,
                           action_form=ActionForm())


@bp.route("/<batch_id>/prepare", methods=["POST"])
@office_admin_only
def prepare(batch_id):
    """One slice of re-encoding; the preparing page posts here until everything is ready."""
    progress = photo_batch.prepare(current_user, batch_id)
    if request.accept_mimetypes.best == "application/json":
        return jsonify(done=progress.done, total=progress.total)
    return redirect(url_for(".preview", batch_id=batch_id))


@bp.route("/<batch_id>", methods=["POST"])
@office_admin_only
def save(batch_id):
    if not photo_batch.progress(current_user, batch_id).finished:
        return redirect(url_for(".preview", batch_id=batch_id))
    saved = photo_batch.save(current_user, batch_id)
    db.session.commit()
    photo_batch.discard(current_user, batch_id)
    flash(ngettext("%(num)d photo enregistrée.", "%(num)d photos enregistrées.", saved), "success")
    return redirect(url_for("office.agents_list", show="no_photo"))


@bp.route("/<batch_id>/discard", methods=["POST"])
@office_admin_only
def discard(batch_id):
    photo_batch.discard(current_user, batch_id)
    flash(_("Envoi abandonné : aucune photo n'a été enregistrée."), "success")
    return redirect(url_for(".upload"))


@bp.route("/<batch_id>/<int:index>.jpg")
@office_admin_only
def staged(batch_id, index):
    response = Response(photo_batch.staged_photo(current_user, batch_id, index), mimetype="image/jpeg")
    response.headers["Cache-Control"] = "private, no-store"
    return response
