"""One queued message: who it is for, what it says, and what to record once it has really left."""
from datetime import datetime
from typing import Optional

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..timeutil import utcnow


class OutgoingMail(db.Model):
    __tablename__ = "mail_outbox"
    __table_args__ = (Index("ix_mail_outbox_pending", "sent_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    #: Emptied once sent: a one-time link does not stay in the database after it left.
    body: Mapped[str] = mapped_column(Text)
    #: What the log says instead of the body when it carries a secret ("lien créé pour le compte 12").
    log_as: Mapped[Optional[str]] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[Optional[datetime]]
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The audit event to record once sent (e.g. user.setup_link_mailed: the « envoyé » badge).
    sent_event: Mapped[Optional[str]] = mapped_column(String(60))
    sent_event_actor_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    sent_event_user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
