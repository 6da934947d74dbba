"""What routes call for entrance devices: enrol by a one-time code, list, rename, revoke, site PIN.

A device is an account of role entrance_device bound to one site (so every rule written for a
site's staff, and every scan's `scanned_by`, applies unchanged) with no e-mail of a person, no
password and one sign-in of kind `device` that lasts until revoked.
"""
import hashlib
import secrets
from datetime import timedelta
from typing import Optional

from werkzeug.security import check_password_hash

from ..accounts import throttle
from ..accounts.api import hash_password
from ..accounts.models import ApiToken, Role, SignInKind, User
from ..accounts.sessions import end_every_sign_in
from ..audit.api import record_event
from ..collation import by_name
from ..extensions import db
from ..partners.models import Partner
from ..timeutil import utcnow
from .exceptions import (DeviceNotFound, EnrolmentCodeInvalid, SitePinNotSet, SitePinRequired,
                         SitePinWrong)
from .models import EnrolmentCode, SitePin

CODE_LIFETIME = timedelta(minutes=15)
#: No 0/O, 1/I/L: a code read aloud or typed from the screen stays unambiguous.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12
DEVICE_EMAIL_DOMAIN = "appareils.invalid"
ENROL_ACCOUNT = "enrol"


def normalize_code(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())[:40]


def _digest(code: str) -> str:
    return hashlib.sha256(normalize_code(code).encode()).hexdigest()


def create_enrolment_code(actor: User, partner: Partner, device_name: str) -> tuple[str, EnrolmentCode]:
    """A code valid CODE_LIFETIME and once, that makes the tablet opening it a device of `partner`."""
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    row = EnrolmentCode(partner_id=partner.id, device_name=device_name.strip()[:80], code_hash=_digest(code),
                        expires_at=utcnow() + CODE_LIFETIME, created_by_id=actor.id)
    db.session.add(row)
    db.session.flush()
    record_event(actor, "device.code_created", "partner", partner.id, device=row.device_name)
    return code, row


def display_code(code: str) -> str:
    """"ABCD-EFGH-JKMN": easier to copy by hand."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def enrol_device(code: str, caller: str) -> User:
    """Use a code: a new entrance-device account of its site. Bad codes count towards the throttle."""
    throttle.check(ENROL_ACCOUNT, caller)
    row = EnrolmentCode.query.filter_by(code_hash=_digest(code)).with_for_update().first()
    if row is None or row.used_at is not None or row.expires_at < utcnow() or not row.partner.active:
        throttle.record_failure(ENROL_ACCOUNT, caller)
        raise EnrolmentCodeInvalid()
    device = User(email=f"appareil-{secrets.token_hex(8)}@{DEVICE_EMAIL_DOMAIN}", role=Role.entrance_device,
                  first_name=row.device_name, last_name="", partner_id=row.partner_id)
    db.session.add(device)
    db.session.flush()
    row.used_at, row.device_id = utcnow(), device.id
    record_event(device, "device.enrolled", "partner", row.partner_id, device=row.device_name)
    return device


def site_devices(partner: Partner) -> list[tuple[User, Optional[ApiToken]]]:
    """The site's devices still enrolled, each with its sign-in (last sync, waiting scans, version)."""
    devices = (User.query.filter_by(partner_id=partner.id, role=Role.entrance_device, active=True)
               .all())
    devices = by_name(devices, "first_name")
    sign_ins = {row.user_id: row for row in ApiToken.query.filter(
        ApiToken.user_id.in_([d.id for d in devices]), ApiToken.kind == SignInKind.device,
        ApiToken.revoked_at.is_(None))} if devices else {}
    return [(device, sign_ins.get(device.id)) for device in devices]


def device_of_site(partner: Partner, device_id: int) -> User:
    device = db.session.get(User, device_id)
    if device is None or device.role is not Role.entrance_device or device.partner_id != partner.id \
            or not device.active:
        raise DeviceNotFound()
    return device


def rename_device(actor: User, device: User, name: str) -> None:
    device.first_name = name.strip()[:80]
    ApiToken.query.filter_by(user_id=device.id).update({ApiToken.device_name: device.first_name})
    record_event(actor, "device.renamed", "partner", device.partner_id, device=device.first_name)


def revoke_device(actor: User, device: User) -> None:
    """The device's next call answers 401 device_revoked; scans it already sent stay recorded."""
    device.active = False
    end_every_sign_in(device)
    record_event(actor, "device.revoked", "partner", device.partner_id, device=device.first_name)


def set_site_pin(actor: User, partner: Partner, pin: str) -> None:
    row = db.session.get(SitePin, partner.id) or SitePin(partner_id=partner.id)
    row.pin_hash, row.set_at, row.set_by_id = hash_password(pin), utcnow(), actor.id
    db.session.add(row)
    record_event(actor, "site.pin_set", "partner", partner.id)


def has_site_pin(partner: Partner) -> bool:
    return db.session.get(SitePin, partner.id) is not None


def require_site_pin(user: User, pin: Optional[str], caller: str) -> None:
    """On an entrance device, "Accepter quand même" and "Annuler cette entrée" need the site's PIN
    (throttled like a password); people signed in with their own account do not."""
    if user.role is not Role.entrance_device:
        return
    account = f"pin:{user.partner_id}"
    throttle.check(account, caller)
    row = db.session.get(SitePin, user.partner_id)
    if row is None:
        raise SitePinNotSet()
    if not pin:
        raise SitePinRequired()
    if not check_password_hash(row.pin_hash, str(pin)):
        throttle.record_failure(account, caller)
        raise SitePinWrong()
    throttle.forget_failures(account, caller)
