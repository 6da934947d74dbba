"""Attendance certificates: issued from a programme's page, downloaded as PDF by those entitled, checked
by anyone on /verifier/<serial> (the link in the QR code)."""
from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import ngettext
from flask_login import current_user, login_required

from ..accounts.models import Role
from ..certificates.api import issue_programme_certificates, may_download, statement, verified
from ..certificates.document import certificate_pdf
from ..certificates.models import Certificate
from ..eductours.api import can_manage
from ..eductours.models import Programme
from ..errors import DomainError
from ..extensions import db
from ..ratelimit.api import hit, limit_from_config
from .access import roles_required

bp = Blueprint("certificates", __name__)


@bp.route("/eductours/<int:programme_id>/certificates", methods=["POST"])
@roles_required(Role.office_admin, Role.network_admin)
def issue(programme_id):
    programme = db.session.get(Programme, programme_id) or abort(404)
    if not can_manage(current_user, programme):
        abort(404)
    try:
        issued = issue_programme_certificates(current_user, programme)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(ngettext("%(num)s attestation délivrée.", "%(num)s attestations délivrées.", len(issued)), "success")
    return redirect(url_for("eductours.show", programme_id=programme.id))


@bp.route("/certificates/<serial>.pdf")
@login_required
def download(serial):
    certificate = Certificate.query.filter_by(serial=serial).one_or_none()
    if certificate is None or not may_download(current_user, certificate):
        abort(404)
    response = make_response(certificate_pdf(certificate, verify_url(certificate)))
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="attestation-{certificate.serial}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/verifier/<serial>")
def verify(serial):
    hit(f"verify:{request.remote_addr or ''}", *limit_from_config("VERIFY_RATE_LIMIT"))
    certificate = verified(serial[:20], request.args.get("s", "")[:100])
    page = render_template("certificates/verify.html", serial=serial[:20],
                           said=statement(certificate) if certificate else None,
                           day=certificate.day if certificate else None)
    return page, 200 if certificate else 404


def verify_url(certificate: Certificate) -> str:
    return url_for("certificates.verify", serial=certificate.serial, s=certificate.signature, _external=True)
