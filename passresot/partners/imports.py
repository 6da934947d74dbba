"""Importing partner sites from a file: every row read, checked and matched to the directory first
(new site, update of a site, unchanged, out of scope), then written."""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, insert, or_

from ..errors import DomainError
from ..extensions import db
from . import datatourisme, hours, import_csv
from .api import create_partner, update_partner
from .import_files import MAX_BYTES, MAX_ROWS, ImportPreview, read_partner_file  # noqa: F401
from ..audit.models import AuditEvent
from ..timeutil import utcnow
from .models import Booking, Partner, PartnerCategory, PartnerPeriod


class PartnerImportRejected(DomainError):
    """The file has file-level or row errors: nothing was imported. `preview` says which."""

    code = "partner_import_rejected"
    status = 400
    message = _l("Le fichier contient des erreurs : aucun site n'a été importé.")

    def __init__(self, preview):
        super().__init__()
        self.preview = preview


@dataclass
class ImportResult:
    """The sites created and updated (flushed, not committed), and how many were up to date,
    out of scope (skipped) or in error (left out)."""

    created: list
    updated: list
    unchanged: int
    skipped: int = 0
    errors: int = 0


BATCH = 500
FILE_GONE = _l("Le fichier envoyé n'est plus sur le serveur : envoyez-le de nouveau.")


def check_partner_file(data: bytes, filename: str = "") -> ImportPreview:
    """read_partner_file, plus each row matched to the directory: new, update of a site, or unchanged."""
    preview = read_partner_file(data, filename)
    for start in range(0, len(preview.rows), BATCH):
        match_rows(preview.rows[start:start + BATCH])
    return preview


def match_rows(rows: list) -> None:
    """Set each row's status (new, update, unchanged, error; skipped rows stay so) and its partner."""
    places = [row for row in rows if not row.skip]
    existing = _existing_partners(places)
    for row in places:
        row.partner = _match(existing, row)
        if row.errors:
            row.status = "error"
        elif row.partner is None:
            row.status = "new"
        else:
            row.changes = [name for name, value in row.update_values().items()
                           if getattr(row.partner, name) != value] + _identity_changes(row)
            row.status = "update" if row.changes else "unchanged"
    _warn_same_name(row for row in places if row.status == "new")


def import_partners(actor, data: bytes, filename: str = "", apply_periods: bool = False) -> ImportResult:
    """Create or update the sites of a file held in memory; PartnerImportRejected when nothing can be.

    Our CSV is all or nothing; a DATAtourisme export leaves its bad objects out (listed in the
    preview). A site is matched by its identifiers (match_rows); an update never touches the
    scheme's fields (accepted periods, booking, manager, visit length). Flushes, never commits."""
    preview = check_partner_file(data, filename)
    if not preview.ok:
        raise PartnerImportRejected(preview)
    result = ImportResult(created=[], updated=[], unchanged=preview.count("unchanged"),
                          skipped=preview.skipped_count, errors=len(preview.error_rows))
    for row in preview.rows:
        outcome = apply_row(actor, row, apply_periods)
        if outcome == "new":
            result.created.append(row.partner)
        elif outcome == "update":
            result.updated.append(row.partner)
    db.session.flush()
    return result


def apply_row(actor, row, apply_periods: bool = False) -> str:
    """Write one matched row: create or update its site. Returns the row's status."""
    if row.status == "new":
        values = row.creation_values()
        if apply_periods and row.suggestion:
            values["accepts_all_year"], values["periods"] = hours.suggested_periods(row.suggestion)
        row.partner = create_partner(actor, **values)
        _adopt_identity(row.partner, row)
    elif row.status == "update":
        changes = {name: row.cleaned[name] for name in row.changes if name in row.cleaned}
        if changes:
            update_partner(actor, row.partner, changes, only=tuple(changes))
        _adopt_identity(row.partner, row)
    if apply_periods and row.suggestion and row.partner is not None and row.status in ("update", "unchanged") \
            and not row.partner.accepts_all_year and not row.partner.periods:
        # Only a site whose accepted periods are still unknown: the admin's own choice stays.
        all_year, periods = hours.suggested_periods(row.suggestion)
        update_partner(actor, row.partner, {"accepts_all_year": all_year, "periods": periods},
                       only=("accepts_all_year",))
    return row.status


def create_in_bulk(actor, rows: list, apply_periods: bool = False) -> list:
    """The sites of rows matched as new, inserted in a few statements (a flux brings thousands),
    with what create_partner writes for each: its accepted periods and its audit event. The rows'
    values were cleaned when read. Returns the new ids, in the order of `rows`."""
    if not rows:
        return []
    now, values, periods = utcnow(), [], []
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
    period_rows = [{"partner_id": pid, "starts_on": s, "ends_on": e, "recurring": r}
                   for pid, row_periods in zip(ids, periods) for s, e, r in row_periods]
    if period_rows:
        db.session.execute(insert(PartnerPeriod), period_rows)
    db.session.execute(insert(AuditEvent), [
        {"at": now, "actor_id": getattr(actor, "id", None), "action": "partner.created",
         "target_type": "partner", "target_id": pid, "details": {"name": fields["name"]}}
        for pid, fields in zip(ids, values)])
    return ids


#: Every column a new site gets, so that all the rows of one INSERT name the same columns.
NEW_PARTNER_DEFAULTS = {
    "category": PartnerCategory.other, "insee_code": None, "address": "", "postal_code": "",
    "latitude": None, "longitude": None, "phone": "", "email": "", "website": "", "socials": [],
    "manager_name": "", "booking": Booking.unknown, "accepts_all_year": False, "description": "",
    "visit_minutes": None, "opening_info": "", "active": True,
}


def _adopt_identity(partner, row) -> None:
    """A DATAtourisme site keeps the @id on data.datatourisme.fr and the SIT identifier last seen."""
    partner.source = row.source
    if row.source_id:
        partner.source_id = row.source_id
    if row.sit_id:
        partner.sit_id = row.sit_id


def _identity_changes(row) -> list:
    partner, changes = row.partner, []
    if row.source_id and (partner.source, partner.source_id) != (row.source, row.source_id):
        changes.append("source_id")
    if row.sit_id and partner.sit_id != row.sit_id:
        changes.append("sit_id")
    return changes


def example_csv() -> bytes:
    return import_csv.example_csv()


def _existing_partners(rows: list) -> dict:
    """Lookup keys → Partner for the rows' identifiers, in a few queries: ("id", source, source id)
    for every stored form of a DATAtourisme @id, ("sit", regional id) for DATAtourisme sites and for
    the Explore rows that earlier versions stored as our CSV ("csv", the regional id)."""
    found, wanted, sit_ids = {}, {}, set()
    for row in rows:
        if row.source_id:
            variants = datatourisme.id_variants(row.source_id) if row.source == datatourisme.SOURCE \
                else [row.source_id]
            wanted.setdefault(row.source, set()).update(variants)
        if row.sit_id and row.source == datatourisme.SOURCE:
            sit_ids.add(row.sit_id)
    for source, ids in wanted.items():
        for chunk in _chunks(sorted(ids)):
            query = Partner.query.filter(Partner.source == source, Partner.source_id.in_(chunk))
            found.update((("id", source, partner.source_id), partner) for partner in query)
    for chunk in _chunks(sorted(sit_ids)):
        for partner in Partner.query.filter(or_(
                and_(Partner.source == datatourisme.SOURCE, Partner.sit_id.in_(chunk)),
                and_(Partner.source == import_csv.SOURCE, Partner.source_id.in_(chunk)))):
            key = partner.sit_id if partner.source == datatourisme.SOURCE else partner.source_id
            found.setdefault(("sit", key), partner)
    return found


def _match(existing: dict, row):
    if row.source_id:
        variants = datatourisme.id_variants(row.source_id) if row.source == datatourisme.SOURCE \
            else [row.source_id]
        for variant in variants:
            partner = existing.get(("id", row.source, variant))
            if partner is not None:
                return partner
    if row.sit_id and row.source == datatourisme.SOURCE:
        partner = existing.get(("sit", row.sit_id))
        # A site already holding another @id is another place with a reused regional id.
        if partner is not None and not (row.source_id and partner.source == datatourisme.SOURCE
                                        and partner.source_id and partner.source_id != row.source_id):
            return partner
    return None


def _chunks(values: list, size: int = 500):
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _warn_same_name(rows) -> None:
    """A new site named like one of the same commune is likely a duplicate: say so, without refusing."""
    rows = list(rows)
    names = list({row.cleaned["name"] for row in rows if row.cleaned.get("name")})
    known = {}
    # By name only (any case): by commune too would read every site of the file's communes for
    # each batch of a 20,000-site flux. SQLite's lower() folds ASCII only: a warning may be missed.
    for start in range(0, len(names), 500):
        chunk = names[start:start + 500]
        query = db.session.query(Partner.id, Partner.name, Partner.commune).filter(or_(
            Partner.name.in_(chunk), db.func.lower(Partner.name).in_([n.lower() for n in chunk])))
        known.update(((name.casefold(), commune.casefold()), partner_id)
                     for partner_id, name, commune in query)
    for row in rows:
        key = (row.cleaned.get("name", "").casefold(), row.cleaned.get("commune", "").casefold())
        if key in known:
            row.warnings.append(_l("Un site du même nom existe déjà dans cette commune (n° %(id)s) : "
                                   "vérifiez qu'il ne s'agit pas d'un doublon.", id=known[key]))
