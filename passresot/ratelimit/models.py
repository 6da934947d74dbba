"""One counter per (bucket, time window): how many requests a caller made in that window."""
from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class RateLimit(db.Model):
    __tablename__ = "rate_limits"
    __table_args__ = (Index("ix_rate_limits_window_start", "window_start"),)

    #: What is counted and for whom, e.g. "scans:user:42" or "token:ip:203.0.113.9".
    bucket: Mapped[str] = mapped_column(String(120), primary_key=True)
    #: Start of the fixed window (UTC), a multiple of the window's length.
    window_start: Mapped[datetime] = mapped_column(primary_key=True)
    hits: Mapped[int]
