"""Recording audit events."""
from ..extensions import db
from .models import AuditEvent


def record_event(actor, action: str, target_type: str, target_id: int, **details) -> AuditEvent:
    """Add an audit event for `actor` (a User or None for the system); flushed with the request."""
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        action=action,
        target_type=target_type,
        target_id=target_id,
        details={k: _plain(v) for k, v in details.items()},
    )
    db.session.add(event)
    return event


def events_for(target_type: str, target_id: int, limit: int = 50):
    """The latest events about one record, newest first."""
    return (
        AuditEvent.query.filter_by(target_type=target_type, target_id=target_id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(limit)
        .all()
    )


def _plain(value):
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)
