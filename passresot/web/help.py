"""The help page (/help), in plain French, for the reader's role; public, and kept offline by the
service worker (static/js/sw.js OFFLINE_PAGES) for agents and partner staff in the field."""
from flask import Blueprint, current_app, render_template
from flask_login import current_user

from ..passes.exceptions import REFUSAL_MESSAGES

bp = Blueprint("help", __name__)

ROLES = ("agent", "partner_staff", "office_admin", "network_admin")


@bp.route("/help")
def help_page():
    role = current_user.role.value if current_user.is_authenticated else None
    contact = {"email": current_app.config["NETWORK_CONTACT_EMAIL"],
               "phone": current_app.config["NETWORK_CONTACT_PHONE"]}
    return render_template("help/help.html", roles=(role,) if role else ROLES, signed_in=bool(role),
                           refusals=REFUSAL_MESSAGES, contact=contact)
