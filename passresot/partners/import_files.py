"""Reading a file of partner sites — our CSV, DATAtourisme's simplified CSV or its JSON-LD — into
rows checked on their own and against each other, without the database."""
import codecs
import json
from dataclasses import dataclass, field
from typing import Optional

from flask_babel import lazy_gettext as _l, lazy_ngettext

from .. import csvfiles
from ..csvfiles import FileRejected
from . import datatourisme, import_csv
from .exceptions import InvalidListing
from .listing import SCHEME_FIELDS, clean_listing
from .models import Partner, PartnerCategory

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 2000
SOURCE_ID_MAX = 200
#: What an import never changes on an existing site: the scheme's own rules for it (R5).
KEPT_ON_UPDATE = SCHEME_FIELDS + ("periods",)
FORMAT_LABELS = {
    "csv": _l("CSV PassResOT66"),
    "datatourisme_csv": _l("CSV simplifié DATAtourisme"),
    "datatourisme_jsonld": _l("JSON-LD DATAtourisme"),
}
FIELD_LABELS = {
    "source_id": _l("Identifiant"), "name": _l("Nom"), "category": _l("Catégorie"),
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
    #: The fields an update would change.
    changes: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    in_json: bool = False

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

    @property
    def format_label(self):
        return FORMAT_LABELS.get(self.format, "")

    @property
    def error_rows(self) -> list:
        return [row for row in self.rows if not row.ok]

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows) and not self.error_rows


def read_partner_file(data: bytes, filename: str = "") -> ImportPreview:
    """Detect the format, read every row and check each on its own and against the others (no database)."""
    preview = ImportPreview()
    try:
        _check_size_and_kind(data)
        rows = _read_jsonld(data, preview) if _is_json(data, filename) else _read_csv(data, preview)
        if not rows:
            raise FileRejected(_l("Le fichier ne contient aucun site : ajoutez une ligne par site "
                                  "sous la ligne des noms de colonnes."))
    except FileRejected as problem:
        preview.errors.append(problem.args[0])
        return preview
    for row in rows:
        _check_row(row)
    _flag_repeated_ids(rows)
    preview.rows = rows
    return preview


# --- Reading the file --------------------------------------------------------------------------

def _check_size_and_kind(data: bytes) -> None:
    if not data or not data.strip():
        raise FileRejected(_l("Le fichier est vide."))
    if len(data) > MAX_BYTES:
        raise FileRejected(_l("Le fichier dépasse 5 Mo : découpez-le en plusieurs fichiers."))
    # Spreadsheets and UTF-16 files get csvfiles' own advice; other binary files this one.
    if csvfiles.looks_binary(data) and not data.startswith(
            (b"PK\x03\x04", codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FileRejected(_l("Ce fichier n'est ni un CSV ni un fichier JSON-LD DATAtourisme : "
                              "envoyez un fichier texte .csv, .json ou .jsonld."))


def _is_json(data: bytes, filename: str) -> bool:
    start = data[len(codecs.BOM_UTF8):] if data.startswith(codecs.BOM_UTF8) else data
    start = start.lstrip()[:1]
    return start in (b"{", b"[") or filename.lower().endswith((".json", ".jsonld"))


def _read_jsonld(data: bytes, preview: ImportPreview) -> list:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise FileRejected(_l("Ce fichier JSON n'est pas encodé en UTF-8.")) from None
    except json.JSONDecodeError as error:
        raise FileRejected(_l("Ce fichier JSON est mal formé (ligne %(line)s, colonne %(column)s).",
                              line=error.lineno, column=error.colno)) from None
    except RecursionError:
        raise FileRejected(_MALFORMED_JSON) from None
    objects = datatourisme.objects_of(document)
    try:
        if not objects or not any(datatourisme.is_datatourisme(obj) for obj in objects):
            raise FileRejected(_l(
                "Ce fichier JSON n'est pas un export DATAtourisme : chaque objet doit avoir un @id "
                "https://data.datatourisme.fr/…, un @type (PointOfInterest…) et un rdfs:label."))
        _check_row_count(len(objects))
        rows = [ImportRow(index, datatourisme.SOURCE, *datatourisme.row_from_object(obj), in_json=True)
                for index, obj in enumerate(objects, start=1)]
    except RecursionError:  # values nested hundreds of levels deep: no export looks like that
        raise FileRejected(_MALFORMED_JSON) from None
    preview.format, preview.encoding = "datatourisme_jsonld", "UTF-8"
    return rows


_MALFORMED_JSON = _l("Ce fichier JSON est mal formé.")


def _read_csv(data: bytes, preview: ImportPreview) -> list:
    text, preview.encoding = csvfiles.decode_text(data)
    preview.delimiter, records = csvfiles.read_records(text)
    if not records:
        raise FileRejected(_l("Le fichier est vide."))
    (_line, header), body = records[0], records[1:]
    keys = {csvfiles.simplify(name) for name in header}
    if datatourisme.looks_like_csv_header(keys):
        preview.format, source, build = "datatourisme_csv", datatourisme.SOURCE, datatourisme.row_from_csv
        aliases, required = datatourisme.CSV_COLUMNS, datatourisme.CSV_REQUIRED
    elif keys & set(import_csv.ALIASES["nom"]):
        preview.format, source, build = "csv", import_csv.SOURCE, import_csv.row_from_csv
        aliases, required = import_csv.ALIASES, import_csv.REQUIRED
    else:
        raise FileRejected(_l(
            "Colonnes non reconnues : la première ligne doit nommer les colonnes de PassResOT66 "
            "(nom, categorie, commune…) ou celles du CSV simplifié DATAtourisme (id, label, type…)."))
    mapping, preview.ignored_columns = _map_header(header, aliases, required)
    _check_row_count(len(body))
    rows = []
    for line, cells in body:
        values = {column: cells[i].strip() if i < len(cells) else "" for column, i in mapping.items()}
        row = ImportRow(line, source, *build(values))
        if any(cell.strip() for cell in cells[len(header):]):
            row.errors.setdefault("row", _l("Plus de valeurs que de colonnes : vérifiez le "
                                            "séparateur et les guillemets."))
        rows.append(row)
    return rows


def _check_row_count(count: int) -> None:
    if count > MAX_ROWS:
        raise FileRejected(_l("Le fichier contient %(count)s sites, %(max)s au plus : découpez-le "
                              "en plusieurs fichiers.", count=count, max=MAX_ROWS))


def _map_header(header: list, aliases: dict, required: tuple) -> tuple:
    """Column → cell index, and the names of the columns that are not ours (ignored)."""
    keys = {alias: column for column, names in aliases.items() for alias in names}
    mapping, ignored = {}, []
    for index, name in enumerate(header):
        column = keys.get(csvfiles.simplify(name))
        if column is None:
            ignored += [name.strip()] if name.strip() else []
        elif column in mapping:
            raise FileRejected(_l("La colonne « %(column)s » apparaît plusieurs fois dans la ligne "
                                  "des noms de colonnes.", column=column))
        else:
            mapping[column] = index
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
    if row.source == datatourisme.SOURCE and not row.source_id and "row" not in row.errors:
        row.errors["source_id"] = _l("Identifiant DATAtourisme manquant (@id ou colonne id) : "
                                     "il sert aux mises à jour.")
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


def _flag_repeated_ids(rows: list) -> None:
    first = {}
    for row in rows:
        if not row.source_id or "source_id" in row.errors:
            continue
        if row.source_id in first:
            row.errors["source_id"] = _l("Même identifiant que plus haut (%(where)s) : chaque site "
                                         "ne doit figurer qu'une fois.", where=first[row.source_id].label)
        else:
            first[row.source_id] = row
