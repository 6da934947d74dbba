"""Admissions of pass holders at partner sites (once per site and calendar year, R1) and every scan behind them."""
import enum
from datetime import date, datetime
from typing import Optional

from sqlalchemy import (CheckConstraint, Enum, ForeignKey, Index, String, UniqueConstraint, false,
                        func, select, text)
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from ..accounts.models import User
from ..extensions import db
from ..partners.models import Partner
from ..passes.exceptions import REFUSAL_REASONS
from ..passes.models import Pass
from ..timeutil import utcnow

#: How much of a scanned code is kept: a real pass is 169 characters; garbage is cut.
QR_KEPT_CHARS = 300


class Visit(db.Model):
    """A holder let in free. Undoing an admission deletes its row (the Scan keeps the trace)."""

    __tablename__ = "visits"
    __table_args__ = (
        # R1: once per partner site per calendar year (Europe/Paris), enforced by the database.
        UniqueConstraint("user_id", "partner_id", "year", name="uq_visits_once_per_site_per_year"),
        Index("ix_visits_partner_year", "partner_id", "year"),
        # The network dashboard (passresot/stats): a year's visits per partner and per agent, and
        # the month buckets, read from the indexes alone (index-only scans at national scale).
        Index("ix_visits_year_partner", "year", "partner_id"),
        Index("ix_visits_year_user_partner", "year", "user_id", "partner_id"),
        Index("ix_visits_admitted_at", "admitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"))
    #: The pass shown; kept even when the pass is later returned or revoked (statistics).
    pass_id: Mapped[Optional[int]] = mapped_column(ForeignKey("passes.id"))
    #: Calendar year in Europe/Paris of the admission.
    year: Mapped[int]
    admitted_at: Mapped[datetime] = mapped_column(default=utcnow)

    holder: Mapped[User] = relationship()
    partner: Mapped[Partner] = relationship()


class ScanStatus(enum.Enum):
    admitted = "admitted"
    refused = "refused"


def _enum(cls, name):
    return Enum(cls, native_enum=False, create_constraint=True, length=20, name=name)


_REASON = Enum(*REFUSAL_REASONS, native_enum=False, create_constraint=True, length=30,
               name="scan_reason")
_OFFLINE_REASON = Enum(*REFUSAL_REASONS, native_enum=False, create_constraint=True, length=30,
                       name="scan_offline_reason")


#: What the network admin reviews (visits/review.py), a partial index's predicate too.
FLAGGED = "conflict OR override OR after_withdrawal"


REVIEWS = ("accepted", "voided")
_REVIEW = Enum(*REVIEWS, native_enum=False, create_constraint=True, length=10, name="scan_review")


class Scan(db.Model):
    """One scan as a partner device made it, uploaded once (its id is the device's UUID)."""

    __tablename__ = "scans"
    __table_args__ = (
        CheckConstraint("status = 'admitted' OR reason IS NOT NULL", name="refused_has_reason"),
        CheckConstraint("NOT conflict OR (status = 'admitted' AND offline_verdict = 'admitted')",
                        name="conflict_is_an_offline_admission"),
        CheckConstraint("NOT override OR status = 'admitted'", name="override_admits"),
        CheckConstraint("visit_id IS NULL OR status = 'admitted'", name="visit_needs_admission"),
        CheckConstraint("(undone_at IS NULL) = (undone_by_id IS NULL)", name="undone_has_actor"),
        CheckConstraint("review IS NULL OR conflict", name="review_is_of_a_conflict"),
        CheckConstraint("(review IS NULL) = (reviewed_at IS NULL)", name="review_has_date"),
        CheckConstraint("qr IS NOT NULL OR pass_number IS NOT NULL", name="has_code"),
        CheckConstraint("eductour_stop_id IS NULL OR (status = 'admitted' AND visit_id IS NULL)",
                        name="eductour_admits_without_visit"),
        Index("ix_scans_partner_received", "partner_id", "received_at"),
        Index("ix_scans_pass_id", "pass_id"),
        # What the network admin reviews: few rows among many.
        Index("ix_scans_flagged", "received_at", sqlite_where=text(FLAGGED),
              postgresql_where=text(FLAGGED)),
    )

    #: The UUID the device made before showing any verdict, lower-case with dashes.
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"))
    scanned_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: The scanner's own identifier (an installation id), as the device sent it.
    device_id: Mapped[str] = mapped_column(String(100))
    #: The scanned text, cut to QR_KEPT_CHARS; None for a typed pass number. Never logged.
    qr: Mapped[Optional[str]] = mapped_column(String(QR_KEPT_CHARS))
    #: The pass number typed instead of a scan: canonical when it checks out, else as typed.
    pass_number: Mapped[Optional[str]] = mapped_column(String(20))
    #: The device's clock when the code was seen (naive UTC): it decides the year and the period.
    scanned_at: Mapped[datetime]
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: What the device showed before the server answered (None: it waited for the server).
    offline_verdict: Mapped[Optional[ScanStatus]] = mapped_column(_enum(ScanStatus, "scan_offline_verdict"))
    offline_reason: Mapped[Optional[str]] = mapped_column(_OFFLINE_REASON)
    #: The outcome that counts: the server's verdict, or an offline admission kept as a conflict.
    status: Mapped[ScanStatus] = mapped_column(_enum(ScanStatus, "scan_status"))
    #: The server's refusal reason (also set on a conflict or an override: why it was flagged).
    reason: Mapped[Optional[str]] = mapped_column(_REASON)
    #: Admitted offline although the server refuses: kept, never dropped, shown to the network admin.
    conflict: Mapped[bool] = mapped_column(default=False)
    #: "Accepter quand même": admitted outside the site's accepted periods by the staff's choice.
    override: Mapped[bool] = mapped_column(default=False)
    #: Sent by an entrance device after the site withdrew it, scanned before the withdrawal: kept and
    #: shown to the network admin (anything it scanned after is refused, never stored).
    after_withdrawal: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: A typed number past the account's TYPED_IDENTITY_RATE_LIMIT: its answer named no holder and
    #: its photo is never served, whatever the verdict.
    identity_withheld: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: A conflict's review by the network admin: None (waiting, counts nowhere), "accepted" (its
    #: admission counts from then on) or "voided" (never counts).
    review: Mapped[Optional[str]] = mapped_column(_REVIEW)
    reviewed_at: Mapped[Optional[datetime]]
    reviewed_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    #: For already_visited: the Paris date of the earlier admission, as first answered.
    visited_on: Mapped[Optional[date]]
    #: The pass the code names, once its signature held and the pass exists.
    pass_id: Mapped[Optional[int]] = mapped_column(ForeignKey("passes.id"))
    #: The admission this scan made; None when refused, when the slot was taken, or once undone.
    visit_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("visits.id", ondelete="SET NULL"), unique=True)
    #: Attendance at an eductour stop (the holder is invited to a programme at this site that day):
    #: admitted without using the holder's free entry of the year, so never with a visit.
    eductour_stop_id: Mapped[Optional[int]] = mapped_column(ForeignKey("eductour_stops.id", ondelete="SET NULL"))
    undone_at: Mapped[Optional[datetime]]
    undone_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))

    partner: Mapped[Partner] = relationship()
    pass_: Mapped[Optional[Pass]] = relationship()
    scanned_by: Mapped[User] = relationship(foreign_keys=[scanned_by_id])
    reviewed_by: Mapped[Optional[User]] = relationship(foreign_keys=[reviewed_by_id])
    visit: Mapped[Optional[Visit]] = relationship()
    eductour_stop = relationship("Stop")

    def __repr__(self):
        return f"<Scan {self.id} {self.status.value} {self.reason}>"


#: When the server learnt of an admission: the receipt of the scan that made it (None when no scan
#: did). A scanner bundle fetched after that listed it (batch.outcome: what the device knew).
#: Deferred: read only where asked (batch_reads.admissions_at).
Visit.recorded_at = column_property(
    select(func.min(Scan.received_at)).where(Scan.visit_id == Visit.id).correlate_except(Scan)
    .scalar_subquery(), deferred=True)
