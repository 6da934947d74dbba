"""Sign-ins and entrance devices.

/me/devices lists the browser sessions, tokens and devices of an account together; their owner,
the network admin and an office admin (for the people of their office) end them.
/site/devices is the site manager's: entrance devices (last sync, waiting scans, app version),
"Ajouter un appareil d'entrée" (a QR code / short link valid 15 minutes, once), rename, revoke,
and the site's PIN. /enrol turns the tablet that opens a code into a device of that site.

Enrolment signs the tablet's browser in with a server-side device session (the cookie holds only
its secret): the scanner page, its service worker and its same-origin fetches (cookie + CSRF)
work unchanged, with no token to store in IndexedDB and no scanner code to change.
"""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from ..accounts.exceptions import TooManyAttempts
from ..accounts.models import Role, SignInKind, User
from ..accounts.sessions import current_sign_in, end_sign_in
from ..accounts.tokens import active_api_tokens, may_manage_tokens_of, revoke_api_token_of
from ..devices import api as devices
from ..devices.exceptions import DeviceNotFound, EnrolmentCodeInvalid
from ..extensions import db
from ..partners.models import Partner
from ..passes.qr import qr_svg
from .access import roles_required
from .account_forms import DeviceNameForm, EnrolCodeForm, SitePinForm
from .auth import start_session
from .forms import ActionForm
from .scanner import page_texts

bp = Blueprint("devices", __name__)


@bp.route("/me/devices")
@login_required
def mine():
    return _page(current_user)


@bp.route("/me/devices/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_mine(token_id):
    return _revoke(current_user, token_id, url_for("devices.mine"))


@bp.route("/accounts/<int:user_id>/devices")
@login_required
def of_account(user_id):
    return _page(_managed_account_or_404(user_id))


@bp.route("/accounts/<int:user_id>/devices/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_of_account(user_id, token_id):
    owner = _managed_account_or_404(user_id)
    return _revoke(owner, token_id, url_for("devices.of_account", user_id=owner.id))


def _managed_account_or_404(user_id) -> User:
    """Someone whose devices the signed-in admin manages; anyone else is a 404 (or 403 if no admin)."""
    if current_user.role not in (Role.network_admin, Role.office_admin):
        abort(403)
    owner = db.session.get(User, user_id)
    if owner is None or not may_manage_tokens_of(current_user, owner):
        abort(404)
    return owner


def _page(owner):
    here = current_sign_in()
    return render_template("devices/list.html", owner=owner, tokens=active_api_tokens(owner),
                           form=ActionForm(), own=owner.id == current_user.id,
                           here_id=here.id if here else None, kinds=SignInKind)


def _revoke(owner, token_id, back):
    if not ActionForm().validate_on_submit():
        abort(400)
    row = revoke_api_token_of(current_user, owner, token_id)
    db.session.commit()
    flash(_("« %(device)s » est déconnecté : son jeton ne fonctionne plus.", device=row.device_name), "success")
    if current_user.is_authenticated and row.id == getattr(current_sign_in(), "id", None):
        logout_user()
        return redirect(url_for("auth.login"))
    return redirect(back)


# --- a site's entrance devices: its manager (/site/devices) or the network admin ---------------------
# (/admin/partners/<id>/devices: add, rename, withdraw; the PIN stays the manager's to choose)

@bp.route("/site/devices")
@roles_required(Role.partner_staff)
def site_devices():
    return _devices_page(current_user.partner, DeviceNameForm())


@bp.route("/admin/partners/<int:partner_id>/devices")
@roles_required(Role.network_admin)
def partner_devices(partner_id):
    return _devices_page(db.get_or_404(Partner, partner_id), DeviceNameForm())


def _urls(partner: Partner) -> dict:
    """Where the devices page's forms go: the manager's own routes, or the network admin's."""
    if current_user.role is Role.network_admin:
        return {"page": url_for("devices.partner_devices", partner_id=partner.id),
                "new": url_for("devices.partner_device_new", partner_id=partner.id),
                "rename": lambda device_id: url_for("devices.partner_device_rename", partner_id=partner.id,
                                                    device_id=device_id),
                "revoke": lambda device_id: url_for("devices.partner_device_revoke", partner_id=partner.id,
                                                    device_id=device_id),
                "back": url_for("network.partner_edit", partner_id=partner.id)}
    return {"page": url_for("devices.site_devices"), "new": url_for("devices.site_device_new"),
            "rename": lambda device_id: url_for("devices.site_device_rename", device_id=device_id),
            "revoke": lambda device_id: url_for("devices.site_device_revoke", device_id=device_id),
            "back": None}


def _devices_page(partner, name_form, pin_form=None, status=200):
    """The devices page; the PIN form only for the site's manager (the network admin never sets it)."""
    if pin_form is None and current_user.role is Role.partner_staff:
        pin_form = SitePinForm()
    return render_template("devices/site.html", partner=partner, devices=devices.site_devices(partner),
                           name_form=name_form, pin_form=pin_form, form=ActionForm(), urls=_urls(partner),
                           has_pin=devices.has_site_pin(partner)), status


@bp.route("/site/devices/new", methods=["POST"])
@roles_required(Role.partner_staff)
def site_device_new():
    return _new_device(current_user.partner)


@bp.route("/admin/partners/<int:partner_id>/devices/new", methods=["POST"])
@roles_required(Role.network_admin)
def partner_device_new(partner_id):
    return _new_device(db.get_or_404(Partner, partner_id))


def _new_device(partner):
    form = DeviceNameForm()
    if not form.validate_on_submit():
        return _devices_page(partner, form, status=400)
    code, row = devices.create_enrolment_code(current_user, partner, form.name.data)
    db.session.commit()
    link = url_for("devices.enrol_link", code=code, _external=True)
    return render_template("devices/code.html", code=devices.display_code(code), link=link, row=row,
                           back=_urls(partner)["page"], qr=qr_svg(link, _("QR code d'appareil d'entrée")))


@bp.route("/site/devices/<int:device_id>/rename", methods=["POST"])
@roles_required(Role.partner_staff)
def site_device_rename(device_id):
    return _rename(current_user.partner, device_id)


@bp.route("/admin/partners/<int:partner_id>/devices/<int:device_id>/rename", methods=["POST"])
@roles_required(Role.network_admin)
def partner_device_rename(partner_id, device_id):
    return _rename(db.get_or_404(Partner, partner_id), device_id)


def _rename(partner, device_id):
    device = _device_or_404(partner, device_id)
    form = DeviceNameForm()
    if not form.validate_on_submit():
        return _devices_page(partner, form, status=400)
    devices.rename_device(current_user, device, form.name.data)
    db.session.commit()
    flash(_("Appareil renommé « %(name)s ».", name=device.first_name), "success")
    return redirect(_urls(partner)["page"])


@bp.route("/site/devices/<int:device_id>/revoke", methods=["POST"])
@roles_required(Role.partner_staff)
def site_device_revoke(device_id):
    return _revoke_device(current_user.partner, device_id)


@bp.route("/admin/partners/<int:partner_id>/devices/<int:device_id>/revoke", methods=["POST"])
@roles_required(Role.network_admin)
def partner_device_revoke(partner_id, device_id):
    return _revoke_device(db.get_or_404(Partner, partner_id), device_id)


def _revoke_device(partner, device_id):
    device = _device_or_404(partner, device_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    devices.revoke_device(current_user, device)
    db.session.commit()
    flash(_("« %(name)s » est retiré : il ne peut plus enregistrer de passage.", name=device.first_name), "success")
    return redirect(_urls(partner)["page"])


@bp.route("/site/pin", methods=["POST"])
@roles_required(Role.partner_staff)
def site_pin():
    form = SitePinForm()
    if not form.validate_on_submit():
        return _devices_page(current_user.partner, DeviceNameForm(), form, status=400)
    devices.set_site_pin(current_user, current_user.partner, form.pin.data)
    db.session.commit()
    flash(_("Le code PIN du site est enregistré."), "success")
    return redirect(url_for("devices.site_devices"))


def _device_or_404(partner, device_id) -> User:
    try:
        return devices.device_of_site(partner, device_id)
    except DeviceNotFound:
        abort(404)


# --- the tablet's side ----------------------------------------------------------------------------

@bp.route("/enrol", methods=["GET", "POST"])
def enrol():
    """The code typed by hand (the short link's code, printed under the QR code)."""
    form = EnrolCodeForm()
    if form.validate_on_submit():
        return _enrol(form.data["code"], form)
    return _code_page(form), 400 if form.errors else 200


def _code_page(form):
    """The page that asks for a code: typed, or read by the tablet's camera (static/js/enrol-camera.js)."""
    return render_template("devices/enrol.html", form=form, code=None, camera_texts=_camera_texts())


def _camera_texts() -> dict:
    texts = {key: value for key, value in page_texts().items() if key.startswith("camera_")}
    texts["camera_on"] = _("Présentez le QR code d'appareil que le responsable du site vous montre.")
    texts["not_a_device_code"] = _("Ce QR code n'est pas un code d'appareil d'entrée de PassResOT66 : "
                                   "présentez celui que le responsable du site affiche.")
    return texts


@bp.route("/enrol/<code>", methods=["GET", "POST"])
def enrol_link(code):
    """GET only asks (a link preview must not use the code up); POST enrols. Nothing shown before
    the code is accepted says which site it belongs to."""
    form = ActionForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        return _enrol(code, form)
    return render_template("devices/enrol.html", form=form, code=code)


def _enrol(code, form):
    try:
        device = devices.enrol_device(code, request.remote_addr or "")
    except (EnrolmentCodeInvalid, TooManyAttempts) as error:
        db.session.commit()  # a bad code counts towards the throttle
        flash(str(error.message), "error")
        return _code_page(EnrolCodeForm(formdata=None)), error.status
    if current_user.is_authenticated:
        end_sign_in(current_sign_in())  # the person who was signed in on this tablet is no longer
    start_session(device, SignInKind.device, device.first_name)
    db.session.commit()
    flash(_("Cet appareil est maintenant « %(name)s » de %(site)s.", name=device.first_name,
            site=device.partner.name), "success")
    return redirect(url_for("scanner.scanner"))
