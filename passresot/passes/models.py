"""Passes: one per agent at a time, with their validity window and life cycle."""
import enum
from datetime import datetime
from typing import Optional

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Enum, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import AgentKind, User
from ..extensions import db
from ..offices.models import Office
from ..timeutil import utcnow


class PassStatus(enum.Enum):
    active = "active"
    #: "Rendu": closed by the OT admin at the end of the contract or year (R4).
    returned = "returned"
    #: Lost phone, left the office...; a reason is required.
    revoked = "revoked"
    #: Closed because a new pass was issued to the same agent.
    replaced = "replaced"
    #: Never stored: an active pass past its valid_until reads as expired.
    expired = "expired"

    @property
    def label(self):
        return STATUS_LABELS[self]


STATUS_LABELS = {
    PassStatus.active: _l("Valide"),
    PassStatus.returned: _l("Rendu"),
    PassStatus.revoked: _l("Révoqué"),
    PassStatus.replaced: _l("Remplacé"),
    PassStatus.expired: _l("Expiré"),
}


class Pass(db.Model):
    __tablename__ = "passes"
    __table_args__ = (
        # One live pass per agent: enforced by the database, not only by issue_pass().
        Index("uq_passes_one_active_per_user", "user_id", unique=True,
              sqlite_where=text("status = 'active'"), postgresql_where=text("status = 'active'")),
        CheckConstraint("valid_until > valid_from", name="validity_ordered"),
        CheckConstraint("status <> 'expired'", name="expired_is_computed"),
        CheckConstraint("status = 'active' OR closed_at IS NOT NULL", name="closed_has_date"),
        CheckConstraint("status <> 'revoked' OR close_reason IS NOT NULL", name="revoked_has_reason"),
        Index("ix_passes_closed_at", "closed_at"),
        Index("ix_passes_office_status", "office_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Human-readable number for manual entry: 8 Crockford base32 characters, the last a check.
    number: Mapped[str] = mapped_column(String(8), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    #: The agent's kind when the pass was issued (decides the validity rule).
    kind: Mapped[AgentKind] = mapped_column(
        Enum(AgentKind, native_enum=False, create_constraint=True, length=20, name="pass_kind"))
    status: Mapped[PassStatus] = mapped_column(
        Enum(PassStatus, native_enum=False, create_constraint=True, length=20, name="pass_status"),
        default=PassStatus.active)
    #: Naive UTC, like every timestamp in the database.
    valid_from: Mapped[datetime]
    valid_until: Mapped[datetime]
    #: The QR text (PR1:...), signed when the pass was issued; its key id is inside.
    token: Mapped[str] = mapped_column(Text)
    kid: Mapped[str] = mapped_column(String(8))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[Optional[datetime]]
    closed_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    close_reason: Mapped[Optional[str]] = mapped_column(String(300))

    holder: Mapped[User] = relationship(foreign_keys=[user_id])
    office: Mapped[Office] = relationship()

    def effective_status(self, now: datetime | None = None) -> PassStatus:
        """The status people see: an active pass past its end date is expired."""
        if self.status is PassStatus.active and self.valid_until < (now or utcnow()):
            return PassStatus.expired
        return self.status

    @property
    def display_number(self) -> str:
        return f"{self.number[:4]}-{self.number[4:]}"
