"""The holder's photo for the verdict screen: only right after an admission at the staff's site."""
from datetime import datetime
from typing import Optional

from ..extensions import db
from ..timeutil import utcnow
from .api import staff_partner
from .batch import IDENTITY_WINDOW, identity_shown
from .exceptions import ScanNotFound
from .models import Scan

#: Long enough to show the verdict and compare faces; partner staff never browse photos.
PHOTO_WINDOW = IDENTITY_WINDOW


def recent_scan_photo(staff, scan_id, now: Optional[datetime] = None) -> Scan:
    """The scan whose holder's photo the staff may see, or ScanNotFound: own site, an admission
    whose holder its answer named (batch.identity_shown), received less than PHOTO_WINDOW ago."""
    partner = staff_partner(staff)
    scan = db.session.get(Scan, str(scan_id).lower())
    if (scan is None or scan.partner_id != partner.id or scan.pass_id is None
            or not identity_shown(scan.status, scan.conflict, scan.undone_at is not None, scan.scanned_at,
                                  scan.received_at, withheld=scan.identity_withheld)
            or (now or utcnow()) - scan.received_at > PHOTO_WINDOW):
        raise ScanNotFound()
    return scan
