"""Failures of backup and restore, named as facts."""
from ..errors import DomainError


class BackupToolMissing(DomainError):
    """pg_dump or pg_restore is not installed on this machine."""

    code = "backup_tool_missing"


class BackupFailed(DomainError):
    """The database tool or the archive reported an error."""

    code = "backup_failed"


class NotABackup(DomainError):
    """The file given to restore is not a PassResOT66 backup, or not for this kind of database."""

    code = "not_a_backup"
