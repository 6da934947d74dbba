"""The scanner bundle: what a partner device needs to decide offline, as changes since its last sync.

Without `since` the bundle is complete and replaces what the device holds. With `since`, the
device merges: revocations are added; `admissions_removed` (undone admissions) are dropped first,
then `admissions` added. Admissions are keyed by pass id: each admitted holder is listed under
every pass of theirs that can still pass the earlier checks (the live one and the one shown), so a
holder whose pass was renewed since is still recognised. Nothing beyond what a verdict needs: ids,
dates, the site's settings; no names, photos or e-mails.

`eductours` lists the programme stops at the site from today to a week on, with the pass ids of
the invited agents: replaced whole at each sync, so that a device that synced the evening before
says « Éductour » at the door with no signal.
"""
from datetime import datetime, timedelta
from typing import Optional

from flask import current_app
from sqlalchemy import or_, select

from ..eductours.attendance import scanner_stops
from ..extensions import db
from ..partners.models import Partner
from ..passes.api import SYNC_OVERLAP, revocations_since
from ..passes.models import Pass, PassStatus
from ..timeutil import utcnow
from .api import staff_partner
from .models import Scan, Visit
from .verdict import TOLERANCE_SECONDS, paris_date, paris_moment

#: Past this age the scanner warns that its bundle is stale (DESIGN.md §3).
MAX_AGE_SECONDS = 24 * 60 * 60


def scanner_bundle(staff, since: Optional[datetime] = None, now: Optional[datetime] = None) -> dict:
    """The bundle for the staff's site: full when `since` is None, else the changes after it."""
    partner = staff_partner(staff)
    now = now or utcnow()
    year = paris_moment(now).year
    cutoff = since - SYNC_OVERLAP if since is not None else None
    return {
        "full": since is None,
        "keys": current_app.extensions["pass_keys"].public_jwks(),
        "revocations": revocations_since(since),
        "site": site_settings(partner),
        "year": year,
        "admissions": admissions(partner.id, year, cutoff),
        "admissions_removed": removed_admissions(partner.id, year, cutoff) if cutoff else [],
        "eductours": scanner_stops(partner.id, paris_date(now)),
        "server_time": now.isoformat() + "Z",
        "max_age": MAX_AGE_SECONDS,
        "tolerance_seconds": TOLERANCE_SECONDS,
        #: The network's setting: past this many days without sync, the device's verdicts are
        #: "à vérifier" (None: never).
        "verify_after_days": current_app.config.get("SCANNER_VERIFY_AFTER_DAYS") or None,
    }


def site_settings(partner: Partner) -> dict:
    return {
        "id": partner.id,
        "name": partner.name,
        "accepts_all_year": partner.accepts_all_year,
        "periods": [{"starts_on": p.starts_on.isoformat(), "ends_on": p.ends_on.isoformat(),
                     "recurring": p.recurring} for p in partner.periods],
        "booking": partner.booking.value,
    }


def _passes_of_holder():
    """Pass rows of the visit's holder worth listing: the live one, and the one shown."""
    return (Pass.user_id == Visit.user_id) & or_(Pass.status == PassStatus.active, Pass.id == Visit.pass_id)


def admissions(partner_id: int, year: int, cutoff: Optional[datetime]) -> list[dict]:
    """This year's admissions at the site (recorded, or whose holder got a new pass, after `cutoff`)."""
    query = (select(Pass.id, Visit.user_id, Visit.admitted_at)
             .join(Pass, _passes_of_holder())
             .outerjoin(Scan, Scan.visit_id == Visit.id)
             .where(Visit.partner_id == partner_id, Visit.year == year))
    if cutoff is not None:
        query = query.where(or_(Scan.received_at > cutoff, Visit.admitted_at > cutoff,
                                Pass.issued_at > cutoff))
    rows = db.session.execute(query.order_by(Visit.admitted_at, Pass.id)).all()
    return [{"pass_id": pass_id, "user_id": user_id, "visited_on": paris_date(admitted).isoformat()}
            for pass_id, user_id, admitted in rows]


def removed_admissions(partner_id: int, year: int, cutoff: datetime) -> list[dict]:
    """Holders whose admission was undone after `cutoff` and who hold none now, under every pass
    the device may know them by."""
    admitted_now = select(Visit.user_id).where(Visit.partner_id == partner_id, Visit.year == year)
    undone = (select(Pass.user_id)
              .join(Scan, Scan.pass_id == Pass.id)
              .where(Scan.partner_id == partner_id, Scan.undone_at > cutoff,
                     Scan.scanned_at >= _year_start(year), Pass.user_id.not_in(admitted_now))
              .distinct())
    rows = db.session.execute(
        select(Pass.id, Pass.user_id).where(Pass.user_id.in_(undone)).order_by(Pass.id)).all()
    return [{"pass_id": pass_id, "user_id": user_id} for pass_id, user_id in rows]


def _year_start(year: int) -> datetime:
    # A day early is harmless (the device only drops what it holds); it covers Paris vs UTC.
    return datetime(year, 1, 1) - timedelta(days=1)
