"""What routes call for partner sites: listings, their accepted periods, and the sites' staff accounts."""
from datetime import date

from flask_babel import lazy_gettext as _l

from ..accounts.api import create_user
from ..accounts.models import Role, User
from ..audit.api import record_event
from ..extensions import db
from ..timeutil import utcnow
from .listing import LISTING_FIELDS, SCHEME_FIELDS, STAFF_FIELDS, clean_listing
from .models import Booking, Partner, PartnerPeriod


def create_partner(actor, **raw) -> Partner:
    """Create a partner site from listing fields (name, commune and category at least)."""
    values = clean_listing(raw)
    periods = raw.get("periods") or []
    partner = Partner(**values)
    db.session.add(partner)
    _replace_periods(partner, periods)
    db.session.flush()
    record_event(actor, "partner.created", "partner", partner.id, name=partner.name)
    return partner


def update_partner(actor, partner: Partner, raw: dict, *, only=LISTING_FIELDS) -> dict:
    """Apply the fields of `raw` allowed by `only` (and periods when given); log and return what changed."""
    values = clean_listing(raw, only=only)
    changes = {}
    for key, value in values.items():
        if getattr(partner, key) != value:
            changes[key] = getattr(value, "value", value)
            setattr(partner, key, value)
    if "periods" in raw and _period_tuples(partner) != list(raw["periods"]):
        _replace_periods(partner, raw["periods"])
        changes["periods"] = describe_periods(raw["periods"])
    if changes:
        partner.updated_at = utcnow()  # periods live in their own table: bump the listing's version
        # Corrected by hand: the next import of the flux keeps them (the scheme's own fields and the
        # accepted periods are never imported over anyway).
        edited = set(changes) - set(SCHEME_FIELDS) - {"periods"}
        if edited:
            partner.hand_edited = sorted(set(partner.hand_edited or []) | edited)
        record_event(actor, "partner.updated", "partner", partner.id, **changes)
    return changes


def update_own_site(actor: User, raw: dict) -> dict:
    """Partner staff edit the practical fields of their own site, and nothing else."""
    partner = db.session.get(Partner, actor.partner_id)
    return update_partner(actor, partner, raw, only=STAFF_FIELDS)


def _period_tuples(partner):
    return [(p.starts_on, p.ends_on, p.recurring) for p in partner.periods]


def _replace_periods(partner, periods):
    partner.periods = [PartnerPeriod(starts_on=s, ends_on=e, recurring=r) for s, e, r in periods]


def describe_periods(periods) -> str:
    return "; ".join(f"{s.isoformat()}..{e.isoformat()}{' (annuel)' if r else ''}" for s, e, r in periods)


def accepts_on(partner: Partner, day: date):
    """True/False whether pass holders are welcome on `day`; None when the site has not said."""
    if partner.accepts_all_year:
        return True
    if not partner.periods:
        return None
    return any(period.contains(day) for period in partner.periods)


def missing_information(partner: Partner) -> list:
    """What R6 asks to check with the site before visiting (phone, accepted periods, booking rule)."""
    missing = []
    if not partner.phone:
        missing.append(_l("le téléphone"))
    if not partner.accepts_all_year and not partner.periods:
        missing.append(_l("les périodes d'accueil des pass"))
    if partner.booking is Booking.unknown:
        missing.append(_l("la règle de réservation"))
    return missing


def set_partner_active(actor, partner: Partner, active: bool) -> None:
    """Deactivate (or reactivate) a site: it leaves the agents' list and its staff cannot sign in."""
    if partner.active != active:
        partner.active = active
        partner.updated_at = utcnow()
        record_event(actor, "partner.activated" if active else "partner.deactivated", "partner", partner.id)
        if not active:  # its staff's and devices' sessions end for good (issue 13)
            from ..accounts.api import end_account_access
            for user in User.query.filter_by(partner_id=partner.id):
                end_account_access(user)


def create_partner_staff(actor, partner: Partner, *, email, first_name, last_name,
                         role: Role = Role.partner_staff) -> User:
    """Create an account of one partner site: its manager, or entrance staff (scan only)."""
    if role not in (Role.partner_staff, Role.entrance_staff):
        raise ValueError(f"not a person of a site: {role}")
    return create_user(actor, email=email, role=role, first_name=first_name,
                       last_name=last_name, partner_id=partner.id)
