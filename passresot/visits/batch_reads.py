"""What a sync batch reads before deciding, a fixed number of queries whatever its size."""
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, or_
from sqlalchemy.orm import joinedload, undefer

from ..accounts.models import User
from ..extensions import db
from ..offices.models import Office
from ..passes.models import Pass
from .models import Scan, ScanStatus, Visit

#: What a result shows of the holder (batch.py _holder), and what verdicts need (the id).
_HOLDER = (User.first_name, User.last_name)


def known_scans(ids: Iterable[str]) -> dict[str, Scan]:
    """The scans already recorded under these UUIDs, with what their result shows (pass, holder, office)."""
    ids = list(set(ids))
    if not ids:
        return {}
    rows = (Scan.query.options(joinedload(Scan.pass_).joinedload(Pass.holder).load_only(*_HOLDER),
                               joinedload(Scan.pass_).joinedload(Pass.office).load_only(Office.name))
            .filter(Scan.id.in_(ids)))
    return {scan.id: scan for scan in rows}


def passes_named(pass_ids: Iterable[int], numbers: Iterable[str]) -> list[Pass]:
    """The passes a batch's codes and typed numbers name, with holder and office, in one query.

    Their status is what makes a pass `revoked` (returned, revoked, replaced): no other query.
    """
    pass_ids, numbers = list(set(pass_ids)), list(set(numbers))
    if not pass_ids and not numbers:
        return []
    return (Pass.query.options(joinedload(Pass.holder).load_only(*_HOLDER),
                               joinedload(Pass.office).load_only(Office.name))
            .filter(or_(Pass.id.in_(pass_ids), Pass.number.in_(numbers))).all())


def admissions_at(partner_id: int, user_ids: Iterable[int], years: Iterable[int]) -> list[Visit]:
    """Earlier admissions of these holders at the site in these calendar years (Europe/Paris)."""
    user_ids, years = list(set(user_ids)), list(set(years))
    if not user_ids or not years:
        return []
    return (Visit.query.options(undefer(Visit.recorded_at))
            .filter(Visit.partner_id == partner_id, Visit.user_id.in_(user_ids), Visit.year.in_(years)).all())


def unreadable_kept_since(partner_id: int, since: datetime) -> int:
    """Refused scans naming no pass (unreadable, forged, unknown key) stored at the site since `since`."""
    return (db.session.query(func.count(Scan.id))
            .filter(Scan.partner_id == partner_id, Scan.received_at >= since, Scan.pass_id.is_(None),
                    Scan.status == ScanStatus.refused)
            .scalar())
