"""A device's batch of scans recorded as a set: a fixed number of reads, verdicts in Python, two
multi-row inserts; the database's unique keys settle what other batches did meanwhile.

1. the scans already known (replays), in one query;
2. the passes the codes name with holders and offices, then the holders' earlier admissions at the
   site in the batch's years: two queries (load_judge);
3. every verdict in Python, in the order sent; an admission books its (holder, year) slot, so a
   second scan of the same holder in the batch is already_visited, as if sent one by one;
4. the visits, then the scans, each one INSERT … ON CONFLICT DO NOTHING RETURNING. A visit whose slot
   another batch took meanwhile turns its scan into already_visited (as the earlier code did on an
   IntegrityError); a scan whose UUID another upload recorded meanwhile answers as a replay of it.
"""
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Optional

from ..accounts.models import User
from ..audit.api import record_event
from ..eductours.attendance import record_scan_attendance
from ..partners.models import Partner
from ..passes.api import SYNC_OVERLAP
from ..passes.models import PassStatus
from ..passes.numbers import normalize_pass_number
from ..ratelimit.api import limit_from_config, within_limit
from .batch_reads import admissions_at, known_scans, unreadable_kept_since
from .batch_writes import delete_visits, insert_scans, insert_visits
from .exceptions import ScanIdTaken
from .items import ScanItem
from .models import QR_KEPT_CHARS, Scan, ScanStatus, Visit
from .verdict import Judge, Verdict, load_judge, paris_date, paris_moment

log = logging.getLogger(__name__)

#: How long after a scan was made its holder may still be named (and their photo served).
IDENTITY_WINDOW = timedelta(minutes=10)
#: Refused codes that name no pass (unreadable, forged, unknown key) stored per site and UTC day:
#: past it they are answered as usual but not stored, so a device sending junk cannot fill the
#: database (a real entrance sees a few a day; 600 scans a minute is the most an account may send).
UNREADABLE_KEPT_PER_DAY = 1000


@dataclass
class Planned:
    """A new scan with its verdict, and the Visit it makes (None: it admits no one new)."""

    item: ScanItem
    moment: datetime
    verdict: Verdict
    visit: Optional[Visit] = None
    #: A typed number past the account's limit: recorded without naming the holder.
    identity_withheld: bool = False


def record_items(staff: User, partner: Partner, items: list[ScanItem], received_at: datetime,
                 keys) -> dict[str, "dict | ScanIdTaken"]:
    """Record the batch's well-formed items; returns, per UUID, the result of its first upload (a
    replay when it was known) or ScanIdTaken."""
    known = known_scans(item.id for item in items)
    outcomes = {scan_id: _replay_or_taken(scan, partner) for scan_id, scan in known.items()}
    fresh, seen = [], set(known)
    for item in items:  # a UUID twice in the batch: its first upload, then a replay of it
        if item.id not in seen:
            seen.add(item.id)
            fresh.append(item)
    if fresh:
        judge = load_judge(partner, keys, [i.qr for i in fresh if i.qr is not None],
                           [i.pass_number for i in fresh if i.pass_number is not None],
                           {paris_date(_moment(i, received_at)) for i in fresh})
        planned = plan_scans(judge, fresh, received_at)
        outcomes.update(_write(staff, partner, planned, received_at))
    return outcomes


def plan_scans(judge: Judge, items: list[ScanItem], received_at: datetime) -> list[Planned]:
    """Every verdict, in the order sent, before anything is written."""
    planned = []
    for item in items:
        moment = _moment(item, received_at)
        if item.qr is not None:
            verdict = judge.on_code(item.qr, moment)
        else:
            verdict = judge.on_number(item.pass_number, moment)
        plan = Planned(item, moment, verdict)
        if _makes_visit(plan):
            plan.visit = judge.take_slot(verdict.pass_, moment)
            if plan.visit is None:  # an admission of the batch holds the slot already
                year = paris_moment(moment).year
                plan.verdict = Verdict("already_visited", verdict.pass_,
                                       judge.slots[(verdict.pass_.user_id, year)])
        planned.append(plan)
    return planned


def _write(staff, partner, planned: list[Planned], received_at) -> dict:
    _withhold_typed_identities(staff, planned, received_at)  # before any write: SQLite's lock
    planned, unkept = _cap_unreadable(partner, planned, received_at)
    outcomes = {plan.item.id: new_result(_scan_row(staff, partner, plan, received_at, {}), None) for plan in unkept}
    return {**outcomes, **_write_kept(staff, partner, planned, received_at)}


def _cap_unreadable(partner, planned: list[Planned], received_at) -> tuple[list[Planned], list[Planned]]:
    """(the scans to store, the unreadable ones past the site's UNREADABLE_KEPT_PER_DAY)."""
    unreadable = [plan for plan in planned
                  if plan.verdict.pass_ is None and outcome(plan.verdict, plan.item)[0] is ScanStatus.refused]
    if not unreadable:
        return planned, []
    day = received_at.replace(hour=0, minute=0, second=0, microsecond=0)
    room = max(UNREADABLE_KEPT_PER_DAY - unreadable_kept_since(partner.id, day), 0)
    if room >= len(unreadable):
        return planned, []
    unkept = {plan.item.id for plan in unreadable[room:]}
    log.warning("Partner %s: %s unreadable scans not stored (over %s today)", partner.id, len(unkept),
                UNREADABLE_KEPT_PER_DAY)
    return ([plan for plan in planned if plan.item.id not in unkept],
            [plan for plan in planned if plan.item.id in unkept])


def _write_kept(staff, partner, planned: list[Planned], received_at) -> dict:
    written = insert_visits([_visit_row(plan.visit) for plan in planned if plan.visit is not None])
    _slots_lost(partner, [plan for plan in planned if plan.visit is not None], written)
    rows = {plan.item.id: _scan_row(staff, partner, plan, received_at, written) for plan in planned}
    recorded = insert_scans(list(rows.values()))
    outcomes, raced = {}, []
    for plan in planned:
        if plan.item.id not in recorded:
            raced.append(plan)
            continue
        row = rows[plan.item.id]
        outcomes[plan.item.id] = new_result(row, plan.verdict.pass_, plan.verdict.eductour)
        _log_and_audit(staff, partner, row, plan)
        if row["eductour_stop_id"] is not None:
            record_scan_attendance(plan.verdict.eductour, plan.verdict.pass_.user_id, row["id"], staff.id)
    if raced:
        outcomes.update(_raced(partner, raced, written))
    return outcomes


def _slots_lost(partner, booked: list[Planned], written: dict) -> None:
    """Scans whose admission another batch wrote first: already_visited, like today's retry."""
    lost = [plan for plan in booked if (plan.visit.user_id, plan.visit.year) not in written]
    if not lost:
        return
    earlier = {(visit.user_id, visit.year): visit for visit in admissions_at(
        partner.id, {plan.visit.user_id for plan in lost}, {plan.visit.year for plan in lost})}
    for plan in lost:
        key = (plan.visit.user_id, plan.visit.year)
        plan.verdict = Verdict("already_visited", plan.verdict.pass_, earlier.get(key))
        plan.visit = None


def _raced(partner, raced: list[Planned], written: dict) -> dict:
    """Scans another upload of the same UUID recorded meanwhile: a replay of that one (and no
    second admission from this one)."""
    delete_visits([written[(p.visit.user_id, p.visit.year)] for p in raced if p.visit is not None])
    scans = known_scans(plan.item.id for plan in raced)
    return {plan.item.id: _replay_or_taken(scans[plan.item.id], partner) for plan in raced}


def _replay_or_taken(scan: Scan, partner: Partner):
    if scan.partner_id != partner.id:
        return ScanIdTaken()
    return scan_result(scan, replayed=True)


def scan_result(scan: Scan, *, replayed: bool = False, sent_id: Optional[str] = None) -> dict:
    """The answer for one scan, the same on first upload and on replay (apart from `replayed`, and
    the holder, named on the first answer only)."""
    shown = not replayed and identity_shown(scan.status, scan.conflict, scan.undone_at is not None,
                                            scan.scanned_at, scan.received_at, withheld=scan.identity_withheld)
    return {
        "id": sent_id or scan.id,
        "status": scan.status.value,
        "reason": scan.reason,
        "replayed": replayed,
        "conflict": scan.conflict,
        "override": scan.override,
        "undone": scan.undone_at is not None,
        "holder": _holder(scan.pass_) if shown and scan.pass_id is not None else None,
        "identity_withheld": scan.identity_withheld,
        "visited_on": scan.visited_on.isoformat() if scan.visited_on else None,
        "closed": closed_as(scan.reason, scan.pass_),
        "eductour": eductour_answer(scan.eductour_stop) if scan.eductour_stop_id is not None else None,
    }


def eductour_answer(stop) -> dict:
    """What the verdict screen says of an eductour stop: the programme and the group's times here."""
    return {"stop_id": stop.id, "title": stop.programme.title, "starts_at": stop.starts_at.strftime("%H:%M"),
            "ends_at": stop.ends_at.strftime("%H:%M")}


def new_result(row: dict, pass_, stop=None) -> dict:
    """scan_result() for a scan just written from `row` (`stop`: its eductour stop, if any)."""
    shown = _row_names_holder(row)
    return {"id": row["id"], "status": row["status"].value, "reason": row["reason"], "replayed": False,
            "conflict": row["conflict"], "override": row["override"], "undone": False,
            "holder": _holder(pass_) if shown and row["pass_id"] is not None else None,
            "identity_withheld": row["identity_withheld"],
            "visited_on": row["visited_on"].isoformat() if row["visited_on"] else None,
            "closed": closed_as(row["reason"], pass_),
            "eductour": eductour_answer(stop) if row["eductour_stop_id"] is not None else None}


def closed_as(reason, pass_) -> Optional[str]:
    """For a refusal as revoked: how the pass was closed (returned, revoked, replaced), so that the
    entrance says what happened; None otherwise."""
    if reason != "revoked" or pass_ is None or pass_.status is PassStatus.active:
        return None
    return pass_.status.value


def identity_shown(status: ScanStatus, conflict: bool, undone: bool, scanned_at: datetime,
                   received_at: datetime, *, withheld: bool = False) -> bool:
    """The holder's name and photo go with an admission the server decides while the holder is at
    the door: never with a refusal (a typed or replayed number would name anyone), a conflict, an
    undone entry, a scan sent more than IDENTITY_WINDOW after it was made, or a typed number past
    the account's limit (`withheld`)."""
    return (status is ScanStatus.admitted and not conflict and not undone and not withheld
            and received_at - scanned_at <= IDENTITY_WINDOW)


def _names_holder(plan: Planned, received_at: datetime) -> bool:
    status, conflict, _override = outcome(plan.verdict, plan.item)
    return plan.verdict.pass_ is not None and identity_shown(status, conflict, False, plan.item.scanned_at,
                                                             received_at)


def _row_names_holder(row: dict) -> bool:
    return identity_shown(row["status"], row["conflict"], False, row["scanned_at"], row["received_at"],
                          withheld=row["identity_withheld"])


def _withhold_typed_identities(staff, planned: list[Planned], received_at: datetime) -> None:
    """Typed numbers whose answer would name the holder count against the account's
    TYPED_IDENTITY_RATE_LIMIT; past it, in the order sent, they are recorded without the name and
    photo. Counted by account, not by the device_id a device states about itself."""
    named = [plan for plan in planned if plan.item.pass_number is not None and _names_holder(plan, received_at)]
    if not named:
        return
    allowed = within_limit(f"typed-identity:user:{staff.id}",
                           *limit_from_config("TYPED_IDENTITY_RATE_LIMIT"), len(named))
    for plan in named[allowed:]:
        plan.identity_withheld = True
    if allowed < len(named):
        log.warning("Account %s: %s typed numbers past its limit answered without the holder",
                    staff.id, len(named) - allowed)


def _holder(pass_) -> dict:
    # What the verdict screen needs to compare with the holder's phone, nothing more.
    return {"first_name": pass_.holder.first_name, "last_name": pass_.holder.last_name,
            "office": pass_.office.name}


def _log_and_audit(staff, partner, row: dict, plan: Planned) -> None:
    if row["override"]:
        record_event(staff, "scan.override", "partner", partner.id, scan_id=row["id"],
                     pass_id=row["pass_id"], holder_id=plan.verdict.pass_.user_id)
    if row["conflict"]:
        log.info("Scan %s at partner %s admitted offline, server says %s", row["id"], partner.id,
                 row["reason"])


def _moment(item: ScanItem, received_at: datetime) -> datetime:
    return min(item.scanned_at, received_at)  # a clock ahead does not move the scan forward


def _visit_row(visit: Visit) -> dict:
    return {"user_id": visit.user_id, "partner_id": visit.partner_id, "pass_id": visit.pass_id,
            "year": visit.year, "admitted_at": visit.admitted_at}


def _scan_row(staff, partner, plan: Planned, received_at, written: dict) -> dict:
    item, verdict = plan.item, plan.verdict
    status, conflict, override = outcome(verdict, item)
    reason = verdict.reason
    if item.offline_verdict is ScanStatus.refused and verdict.admitted:
        reason = item.offline_reason  # turned away at the door: no admission behind the staff's back
    visit_id = written.get((plan.visit.user_id, plan.visit.year)) if plan.visit is not None else None
    eductour = verdict.eductour if status is ScanStatus.admitted and not override else None
    return {"id": item.id, "partner_id": partner.id, "scanned_by_id": staff.id, "device_id": item.device_id,
            "qr": item.qr[:QR_KEPT_CHARS] if item.qr is not None else None,
            "pass_number": _typed_number(item.pass_number), "scanned_at": item.scanned_at,
            "received_at": received_at, "offline_verdict": item.offline_verdict,
            "offline_reason": item.offline_reason, "status": status, "reason": reason,
            "conflict": conflict, "override": override,
            "visited_on": paris_date(verdict.earlier.admitted_at) if verdict.earlier else None,
            "pass_id": verdict.pass_.id if verdict.pass_ is not None else None, "visit_id": visit_id,
            "undone_at": None, "undone_by_id": None, "identity_withheld": plan.identity_withheld,
            "eductour_stop_id": eductour.id if eductour is not None else None}


def _typed_number(typed: Optional[str]) -> Optional[str]:
    return None if typed is None else (normalize_pass_number(typed) or typed)


def outcome(verdict: Verdict, item: ScanItem) -> tuple[ScanStatus, bool, bool]:
    """(status, conflict, override) for the server's verdict and what the device did."""
    if item.offline_verdict is ScanStatus.refused:
        return ScanStatus.refused, False, False
    if verdict.admitted:
        return ScanStatus.admitted, False, False
    if verdict.reason == "outside_accepted_period" and item.override:
        return ScanStatus.admitted, False, True
    if item.offline_verdict is ScanStatus.admitted:
        if _device_knew(verdict, item):
            return ScanStatus.refused, False, False  # admitted against what the device held: no conflict
        return ScanStatus.admitted, True, False
    return ScanStatus.refused, False, False


def _device_knew(verdict: Verdict, item: ScanItem) -> bool:
    """The refusal's reason was in the bundle the device last synced (the pass's revocation, the
    holder's earlier admission here, the site's accepted periods): admitting anyway is no conflict
    to review. SYNC_OVERLAP covers what was written while that bundle was read."""
    return (verdict.known_since is not None and item.bundle_synced_at is not None
            and verdict.known_since <= item.bundle_synced_at - SYNC_OVERLAP)


def _makes_visit(plan: Planned) -> bool:
    # An offline admission the server refuses (a conflict) counts nowhere until the network admin
    # accepts it (review.py); a forged or unreadable code names no one.
    status, conflict, _override = outcome(plan.verdict, plan.item)
    # An eductour attendance is no free entry: it books no slot.
    return (status is ScanStatus.admitted and not conflict and plan.verdict.pass_ is not None
            and plan.verdict.reason != "already_visited" and plan.verdict.eductour is None)
