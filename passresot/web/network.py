"""The network admin's screens: offices and their admins, partner sites and their staff, accounts."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts import api as accounts
from ..accounts.models import Role, User
from ..collation import by_name
from ..exports import FORMATS
from ..errors import DomainError
from ..extensions import db
from ..offices import api as offices
from ..offices.models import Office
from ..partners import api as partners
from ..partners.admin_list import STATES, PartnerQuery, partner_page
from ..partners.models import CATEGORY_LABELS, Partner
from ..stats.api import parse_year
from .access import roles_required
from ..audit.api import events_for
from .forms import ActionForm, ActiveForm, OfficeForm, PersonForm, SiteStaffForm
from .partner_admissions import network_sheet
from .partner_forms import PartnerForm
from .links import issue_and_show_setup_link
from .validation import apply_domain_error, form_status

bp = Blueprint("network", __name__, url_prefix="/admin")
network_only = roles_required(Role.network_admin)


@bp.route("/offices")
@network_only
def offices_list():
    return render_template("network/offices.html", rows=offices.offices_with_counts(),
                           action_form=ActionForm())


@bp.route("/offices/new", methods=["GET", "POST"])
@network_only
def office_new():
    form = OfficeForm()
    if form.validate_on_submit():
        try:
            office = offices.create_office(current_user, **_office_fields(form))
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Office « %(name)s » créé.", name=office.name), "success")
            return redirect(url_for("network.office_edit", office_id=office.id))
    return render_template("network/office_form.html", form=form, office=None), form_status(form)


@bp.route("/offices/<int:office_id>", methods=["GET", "POST"])
@network_only
def office_edit(office_id):
    office = db.get_or_404(Office, office_id)
    form = OfficeForm(obj=office)
    if form.validate_on_submit():
        try:
            offices.update_office(current_user, office, **_office_fields(form))
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Modifications enregistrées."), "success")
            return redirect(url_for("network.office_edit", office_id=office.id))
    admins = by_name(User.query.filter_by(office_id=office.id, role=Role.office_admin), "last_name", "first_name")
    return render_template("network/office_form.html", form=form, office=office, admins=admins,
                           admin_form=PersonForm(prefix="admin"), action_form=ActionForm()), form_status(form)


@bp.route("/offices/<int:office_id>/active", methods=["POST"])
@network_only
def office_set_active(office_id):
    office = db.get_or_404(Office, office_id)
    active = ActiveForm().wanted
    offices.set_office_active(current_user, office, active)
    db.session.commit()
    flash(_("Office réactivé.") if active else _("Office désactivé : ses comptes ne peuvent plus se connecter."),
          "success")
    return redirect(url_for("network.office_edit", office_id=office.id))


@bp.route("/offices/<int:office_id>/admins", methods=["POST"])
@network_only
def office_admin_new(office_id):
    office = db.get_or_404(Office, office_id)
    form = PersonForm(prefix="admin")
    if form.validate_on_submit():
        try:
            user = offices.create_office_admin(current_user, office, **_person_fields(form))
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            return issue_and_show_setup_link(
                current_user, user, created=True,
                back_url=url_for("network.office_edit", office_id=office.id))
    admins = User.query.filter_by(office_id=office.id, role=Role.office_admin).all()
    return render_template("network/office_form.html", form=OfficeForm(obj=office), office=office,
                           admins=admins, admin_form=form, action_form=ActionForm()), 400


@bp.route("/partners")
@network_only
def partners_list():
    query = PartnerQuery.from_args(request.args)
    page = partner_page(query, request.args.get("page", 1, type=int))
    return render_template("network/partners.html", page=page, query=query, states=STATES,
                           categories={category.value: label for category, label in CATEGORY_LABELS.items()})


@bp.route("/partners/new", methods=["GET", "POST"])
@network_only
def partner_new():
    form = PartnerForm()
    if request.method == "GET":
        form.periods.append_entry()
    if form.validate_on_submit():
        try:
            partner = partners.create_partner(current_user, **form.listing_values())
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Site partenaire « %(name)s » créé.", name=partner.name), "success")
            return redirect(url_for("network.partner_edit", partner_id=partner.id))
    return render_template("network/partner_form.html", form=form, partner=None), form_status(form)


@bp.route("/partners/<int:partner_id>", methods=["GET", "POST"])
@network_only
def partner_edit(partner_id):
    partner = db.get_or_404(Partner, partner_id)
    form = PartnerForm(formdata=None).load(partner) if request.method == "GET" else PartnerForm()
    if form.validate_on_submit():
        try:
            partners.update_partner(current_user, partner, form.listing_values())
        except DomainError as error:
            db.session.rollback()
            apply_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Modifications enregistrées."), "success")
            return redirect(url_for("network.partner_edit", partner_id=partner.id))
    return _partner_page(partner, form, SiteStaffForm(prefix="staff")), form_status(form)


@bp.route("/partners/<int:partner_id>/sheet.<fmt>")
@network_only
def partner_sheet(partner_id, fmt):
    """The site's yearly sheet (admissions per office and month) as the site downloads it."""
    if fmt not in FORMATS:
        abort(404)
    partner = db.get_or_404(Partner, partner_id)
    return network_sheet(partner.id, fmt, parse_year(request.args.get("year")))


@bp.route("/partners/<int:partner_id>/active", methods=["POST"])
@network_only
def partner_set_active(partner_id):
    partner = db.get_or_404(Partner, partner_id)
    active = ActiveForm().wanted
    partners.set_partner_active(current_user, partner, active)
    db.session.commit()
    flash(_("Site réactivé.") if active else _("Site désactivé : il n'apparaît plus dans la liste des agents."),
          "success")
    return redirect(url_for("network.partner_edit", partner_id=partner.id))


@bp.route("/partners/<int:partner_id>/staff", methods=["POST"])
@network_only
def partner_staff_new(partner_id):
    partner = db.get_or_404(Partner, partner_id)
    form = SiteStaffForm(prefix="staff")
    if form.validate_on_submit():
        try:
            user = partners.create_partner_staff(current_user, partner, role=Role(form.role.data or Role.partner_staff.value),
                                                 **_person_fields(form))
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            return issue_and_show_setup_link(
                current_user, user, created=True,
                back_url=url_for("network.partner_edit", partner_id=partner.id))
    return _partner_page(partner, PartnerForm(formdata=None).load(partner), form), 400


def _partner_page(partner, form, staff_form):
    staff = by_name(User.query.filter(User.partner_id == partner.id, User.role != Role.entrance_device).all(),
                    "last_name", "first_name")  # devices are on the site's devices page
    return render_template("network/partner_form.html", form=form, partner=partner, staff=staff,
                           staff_form=staff_form, action_form=ActionForm(),
                           history=events_for("partner", partner.id, limit=20),
                           missing=partners.missing_information(partner))


@bp.route("/users/<int:user_id>/setup-link", methods=["POST"])
@network_only
def user_setup_link(user_id):
    user = _manageable_user_or_404(user_id)
    return issue_and_show_setup_link(current_user, user, created=False, back_url=_back_for(user))


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@network_only
def user_set_active(user_id):
    user = _manageable_user_or_404(user_id)
    active = ActiveForm().wanted
    accounts.set_active(current_user, user, active)
    db.session.commit()
    flash(_("Compte réactivé.") if active else _("Compte désactivé."), "success")
    return redirect(_back_for(user))


def _manageable_user_or_404(user_id) -> User:
    """Network admins manage OT admins and partner staff here (agents belong to their office)."""
    user = db.get_or_404(User, user_id)
    if user.role not in (Role.office_admin, Role.partner_staff, Role.entrance_staff) or user.id == current_user.id:
        abort(404)
    return user


def _back_for(user: User) -> str:
    if user.partner_id is not None:
        return url_for("network.partner_edit", partner_id=user.partner_id)
    return url_for("network.office_edit", office_id=user.office_id)


def _office_fields(form):
    return {k: getattr(form, k).data for k in ("name", "commune", "email", "phone")}


def _person_fields(form):
    return {k: getattr(form, k).data for k in ("email", "first_name", "last_name")}


