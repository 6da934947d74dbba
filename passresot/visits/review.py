"""What the network admin reviews: offline admissions the server refused (conflicts), overrides, and
scans a withdrawn entrance device sent after its withdrawal.

A conflict counts nowhere (hours, participation, statistics) until the network admin accepts it:
accepting makes its admission (if the holder's slot at the site that year is still free), voiding
keeps it out for good; both are audited. The list filters by site, reason, state and dates and
pages through everything.
"""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Optional

from sqlalchemy import func, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ..accounts.models import User
from ..audit.api import record_event
from ..extensions import db
from ..passes.models import Pass
from ..timeutil import PARIS, utcnow
from .exceptions import ConflictAlreadyReviewed, NotAConflict, ScanNotFound
from .models import FLAGGED, Scan, Visit
from .verdict import paris_moment

PAGE_SIZE = 50
STATES = ("waiting", "accepted", "voided")


@dataclass(frozen=True)
class ReviewFilters:
    """What the review page narrows to; None means any."""

    partner_id: Optional[int] = None
    reason: Optional[str] = None
    state: Optional[str] = None  # "waiting" (conflicts not reviewed), "accepted", "voided"
    date_from: Optional[date] = None  # Paris dates of the scan, inclusive
    date_to: Optional[date] = None


@dataclass(frozen=True)
class ReviewPage:
    scans: list
    page: int
    pages: int
    total: int


def flagged_scans(filters: ReviewFilters = ReviewFilters(), page: int = 1) -> ReviewPage:
    """Flagged scans matching `filters`, newest first, PAGE_SIZE a page, with what the page shows loaded."""
    query = _narrowed(Scan.query.filter(text(f"({FLAGGED})")), filters)  # the partial index's own predicate
    total = query.order_by(None).with_entities(func.count(Scan.id)).scalar()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    scans = (query.options(joinedload(Scan.partner), joinedload(Scan.scanned_by), joinedload(Scan.reviewed_by),
                           joinedload(Scan.pass_).joinedload(Pass.holder),
                           joinedload(Scan.pass_).joinedload(Pass.office))
             .order_by(Scan.received_at.desc(), Scan.id)
             .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE).all())
    return ReviewPage(scans, page, pages, total)


def _narrowed(query, filters: ReviewFilters):
    if filters.partner_id is not None:
        query = query.filter(Scan.partner_id == filters.partner_id)
    if filters.reason:
        query = query.filter(Scan.reason == filters.reason)
    if filters.state == "waiting":
        query = query.filter(Scan.conflict, Scan.review.is_(None))
    elif filters.state in ("accepted", "voided"):
        query = query.filter(Scan.review == filters.state)
    if filters.date_from is not None:
        query = query.filter(Scan.scanned_at >= _utc_midnight(filters.date_from))
    if filters.date_to is not None:
        query = query.filter(Scan.scanned_at < _utc_midnight(filters.date_to + timedelta(days=1)))
    return query


def _utc_midnight(day: date) -> datetime:
    """The start of a Paris day, as the naive UTC the database keeps."""
    return datetime.combine(day, time(), PARIS).astimezone(timezone.utc).replace(tzinfo=None)


def accept_conflict(actor: User, scan_id: str) -> Optional[Visit]:
    """The admission counts from now on: its visit is made if the holder's slot at the site that
    year is free (None when another admission holds it, or the code names no one)."""
    scan = _conflict_to_review(scan_id)
    visit = None
    if scan.pass_ is not None and scan.undone_at is None:
        moment = min(scan.scanned_at, scan.received_at)
        try:
            with db.session.begin_nested():
                visit = Visit(user_id=scan.pass_.user_id, partner_id=scan.partner_id, pass_id=scan.pass_id,
                              year=paris_moment(moment).year, admitted_at=moment)
                db.session.add(visit)
                db.session.flush()
        except IntegrityError:
            visit = None  # the holder's slot there that year is taken: counted once already
        scan.visit_id = visit.id if visit is not None else None
    _reviewed(actor, scan, "accepted", visit_id=visit.id if visit is not None else None)
    return visit


def void_conflict(actor: User, scan_id: str) -> None:
    """The admission never counts."""
    _reviewed(actor, _conflict_to_review(scan_id), "voided")


def _conflict_to_review(scan_id: str) -> Scan:
    scan = db.session.get(Scan, str(scan_id).lower(), with_for_update=True)
    if scan is None:
        raise ScanNotFound()
    if not scan.conflict:
        raise NotAConflict()
    if scan.review is not None:
        raise ConflictAlreadyReviewed()
    return scan


def _reviewed(actor: User, scan: Scan, review: str, **details) -> None:
    scan.review, scan.reviewed_at, scan.reviewed_by_id = review, utcnow(), actor.id
    record_event(actor, f"scan.conflict_{review}", "partner", scan.partner_id, scan_id=scan.id,
                 pass_id=scan.pass_id, reason=scan.reason, **details)
    db.session.flush()
