"""What routes call for an office's agents."""
from ..accounts.api import create_user, ensure_email_free, normalize_email, set_active
from ..accounts.models import AgentKind, Role, User
from ..audit.api import record_event
from ..collation import by_name
from ..extensions import db
from ..timeutil import utcnow
from .exceptions import SeasonalNeedsContractEnd
from .models import AgentPhoto
from .photos import reencode_photo

AGENT_FIELDS = ("first_name", "last_name", "email", "kind", "contract_start", "contract_end")


def _clean(fields: dict) -> dict:
    kind = AgentKind(fields["kind"])
    if kind is AgentKind.seasonal and not fields.get("contract_end"):
        raise SeasonalNeedsContractEnd(fields={"contract_end": SeasonalNeedsContractEnd.message})
    return {
        "first_name": fields["first_name"].strip(),
        "last_name": fields["last_name"].strip(),
        "email": normalize_email(fields["email"]),
        "kind": kind,
        "contract_start": fields.get("contract_start"),
        "contract_end": fields.get("contract_end"),
    }


def create_agent(actor, office_id: int, **fields) -> User:
    """Create an agent of `office_id` (no password yet: they get a one-time link)."""
    values = _clean(fields)
    return create_user(actor, role=Role.agent, office_id=office_id, **values)


def update_agent(actor, agent: User, **fields) -> None:
    """Change an agent's record, logging the changed fields."""
    values = _clean(fields)
    ensure_email_free(values["email"], except_user_id=agent.id)
    changes = {}
    for key, value in values.items():
        if getattr(agent, key) != value:
            changes[key] = getattr(value, "value", value)
            setattr(agent, key, value)
    if changes:
        record_event(actor, "agent.updated", "user", agent.id, **changes)


def set_agent_photo(actor, agent: User, data: bytes) -> None:
    """Store the agent's photo, re-encoded; raises PhotoRejected for anything unusable."""
    store_clean_photo(actor, agent, reencode_photo(data))


def store_clean_photo(actor, agent: User, jpeg: bytes) -> None:
    """Store a JPEG that reencode_photo made (never bytes straight from an upload)."""
    photo = db.session.get(AgentPhoto, agent.id)
    if photo is None:
        db.session.add(AgentPhoto(user_id=agent.id, jpeg=jpeg))
    else:
        photo.jpeg = jpeg
        photo.updated_at = utcnow()
    record_event(actor, "agent.photo_changed", "user", agent.id, size=len(jpeg))


def agent_photo(agent_id: int):
    return db.session.get(AgentPhoto, agent_id)


def has_photo_ids(agent_ids) -> set:
    """Which of these agents have a photo (one query for a whole list)."""
    if not agent_ids:
        return set()
    rows = db.session.query(AgentPhoto.user_id).filter(AgentPhoto.user_id.in_(list(agent_ids)))
    return {row[0] for row in rows}


def set_agent_active(actor, agent: User, active: bool) -> None:
    """Deactivate an agent who left the office: the account closes and the live pass is revoked (R3)."""
    from ..passes.api import revoke_live_pass

    set_active(actor, agent, active)
    if not active:
        # Stored as a record in French, whatever the language of the admin who acted.
        revoke_live_pass(actor, agent, "Agent désactivé (ne fait plus partie de l'office)")


def office_agents(office_id: int, *, search: str = "", show_inactive: bool = False):
    """The agents of one office, by last name."""
    from ..accounts.api import search_users

    query = User.query.filter(User.role == Role.agent, User.office_id == office_id)
    if not show_inactive:
        query = query.filter(User.active.is_(True))
    query = search_users(query, search)
    return by_name(query.all(), "last_name", "first_name")
