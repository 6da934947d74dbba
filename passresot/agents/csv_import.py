"""Reading an office's agents from a CSV file: every row checked first, then all created or none."""
import re
from dataclasses import dataclass, field
from datetime import date

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l, lazy_ngettext

from ..accounts.models import AgentKind, Role, User
from ..audit.api import record_event
from ..csvfiles import FileRejected as _FileRejected, decode_text
from ..csvfiles import read_records as _records, simplify as _simplify
from ..errors import Forbidden, NotFound
from ..extensions import db
from ..offices.models import Office
from .api import create_agent
from .exceptions import AgentImportRejected

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
NAME_MAX = 80
#: The columns as the README and the example file name them, in that order.
COLUMNS = ("prenom", "nom", "email", "type", "debut_contrat", "fin_contrat")
REQUIRED_COLUMNS = ("prenom", "nom", "email", "type")
#: Header names after _simplify() (lower case, no accents, "_" for spaces and dashes).
HEADER_ALIASES = {
    "prenom": ("prenom", "prenoms", "first_name", "firstname"),
    "nom": ("nom", "nom_de_famille", "last_name", "lastname", "surname"),
    "email": ("email", "e_mail", "mail", "courriel", "adresse_email", "adresse_e_mail",
              "adresse_mail"),
    "type": ("type", "type_de_contrat", "type_contrat", "contrat", "kind"),
    "debut_contrat": ("debut_contrat", "debut_du_contrat", "debut", "date_debut", "date_de_debut",
                      "contract_start"),
    "fin_contrat": ("fin_contrat", "fin_du_contrat", "fin", "date_fin", "date_de_fin",
                    "contract_end"),
}
_HEADER_KEYS = {alias: column for column, aliases in HEADER_ALIASES.items() for alias in aliases}
KIND_ALIASES = {
    "permanent": AgentKind.permanent, "permanente": AgentKind.permanent,
    "perm": AgentKind.permanent, "saisonnier": AgentKind.seasonal,
    "saisonniere": AgentKind.seasonal, "saison": AgentKind.seasonal,
    "seasonal": AgentKind.seasonal,
}
_FR_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?: 00:00(?::00)?)?")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


@dataclass
class ImportRow:
    """One agent line of the file: raw values by column, what could be read, what is wrong."""

    line: int
    values: dict
    cleaned: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)
    error_columns: set = field(default_factory=set)

    @property
    def ok(self) -> bool:
        return not self.errors

    def add_error(self, column, message: str) -> None:
        self.errors.append(message)
        if column:
            self.error_columns.add(column)

    def agent_fields(self) -> dict:
        """The keyword arguments of create_agent for this row."""
        return {"first_name": self.cleaned["first_name"], "last_name": self.cleaned["last_name"],
                "email": self.cleaned["email"], "kind": self.cleaned["kind"].value,
                "contract_start": self.cleaned.get("contract_start"),
                "contract_end": self.cleaned.get("contract_end")}


@dataclass
class ImportPreview:
    """The whole file as read: its rows, and file-level errors that stop everything."""

    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    encoding: str = ""
    delimiter: str = ""
    ignored_columns: list = field(default_factory=list)

    @property
    def error_rows(self) -> list:
        return [row for row in self.rows if not row.ok]

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows) and not self.error_rows


def parse_agents_csv(data: bytes) -> ImportPreview:
    """Decode and read the file, checking each row on its own and against the others (no database)."""
    preview = ImportPreview()
    try:
        text, preview.encoding = _decode(data)
        preview.delimiter, records = _records(text)
        if not records:
            raise _FileRejected(_l("Le fichier est vide."))
        (_line, header), body = records[0], records[1:]
        mapping, preview.ignored_columns = _map_header(header)
        if not body:
            raise _FileRejected(_l("Le fichier ne contient aucun agent : ajoutez une ligne par "
                                  "agent sous la ligne des noms de colonnes."))
        if len(body) > MAX_ROWS:
            raise _FileRejected(_l("Le fichier contient %(count)s agents, %(max)s au plus : "
                                  "découpez-le en plusieurs fichiers.",
                                  count=len(body), max=MAX_ROWS))
    except _FileRejected as problem:
        preview.errors.append(problem.args[0])
        return preview
    preview.rows = [_read_row(line, cells, mapping, len(header)) for line, cells in body]
    _flag_duplicates_in_file(preview.rows)
    return preview


def check_agents_csv(data: bytes) -> ImportPreview:
    """parse_agents_csv, plus the e-mail addresses already used by an account of any kind."""
    preview = parse_agents_csv(data)
    emails = [row.cleaned["email"] for row in preview.rows if "email" in row.cleaned]
    used = set()
    for start in range(0, len(emails), 500):
        chunk = emails[start:start + 500]
        used.update(email for (email,) in db.session.query(User.email).filter(User.email.in_(chunk)))
    for row in preview.rows:
        if row.cleaned.get("email") in used:
            row.add_error("email", _l("Ligne %(line)s : l'adresse e-mail « %(value)s » est déjà "
                                     "utilisée par un compte existant", line=row.line,
                                     value=row.cleaned["email"]))
    return preview


def import_agents(actor, office_id: int, data: bytes) -> list:
    """Create every agent of the file in `office_id`, or none: AgentImportRejected on any error."""
    if db.session.get(Office, office_id) is None:
        raise NotFound()
    if actor is not None and actor.role is not Role.network_admin and not (
            actor.role is Role.office_admin and actor.office_id == office_id):
        raise Forbidden()
    preview = check_agents_csv(data)
    if not preview.ok:
        raise AgentImportRejected(preview)
    # create_user flushes each agent itself; autoflush before its e-mail query would add a second.
    with db.session.no_autoflush:
        agents = [create_agent(actor, office_id, **row.agent_fields()) for row in preview.rows]
    record_event(actor, "agent.csv_imported", "office", office_id, count=len(agents))
    return agents


def example_csv() -> bytes:
    """A small valid file with the exact columns: UTF-8 with BOM and ';', as Excel opens it."""
    lines = [";".join(COLUMNS),
             "Élodie;Martí;elodie.marti@example.fr;permanent;01/03/2024;",
             "Núria;Puig;nuria.puig@example.fr;saisonnier;01/06/2026;30/09/2026",
             "Jordi;Bosch;jordi.bosch@example.fr;saisonnier;;15/09/2026"]
    return "\r\n".join(lines + [""]).encode("utf-8-sig")


def _decode(data: bytes) -> tuple:
    """The text and the encoding's name: UTF-8 (BOM or not), else Windows-1252."""
    if not data or not data.strip():
        raise _FileRejected(_l("Le fichier est vide."))
    if len(data) > MAX_BYTES:
        raise _FileRejected(_l("Le fichier dépasse 2 Mo : découpez-le en plusieurs fichiers."))
    return decode_text(data)


def _map_header(header: list) -> tuple:
    """Column → cell index, and the names of the columns that are not ours (ignored)."""
    mapping, ignored, repeated = {}, [], []
    for index, name in enumerate(header):
        column = _HEADER_KEYS.get(_simplify(name))
        if column is None:
            ignored += [name.strip()] if name.strip() else []
        elif column in mapping:
            repeated.append(column)
        else:
            mapping[column] = index
    if repeated:
        raise _FileRejected(_l("La colonne « %(column)s » apparaît plusieurs fois dans la ligne des "
                              "noms de colonnes.", column=repeated[0]))
    missing = [column for column in REQUIRED_COLUMNS if column not in mapping]
    if missing:
        raise _FileRejected(lazy_ngettext(
            "Colonne manquante : %(names)s. La première ligne doit nommer les colonnes %(all)s.",
            "Colonnes manquantes : %(names)s. La première ligne doit nommer les colonnes %(all)s.",
            len(missing), names=", ".join(missing), all=" ; ".join(COLUMNS)))
    return mapping, ignored


def _read_row(line: int, cells: list, mapping: dict, width: int) -> ImportRow:
    values = {column: cells[i].strip() if i < len(cells) else "" for column, i in mapping.items()}
    row = ImportRow(line=line, values=values)
    if any(cell.strip() for cell in cells[width:]):
        row.add_error(None, _l("Ligne %(line)s : plus de valeurs que de colonnes (vérifiez le "
                              "séparateur et les guillemets)", line=line))
    for column, i in mapping.items():
        if i < len(cells) and ("\n" in cells[i] or "\r" in cells[i]):
            row.add_error(column, _l("Ligne %(line)s : la colonne %(column)s contient un retour à "
                                    "la ligne (guillemet non fermé ?)", line=line, column=column))
    _check_names(row)
    _check_email(row)
    _check_kind(row)
    _check_dates(row)
    return row


def _short(value: str) -> str:
    return value if len(value) <= 60 else value[:57] + "…"


def _check_names(row: ImportRow) -> None:
    for column, key in (("prenom", "first_name"), ("nom", "last_name")):
        value = row.values[column]
        if column in row.error_columns:
            continue
        if not value:
            row.add_error(column, _l("Ligne %(line)s : prénom manquant", line=row.line)
                          if column == "prenom" else _l("Ligne %(line)s : nom manquant", line=row.line))
        elif len(value) > NAME_MAX:
            row.add_error(column, _l("Ligne %(line)s : %(column)s trop long (%(max)s caractères au "
                                    "plus)", line=row.line, column=column, max=NAME_MAX))
        else:
            row.cleaned[key] = value


def _check_email(row: ImportRow) -> None:
    value = row.values["email"]
    if "email" in row.error_columns:
        return
    if not value:
        row.add_error("email", _l("Ligne %(line)s : adresse e-mail manquante", line=row.line))
        return
    try:
        email = validate_email(value, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        row.add_error("email", _l("Ligne %(line)s : adresse e-mail invalide (« %(value)s »)",
                                 line=row.line, value=_short(value)))
    else:
        row.cleaned["email"] = email


def _check_kind(row: ImportRow) -> None:
    value = row.values["type"]
    if "type" in row.error_columns:
        return
    kind = KIND_ALIASES.get(_simplify(value))
    if kind is not None:
        row.cleaned["kind"] = kind
    elif not value:
        row.add_error("type", _l("Ligne %(line)s : type manquant — indiquez permanent ou "
                                "saisonnier", line=row.line))
    else:
        row.add_error("type", _l("Ligne %(line)s : type inconnu (« %(value)s ») — indiquez "
                                "permanent ou saisonnier", line=row.line, value=_short(value)))


def _check_dates(row: ImportRow) -> None:
    start = _date_cell(row, "debut_contrat", "contract_start")
    end = _date_cell(row, "fin_contrat", "contract_end")
    if row.cleaned.get("kind") is AgentKind.seasonal and not row.values.get("fin_contrat"):
        row.add_error("fin_contrat", _l("Ligne %(line)s : date de fin obligatoire pour un "
                                       "saisonnier (colonne fin_contrat)", line=row.line))
    if start and end and end < start:
        row.add_error("fin_contrat", _l("Ligne %(line)s : la date de fin (« %(end)s ») précède la "
                                       "date de début (« %(start)s »)", line=row.line,
                                       end=row.values["fin_contrat"],
                                       start=row.values["debut_contrat"]))


def _date_cell(row: ImportRow, column: str, key: str):
    """The date in `column`, or None when empty or wrong (then the row gets the error)."""
    value = row.values.get(column, "")
    if not value or column in row.error_columns:
        return None
    parsed = _parse_date(value)
    if parsed is None or not 1900 <= parsed.year <= 2100:
        message = (_l("Ligne %(line)s : date de début invalide (« %(value)s ») — format attendu "
                     "JJ/MM/AAAA", line=row.line, value=_short(value)) if column == "debut_contrat"
                   else _l("Ligne %(line)s : date de fin invalide (« %(value)s ») — format attendu "
                          "JJ/MM/AAAA", line=row.line, value=_short(value)))
        row.add_error(column, message)
        return None
    row.cleaned[key] = parsed
    return parsed


def _parse_date(value: str):
    french, iso = _FR_DATE.fullmatch(value), _ISO_DATE.fullmatch(value)
    try:
        if french:
            return date(int(french.group(3)), int(french.group(2)), int(french.group(1)))
        if iso:
            return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
    except ValueError:
        return None
    return None


def _flag_duplicates_in_file(rows: list) -> None:
    first_line = {}
    for row in rows:
        email = row.cleaned.get("email")
        if email is None:
            continue
        if email in first_line:
            row.add_error("email", _l("Ligne %(line)s : l'adresse e-mail « %(value)s » figure déjà "
                                     "ligne %(other)s", line=row.line, value=email,
                                     other=first_line[email]))
        else:
            first_line[email] = row.line
