"""An admission of a pass holder at a partner site. The scans that lead to it come with the scanner."""
from datetime import datetime
from typing import Optional

from sqlalchemy import ForeignKey, Index, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..extensions import db
from ..partners.models import Partner
from ..timeutil import utcnow


class Visit(db.Model):
    __tablename__ = "visits"
    __table_args__ = (
        # R1: once per partner site per calendar year (Europe/Paris), enforced by the database.
        UniqueConstraint("user_id", "partner_id", "year", name="uq_visits_once_per_site_per_year"),
        Index("ix_visits_partner_year", "partner_id", "year"),
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
