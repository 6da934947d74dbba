"""The partner directory as agents' phones download it (GET /api/v1/partners) and keep it offline.

One JSON document, the same for every signed-in person, built with one query for the partners and
one for their periods. Its ETag is a hash of the exact bytes sent, so every process (and host)
gives the same ETag for the same content. Building 5,000 partners takes a few hundred
milliseconds, so each process keeps the last build while a cheap fingerprint of the tables (two
aggregate queries) is unchanged, for at most MEMO_SECONDS: a change made behind the domain
functions' back (raw SQL, an in-place period edit that does not bump `updated_at`) still shows
within that time. `update_partner` bumps the partner's `updated_at` when only its periods change.

Shape (`format` 1): `{"format": 1, "count": n, "partners": [partner, ...]}`, partners sorted by
name (accents and case ignored). Each partner only carries the fields it has (empty ones are
left out):

| key | meaning |
|---|---|
| `id` | partner id (the detail page is /partners/<id>) |
| `name`, `commune`, `category` | R5; `category` is a PartnerCategory value (museum, heritage...) |
| `insee`, `address`, `postal_code` | where it is; `insee` is the commune's official code |
| `lat`, `lon` | coordinates, rounded to 5 decimals (about 1 m) |
| `phone`, `email`, `website`, `socials` | contact; `socials` is a list of URLs |
| `manager` | the manager's name |
| `booking` | "required" or "not_required"; absent when the site has not said |
| `all_year` | `true` when pass holders are welcome all year (then `periods` does not matter) |
| `periods` | `[[start, end], ...]` ISO dates; a third item `1` marks a recurring period, which repeats every year and may span New Year (only month and day count, as PartnerPeriod.contains) |
| `visit_minutes` | typical visit length |
| `description`, `opening` | free text: what the site is, its opening hours |
"""
import hashlib
import json
import time
import unicodedata

from flask import current_app
from sqlalchemy import func, select

from ..extensions import db
from ..visits.models import Visit
from .models import Booking, Partner, PartnerPeriod

FORMAT = 1
MEMO_SECONDS = 60
_MEMO_KEY = "partners_directory"

#: Payload key → Partner column, for the plain fields (left out when empty).
TEXT_FIELDS = {"name": "name", "commune": "commune", "insee": "insee_code", "address": "address",
               "postal_code": "postal_code", "phone": "phone", "email": "email", "website": "website",
               "manager": "manager_name", "description": "description", "opening": "opening_info"}

_COLUMNS = (Partner.id, Partner.category, Partner.latitude, Partner.longitude, Partner.socials,
            Partner.booking, Partner.accepts_all_year, Partner.visit_minutes,
            *(getattr(Partner, column) for column in TEXT_FIELDS.values()))
_TEXT_KEYS = tuple(TEXT_FIELDS)


class Directory:
    """The encoded directory: `body` (UTF-8 JSON bytes), its `etag` (quoted, strong) and `count`."""

    def __init__(self, body: bytes, count: int):
        self.body = body
        self.count = count
        self.etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def current_directory() -> Directory:
    """The directory as it is now, rebuilt only when the tables changed (or the memo is old)."""
    fingerprint = _fingerprint()
    memo = current_app.extensions.get(_MEMO_KEY)
    if memo and memo[0] == fingerprint and time.monotonic() - memo[1] < MEMO_SECONDS:
        return memo[2]
    directory = build_directory()
    current_app.extensions[_MEMO_KEY] = (fingerprint, time.monotonic(), directory)
    return directory


def _fingerprint() -> tuple:
    partners = db.session.execute(select(
        func.count(), func.max(Partner.updated_at), func.sum(Partner.id)).where(Partner.active.is_(True))).one()
    updated = db.session.scalar(select(func.max(Partner.updated_at)))  # a deactivation too
    periods = db.session.execute(select(
        func.count(), func.max(PartnerPeriod.id), func.sum(PartnerPeriod.id))).one()
    return (*partners, updated, *periods)


def build_directory() -> Directory:
    """Every active partner with its accepted periods, encoded once."""
    rows = db.session.execute(select(*_COLUMNS).where(Partner.active.is_(True))).tuples()
    periods = _periods_by_partner()
    partners = sorted((_entry(row, periods.get(row[0])) for row in rows), key=_name_order)
    document = {"format": FORMAT, "count": len(partners), "partners": partners}
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    return Directory(body, len(partners))


def _periods_by_partner() -> dict:
    query = (select(PartnerPeriod.partner_id, PartnerPeriod.starts_on, PartnerPeriod.ends_on,
                    PartnerPeriod.recurring)
             .join(Partner, Partner.id == PartnerPeriod.partner_id)
             .where(Partner.active.is_(True))
             .order_by(PartnerPeriod.partner_id, PartnerPeriod.starts_on, PartnerPeriod.ends_on,
                       PartnerPeriod.id))
    periods = {}
    for partner_id, start, end, recurring in db.session.execute(query).tuples():
        period = [start.isoformat(), end.isoformat(), 1] if recurring else [start.isoformat(), end.isoformat()]
        periods.setdefault(partner_id, []).append(period)
    return periods


def _entry(row, periods) -> dict:
    partner_id, category, lat, lon, socials, booking, all_year, minutes, *texts = row
    entry = {"id": partner_id, "category": category.value}
    entry.update((key, value) for key, value in zip(_TEXT_KEYS, texts) if value)
    if lat is not None and lon is not None:
        entry["lat"], entry["lon"] = round(lat, 5), round(lon, 5)
    if socials:
        entry["socials"] = list(socials)
    if booking is not Booking.unknown:
        entry["booking"] = booking.value
    if all_year:
        entry["all_year"] = True
    if periods:
        entry["periods"] = periods
    if minutes:
        entry["visit_minutes"] = minutes
    return entry


def _name_order(entry) -> tuple:
    return sort_key(entry.get("name", "")), entry["id"]


def sort_key(text: str) -> str:
    """Accents and case ignored ("Élne" sorts with "elne"), as the list in the browser does."""
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)).casefold()


def visits_of_year(user_id: int, year: int) -> list[dict]:
    """The agent's admissions of `year` (Europe/Paris calendar): which sites they have already visited."""
    query = (select(Visit.partner_id, Visit.admitted_at)
             .where(Visit.user_id == user_id, Visit.year == year)
             .order_by(Visit.admitted_at))
    return [{"partner_id": partner_id, "admitted_at": admitted_at.isoformat() + "Z"}
            for partner_id, admitted_at in db.session.execute(query)]
