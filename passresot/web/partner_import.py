"""Importing partner sites from a file (our CSV; DATAtourisme's flux zip, JSON-LD, simplified or
Explore CSV): upload, a background job reads it with a progress bar, preview every row, confirm,
the job writes the sites — network admin only. The job page can be closed and opened again."""
import math

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import RequestEntityTooLarge
from wtforms import BooleanField
from wtforms.validators import InputRequired

from ..accounts.models import Role
from ..extensions import db
from ..partners import hours, imports, jobs
from ..partners.datatourisme import SKIP_REASONS
from ..partners.import_files import FORMAT_LABELS, ImportPreview, too_big_message
from ..partners.job_models import JobStatus, PartnerImportJob, PartnerImportRow
from ..partners.models import Partner
from ..timeutil import utcnow
from .access import roles_required

bp = Blueprint("partner_import", __name__, url_prefix="/admin/partners/import")
network_only = roles_required(Role.network_admin)
REQUIRED = _l("Ce champ est obligatoire.")
PAGE_SIZE = 100
STATUS_FILTERS = ("new", "update", "unchanged", "error", "skipped", "created", "updated", "kept")


class PartnerFileForm(FlaskForm):
    file = FileField(_l("Fichier du flux, JSON-LD ou CSV"), validators=[InputRequired(message=REQUIRED)])


class PartnerImportConfirmForm(FlaskForm):
    apply_periods = BooleanField(_l("Reprendre les périodes d'ouverture comme périodes d'accueil des "
                                    "pass, pour les sites qui n'en ont pas encore"))


@bp.record_once
def _larger_uploads_here(state):
    """The app refuses bodies over MAX_CONTENT_LENGTH when CSRF protection reads the form, before
    any view: raise the limit for this form first (the first before_request), so a flux of 200 MB
    arrives (spooled to disk by Werkzeug) and a bigger one gets our page, not a bare 413."""
    def raise_limit():
        if request.blueprint == bp.name and request.endpoint == "partner_import.upload":
            request.max_content_length = imports.MAX_BYTES + 1024 * 1024
    state.app.before_request_funcs.setdefault(None, []).insert(0, raise_limit)


@bp.errorhandler(RequestEntityTooLarge)
def _too_big(error):
    user = _current_user()
    if not user.is_authenticated or user.role is not Role.network_admin:
        return error
    form = PartnerFileForm(formdata=None)
    form.file.errors = [str(too_big_message(request.content_length or 0))]
    return _upload_page(form, status=413)


@bp.route("", methods=["GET", "POST"])
@network_only
def upload():
    form = PartnerFileForm()
    if form.validate_on_submit():
        upload_file = form.file.data
        if not isinstance(upload_file, FileStorage) or not upload_file.filename:
            form.file.errors = list(form.file.errors) + [_("Choisissez un fichier CSV, JSON-LD ou zip.")]
        else:
            path = jobs.new_upload_path(upload_file.filename)
            upload_file.save(path)
            job = jobs.create_job(_current_user(), path, upload_file.filename)
            db.session.commit()
            jobs.start_job(job.id)
            return redirect(url_for(".job", job_id=job.id))
    return _upload_page(form)


@bp.route("/jobs/<int:job_id>")
@network_only
def job(job_id):
    job = _fresh_job(job_id)
    if job.status is JobStatus.failed:
        form = PartnerFileForm(formdata=None)
        form.file.errors = list(job.errors)
        return _upload_page(form, status=200, failed_job=job)
    if job.status in (JobStatus.ready, JobStatus.done):
        return _rows_page(job)
    return render_template("network/partner_import_job.html", job=job, progress=_progress(job),
                           stale=jobs.is_stale(job))


@bp.route("/jobs/<int:job_id>/status")
@network_only
def job_status(job_id):
    job = _fresh_job(job_id)
    return jsonify(status=job.status.value, percent=_progress(job), stale=jobs.is_stale(job),
                   counts={k: v for k, v in job.counts.items() if isinstance(v, int)},
                   url=url_for(".job", job_id=job.id))


@bp.route("/jobs/<int:job_id>/confirm", methods=["POST"])
@network_only
def confirm(job_id):
    job = db.get_or_404(PartnerImportJob, job_id)
    form = PartnerImportConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    if jobs.confirm_job(job, bool(form.apply_periods.data)):
        db.session.commit()
        jobs.start_job(job.id)
    else:
        flash(_("Cet import n'attend plus de confirmation : voici où il en est."), "info")
    return redirect(url_for(".job", job_id=job.id))


@bp.route("/jobs/<int:job_id>/restart", methods=["POST"])
@network_only
def restart(job_id):
    job = db.get_or_404(PartnerImportJob, job_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    if jobs.restart_job(job):
        db.session.commit()
        jobs.start_job(job.id)
    else:
        flash(_("Cet import ne peut pas être relancé : envoyez le fichier de nouveau."), "error")
    return redirect(url_for(".job", job_id=job.id))


@bp.route("/example.csv")
@network_only
def example():
    return Response(imports.example_csv(), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=sites-partenaires-exemple.csv"})


def _fresh_job(job_id):
    """The job as the worker left it (another process or session writes it)."""
    job = db.session.get(PartnerImportJob, job_id, populate_existing=True)
    if job is None:
        abort(404)
    return job


def _current_user():
    from flask_login import current_user

    return current_user._get_current_object()


def _progress(job) -> int:
    if job.status in (JobStatus.ready, JobStatus.done):
        return 100
    if not job.total:
        return 0
    return max(0, min(99, math.floor(100 * job.done / job.total)))


def _upload_page(form, status=None, failed_job=None):
    if status is None:
        status = 400 if form.errors else 200
    return render_template("network/partner_import_upload.html", form=form, failed_job=failed_job,
                           max_rows=imports.MAX_ROWS, max_mb=imports.MAX_BYTES // (1024 * 1024),
                           recent=jobs.recent_jobs(), labels=FORMAT_LABELS, now=utcnow()), status


def _rows_page(job):
    """The preview (ready) or the result (done): counts, then one page of rows, filtered by status."""
    shown = request.args.get("statut", "")
    shown = shown if shown in STATUS_FILTERS else ""
    page = max(request.args.get("page", 1, type=int), 1)
    query = PartnerImportRow.query.filter_by(job_id=job.id)
    if shown:
        query = query.filter_by(status=shown)
    elif job.status is JobStatus.done:
        query = query.filter(PartnerImportRow.status.in_(("created", "updated", "error")))
    else:
        query = query.filter(PartnerImportRow.status != "skipped")
    total = query.count()
    records = query.order_by(PartnerImportRow.position).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE).all()
    rows = [jobs.row_from_record(record) for record in records]
    partners = {p.id: p for p in Partner.query.filter(
        Partner.id.in_([r.partner_id for r in records if r.partner_id]))}
    for record, row in zip(records, rows):
        row.partner = partners.get(record.partner_id)
    preview = ImportPreview(format=job.format, rows=rows, encoding=job.info.get("encoding", ""),
                            delimiter=job.info.get("delimiter", ""),
                            ignored_columns=job.info.get("ignored_columns", []))
    counts = job.counts
    can_import = job.status is JobStatus.ready and (counts.get("new", 0) + counts.get("update", 0)) > 0 \
        and not (job.info.get("strict") and counts.get("error"))
    template = "network/partner_import_result.html" if job.status is JobStatus.done \
        else "network/partner_import_preview.html"
    return render_template(template, job=job, preview=preview, counts=counts, shown=shown,
                           page=page, pages=max(1, math.ceil(total / PAGE_SIZE)), total=total,
                           confirm_form=PartnerImportConfirmForm(formdata=None) if can_import else None,
                           upload_form=PartnerFileForm(formdata=None), filename=job.filename,
                           skip_reasons=SKIP_REASONS, describe_suggestion=hours.describe_suggestion,
                           strict=job.info.get("strict"))
