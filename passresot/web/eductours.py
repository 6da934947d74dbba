"""Eductour pages: the admins' planning and roll call (/eductours), the agent's programmes (/my/eductours)."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.models import Role
from ..certificates.api import certificates_of, programme_certificates
from ..eductours.api import (can_manage, cancel_programme, mark_present, plan_programme, programme_attendance,
                             programmes_for_admin, programmes_for_agent, unmark_present, update_programme)
from ..eductours.models import Programme, Stop
from ..errors import DomainError
from ..extensions import db
from ..timeutil import paris_today, utcnow
from .access import roles_required
from .eductour_forms import ProgrammeForm
from .validation import apply_domain_error, form_status

bp = Blueprint("eductours", __name__)
admins_only = roles_required(Role.office_admin, Role.network_admin)


@bp.route("/eductours")
@admins_only
def index():
    return render_template("eductours/index.html", programmes=programmes_for_admin(current_user),
                           today=paris_today())


@bp.route("/eductours/new", methods=["GET", "POST"])
@admins_only
def new():
    form = ProgrammeForm()
    form.fill_choices(current_user)
    if form.validate_on_submit():
        try:
            programme = plan_programme(current_user, **form.values())
        except DomainError as error:
            db.session.rollback()
            apply_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Programme « %(title)s » planifié.", title=programme.title), "success")
            return redirect(url_for("eductours.show", programme_id=programme.id))
    return render_template("eductours/form.html", form=form, programme=None), form_status(form)


@bp.route("/eductours/<int:programme_id>/edit", methods=["GET", "POST"])
@admins_only
def edit(programme_id):
    programme = _visible(programme_id)
    form = ProgrammeForm()
    form.fill_choices(current_user)
    if request.method == "GET":
        form.load(programme)
    elif form.validate_on_submit():
        try:
            update_programme(current_user, programme, **form.values())
        except DomainError as error:
            db.session.rollback()
            apply_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Programme modifié."), "success")
            return redirect(url_for("eductours.show", programme_id=programme.id))
    return render_template("eductours/form.html", form=form, programme=programme), form_status(form)


@bp.route("/eductours/<int:programme_id>/cancel", methods=["POST"])
@admins_only
def cancel(programme_id):
    programme = _visible(programme_id)
    try:
        cancel_programme(current_user, programme)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        flash(_("Programme annulé."), "success")
    return redirect(url_for("eductours.show", programme_id=programme.id))


@bp.route("/eductours/<int:programme_id>")
@admins_only
def show(programme_id):
    programme = _visible(programme_id)
    present = {(a.user_id, a.partner_id): a.source for stops in programme_attendance(programme).values()
               for a in stops}
    return render_template("eductours/show.html", programme=programme, present=present, today=paris_today(),
                           can_manage=can_manage(current_user, programme),
                           certificates=programme_certificates(programme))


@bp.route("/eductours/<int:programme_id>/stops/<int:stop_id>/roll-call", methods=["POST"])
@admins_only
def roll_call(programme_id, stop_id):
    programme = _visible(programme_id)
    stop = Stop.query.filter_by(id=stop_id, programme_id=programme.id).first_or_404()
    user_id = request.form.get("user_id", type=int)
    try:
        if request.form.get("present") == "1":
            mark_present(current_user, stop, user_id)
        else:
            unmark_present(current_user, stop, user_id)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
    return redirect(url_for("eductours.show", programme_id=programme.id) + f"#stop-{stop.id}")


@bp.route("/my/eductours")
@roles_required(Role.agent)
def mine():
    return render_template("eductours/mine.html", programmes=programmes_for_agent(current_user.id, paris_today()),
                           certificates=sorted(certificates_of(current_user.id).values(), key=lambda c: c.day,
                                               reverse=True),
                           rendered_at=utcnow().isoformat() + "Z")


def _visible(programme_id) -> Programme:
    programme = db.get_or_404(Programme, programme_id)
    if current_user.role is Role.network_admin or current_user.id == programme.organiser_id:
        return programme
    if current_user.office_id in {office.id for office in programme.offices}:
        return programme
    abort(404)
