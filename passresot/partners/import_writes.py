"""Writing an import's matched rows to the directory, a batch in a few statements (a flux brings
20,000 sites): for each row, what create_partner or update_partner would write, in bulk."""
from itertools import groupby

from sqlalchemy import insert, select, update

from ..audit.api import event_values
from ..audit.models import AuditEvent
from ..extensions import db
from ..timeutil import utcnow
from . import hours
from .api import describe_periods
from .models import Booking, Partner, PartnerCategory, PartnerPeriod

#: A row's status once matched → what writing it did.
OUTCOMES = {"new": "created", "update": "updated", "unchanged": "kept"}
#: Every column a new site gets, so that all the rows of one INSERT name the same columns.
NEW_PARTNER_DEFAULTS = {
    "category": PartnerCategory.other, "insee_code": None, "address": "", "postal_code": "",
    "latitude": None, "longitude": None, "phone": "", "email": "", "website": "", "socials": [],
    "manager_name": "", "booking": Booking.unknown, "accepts_all_year": False, "description": "",
    "visit_minutes": None, "opening_info": "", "active": True,
}


def write_rows(actor, rows: list, apply_periods: bool = False) -> list:
    """Create the sites of the rows matched as new and update the sites rows were matched to
    (imports.match_rows, in this transaction). An update writes only what the file changes and the
    scheme does not own (row.changes); with apply_periods, a site whose accepted periods are still
    unknown takes those its opening hours suggest. Sets each row's partner_id and returns its
    outcome (created, updated, kept, error). Flushes, never commits."""
    db.session.flush()
    now, events = utcnow(), []
    new = [row for row in rows if row.status == "new"]
    for row, partner_id in zip(new, _create(actor, new, apply_periods, now, events)):
        row.partner_id = partner_id
    known = [row for row in rows if row.status in ("update", "unchanged") and row.partner is not None]
    _update(actor, known, apply_periods, now, events)
    if events:
        db.session.execute(insert(AuditEvent), events)
    return [OUTCOMES.get(row.status, "error") for row in rows]


def _create(actor, rows: list, apply_periods: bool, now, events: list) -> list:
    """Insert the new sites with their accepted periods; the new ids, in the order of `rows`."""
    if not rows:
        return []
    values, periods = [], []
    for row in rows:
        fields = {**NEW_PARTNER_DEFAULTS, **row.creation_values()}
        row_periods = fields.pop("periods", None) or []
        if apply_periods and row.suggestion:
            fields["accepts_all_year"], row_periods = hours.suggested_periods(row.suggestion)
        fields.update(source=row.source, source_id=row.source_id or None, sit_id=row.sit_id or None,
                      created_at=now, updated_at=now)
        values.append(fields)
        periods.append(row_periods)
    ids = db.session.scalars(insert(Partner).returning(Partner.id, sort_by_parameter_order=True),
                             values).all()
    _insert_periods(zip(ids, periods))
    events.extend(_event(actor, now, "partner.created", partner_id, name=fields["name"])
                  for partner_id, fields in zip(ids, values))
    return ids


def _update(actor, rows: list, apply_periods: bool, now, events: list) -> None:
    """One UPDATE by primary key per set of changed columns, for every site of the batch."""
    unknown_periods = _without_periods(rows) if apply_periods else set()
    changes, new_periods = [], []
    for row in rows:
        partner, values = row.partner, {}
        row.partner_id = partner.id
        if row.status == "update":
            kept = set(partner.hand_edited or [])  # corrected by hand since the preview, maybe
            listing = {name: row.cleaned[name] for name in row.changes
                       if name in row.cleaned and name not in kept and getattr(partner, name) != row.cleaned[name]}
            if listing:
                events.append(_event(actor, now, "partner.updated", partner.id,
                                     **{k: getattr(v, "value", v) for k, v in listing.items()}))
            values.update(listing, **_identity(partner, row))
        if row.suggestion and partner.id in unknown_periods and not partner.accepts_all_year:
            # Only a site whose accepted periods are still unknown: the admin's own choice stays.
            all_year, periods = hours.suggested_periods(row.suggestion)
            suggested = {"accepts_all_year": all_year} if all_year else {}
            if periods:
                new_periods.append((partner.id, periods))
                suggested["periods"] = describe_periods(periods)
            if suggested:
                events.append(_event(actor, now, "partner.updated", partner.id, **suggested))
                values.update(accepts_all_year=all_year)
        if values:
            changes.append({"id": partner.id, **values, "updated_at": now})
    by_columns = sorted(changes, key=lambda values: sorted(values))
    for _columns, group in groupby(by_columns, key=lambda values: sorted(values)):
        db.session.execute(update(Partner), list(group))
    _insert_periods(new_periods)
    for row in rows:  # the session's copies are stale now
        db.session.expire(row.partner)


def _identity(partner, row) -> dict:
    """A DATAtourisme site keeps the @id on data.datatourisme.fr and the SIT identifier last seen."""
    values = {"source": row.source} if partner.source != row.source else {}
    if row.source_id and partner.source_id != row.source_id:
        values["source_id"] = row.source_id
    if row.sit_id and partner.sit_id != row.sit_id:
        values["sit_id"] = row.sit_id
    return values


def _without_periods(rows: list) -> set:
    """The ids of the rows' sites that have no accepted period."""
    ids = {row.partner.id for row in rows}
    having = set(db.session.scalars(select(PartnerPeriod.partner_id.distinct())
                                    .where(PartnerPeriod.partner_id.in_(ids)))) if ids else set()
    return ids - having


def _insert_periods(periods_by_partner) -> None:
    rows = [{"partner_id": partner_id, "starts_on": start, "ends_on": end, "recurring": recurring}
            for partner_id, periods in periods_by_partner for start, end, recurring in periods]
    if rows:
        db.session.execute(insert(PartnerPeriod), rows)


def _event(actor, now, action: str, partner_id: int, **details) -> dict:
    return {"at": now, **event_values(actor, action, "partner", partner_id, **details)}
