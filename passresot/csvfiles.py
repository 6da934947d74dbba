"""Reading uploaded CSV files as people save them from Excel: encoding, separator, header names."""
import codecs
import csv
import io
import re
import unicodedata

from flask_babel import lazy_gettext as _l

#: Control bytes never found in a text file (tab, CR and LF excepted); the same in UTF-8 and cp1252.
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class FileRejected(Exception):
    """A file-level problem; args[0] is the French message to show beside the file field."""


def looks_binary(data: bytes) -> bool:
    """True for a spreadsheet, an image, an archive...: bytes no text file contains."""
    return data.startswith(b"PK\x03\x04") or bool(_CONTROL.search(data))


def decode_text(data: bytes) -> tuple:
    """The text and the encoding's name: UTF-8 (BOM or not), else Windows-1252."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FileRejected(_l("Ce fichier est encodé en UTF-16 : dans Excel, enregistrez-le au "
                              "format « CSV UTF-8 (délimité par des virgules) »."))
    if data.startswith(b"PK\x03\x04"):
        raise FileRejected(_l("Ce fichier est un classeur Excel, pas un CSV : dans Excel, "
                              "enregistrez-le au format « CSV UTF-8 (délimité par des virgules) »."))
    if _CONTROL.search(data):
        raise FileRejected(_l("Ce fichier n'est pas un fichier texte CSV : dans Excel, "
                              "enregistrez-le au format « CSV UTF-8 (délimité par des virgules) »."))
    try:
        if data.startswith(codecs.BOM_UTF8):
            return data[len(codecs.BOM_UTF8):].decode("utf-8"), "UTF-8"
        try:
            return data.decode("utf-8"), "UTF-8"
        except UnicodeDecodeError:
            return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        raise FileRejected(_l("Encodage du fichier non reconnu : enregistrez-le en UTF-8 ou en "
                              "Windows-1252 (« CSV UTF-8 » dans Excel).")) from None


def read_records(text: str) -> tuple:
    """The delimiter and the non-empty records as (line number, cells); an Excel 'sep=' line is obeyed."""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    declared = re.fullmatch(r"(?i)sep=(.)", first)
    if declared:
        delimiter = declared.group(1)
        text = text[text.index(first) + len(first):]
        first = next((line for line in text.splitlines() if line.strip()), "")
    else:
        delimiter = max(";,", key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records, line = [], 1
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                records.append((line, cells))
            line = reader.line_num + 1
    except csv.Error:
        raise FileRejected(_l("Le fichier CSV est mal formé vers la ligne %(line)s : vérifiez "
                              "les guillemets.", line=reader.line_num)) from None
    return delimiter, records


def simplify(name: str) -> str:
    """'Début du contrat' → 'debut_du_contrat': case, accents and punctuation do not matter."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "_", plain.lower()).strip("_")
