"""Reading a file of partner sites — our CSV, or DATAtourisme's flux zip, JSON-LD, simplified or
Explore CSV — as a stream of rows checked on their own and against each other, without the database."""
import io
from dataclasses import dataclass, field
from typing import Optional

from flask_babel import lazy_gettext as _l, lazy_ngettext

from .. import csvfiles
from ..csvfiles import FileRejected
from . import datatourisme, import_csv
from .exceptions import InvalidListing
from .listing import SCHEME_FIELDS, clean_listing
from .models import Partner, PartnerCategory
from .sources import PartnerSource

#: As DATAtourisme delivers a whole département: a 200 MB flux of 20,000 places fits.
MAX_BYTES = 250 * 1024 * 1024
MAX_ROWS = 50_000
SOURCE_ID_MAX = 200
SIT_ID_MAX = 60
#: What an import never changes on an existing site: the scheme's own rules for it (R5).
KEPT_ON_UPDATE = SCHEME_FIELDS + ("periods",)
FORMAT_LABELS = {
    "csv": _l("CSV PassResOT66"),
    "datatourisme_csv": _l("CSV simplifié DATAtourisme"),
    "datatourisme_jsonld": _l("JSON-LD DATAtourisme"),
    "datatourisme_zip": _l("Flux DATAtourisme (zip)"),
    "datatourisme_explore": _l("CSV « Explore » DATAtourisme"),
}
FIELD_LABELS = {
    "source_id": _l("Identifiant"), "sit_id": _l("Identifiant SIT"), "name": _l("Nom"), "category": _l("Catégorie"),
    "commune": _l("Commune"), "insee_code": _l("Code INSEE"), "address": _l("Adresse"),
    "postal_code": _l("Code postal"), "latitude": _l("Latitude"), "longitude": _l("Longitude"),
    "phone": _l("Téléphone"), "email": _l("E-mail"), "website": _l("Site web"),
    "socials": _l("Réseaux sociaux"), "manager_name": _l("Responsable"), "booking": _l("Réservation"),
    "accepts_all_year": _l("Périodes d'accueil"), "periods": _l("Périodes d'accueil"),
    "visit_minutes": _l("Durée de visite"), "opening_info": _l("Horaires"),
    "description": _l("Description"),
}


@dataclass
class ImportRow:
    """One site of the file: what was read, what is wrong, and what importing it would do."""

    #: The CSV line number, or the object's rank in a JSON-LD file.
    position: int
    source: str
    source_id: str
    #: Listing fields as read (strings, or None when the file says nothing), plus "periods".
    raw: dict
    #: Field (or "row", "source_id") → French message.
    errors: dict = field(default_factory=dict)
    cleaned: dict = field(default_factory=dict)
    #: new, update, unchanged or error (set once matched against the directory).
    status: str = ""
    partner: Optional[Partner] = None
    #: The site created or updated, once written.
    partner_id: Optional[int] = None
    #: The fields an update would change.
    changes: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    in_json: bool = False
    #: The regional SIT's identifier (dc:identifier, Explore's "Identifiant").
    sit_id: str = ""
    #: Why the object is no partner site (datatourisme.SKIP_REASONS), None for a site.
    skip: object = None
    #: Accepted periods suggested by the opening hours (hours.suggested_periods).
    suggestion: dict = field(default_factory=dict)
    types: list = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.source_id or (f"sit:{self.sit_id}" if self.sit_id else "")

    @property
    def skip_label(self) -> str:
        return str(datatourisme.SKIP_REASONS.get(self.skip, self.skip or ""))

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def label(self):
        return _l("Objet %(n)s", n=self.position) if self.in_json else _l("Ligne %(n)s", n=self.position)

    # The texts below are plain str on purpose: flask_babel's lazy strings count as safe HTML for
    # Jinja, and these messages quote the file's own values.
    def messages(self) -> list:
        """(field label or None, message) for each error, in the order of the listing's fields."""
        order = ["row", "source_id", *FIELD_LABELS]
        return [(str(FIELD_LABELS[name]) if name in FIELD_LABELS else None, str(self.errors[name]))
                for name in sorted(self.errors, key=lambda n: order.index(n) if n in order else 99)]

    def warning_texts(self) -> list:
        return [str(warning) for warning in self.warnings]

    def change_labels(self) -> list:
        return [str(FIELD_LABELS.get(name, name)) for name in self.changes]

    def creation_values(self) -> dict:
        values = dict(self.cleaned)
        values.setdefault("category", PartnerCategory.other)
        return values

    def update_values(self) -> dict:
        """What the file gives besides the scheme's fields; an empty cell never erases a value."""
        return {name: value for name, value in self.cleaned.items()
                if name not in KEPT_ON_UPDATE and value not in ("", None, [])}


@dataclass
class ImportPreview:
    """The whole file as read: its format, its rows, and file-level errors that stop everything."""

    format: str = ""
    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    encoding: str = ""
    delimiter: str = ""
    ignored_columns: list = field(default_factory=list)
    skipped_count: int = 0
    #: Skip reason → how many objects.
    skipped_by_reason: dict = field(default_factory=dict)

    def note(self, row) -> None:
        if row.skip:
            self.skipped_count += 1
            self.skipped_by_reason[row.skip] = self.skipped_by_reason.get(row.skip, 0) + 1

    @property
    def skipped(self) -> list:
        return [row for row in self.rows if row.skip]

    @property
    def places(self) -> list:
        return [row for row in self.rows if not row.skip]

    @property
    def strict(self) -> bool:
        """Our own CSV is all or nothing (the admin can fix it); a DATAtourisme export, that the admin
        cannot fix, imports its good sites and lists the others."""
        return self.format == "csv"

    @property
    def format_label(self):
        return FORMAT_LABELS.get(self.format, "")

    @property
    def error_rows(self) -> list:
        return [row for row in self.rows if not row.ok and not row.skip]

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def ok(self) -> bool:
        """Something can be imported: no file-level error, and no bad row in a strict file."""
        if self.errors or not self.places:
            return False
        return not self.error_rows if self.strict else len(self.error_rows) < len(self.places)


def read_partner_file(data: bytes, filename: str = "") -> ImportPreview:
    """Every row of a file held in memory (small files, tests): see read_rows."""
    preview = ImportPreview()
    try:
        if not data or not data.strip():
            raise FileRejected(_l("Le fichier est vide."))
        if len(data) > MAX_BYTES:
            raise FileRejected(too_big_message(len(data)))
        source = PartnerSource(io.BytesIO(data), filename, len(data))
        preview.rows = list(read_rows(source, preview))
    except FileRejected as problem:
        preview.errors.append(problem.args[0])
        preview.rows = []
    return preview


def too_big_message(size: int):
    return _l("Le fichier fait %(size)s Mo : la limite est de %(max)s Mo. Découpez-le, ou demandez "
              "le flux par la commande « flask partners import-datatourisme ».",
              size=_megabytes(size), max=MAX_BYTES // (1024 * 1024))


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")


def read_rows(source: PartnerSource, preview: ImportPreview):
    """Each row of the file, checked on its own and against the rows before it (no database):
    out-of-scope objects come as rows with `skip` set. File-level problems raise FileRejected."""
    seen, places, datatourisme_rows = {}, 0, 0
    rows = _csv_rows(source, preview) if source.is_csv else _object_rows(source, preview)
    for row in rows:
        if row.skip:
            row.status = "skipped"
            yield row
            continue
        _check_row(row)
        _flag_repeated_id(row, seen)
        places += 1
        datatourisme_rows += row.source == datatourisme.SOURCE and "row" not in row.errors
        if places > MAX_ROWS:
            raise FileRejected(_l("Le fichier contient plus de %(max)s sites : découpez-le en "
                                  "plusieurs fichiers.", max=MAX_ROWS))
        yield row
    if preview.format in ("datatourisme_jsonld", "datatourisme_zip"):
        if not datatourisme_rows and not preview.skipped_count:
            raise FileRejected(_l(
                "Ce fichier JSON n'est pas un export DATAtourisme : chaque objet doit avoir un @id "
                "https://data.datatourisme.fr/… (ou data.datatourisme.gouv.fr), un @type "
                "(PointOfInterest…) et un rdfs:label."))
    if not places and not preview.skipped_count:
        raise FileRejected(_l("Le fichier ne contient aucun site : ajoutez une ligne par site "
                              "sous la ligne des noms de colonnes."))


def _object_rows(source: PartnerSource, preview: ImportPreview):
    preview.format = "datatourisme_zip" if source.kind == "zip" else "datatourisme_jsonld"
    preview.encoding = "UTF-8"
    for item in source.objects():
        if item.error is not None:
            yield ImportRow(item.position, datatourisme.SOURCE, "", {}, {"row": item.error}, in_json=True)
            continue
        try:
            source_id, raw, errors, extras = datatourisme.row_from_object(item.data)
        except RecursionError:  # values nested hundreds of levels deep: no export looks like that
            source_id, raw, errors, extras = "", {}, {"row": _MALFORMED_JSON}, {}
        row = ImportRow(item.position, datatourisme.SOURCE, source_id, raw, errors, in_json=True,
                        **_extras(extras))
        preview.note(row)
        yield row


def _extras(extras: dict) -> dict:
    return {"sit_id": extras.get("sit_id") or "", "skip": extras.get("skip"),
            "suggestion": extras.get("suggestion") or {}, "types": extras.get("names") or []}


_MALFORMED_JSON = _l("Ce fichier JSON est mal formé.")


def _csv_rows(source: PartnerSource, preview: ImportPreview):
    preview.encoding, preview.delimiter = source.encoding, source.delimiter
    records = source.records()
    first = next(records, None)
    if first is None:
        raise FileRejected(_l("Le fichier est vide."))
    _line, header = first
    keys = {csvfiles.simplify(name) for name in header}
    if datatourisme.looks_like_explore_header(keys):
        preview.format, origin, build = "datatourisme_explore", datatourisme.SOURCE, datatourisme.row_from_explore
        aliases, required = datatourisme.EXPLORE_COLUMNS, datatourisme.EXPLORE_REQUIRED
    elif datatourisme.looks_like_csv_header(keys):
        preview.format, origin, build = "datatourisme_csv", datatourisme.SOURCE, datatourisme.row_from_csv
        aliases, required = datatourisme.CSV_COLUMNS, datatourisme.CSV_REQUIRED
    elif keys & set(import_csv.ALIASES["nom"]):
        preview.format, origin, build = "csv", import_csv.SOURCE, _our_row
        aliases, required = import_csv.ALIASES, import_csv.REQUIRED
    else:
        raise FileRejected(_l(
            "Colonnes non reconnues : la première ligne doit nommer les colonnes de PassResOT66 "
            "(nom, categorie, commune…) ou celles d'un export DATAtourisme (id, label, type… ou "
            "Nom, Identifiant, Type, Sous-type…)."))
    mapping, preview.ignored_columns = _map_header(header, aliases, required)
    for line, cells in records:
        values = {}
        for column, indexes in mapping.items():
            values[column] = ",".join(cells[i].strip() for i in indexes if i < len(cells) and cells[i].strip())
        source_id, raw, errors, extras = build(values)
        row = ImportRow(line, origin, source_id, raw, errors, **_extras(extras))
        if any(cell.strip() for cell in cells[len(header):]):
            row.errors.setdefault("row", _l("Plus de valeurs que de colonnes : vérifiez le "
                                            "séparateur et les guillemets."))
        preview.note(row)
        yield row


def _our_row(values: dict) -> tuple:
    source_id, raw, errors = import_csv.row_from_csv(values)
    return source_id, raw, errors, {}


def _map_header(header: list, aliases: dict, required: tuple) -> tuple:
    """Column → cell indexes (Explore repeats "Sous-type"), and the names of the columns ignored."""
    keys = {alias: column for column, names in aliases.items() for alias in names}
    mapping, ignored = {}, []
    for index, name in enumerate(header):
        column = keys.get(csvfiles.simplify(name))
        if column is None:
            ignored += [name.strip()] if name.strip() else []
        elif column in mapping and column != "sous_type":
            raise FileRejected(_l("La colonne « %(column)s » apparaît plusieurs fois dans la ligne "
                                  "des noms de colonnes.", column=column))
        else:
            mapping.setdefault(column, []).append(index)
    missing = [column for column in required if column not in mapping]
    if missing:
        raise FileRejected(lazy_ngettext("Colonne manquante : %(names)s.",
                                         "Colonnes manquantes : %(names)s.",
                                         len(missing), names=", ".join(missing)))
    return mapping, ignored


# --- Checking the rows -------------------------------------------------------------------------

def _check_row(row: ImportRow) -> None:
    """Clean each field on its own, so the preview shows every wrong field and the good ones."""
    row.source_id = (row.source_id or "").strip()
    row.sit_id = (row.sit_id or "").strip()[:SIT_ID_MAX]
    if row.source == datatourisme.SOURCE and not (row.source_id or row.sit_id) and "row" not in row.errors:
        row.errors["source_id"] = _l("Identifiant DATAtourisme manquant (@id, colonne id ou "
                                     "Identifiant) : il sert aux mises à jour.")
    elif len(row.source_id) > SOURCE_ID_MAX:
        row.errors["source_id"] = _l("Identifiant trop long : %(max)s caractères au plus.",
                                     max=SOURCE_ID_MAX)
    for name, value in row.raw.items():
        if name in row.errors or value is None:
            continue
        if name == "periods":
            row.cleaned[name] = value
            continue
        try:
            row.cleaned.update(clean_listing({name: value}, only=(name,)))
        except InvalidListing as error:
            row.errors.update(error.fields)


def _flag_repeated_id(row: ImportRow, first: dict) -> None:
    """Keeps, for each id seen, the label of its first row (not the row: files hold 20,000)."""
    key = row.key
    if not key or "source_id" in row.errors:
        return
    if key in first:
        row.errors["source_id"] = _l("Même identifiant que plus haut (%(where)s) : chaque site "
                                     "ne doit figurer qu'une fois.", where=first[key])
    else:
        first[key] = str(row.label)
