"""What the network admin reviews: offline admissions the server refused (conflicts), overrides, and
scans a withdrawn entrance device sent after its withdrawal."""
from sqlalchemy import or_
from sqlalchemy.orm import joinedload

from ..passes.models import Pass
from .models import Scan

REVIEW_LIMIT = 500


def flagged_scans(limit: int = REVIEW_LIMIT) -> list[Scan]:
    """Conflict, override and after-withdrawal scans, newest first, with their site, pass holder and office loaded."""
    return (Scan.query.filter(or_(Scan.conflict, Scan.override, Scan.after_withdrawal))
            .options(joinedload(Scan.partner), joinedload(Scan.scanned_by),
                     joinedload(Scan.pass_).joinedload(Pass.holder),
                     joinedload(Scan.pass_).joinedload(Pass.office))
            .order_by(Scan.received_at.desc(), Scan.id)
            .limit(limit).all())
