"""What routes call for partner sites and their staff accounts."""
from ..accounts.api import create_user
from ..accounts.models import Role, User
from ..audit.api import record_event
from ..extensions import db
from .models import Partner, PartnerCategory


def create_partner(actor, *, name, commune, category) -> Partner:
    """Create a partner site (the full listing is completed later)."""
    partner = Partner(name=name.strip(), commune=commune.strip(), category=PartnerCategory(category))
    db.session.add(partner)
    db.session.flush()
    record_event(actor, "partner.created", "partner", partner.id, name=partner.name)
    return partner


def update_partner(actor, partner: Partner, *, name, commune, category) -> None:
    """Change a partner's name, commune or category."""
    changes = {}
    for key, value in (("name", name.strip()), ("commune", commune.strip()),
                       ("category", PartnerCategory(category))):
        if getattr(partner, key) != value:
            changes[key] = getattr(value, "value", value)
            setattr(partner, key, value)
    if changes:
        record_event(actor, "partner.updated", "partner", partner.id, **changes)


def create_partner_staff(actor, partner: Partner, *, email, first_name, last_name) -> User:
    """Create a staff account attached to one partner site."""
    return create_user(actor, email=email, role=Role.partner_staff, first_name=first_name,
                       last_name=last_name, partner_id=partner.id)
