"""What routes call for offices and their OT admins."""
from flask_babel import lazy_gettext as _l

from ..accounts.api import create_user
from ..accounts.models import Role, User
from ..audit.api import record_event
from ..collation import by_name
from ..errors import DomainError
from ..extensions import db
from .models import Office

OFFICE_FIELDS = ("name", "commune", "email", "phone")


class OfficeNameTaken(DomainError):
    code = "office_name_taken"
    status = 409
    message = _l("Un office porte déjà ce nom.")


def _ensure_name_free(name: str, except_id=None) -> None:
    query = Office.query.filter(db.func.lower(Office.name) == name.strip().lower())
    if except_id:
        query = query.filter(Office.id != except_id)
    if db.session.query(query.exists()).scalar():
        raise OfficeNameTaken(fields={"name": OfficeNameTaken.message})


def create_office(actor, **fields) -> Office:
    """Create an office of the network."""
    _ensure_name_free(fields["name"])
    office = Office(**{k: (fields.get(k) or "").strip() for k in OFFICE_FIELDS})
    office.email = office.email.lower()
    db.session.add(office)
    db.session.flush()
    record_event(actor, "office.created", "office", office.id, name=office.name)
    return office


def update_office(actor, office: Office, **fields) -> None:
    """Change an office's details, keeping a record of what changed."""
    _ensure_name_free(fields["name"], except_id=office.id)
    changes = {}
    for key in OFFICE_FIELDS:
        value = (fields.get(key) or "").strip()
        if key == "email":
            value = value.lower()
        if getattr(office, key) != value:
            changes[key] = value
            setattr(office, key, value)
    if changes:
        record_event(actor, "office.updated", "office", office.id, **changes)


def set_office_active(actor, office: Office, active: bool) -> None:
    """Deactivate (or reactivate) an office; its people can no longer sign in while it is inactive."""
    if office.active == active:
        return
    office.active = active
    record_event(actor, "office.activated" if active else "office.deactivated", "office", office.id)
    if not active:
        from ..accounts.api import set_active
        from ..agents.api import set_agent_active

        for user in User.query.filter_by(office_id=office.id, active=True):
            if user.role is Role.agent:
                set_agent_active(actor, user, False)
            else:
                set_active(actor, user, False)


def create_office_admin(actor, office: Office, *, email, first_name, last_name) -> User:
    """Create the account of an OT admin for `office`."""
    return create_user(actor, email=email, role=Role.office_admin, first_name=first_name,
                       last_name=last_name, office_id=office.id)


def offices_with_counts():
    """Every office with its number of active agents, by name."""
    counts = dict(
        db.session.query(User.office_id, db.func.count(User.id))
        .filter(User.role == Role.agent, User.active.is_(True)).group_by(User.office_id).all()
    )
    offices = by_name(Office.query.all(), "name")
    return [(office, counts.get(office.id, 0)) for office in offices]
