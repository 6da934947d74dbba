"""Importing partner sites from a file: every row read, checked and matched to the directory first
(new site, update of a site, unchanged, out of scope), then written."""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, text

from ..errors import DomainError
from ..extensions import db
from . import datatourisme, import_csv
from .import_files import MAX_BYTES, MAX_ROWS, ImportPreview, read_partner_file  # noqa: F401
from .import_writes import write_rows
from .models import Partner


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


def match_rows(rows: list, warn_duplicates: bool = True) -> None:
    """Set each row's status (new, update, unchanged, error; skipped rows stay so) and its partner;
    with warn_duplicates (the preview), warn of a new site named like one of the same commune."""
    places = [row for row in rows if not row.skip]
    existing = _existing_partners(places)
    for row in places:
        row.partner = _match(existing, row)
        if row.errors:
            row.status = "error"
        elif row.partner is None:
            row.status = "new"
        else:
            kept = set(row.partner.hand_edited or [])  # corrected by hand: the file does not undo it
            row.changes = [name for name, value in row.update_values().items()
                           if name not in kept and getattr(row.partner, name) != value] + _identity_changes(row)
            row.status = "update" if row.changes else "unchanged"
    if warn_duplicates:
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
    places = preview.places
    for start in range(0, len(places), BATCH):
        batch = places[start:start + BATCH]
        for row, outcome in zip(batch, write_rows(actor, batch, apply_periods)):
            if outcome == "created":
                result.created.append(row.partner_id)
            elif outcome == "updated":
                result.updated.append(row.partner)
    db.session.flush()
    result.created = [db.session.get(Partner, partner_id) for partner_id in result.created]
    return result


def _identity_changes(row) -> list:
    partner, changes = row.partner, []
    if row.source_id and (partner.source, partner.source_id) != (row.source, row.source_id):
        changes.append("source_id")
    if row.sit_id and partner.sit_id != row.sit_id:
        changes.append("sit_id")
    return changes


def refresh_statistics() -> None:
    """Let PostgreSQL plan the lookups by identifier from the directory's real size. An import
    adding thousands of sites within a minute outruns autovacuum: planned from the size before, a
    lookup of 500 identifiers filters every site instead of using the index (close to a second
    per batch of 500 by 20,000 sites)."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("ANALYZE partners"))


def example_csv() -> bytes:
    return import_csv.example_csv()


def _existing_partners(rows: list) -> dict:
    """Lookup keys → Partner for the rows' identifiers, a few queries per batch, each on one index:
    ("id", source, source id) for every stored form of a DATAtourisme @id; then, for the rows not
    found so, ("sit", regional id) for DATAtourisme sites and for the Explore rows that earlier
    versions stored as our CSV ("csv", the regional id)."""
    found, wanted = {}, {}
    for row in rows:
        if row.source_id:
            wanted.setdefault(row.source, set()).update(_id_variants(row))
    for source, ids in wanted.items():
        for chunk in _chunks(sorted(ids)):
            query = Partner.query.filter(Partner.source == source, Partner.source_id.in_(chunk))
            found.update((("id", source, partner.source_id), partner) for partner in query)
    sit_ids = {row.sit_id for row in rows if row.sit_id and row.source == datatourisme.SOURCE
               and _found_by_id(found, row) is None}
    for chunk in _chunks(sorted(sit_ids)):
        # Two queries rather than one with OR: PostgreSQL would read the whole table for it.
        for partner in Partner.query.filter(Partner.source == datatourisme.SOURCE, Partner.sit_id.in_(chunk)):
            found.setdefault(("sit", partner.sit_id), partner)
        for partner in Partner.query.filter(Partner.source == import_csv.SOURCE, Partner.source_id.in_(chunk)):
            found.setdefault(("sit", partner.source_id), partner)
    return found


def _id_variants(row) -> list:
    return datatourisme.id_variants(row.source_id) if row.source == datatourisme.SOURCE else [row.source_id]


def _found_by_id(existing: dict, row):
    for variant in _id_variants(row) if row.source_id else []:
        partner = existing.get(("id", row.source, variant))
        if partner is not None:
            return partner
    return None


def _match(existing: dict, row):
    partner = _found_by_id(existing, row)
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
