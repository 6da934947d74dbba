"""The Qualité Tourisme rule for complaints: handled within 3 working days of receipt.

Working days are Monday to Friday in Europe/Paris. French public holidays are ignored (a report
received before a bank holiday is due one day early): the label asks for 3 working days and the
network prefers to answer early rather than compute Easter.
"""
from datetime import datetime, timedelta, timezone

from ..timeutil import PARIS

WORKING_DAYS = 3


def handling_deadline(received_at: datetime, days: int = WORKING_DAYS) -> datetime:
    """The naive-UTC moment `days` working days after `received_at` (naive UTC).

    Received on a weekend, the clock starts on Monday at midnight; otherwise at the time of
    receipt, moved forward one working day at a time (Friday 15:00 is due Wednesday 15:00).
    """
    moment = received_at.replace(tzinfo=timezone.utc).astimezone(PARIS).replace(tzinfo=None)
    if moment.weekday() >= 5:
        moment = (moment + timedelta(days=7 - moment.weekday())).replace(hour=0, minute=0, second=0,
                                                                         microsecond=0)
    for _ in range(days):
        moment += timedelta(days=1)
        while moment.weekday() >= 5:
            moment += timedelta(days=1)
    return moment.replace(tzinfo=PARIS).astimezone(timezone.utc).replace(tzinfo=None)
