"""Partner visits made without the pass (eductours...), recorded by the OT admin for one of their agents."""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..extensions import db
from ..partners.models import Partner
from ..timeutil import utcnow


class OtherVisit(db.Model):
    """Counted in the agent's partner-visit hours like a pass visit, with its own duration."""

    __tablename__ = "other_visits"
    __table_args__ = (
        CheckConstraint("minutes BETWEEN 5 AND 1440", name="minutes_range"),
        Index("ix_other_visits_user_visited", "user_id", "visited_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    #: The day of the visit (Europe/Paris calendar); its year decides which year's hours it counts in.
    visited_on: Mapped[date]
    minutes: Mapped[int]
    #: "Eductour de mars", "visite avec le club des guides"... optional.
    note: Mapped[str] = mapped_column(String(200), default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    agent: Mapped[User] = relationship(foreign_keys=[user_id])
    partner: Mapped[Partner] = relationship()
