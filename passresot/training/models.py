"""Training entries of an agent and the per-agent settings the Qualité Tourisme targets depend on."""
import enum
from datetime import date, datetime
from typing import Optional

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Enum, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..extensions import db
from ..timeutil import utcnow


class Service(enum.Enum):
    #: Conseillers en séjour and anyone in contact with visitors: 150 h over 3 years, half accredited.
    front_desk = "front_desk"
    #: Staff of the other services: 75 h over 3 years, from accredited bodies.
    other = "other"

    @property
    def label(self):
        return SERVICE_LABELS[self]


SERVICE_LABELS = {
    Service.front_desk: _l("Accueil (conseil en séjour)"),
    Service.other: _l("Autre service"),
}


class CertificateKind(enum.Enum):
    pdf = "pdf"
    jpeg = "jpeg"


def _enum(cls, name):
    return Enum(cls, native_enum=False, create_constraint=True, length=20, name=name)


class WorkSettings(db.Model):
    """What the OT admin sets for one agent; an agent without a row has the defaults (100 %, front desk)."""

    __tablename__ = "agent_work_settings"
    __table_args__ = (CheckConstraint("working_percent BETWEEN 1 AND 100", name="working_percent_range"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    #: Working time as a percentage of full time: the training target is pro rata.
    working_percent: Mapped[int] = mapped_column(default=100)
    service: Mapped[Service] = mapped_column(_enum(Service, "agent_service"), default=Service.front_desk)
    #: « Purement administratif »: out of the 14-hour partner-visit target.
    administrative: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class TrainingEntry(db.Model):
    """One training an agent followed, with its certificate file when one was sent."""

    __tablename__ = "training_entries"
    __table_args__ = (
        CheckConstraint("minutes BETWEEN 15 AND 4200", name="minutes_range"),
        CheckConstraint("(certificate_file IS NULL) = (certificate_kind IS NULL)", name="certificate_complete"),
        Index("ix_training_entries_user_day", "user_id", "trained_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: The day of the training (its last day when it spanned several).
    trained_on: Mapped[date]
    minutes: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str] = mapped_column(String(200))
    #: Given by an accredited training body (organisme de formation agréé).
    accredited: Mapped[bool] = mapped_column(default=False)
    #: The file's name in the instance folder's training-certificates/ (a random name, never the upload's).
    certificate_file: Mapped[Optional[str]] = mapped_column(String(64), unique=True)
    certificate_kind: Mapped[Optional[CertificateKind]] = mapped_column(_enum(CertificateKind, "certificate_kind"))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    agent: Mapped[User] = relationship(foreign_keys=[user_id])
    recorded_by: Mapped[User] = relationship(foreign_keys=[recorded_by_id])
