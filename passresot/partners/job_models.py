"""Partner imports run as background jobs: one row per upload (or command run) with its progress,
and one row per object read, so that any worker or host can show the preview and do the import."""
import enum
from datetime import datetime
from typing import Optional

from sqlalchemy import JSON, BigInteger, Enum, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..timeutil import utcnow


class JobStatus(enum.Enum):
    queued = "queued"          #: waiting for a worker to read the file
    reading = "reading"
    ready = "ready"            #: read and matched: the preview waits for the admin's confirmation
    confirmed = "confirmed"    #: waiting for a worker to write the sites
    importing = "importing"
    done = "done"
    failed = "failed"          #: the file could not be read (see errors); nothing was written


class PartnerImportJob(db.Model):
    __tablename__ = "partner_import_jobs"
    __table_args__ = (Index("ix_partner_import_jobs_created_at", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: None when started by the nightly command.
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: "web" (upload form) or "cli" (flask partners import-datatourisme).
    origin: Mapped[str] = mapped_column(String(10), default="web")
    filename: Mapped[str] = mapped_column(String(255), default="")
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    #: The uploaded file on the disk of the host that received it; removed once read.
    file_path: Mapped[str] = mapped_column(String(500), default="")
    format: Mapped[str] = mapped_column(String(30), default="")
    status: Mapped[JobStatus] = mapped_column(
        Enum(JobStatus, native_enum=False, create_constraint=True, length=20,
             name="partner_import_job_status"), default=JobStatus.queued)
    #: Progress of the current phase: bytes or objects read, then rows written, out of `total`.
    done: Mapped[int] = mapped_column(BigInteger, default=0)
    total: Mapped[int] = mapped_column(BigInteger, default=0)
    #: Rows by status (new, update, unchanged, error, skipped) and skipped objects by reason.
    counts: Mapped[dict] = mapped_column(JSON, default=dict)
    #: After the import: sites created, updated, unchanged.
    result: Mapped[dict] = mapped_column(JSON, default=dict)
    #: File-level messages (French), when the file could not be read.
    errors: Mapped[list] = mapped_column(JSON, default=list)
    #: Details of the read (encoding, delimiter, ignored columns).
    info: Mapped[dict] = mapped_column(JSON, default=dict)
    #: The admin asked to take the opening periods as accepted periods where none are set.
    apply_periods: Mapped[bool] = mapped_column(default=False)
    #: Last sign of life of the worker; a running job silent for long was interrupted.
    heartbeat_at: Mapped[Optional[datetime]]
    finished_at: Mapped[Optional[datetime]]


class PartnerImportRow(db.Model):
    """One object or line of the file: what was read, its status, and the site it created or updated."""

    __tablename__ = "partner_import_rows"
    __table_args__ = (Index("ix_partner_import_rows_job_status", "job_id", "status", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("partner_import_jobs.id", ondelete="CASCADE"))
    #: The object's rank in a flux or JSON-LD file, or the CSV line number.
    position: Mapped[int]
    #: new, update, unchanged, error, skipped; then created, updated once written.
    status: Mapped[str] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(200), default="")
    partner_id: Mapped[Optional[int]] = mapped_column(ForeignKey("partners.id", ondelete="SET NULL"))
    #: The row as read (import_files.ImportRow fields: raw values, ids, errors, warnings...).
    data: Mapped[dict] = mapped_column(JSON, default=dict)
