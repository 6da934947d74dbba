"""Helpers of the visits tests: scan items as devices send them, and tokens signed for any window or key."""
import uuid
from datetime import date, datetime, timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import current_app

from passresot.accounts.models import AgentKind
from passresot.extensions import db
from passresot.partners.models import PartnerPeriod
from passresot.passes.api import issue_pass
from passresot.passes.models import Pass, PassStatus
from passresot.passes.numbers import new_pass_number
from passresot.passes.token import sign_pass_token
from passresot.timeutil import paris_today, utcnow

SCANS_URL = "/api/v1/scans"
BUNDLE_URL = "/api/v1/scanner/bundle"

#: A fixed moment for verdicts: Sunday 14 June 2026, 10:00 UTC (12:00 in Paris).
NOW = datetime(2026, 6, 14, 10, 0, 0)


def issued_on():
    """The day the fixtures' passes were issued: yesterday (Paris), so that a scan made a few hours
    ago is within the pass's window at any hour, also just after midnight in Paris (22:00–24:00 UTC)."""
    return paris_today() - timedelta(days=1)


def new_id() -> str:
    return str(uuid.uuid4())


def iso(moment: datetime) -> str:
    return moment.isoformat() + "Z"


def item(qr=None, *, scan_id=None, scanned_at=None, device_id="tablette-accueil", **extra) -> dict:
    """One scan as a device uploads it."""
    body = {"id": scan_id or new_id(), "scanned_at": iso(scanned_at or utcnow()), "device_id": device_id,
            **extra}
    if qr is not None:
        body["qr"] = qr
    return body


def signing_key():
    return current_app.extensions["pass_keys"].signing_key()[1]


def sign(pass_: Pass, *, valid_from=None, valid_until=None, key=None) -> str:
    """A token for this pass with any window (defaults to the pass's) and any key (the ring's)."""
    return sign_pass_token(pass_id=pass_.id, office_id=pass_.office_id,
                           valid_from=valid_from or pass_.valid_from,
                           valid_until=valid_until or pass_.valid_until,
                           display_name="Amélie R.", private_key=key or signing_key())


def raw_pass(agent, *, status=PassStatus.active, valid_from=NOW - timedelta(days=30),
             valid_until=NOW + timedelta(days=300)) -> Pass:
    """A pass row written directly (any status or window), with its token signed by the ring."""
    closed = status is not PassStatus.active
    pass_ = Pass(number=new_pass_number(), user_id=agent.id, office_id=agent.office_id,
                 kind=AgentKind.permanent, status=status, valid_from=valid_from,
                 valid_until=valid_until, token="", kid="",
                 closed_at=NOW if closed else None,
                 close_reason="Téléphone perdu" if closed else None)
    db.session.add(pass_)
    db.session.flush()
    pass_.token = sign(pass_)
    pass_.kid = current_app.extensions["pass_keys"].signing_key()[0]
    db.session.commit()
    return pass_


def other_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def another_holder(site, **fields):
    """One more agent of the same office with a live pass."""
    agent = site.make.agent(site.office, **fields)
    pass_ = issue_pass(None, agent, today=issued_on())
    db.session.commit()
    return pass_


def set_periods(partner, *periods):
    """Accept pass holders only within these (start, end, recurring) periods."""
    partner.accepts_all_year = False
    partner.periods = [PartnerPeriod(starts_on=s, ends_on=e, recurring=r) for s, e, r in periods]
    db.session.commit()


SUMMER = (date(2000, 6, 1), date(2000, 9, 30), True)
WINTER = (date(2000, 11, 1), date(2000, 3, 31), True)
