"""Partner staff edit the practical fields of their own site's listing (nothing else, no other site)."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.models import Role
from ..errors import DomainError
from ..extensions import db
from ..partners import api as partners
from .access import roles_required
from .partner_forms import PartnerPracticalForm
from .validation import apply_domain_error, form_status

bp = Blueprint("partner_site", __name__, url_prefix="/site")


@bp.route("/edit", methods=["GET", "POST"])
@roles_required(Role.partner_staff)
def edit():
    partner = current_user.partner  # never an id from the request: staff edit their own site only
    form = PartnerPracticalForm(formdata=None).load(partner) if request.method == "GET" \
        else PartnerPracticalForm()
    if form.validate_on_submit():
        try:
            partners.update_own_site(current_user, form.listing_values())
        except DomainError as error:
            db.session.rollback()
            apply_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("La fiche de votre site est à jour. Merci !"), "success")
            return redirect(url_for("home.partner"))
    return render_template("partner_site/edit.html", form=form, partner=partner), form_status(form)
