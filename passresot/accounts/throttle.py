"""Sign-in throttling without lock-out: failures slow down the (account, caller) pair that made them.

- After PAIR_FREE failures of one account from one caller, that pair waits a growing delay
  (30 s, 1 min, 2 min … at most 15 min) counted from its last failure.
- An account attacked from everywhere (ACCOUNT_FREE failures) and a caller failing for many
  accounts (ADDRESS_FREE, well above the per-account one) slow down too, but only for callers that
  never signed in to that account: a browser that signed in before carries a signed "known device"
  cookie, and its own failures are then counted under that device, not under the shared address.
  Strangers' failures therefore never block the right person on their usual device.
The same counters throttle enrolment codes and site PINs (pseudo-accounts "enrol", "pin:<site>").
"""
import math
from datetime import timedelta
from typing import Optional

from flask import current_app
from sqlalchemy import func

from ..extensions import db
from ..timeutil import utcnow
from .exceptions import TooManyAttempts
from .models import LoginAttempt

PAIR_FREE = 5
ACCOUNT_FREE = 20
ADDRESS_FREE = 50
FIRST_DELAY = timedelta(seconds=30)
LONGEST_DELAY = timedelta(minutes=15)


def _window() -> timedelta:
    return timedelta(seconds=current_app.config["LOGIN_WINDOW_SECONDS"])


def _failures(*conditions):
    return (db.session.query(func.count(LoginAttempt.id), func.max(LoginAttempt.at))
            .filter(LoginAttempt.at > utcnow() - _window(), *conditions).one())


def _delay(count: int, free: int) -> Optional[timedelta]:
    """The wait after `count` failures when `free` of them cost nothing: doubling from 30 s."""
    if count < free:
        return None
    return min(FIRST_DELAY * 2 ** min(count - free, 10), LONGEST_DELAY)


def check(account: str, caller: str, known: bool = False) -> None:
    """Raise TooManyAttempts while `caller` must still wait before trying `account` again."""
    checks = [((LoginAttempt.email == account, LoginAttempt.address == caller), PAIR_FREE)]
    if not known:
        checks += [((LoginAttempt.email == account,), ACCOUNT_FREE),
                   ((LoginAttempt.address == caller,), ADDRESS_FREE)]
    now = utcnow()
    for conditions, free in checks:
        count, last = _failures(*conditions)
        delay = _delay(count, free)
        if delay and last and last + delay > now:
            seconds = (last + delay - now).total_seconds()
            raise TooManyAttempts(max(1, math.ceil(seconds / 60)))


def record_failure(account: str, caller: str) -> None:
    db.session.add(LoginAttempt(email=account[:254], address=caller[:64]))


def forget_failures(account: str, caller: str) -> None:
    """A success clears the pair's failures (not other callers')."""
    LoginAttempt.query.filter_by(email=account, address=caller).delete()
