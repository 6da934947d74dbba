"""Importing partner sites from a file: every row read, checked and matched to the directory first
(new site, update of a site, unchanged), then all of them written or none."""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_

from ..errors import DomainError
from ..extensions import db
from . import import_csv
from .api import create_partner, update_partner
from .import_files import MAX_BYTES, MAX_ROWS, ImportPreview, read_partner_file  # noqa: F401
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
    """The sites created and updated (flushed, not committed), and how many were already up to date."""

    created: list
    updated: list
    unchanged: int


def check_partner_file(data: bytes, filename: str = "") -> ImportPreview:
    """read_partner_file, plus each row matched to the directory: new, update of a site, or unchanged."""
    preview = read_partner_file(data, filename)
    existing = _existing_partners(preview.rows)
    for row in preview.rows:
        row.partner = existing.get((row.source, row.source_id)) if row.source_id else None
        if row.errors:
            row.status = "error"
        elif row.partner is None:
            row.status = "new"
        else:
            row.changes = [name for name, value in row.update_values().items()
                           if getattr(row.partner, name) != value]
            row.status = "update" if row.changes else "unchanged"
    _warn_same_name(row for row in preview.rows if row.status == "new")
    return preview


def import_partners(actor, data: bytes, filename: str = "") -> ImportResult:
    """Create or update every site of the file, or none: PartnerImportRejected on any error.

    A site is matched on (source, source id); an update never touches the scheme's fields
    (accepted periods, booking, manager, visit length). Flushes, never commits."""
    preview = check_partner_file(data, filename)
    if not preview.ok:
        raise PartnerImportRejected(preview)
    created, updated = [], []
    for row in preview.rows:
        if row.status == "new":
            partner = create_partner(actor, **row.creation_values())
            partner.source, partner.source_id = row.source, row.source_id or None
            created.append(partner)
        elif row.status == "update":
            changes = {name: row.cleaned[name] for name in row.changes}
            update_partner(actor, row.partner, changes, only=tuple(changes))
            updated.append(row.partner)
    db.session.flush()
    return ImportResult(created=created, updated=updated, unchanged=preview.count("unchanged"))


def example_csv() -> bytes:
    return import_csv.example_csv()


def _existing_partners(rows: list) -> dict:
    """(source, source id) → Partner, for the ids of the file, in a few queries."""
    found, wanted = {}, {}
    for row in rows:
        if row.source_id:
            wanted.setdefault(row.source, []).append(row.source_id)
    for source, ids in wanted.items():
        for start in range(0, len(ids), 500):
            query = Partner.query.filter(Partner.source == source,
                                         Partner.source_id.in_(ids[start:start + 500]))
            found.update(((source, partner.source_id), partner) for partner in query)
    return found


def _warn_same_name(rows) -> None:
    """A new site named like one of the same commune is likely a duplicate: say so, without refusing."""
    rows = list(rows)
    names = list({row.cleaned["name"] for row in rows if row.cleaned.get("name")})
    communes = list({row.cleaned["commune"] for row in rows if row.cleaned.get("commune")})
    known = {}
    for start in range(0, max(len(names), len(communes)), 500):
        query = db.session.query(Partner.id, Partner.name, Partner.commune).filter(or_(
            Partner.name.in_(names[start:start + 500]), Partner.commune.in_(communes[start:start + 500])))
        known.update(((name.casefold(), commune.casefold()), partner_id)
                     for partner_id, name, commune in query)
    for row in rows:
        key = (row.cleaned.get("name", "").casefold(), row.cleaned.get("commune", "").casefold())
        if key in known:
            row.warnings.append(_l("Un site du même nom existe déjà dans cette commune (n° %(id)s) : "
                                   "vérifiez qu'il ne s'agit pas d'un doublon.", id=known[key]))
