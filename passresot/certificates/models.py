"""Attendance certificates: what one was issued to say, and the network key's signature over it."""
from datetime import date, datetime
from typing import Optional

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..timeutil import utcnow


class Certificate(db.Model):
    """One agent's (or guest's) certificate of attendance; its statement is signed once, never edited."""

    __tablename__ = "certificates"
    __table_args__ = (UniqueConstraint("user_id", "programme_id", name="one_per_agent_and_programme"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Printed on the certificate and in its verification link: random, not guessable.
    serial: Mapped[str] = mapped_column(String(20), unique=True)
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    programme_id: Mapped[Optional[int]] = mapped_column(ForeignKey("eductour_programmes.id"))
    #: The name as the certificate prints it (kept as issued, even if the account changes).
    holder_name: Mapped[str] = mapped_column(String(200))
    #: "eductour" (the only kind issued so far).
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    day: Mapped[date]
    #: One short text per stop: « 09:00–10:30 · Château royal de Collioure ».
    lines: Mapped[list] = mapped_column(JSON, default=list)
    minutes: Mapped[int]
    #: Who issues it, as printed: the office or the network.
    issuer_label: Mapped[str] = mapped_column(String(200))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    #: The network key (passes/keys.py) that signed the statement, and its Ed25519 signature (base64url).
    kid: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(100))
