"""What routes call for scans: record a device's batch (idempotent per UUID), undo an admission, manual entry.

Every scan is kept, admitted or refused. A batch is recorded as a set (visits/batch.py): a few
reads, verdicts in Python, multi-row inserts under the database's once-per-(holder, site, year)
and per-UUID unique keys, so a scan racing another one of the same holder becomes `already_visited`
for that item only. An offline admission the server would refuse stays admitted with `conflict`
set (never dropped). Functions flush, the route commits once per batch: one transaction on
PostgreSQL and on SQLite alike (extensions.py opens SQLite's transactions itself).
"""
from datetime import datetime, timedelta
from typing import Optional

from ..accounts.models import SITE_ROLES, User
from ..audit.api import record_event
from ..devices.exceptions import DeviceRevoked
from ..eductours.attendance import forget_scan_attendance
from ..extensions import db
from ..partners.models import Partner
from ..timeutil import utcnow
from .batch import record_items, scan_result
from .exceptions import (InvalidScan, NotAPartnerAccount, NotAnAdmission, ScanNotFound, TooManyScans,
                         UndoTooLate)
from .items import ScanItem, parse_item, sent_id
from .models import Scan, ScanStatus
from .verdict import current_keys, decide

__all__ = ["decide", "record_scans", "record_scans_of_withdrawn_device", "manual_entry", "undo_admission",
           "scan_result", "staff_partner"]

MAX_BATCH = 100  # the scanner and its worker send 100 at a time
UNDO_WINDOW = timedelta(minutes=10)


def staff_partner(user) -> Partner:
    """The site a partner staff account works for; anyone else is not_a_partner_account."""
    if getattr(user, "role", None) not in SITE_ROLES or user.partner_id is None:
        raise NotAPartnerAccount()
    return db.session.get(Partner, user.partner_id)


def record_scans(staff: User, items: list, *, received_at: Optional[datetime] = None,
                 keys=None) -> list[dict]:
    """Record a device's batch and return one result per item, in the same order."""
    partner = staff_partner(staff)
    if len(items) > MAX_BATCH:
        raise TooManyScans(MAX_BATCH)
    received_at = received_at or utcnow()
    keys = current_keys() if keys is None else keys
    parsed = [_parse(raw, received_at) for raw in items]
    outcomes = record_items(staff, partner, [item for item in parsed if isinstance(item, ScanItem)],
                            received_at, keys)
    results, answered = [], set()
    for raw, item in zip(items, parsed):
        outcome = item if isinstance(item, InvalidScan) else outcomes[item.id]
        if isinstance(outcome, Exception):
            results.append(_error_entry(raw, outcome))
            continue
        # A UUID seen again in the same batch answers as a replay of its first upload.
        results.append({**outcome, "id": item.sent_id, "replayed": outcome["replayed"] or item.id in answered})
        answered.add(item.id)
    return results


def record_scans_of_withdrawn_device(device: User, enrolled_at: datetime, withdrawn_at: datetime, items: list,
                                     *, received_at: Optional[datetime] = None) -> list[dict]:
    """An entrance device the site withdrew sends its outbox: what it scanned while enrolled is
    recorded like any scan and flagged `after_withdrawal` for the network admin's review; anything
    scanned after the withdrawal (or before the enrolment) is refused, item by item, as device_revoked."""
    received_at = received_at or utcnow()
    parsed = [_parse(raw, received_at) for raw in items]
    while_enrolled = [isinstance(item, InvalidScan) or enrolled_at <= item.scanned_at <= withdrawn_at
                      for item in parsed]
    recorded = iter(record_scans(device, [raw for raw, ok in zip(items, while_enrolled) if ok],
                                 received_at=received_at))
    results = [next(recorded) if ok else _error_entry(raw, DeviceRevoked()) for raw, ok in zip(items, while_enrolled)]
    new_ids = [result["id"].lower() for result in results if result.get("status") and not result["replayed"]]
    if new_ids:  # a withdrawn device (perhaps a lost one) learns no holder's name or photo
        Scan.query.filter(Scan.id.in_(new_ids)).update({Scan.after_withdrawal: True, Scan.identity_withheld: True},
                                                       synchronize_session=False)
    return [{**result, "holder": None, "identity_withheld": True} if result.get("status") else result
            for result in results]


def _parse(raw, received_at):
    try:
        return parse_item(raw, received_at)
    except InvalidScan as error:
        return error


def manual_entry(staff: User, pass_number: str, *, scan_id: str, device_id: str,
                 scanned_at: Optional[datetime] = None, **extra) -> dict:
    """A typed pass number: the same verdict as a scan, on the token the pass was issued with."""
    moment = scanned_at or utcnow()
    item = {"id": scan_id, "pass_number": pass_number, "device_id": device_id,
            "scanned_at": moment.isoformat() + "Z", **extra}
    return record_scans(staff, [item])[0]


def undo_admission(staff: User, scan_id, now: Optional[datetime] = None) -> Scan:
    """"Annuler cette entrée": within UNDO_WINDOW of its receipt, at the staff's own site; frees the slot."""
    partner = staff_partner(staff)
    now = now or utcnow()
    scan = db.session.get(Scan, str(scan_id).lower(), with_for_update=True)
    if scan is None or scan.partner_id != partner.id:
        raise ScanNotFound()
    if scan.status is not ScanStatus.admitted:
        raise NotAnAdmission()
    if scan.undone_at is not None:
        return scan  # a retried undo changes nothing
    if now - scan.received_at > UNDO_WINDOW:
        raise UndoTooLate(int(UNDO_WINDOW.total_seconds() // 60))
    visit = scan.visit
    details = {"scan_id": scan.id, "pass_id": scan.pass_id}
    if visit is not None:
        details.update(visit_id=visit.id, holder_id=visit.user_id, year=visit.year,
                       admitted_at=visit.admitted_at.isoformat())
        scan.visit_id = None
        db.session.delete(visit)  # the (holder, site, year) slot is free again
    if scan.eductour_stop_id is not None:
        details.update(eductour_stop_id=scan.eductour_stop_id)
        forget_scan_attendance(scan.id)  # the holder is no longer marked present at the stop
    scan.undone_at, scan.undone_by_id = now, staff.id
    record_event(staff, "scan.undone", "partner", partner.id, **details)
    db.session.flush()
    return scan


def _error_entry(raw, error) -> dict:
    body = {"code": error.code, "message": str(error.message)}
    if error.fields:
        body["fields"] = {name: str(text) for name, text in error.fields.items()}
    return {"id": sent_id(raw), "status": None, "error": body}
