"""POST /api/v1/scans, POST /scans/<id>/undo, GET /scans/<id>/photo and GET /scanner/bundle: partner devices.

Manual entry is part of /scans: an item carries `pass_number` instead of `qr`, so a number typed
offline waits in the same outbox and is recorded once by the same UUID rule.
"""
from flask import current_app, g, jsonify, make_response, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge

from ..accounts.sessions import sent_in_time
from ..agents.api import agent_photo
from ..devices.exceptions import DeviceRevoked
from ..errors import DomainError, NotFound
from ..extensions import db
from ..hostile import keeps_hostile_text
from ..ratelimit.api import hit, limit_from_config
from ..ratelimit.slots import work_slot
from ..timeutil import utcnow
from ..visits.api import (MAX_BATCH, record_scans, record_scans_of_withdrawn_device, scan_result, staff_partner,
                          undo_admission)
from ..visits.bundle import scanner_bundle
from ..visits.exceptions import ScansBodyTooLarge, TooManyScans
from ..visits.photos import recent_scan_photo
from . import bp
from .validation import InvalidRequest, json_body, optional_timestamp

MAX_BODY_BYTES = 1024 * 1024


@bp.route("/scans", methods=["POST"])
@keeps_hostile_text  # a NUL in one item refuses that item (visits/items.py), not the batch
def record_scans_batch():
    if not current_user.is_authenticated:
        withdrawn = g.get("revoked_device")
        if withdrawn is None or not sent_in_time(withdrawn):
            return current_app.login_manager.unauthorized()
        return _scans_of_a_withdrawn_device(withdrawn)
    staff_partner(current_user)  # before reading the body: the wrong account learns nothing more
    scans = _scans_in_body(current_user)
    with work_slot("scans"):  # a sign-in never waits for a core behind several devices' syncs
        results = record_scans(current_user, scans)
        db.session.commit()
    return jsonify(results=[_with_photo_url(result) for result in results],
                   server_time=utcnow().isoformat() + "Z")


def _scans_of_a_withdrawn_device(sign_in):
    """A withdrawn device's outbox: what it scanned before is recorded (flagged), the rest refused;
    the answer says the device is withdrawn, so the scanner stops there (issue 13)."""
    device = sign_in.user
    staff_partner(device)
    scans = _scans_in_body(device)
    with work_slot("scans"):
        results = record_scans_of_withdrawn_device(device, sign_in.created_at, sign_in.revoked_at, scans)
        db.session.commit()
    return jsonify(results=results, server_time=utcnow().isoformat() + "Z",
                   withdrawn={"code": DeviceRevoked.code, "message": str(DeviceRevoked.message)})


def _scans_in_body(staff) -> list:
    """The batch's items, after the rate limit, the size limit and the site PIN of its overrides."""
    hit(f"scans:user:{staff.id}", *limit_from_config("SCANS_RATE_LIMIT"))
    body = _small_json_body()
    scans = body.get("scans")
    if not isinstance(scans, list):
        raise InvalidRequest(fields={"scans": _l("Liste de passages attendue.")})
    if len(scans) > MAX_BATCH:
        raise TooManyScans(MAX_BATCH)
    hit(f"scan-items:user:{staff.id}", *limit_from_config("SCAN_ITEMS_RATE_LIMIT"), amount=max(len(scans), 1))
    for pin in _override_pins(scans, body.get("pin")):
        _site_pin_on_devices(staff, pin)
    return scans


@bp.route("/scans/<uuid:scan_id>/undo", methods=["POST"])
@login_required
def undo_scan(scan_id):
    _site_pin_on_devices(current_user,
                         (request.get_json(silent=True) or {}).get("pin") if request.is_json else request.form.get("pin"))
    scan = undo_admission(current_user, scan_id)
    db.session.commit()
    return jsonify(_with_photo_url(scan_result(scan)))


@bp.route("/scans/<uuid:scan_id>/photo")
@login_required
def scan_photo(scan_id):
    scan = recent_scan_photo(current_user, scan_id)
    stored = agent_photo(scan.pass_.user_id)
    if stored is None:
        raise NotFound()
    response = make_response(stored.jpeg)
    response.headers["Content-Type"] = "image/jpeg"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/scanner/bundle")
@login_required
def scanner_bundle_view():
    bundle = scanner_bundle(current_user, since=optional_timestamp("since"))
    response = jsonify(bundle)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _override_pins(scans: list, batch_pin) -> set:
    """The PINs given for the batch's overrides: each item's own `pin` (a device queues an override
    offline with the PIN typed at the door), else the batch's. Empty when nothing is overridden."""
    return {str(item.get("pin", batch_pin) or "") for item in scans
            if isinstance(item, dict) and item.get("override") is True}


def _site_pin_on_devices(staff, pin) -> None:
    """On an entrance device, overriding or undoing needs the site's PIN (issue 13); a wrong one counts."""
    from ..devices.api import require_site_pin

    try:
        require_site_pin(staff, pin, request.remote_addr or "")
    except DomainError:
        db.session.commit()
        raise


def _with_photo_url(result: dict) -> dict:
    """Where the verdict screen fetches the holder's photo (served for a few minutes only)."""
    if result.get("holder"):
        result["holder"]["photo_url"] = url_for("api.scan_photo", scan_id=result["id"])
    return result


def _small_json_body() -> dict:
    """The JSON body, refused with a clear 413 past MAX_BODY_BYTES (declared or streamed)."""
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        raise ScansBodyTooLarge(MAX_BODY_BYTES)
    # A streamed body has no length: read one byte past the limit to tell "too large" from "full".
    request.max_content_length = MAX_BODY_BYTES + 1
    try:
        too_large = len(request.get_data(cache=True)) > MAX_BODY_BYTES
    except RequestEntityTooLarge:
        too_large = True
    if too_large:
        raise ScansBodyTooLarge(MAX_BODY_BYTES)
    return json_body()
