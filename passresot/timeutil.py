"""Time helpers: the database stores naive UTC; people see Europe/Paris."""
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def utcnow() -> datetime:
    """Now, as the naive UTC datetime the database stores."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def paris_today() -> date:
    """Today's date in Europe/Paris (the scheme's calendar)."""
    return datetime.now(PARIS).date()
