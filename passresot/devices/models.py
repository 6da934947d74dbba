"""Enrolment codes that turn a tablet into a site's entrance device, and each site's PIN."""
from datetime import datetime
from typing import Optional

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..partners.models import Partner
from ..timeutil import utcnow


class EnrolmentCode(db.Model):
    """"Ajouter un appareil d'entrée": a code valid 15 minutes, usable once; only its SHA-256 is stored."""

    __tablename__ = "enrolment_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"), index=True)
    #: The name the manager gave the device ("Caisse 1").
    device_name: Mapped[str] = mapped_column(String(80))
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[Optional[datetime]]
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    #: The device account the code created, once used.
    device_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))

    partner: Mapped[Partner] = relationship()


class SitePin(db.Model):
    """The PIN that "Accepter quand même" and "Annuler cette entrée" ask on a site's shared devices."""

    __tablename__ = "site_pins"

    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"), primary_key=True)
    pin_hash: Mapped[str] = mapped_column(String(255))
    set_at: Mapped[datetime] = mapped_column(default=utcnow)
    set_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
