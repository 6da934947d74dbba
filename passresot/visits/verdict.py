"""The server's verdict on a scanned code, in the order of DESIGN.md §3 (the scanner decides offline alike).

decodes → prefix/version → key id known → signature → revoked → validity window → already admitted
at this site this calendar year (Europe/Paris) → accepted period of the site. The first failing
step gives the reason, one of passes.exceptions.REFUSAL_REASONS.
"""
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Optional

from flask import current_app

from ..extensions import db
from ..partners.api import accepts_on
from ..partners.models import Partner
from ..passes.api import find_by_number
from ..passes.exceptions import TokenRefused
from ..passes.models import Pass, PassStatus
from ..passes.token import DEFAULT_TOLERANCE_SECONDS, verify_pass_token
from ..timeutil import PARIS
from .models import Visit

#: The validity window's tolerance for clocks that drift (DESIGN.md §3: "a few minutes").
TOLERANCE_SECONDS = DEFAULT_TOLERANCE_SECONDS


@dataclass
class Verdict:
    """`reason` None means admitted; `pass_` is set once the signature held and the pass exists."""

    reason: Optional[str]
    pass_: Optional[Pass] = None
    #: The earlier admission, for already_visited.
    earlier: Optional[Visit] = None

    @property
    def admitted(self) -> bool:
        return self.reason is None


class _ClosedPasses:
    """The `revoked` set of verify_pass_token, read from the database: a pass that is not active
    (returned, revoked, replaced) or unknown here is revoked. Keeps the pass it loaded."""

    def __init__(self):
        self.pass_: Optional[Pass] = None

    def __contains__(self, pass_id) -> bool:
        self.pass_ = db.session.get(Pass, pass_id)
        return self.pass_ is None or self.pass_.status is not PassStatus.active


def paris_moment(moment: datetime) -> datetime:
    """A naive UTC datetime as the Europe/Paris wall clock."""
    return moment.replace(tzinfo=timezone.utc).astimezone(PARIS)


def paris_date(moment: datetime) -> date:
    return paris_moment(moment).date()


def current_keys() -> Mapping[str, bytes]:
    """kid -> raw public key of every active signing key (read afresh: rotations reach all workers)."""
    return current_app.extensions["pass_keys"].public_keys()


def decide(qr, partner: Partner, now: datetime, *, keys: Mapping | None = None) -> Verdict:
    """The verdict on `qr` scanned at `partner` at `now` (naive UTC); never raises for any input."""
    keys = current_keys() if keys is None else keys
    closed = _ClosedPasses()
    try:
        verify_pass_token(qr, keys, now, revoked=closed, tolerance_seconds=TOLERANCE_SECONDS)
    except TokenRefused as refusal:
        return Verdict(refusal.reason, closed.pass_)
    pass_ = closed.pass_
    local = paris_moment(now)
    earlier = earlier_admission(pass_.user_id, partner.id, local.year)
    if earlier is not None:
        return Verdict("already_visited", pass_, earlier)
    # A site that has not said when it welcomes pass holders is not held against the holder.
    if accepts_on(partner, local.date()) is False:
        return Verdict("outside_accepted_period", pass_)
    return Verdict(None, pass_)


def decide_pass_number(number, partner: Partner, now: datetime, *,
                       keys: Mapping | None = None) -> Verdict:
    """The verdict on a typed pass number: the same steps, on the token the pass was issued with.

    A number that does not check out or names no pass is `malformed`.
    """
    pass_ = find_by_number(number) if isinstance(number, str) else None
    if pass_ is None:
        return Verdict("malformed")
    return decide(pass_.token, partner, now, keys=keys)


def earlier_admission(user_id: int, partner_id: int, year: int) -> Optional[Visit]:
    return Visit.query.filter_by(user_id=user_id, partner_id=partner_id, year=year).first()
