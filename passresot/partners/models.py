"""Partner sites: the directory listing of the scheme (R5) and the periods they accept pass holders."""
import enum
from datetime import date, datetime
from typing import Optional

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..timeutil import utcnow


class PartnerCategory(enum.Enum):
    museum = "museum"
    heritage = "heritage"
    nature = "nature"
    winery = "winery"
    activity = "activity"
    other = "other"

    @property
    def label(self):
        return CATEGORY_LABELS[self]


CATEGORY_LABELS = {
    PartnerCategory.museum: _l("Musée"),
    PartnerCategory.heritage: _l("Château, patrimoine"),
    PartnerCategory.nature: _l("Grotte, site naturel"),
    PartnerCategory.winery: _l("Domaine, producteur"),
    PartnerCategory.activity: _l("Activité, loisir"),
    PartnerCategory.other: _l("Autre"),
}


class Booking(enum.Enum):
    required = "required"
    not_required = "not_required"
    unknown = "unknown"

    @property
    def label(self):
        return BOOKING_LABELS[self]


BOOKING_LABELS = {
    Booking.required: _l("Réservation obligatoire"),
    Booking.not_required: _l("Sans réservation"),
    Booking.unknown: _l("Réservation : non précisé"),
}


def _enum(cls, name):
    return Enum(cls, native_enum=False, create_constraint=True, length=20, name=name)


class Partner(db.Model):
    __tablename__ = "partners"
    __table_args__ = (
        CheckConstraint("latitude IS NULL OR (latitude BETWEEN -90 AND 90)", name="latitude_range"),
        CheckConstraint("longitude IS NULL OR (longitude BETWEEN -180 AND 180)", name="longitude_range"),
        CheckConstraint("visit_minutes IS NULL OR (visit_minutes BETWEEN 5 AND 1440)",
                        name="visit_minutes_range"),
        UniqueConstraint("source", "source_id", name="uq_partners_source_source_id"),
        Index("ix_partners_commune", "commune"),
        # The dashboard's first partners never visited, by name, found without sorting 50,000 sites.
        Index("ix_partners_name", "name"),
        # DATAtourisme sites found again by their regional identifier (Explore CSV, changed @id).
        Index("ix_partners_sit_id", "sit_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    category: Mapped[PartnerCategory] = mapped_column(_enum(PartnerCategory, "partner_category"))
    commune: Mapped[str] = mapped_column(String(80))
    #: Code officiel géographique of the commune (5 characters, e.g. 66136 for Perpignan).
    insee_code: Mapped[Optional[str]] = mapped_column(String(5))
    address: Mapped[str] = mapped_column(String(200), default="")
    postal_code: Mapped[str] = mapped_column(String(10), default="")
    latitude: Mapped[Optional[float]]
    longitude: Mapped[Optional[float]]
    phone: Mapped[str] = mapped_column(String(30), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    #: A list of URLs (Facebook, Instagram...).
    socials: Mapped[list] = mapped_column(JSON, default=list)
    manager_name: Mapped[str] = mapped_column(String(120), default="")
    booking: Mapped[Booking] = mapped_column(_enum(Booking, "partner_booking"), default=Booking.unknown)
    #: True: pass holders welcome all year. False: only within `periods` (none known = incomplete).
    accepts_all_year: Mapped[bool] = mapped_column(default=False)
    description: Mapped[str] = mapped_column(Text, default="")
    #: Typical visit length, counted in the agents' partner-visit hours.
    visit_minutes: Mapped[Optional[int]]
    opening_info: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(default=True)
    #: Where the listing was imported from ("datatourisme", "csv") and its id there; None if typed in.
    source: Mapped[Optional[str]] = mapped_column(String(20))
    source_id: Mapped[Optional[str]] = mapped_column(String(200))
    #: The regional tourism information system's identifier of a DATAtourisme site (dc:identifier,
    #: the Explore CSV's "Identifiant"), e.g. PCUNOR050FS000M8.
    sit_id: Mapped[Optional[str]] = mapped_column(String(60))
    #: Listing fields the network admin or the site's staff corrected by hand: a later import of
    #: the tourism database's flux leaves them as they are (partners/imports.match_rows).
    hand_edited: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    periods: Mapped[list["PartnerPeriod"]] = relationship(
        back_populates="partner", cascade="all, delete-orphan", order_by="PartnerPeriod.starts_on")

    def __repr__(self):
        return f"<Partner {self.id} {self.name}>"


class PartnerPeriod(db.Model):
    """A date range when pass holders are accepted; a recurring one repeats every year (may span New Year)."""

    __tablename__ = "partner_periods"
    __table_args__ = (
        CheckConstraint("recurring OR ends_on >= starts_on", name="period_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"), index=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    #: Only month and day count: e.g. 1 June – 30 September, every year.
    recurring: Mapped[bool] = mapped_column(default=False)

    partner: Mapped[Partner] = relationship(back_populates="periods")

    def contains(self, day: date) -> bool:
        if not self.recurring:
            return self.starts_on <= day <= self.ends_on
        start, end, key = ((d.month, d.day) for d in (self.starts_on, self.ends_on, day))
        return start <= key <= end if start <= end else (key >= start or key <= end)
