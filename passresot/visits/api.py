"""What routes call for scans: record a device's batch (idempotent per UUID), undo an admission, manual entry.

Every scan is kept, admitted or refused. An admission inserts a Visit under the database's
once-per-(holder, site, year) constraint inside a SAVEPOINT of its own, so a scan racing another
one of the same holder becomes `already_visited` for that item only. An offline admission the
server would refuse stays admitted with `conflict` set (never dropped). Functions flush, the
route commits once per batch.

On SQLite, pysqlite opens no transaction before a SAVEPOINT, so each item's outermost savepoint
commits when released: items are then committed one by one. Nothing depends on the batch being
all-or-nothing (each item is whole on its own and a replay is harmless), so both databases give
the same results; PostgreSQL commits the batch once.
"""
import logging
from datetime import datetime, timedelta
from typing import Optional

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ..accounts.models import SITE_ROLES, User
from ..audit.api import record_event
from ..extensions import db
from ..partners.models import Partner
from ..passes.exceptions import TokenRefused
from ..passes.models import Pass
from ..passes.numbers import normalize_pass_number
from ..passes.token import parse_pass_token
from ..timeutil import utcnow
from .exceptions import (InvalidScan, NotAPartnerAccount, NotAnAdmission, ScanIdTaken,
                         ScanNotFound, TooManyScans, UndoTooLate)
from .items import ScanItem, parse_item, sent_id
from .models import QR_KEPT_CHARS, Scan, ScanStatus, Visit
from .verdict import (Verdict, current_keys, decide, decide_pass_number, earlier_admission,
                      paris_date, paris_moment)

__all__ = ["decide", "record_scans", "manual_entry", "undo_admission", "scan_result", "staff_partner"]

log = logging.getLogger(__name__)

MAX_BATCH = 500
UNDO_WINDOW = timedelta(minutes=10)
#: A scan that lost a race (its holder's slot, then its own UUID sent twice at once) is tried again.
RACE_RETRIES = 2


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
    preloaded = _preload([item for item in parsed if isinstance(item, ScanItem)])  # noqa: F841 (kept alive)
    results = []
    for raw, item in zip(items, parsed):
        try:
            if isinstance(item, InvalidScan):
                raise item
            results.append(_record(staff, partner, item, received_at, keys))
        except (InvalidScan, ScanIdTaken) as error:
            results.append(_error_entry(raw, error))
    return results


def _parse(raw, received_at):
    try:
        return parse_item(raw, received_at)
    except InvalidScan as error:
        return error


def _preload(items: list[ScanItem]) -> list:
    """Load in two queries what the batch then looks up item by item (scans already recorded, the
    passes the codes name, with holder and office): each item costs one read and its writes."""
    if not items:
        return []
    scans = Scan.query.filter(Scan.id.in_([item.id for item in items])).all()
    pass_ids = {scan.pass_id for scan in scans if scan.pass_id is not None}
    for item in items:
        try:
            if item.qr is not None:
                pass_ids.add(parse_pass_token(item.qr)[0].pass_id)
        except TokenRefused:
            continue  # not a token: the verdict needs no pass
    passes = (Pass.query.options(joinedload(Pass.holder), joinedload(Pass.office))
              .filter(Pass.id.in_(pass_ids)).all()) if pass_ids else []
    return scans + passes


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
    scan.undone_at, scan.undone_by_id = now, staff.id
    record_event(staff, "scan.undone", "partner", partner.id, **details)
    db.session.flush()
    return scan


def scan_result(scan: Scan, *, replayed: bool = False, sent_id: Optional[str] = None) -> dict:
    """The answer for one scan, the same on first upload and on replay (apart from `replayed`)."""
    return {
        "id": sent_id or scan.id,
        "status": scan.status.value,
        "reason": scan.reason,
        "replayed": replayed,
        "conflict": scan.conflict,
        "override": scan.override,
        "undone": scan.undone_at is not None,
        "holder": _holder(scan.pass_) if scan.pass_id is not None else None,
        "visited_on": scan.visited_on.isoformat() if scan.visited_on else None,
    }


def _holder(pass_) -> dict:
    # What the verdict screen needs to compare with the holder's phone, nothing more.
    return {"first_name": pass_.holder.first_name, "last_name": pass_.holder.last_name,
            "office": pass_.office.name}


def _error_entry(raw, error) -> dict:
    body = {"code": error.code, "message": str(error.message)}
    if error.fields:
        body["fields"] = {name: str(text) for name, text in error.fields.items()}
    return {"id": sent_id(raw), "status": None, "error": body}


def _record(staff, partner, item: ScanItem, received_at, keys) -> dict:
    existing = db.session.get(Scan, item.id)
    if existing is not None:
        return _replay(existing, staff, item)
    moment = min(item.scanned_at, received_at)  # a clock ahead does not move the scan forward
    if item.qr is not None:
        verdict = decide(item.qr, partner, moment, keys=keys)
    else:
        verdict = decide_pass_number(item.pass_number, partner, moment, keys=keys)
    for attempt in range(RACE_RETRIES + 1):
        try:
            scan = _insert(staff, partner, item, verdict, received_at, moment)
            break
        except IntegrityError:
            existing = db.session.get(Scan, item.id, populate_existing=True)
            if existing is not None:
                return _replay(existing, staff, item)  # the same UUID raced its original: it won
            if attempt == RACE_RETRIES or verdict.pass_ is None:
                raise
            # Another scan of the same holder took this year's slot at this site meanwhile (and the
            # same UUID may still be on its way from the device's other sender: try again).
            year = paris_moment(moment).year
            verdict = Verdict("already_visited", verdict.pass_,
                              earlier_admission(verdict.pass_.user_id, partner.id, year))
    if scan.conflict:
        log.info("Scan %s at partner %s admitted offline, server says %s", scan.id, partner.id,
                 scan.reason)
    return scan_result(scan, sent_id=item.sent_id)


def _insert(staff, partner, item: ScanItem, verdict: Verdict, received_at, moment) -> Scan:
    """The scan (and its Visit when it admits someone) in a SAVEPOINT of its own: a unique
    constraint that says no undoes this item only."""
    scan = _new_scan(staff, partner, item, verdict, received_at)
    with db.session.begin_nested():
        db.session.add(scan)
        if _makes_visit(scan, verdict):
            scan.visit = Visit(user_id=verdict.pass_.user_id, partner_id=partner.id,
                               pass_id=verdict.pass_.id, year=paris_moment(moment).year,
                               admitted_at=moment)
        if scan.override:
            record_event(staff, "scan.override", "partner", partner.id, scan_id=scan.id,
                         pass_id=scan.pass_id, holder_id=verdict.pass_.user_id)
        db.session.flush()
    return scan


def _replay(existing: Scan, staff, item: ScanItem) -> dict:
    if existing.partner_id != staff.partner_id:
        raise ScanIdTaken()
    return scan_result(existing, replayed=True, sent_id=item.sent_id)


def _new_scan(staff, partner, item: ScanItem, verdict: Verdict, received_at) -> Scan:
    status, conflict, override = _outcome(verdict, item)
    reason = verdict.reason
    if item.offline_verdict is ScanStatus.refused and verdict.admitted:
        reason = item.offline_reason  # turned away at the door: no admission behind the staff's back
    visited_on = paris_date(verdict.earlier.admitted_at) if verdict.earlier else None
    return Scan(id=item.id, partner_id=partner.id, scanned_by_id=staff.id, device_id=item.device_id,
                qr=item.qr[:QR_KEPT_CHARS] if item.qr is not None else None,
                pass_number=_typed_number(item.pass_number), scanned_at=item.scanned_at,
                received_at=received_at, offline_verdict=item.offline_verdict,
                offline_reason=item.offline_reason, status=status, reason=reason,
                conflict=conflict, override=override, visited_on=visited_on,
                pass_id=verdict.pass_.id if verdict.pass_ is not None else None)


def _typed_number(typed: Optional[str]) -> Optional[str]:
    return None if typed is None else (normalize_pass_number(typed) or typed)


def _outcome(verdict: Verdict, item: ScanItem) -> tuple[ScanStatus, bool, bool]:
    """(status, conflict, override) for the server's verdict and what the device did."""
    if item.offline_verdict is ScanStatus.refused:
        return ScanStatus.refused, False, False
    if verdict.admitted:
        return ScanStatus.admitted, False, False
    if verdict.reason == "outside_accepted_period" and item.override:
        return ScanStatus.admitted, False, True
    if item.offline_verdict is ScanStatus.admitted:
        return ScanStatus.admitted, True, False
    return ScanStatus.refused, False, False


def _makes_visit(scan: Scan, verdict: Verdict) -> bool:
    # An offline admission of a pass the server refuses still counts when the pass is a real one
    # and the slot is free; a forged or unreadable code names no one.
    return (scan.status is ScanStatus.admitted and verdict.pass_ is not None
            and verdict.reason != "already_visited")
