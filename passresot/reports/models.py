"""A dysfunction report an agent writes (offline too) about a partner site, and the network's answer."""
import enum
from datetime import datetime
from typing import Optional

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Enum, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..extensions import db
from ..partners.models import Partner
from ..timeutil import utcnow

#: Longest report or answer text kept (a few paragraphs).
MAX_TEXT = 4000


class ReportKind(enum.Enum):
    refused_entry = "refused_entry"
    wrong_information = "wrong_information"
    site_closed = "site_closed"
    other = "other"

    @property
    def label(self):
        return KIND_LABELS[self]


KIND_LABELS = {
    ReportKind.refused_entry: _l("Entrée refusée"),
    ReportKind.wrong_information: _l("Informations erronées"),
    ReportKind.site_closed: _l("Site fermé"),
    ReportKind.other: _l("Autre problème"),
}


class ReportStatus(enum.Enum):
    new = "new"
    in_progress = "in_progress"
    resolved = "resolved"

    @property
    def label(self):
        return STATUS_LABELS[self]


STATUS_LABELS = {
    ReportStatus.new: _l("Nouveau"),
    ReportStatus.in_progress: _l("En cours"),
    ReportStatus.resolved: _l("Résolu"),
}


def _enum(cls, name):
    return Enum(cls, native_enum=False, create_constraint=True, length=20, name=name)


class Report(db.Model):
    __tablename__ = "reports"
    __table_args__ = (
        CheckConstraint("status = 'new' OR handled_at IS NOT NULL", name="handled_has_date"),
        CheckConstraint("(answer IS NULL) = (answered_at IS NULL)", name="answer_has_date"),
        Index("ix_reports_status_received", "status", "received_at"),
        Index("ix_reports_user_received", "user_id", "received_at"),
    )

    #: The UUID the agent's device made when the report was written: sending it again is harmless.
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    kind: Mapped[ReportKind] = mapped_column(_enum(ReportKind, "report_kind"))
    text: Mapped[str] = mapped_column(Text)
    #: The device's clock when the agent wrote it (naive UTC); may be days before it arrived.
    written_at: Mapped[datetime]
    #: When the server got it: the 3-working-day clock starts here.
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[ReportStatus] = mapped_column(_enum(ReportStatus, "report_status"),
                                                 default=ReportStatus.new)
    #: First time the network admin took it in hand (status changed or answered): "handled".
    handled_at: Mapped[Optional[datetime]]
    answer: Mapped[Optional[str]] = mapped_column(Text)
    answered_at: Mapped[Optional[datetime]]
    answered_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    #: When the agent's page first showed the current answer (None: the app shows a badge until then).
    answer_seen_at: Mapped[Optional[datetime]]
    #: When the network contact's digest listed it (None: the next `flask send-mail` will).
    notified_at: Mapped[Optional[datetime]] = mapped_column(index=True)

    author: Mapped[User] = relationship(foreign_keys=[user_id])
    partner: Mapped[Partner] = relationship()
    answered_by: Mapped[Optional[User]] = relationship(foreign_keys=[answered_by_id])

    def __repr__(self):
        return f"<Report {self.id} {self.status.value}>"
