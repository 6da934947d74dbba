"""One row per change worth proving later (accounts, passes, listings)."""
from datetime import datetime
from typing import Optional

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..timeutil import utcnow


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_target", "target_type", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    #: None for the system (commands, expiry).
    actor_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    #: A dotted verb, e.g. "user.created", "user.deactivated", "office.updated".
    action: Mapped[str] = mapped_column(String(60))
    target_type: Mapped[str] = mapped_column(String(30))
    target_id: Mapped[int]
    #: Changed fields (never passwords or tokens) and the reason when one is required.
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    actor = relationship("User", foreign_keys=[actor_id])

    @property
    def label(self):
        from .api import ACTION_LABELS

        return ACTION_LABELS.get(self.action, self.action)

    @property
    def changed_fields(self) -> list:
        """What an "updated" event changed, as French labels."""
        from .api import changed_fields

        return changed_fields(self)
