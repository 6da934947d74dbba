"""Tables of eductour programmes: the day, its stops in order, the invited and the attendance."""
import enum
from datetime import date, datetime, time
from typing import Optional

from sqlalchemy import CheckConstraint, Enum, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..timeutil import utcnow


class AttendanceSource(enum.Enum):
    scan = "scan"
    roll_call = "roll_call"


programme_offices = db.Table(
    "eductour_programme_offices",
    db.Column("programme_id", ForeignKey("eductour_programmes.id", ondelete="CASCADE"), primary_key=True),
    db.Column("office_id", ForeignKey("offices.id"), primary_key=True),
)


class Programme(db.Model):
    """One eductour day planned by an OT admin (or the network admin for several offices)."""

    __tablename__ = "eductour_programmes"
    __table_args__ = (Index("ix_eductour_programmes_day", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    day: Mapped[date]
    #: The admin who planned it: the one who may edit, cancel and take the roll call.
    organiser_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: Set when cancelled; a cancelled programme stays for the record but invites nobody.
    cancelled_at: Mapped[Optional[datetime]]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organiser = relationship("User")
    offices = relationship("Office", secondary=programme_offices, order_by="Office.name")
    stops = relationship("Stop", back_populates="programme", order_by="Stop.position",
                         cascade="all, delete-orphan")
    invitations = relationship("Invitation", back_populates="programme", cascade="all, delete-orphan",
                               order_by="Invitation.id")

    @property
    def starts_at(self) -> Optional[time]:
        return min((stop.starts_at for stop in self.stops), default=None)

    @property
    def ends_at(self) -> Optional[time]:
        return max((stop.ends_at for stop in self.stops), default=None)


class Stop(db.Model):
    """A partner site in the programme, with the times the group is there."""

    __tablename__ = "eductour_stops"
    __table_args__ = (
        UniqueConstraint("programme_id", "partner_id", name="one_stop_per_site"),
        UniqueConstraint("programme_id", "position", name="one_stop_per_position"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        Index("ix_eductour_stops_partner", "partner_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("eductour_programmes.id", ondelete="CASCADE"))
    #: 1, 2, 3 ... in the order of the day.
    position: Mapped[int]
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"))
    starts_at: Mapped[time]
    ends_at: Mapped[time]

    programme = relationship("Programme", back_populates="stops")
    partner = relationship("Partner")

    @property
    def minutes(self) -> int:
        return (self.ends_at.hour * 60 + self.ends_at.minute) - (self.starts_at.hour * 60 + self.starts_at.minute)


class Invitation(db.Model):
    """An invited agent (user_id) or a named guest without an account (guest_name)."""

    __tablename__ = "eductour_invitations"
    __table_args__ = (
        UniqueConstraint("programme_id", "user_id", name="one_invitation_per_agent"),
        CheckConstraint("(user_id IS NULL) <> (guest_name IS NULL)", name="agent_or_guest"),
        Index("ix_eductour_invitations_user", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("eductour_programmes.id", ondelete="CASCADE"))
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    guest_name: Mapped[Optional[str]] = mapped_column(String(120))
    guest_organisation: Mapped[str] = mapped_column(String(120), default="")
    guest_email: Mapped[str] = mapped_column(String(254), default="")

    programme = relationship("Programme", back_populates="invitations")
    user = relationship("User")


class Attendance(db.Model):
    """An invited agent was at a stop: scanned at the site, or ticked by the organiser."""

    __tablename__ = "eductour_attendances"
    __table_args__ = (
        UniqueConstraint("stop_id", "user_id", name="once_per_stop"),
        UniqueConstraint("scan_id", name="once_per_scan"),
        CheckConstraint("(source = 'scan') = (scan_id IS NOT NULL)", name="scan_has_id"),
        Index("ix_eductour_attendances_user", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    stop_id: Mapped[int] = mapped_column(ForeignKey("eductour_stops.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    source: Mapped[AttendanceSource] = mapped_column(
        Enum(AttendanceSource, native_enum=False, create_constraint=True, length=20, name="attendance_source"))
    #: The scanner's client id of the scan (exactly-once across retries); None for the roll call.
    scan_id: Mapped[Optional[str]] = mapped_column(String(64))
    recorded_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    stop = relationship("Stop")
