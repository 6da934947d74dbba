"""The OT admin's view of their office: passes to hand back or renew soon (R4)."""
from datetime import datetime, timedelta
from typing import Optional

from sqlalchemy.orm import joinedload

from ..passes.models import Pass, PassStatus
from ..timeutil import utcnow

#: How far ahead the office view looks for passes and contracts that end.
ENDING_WITHIN = timedelta(days=30)


def passes_ending_soon(office_id: int, now: Optional[datetime] = None) -> list[Pass]:
    """The office's passes still open whose validity ends within 30 days or has already ended
    without being handed back: seasonal contracts ending (the pass ends with the contract) and
    permanent passes reaching their 12 months. Soonest first."""
    now = now or utcnow()
    return (Pass.query.options(joinedload(Pass.holder))
            .filter(Pass.office_id == office_id, Pass.status == PassStatus.active,
                    Pass.valid_until <= now + ENDING_WITHIN)
            .order_by(Pass.valid_until, Pass.id).all())
