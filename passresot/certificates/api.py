"""Attendance certificates: issued once per agent and eductour, signed by the network's key (the key
ring that signs the passes), checked by anyone on a public page from the link in the PDF's QR code.

The signature covers exactly what the certificate states (`statement`): a byte changed in the stored
row or in the link's signature makes the page say « inconnue ou altérée »."""
import base64
import json
import secrets
from typing import Optional

from cryptography.exceptions import InvalidSignature
from flask import current_app

from ..accounts.models import Role, User
from ..audit.api import record_event
from ..eductours.api import can_manage, programme_attendance
from ..eductours.models import Programme
from ..extensions import db
from ..timeutil import paris_today, utcnow
from .exceptions import CertificatesNotYet
from .models import Certificate

EDUCTOUR = "eductour"
_SERIAL_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud or typed from paper


def statement(certificate: Certificate) -> dict:
    """What the certificate says, and all it says: the signed content and the public page's content."""
    return {"serial": certificate.serial, "holder": certificate.holder_name, "kind": certificate.kind,
            "title": certificate.title, "day": certificate.day.isoformat(), "lines": list(certificate.lines),
            "minutes": certificate.minutes, "issuer": certificate.issuer_label,
            "issued_at": certificate.issued_at.replace(microsecond=0).isoformat()}


def _signed_bytes(certificate: Certificate) -> bytes:
    return json.dumps(statement(certificate), ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def issue_programme_certificates(actor: User, programme: Programme) -> list[Certificate]:
    """One certificate per agent who attended at least one stop (roll call or scan), for those who have
    none yet; returns the programme's certificates. Issued from the programme's day on."""
    if not can_manage(actor, programme):
        raise PermissionError("not the programme's organiser")
    if programme.day > paris_today():
        raise CertificatesNotYet()
    existing = {c.user_id for c in Certificate.query.filter_by(programme_id=programme.id)}
    attendance = programme_attendance(programme)
    holders = {user.id: user for user in User.query.filter(User.id.in_(list(attendance))).all()} if attendance else {}
    issuer = ", ".join(office.name for office in programme.offices) or "RESOT66"
    times = {stop.partner_id: f"{stop.starts_at:%H:%M}–{stop.ends_at:%H:%M}" for stop in programme.stops}
    for user_id, stops in attendance.items():
        if user_id in existing or user_id not in holders:
            continue
        issue_certificate(actor, holders[user_id], programme_id=programme.id, title=programme.title,
                          day=programme.day, lines=[f"{times[stop.partner_id]} · {stop.partner_name}" for stop in stops],
                          minutes=sum(stop.minutes for stop in stops), issuer_label=issuer)
    return programme_certificates(programme)


def issue_certificate(actor: User, holder: User, *, programme_id, title, day, lines, minutes,
                      issuer_label, kind=EDUCTOUR) -> Certificate:
    """A new certificate for `holder` stating exactly these fields, signed now with the network key."""
    certificate = _signed(Certificate(
        serial=_new_serial(), user_id=holder.id, programme_id=programme_id, holder_name=holder.full_name,
        kind=kind, title=title, day=day, lines=list(lines), minutes=minutes, issuer_label=issuer_label,
        issued_by_id=actor.id, issued_at=utcnow().replace(microsecond=0)))
    db.session.add(certificate)
    db.session.flush()
    record_event(actor, "certificate.issued", "user", holder.id, serial=certificate.serial,
                 programme_id=programme_id, minutes=minutes)
    return certificate


def _signed(certificate: Certificate) -> Certificate:
    kid, private_key = current_app.extensions["pass_keys"].signing_key()
    certificate.kid = kid
    certificate.signature = _b64(private_key.sign(_signed_bytes(certificate)))
    return certificate


def _new_serial() -> str:
    return "".join(secrets.choice(_SERIAL_ALPHABET) for _ in range(12))


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def programme_certificates(programme: Programme) -> list[Certificate]:
    return Certificate.query.filter_by(programme_id=programme.id).order_by(Certificate.holder_name).all()


def certificates_of(user_id: int) -> dict[int, Certificate]:
    """The agent's certificates by programme id."""
    return {c.programme_id: c for c in Certificate.query.filter_by(user_id=user_id)}


def verified(serial: str, signature: str) -> Optional[Certificate]:
    """The certificate if `serial` exists, `signature` is its signature and it still verifies with the
    network key that made it over what the row says now; None otherwise (unknown or altered)."""
    certificate = Certificate.query.filter_by(serial=serial).one_or_none() if serial else None
    if certificate is None or not secrets.compare_digest(certificate.signature, signature or ""):
        return None
    public_key = current_app.extensions["pass_keys"].verifying_key(certificate.kid)
    if public_key is None:
        return None
    try:
        raw = base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))
        public_key.verify(raw, _signed_bytes(certificate))
    except (InvalidSignature, ValueError):
        return None
    return certificate


def may_download(user: User, certificate: Certificate) -> bool:
    """The holder, the OT admin of the holder's office, the network admin."""
    if user.role is Role.network_admin or user.id == certificate.user_id:
        return True
    if user.role is Role.office_admin and certificate.user_id is not None:
        holder = db.session.get(User, certificate.user_id)
        return holder is not None and holder.office_id == user.office_id
    return False
