"""Tables as downloads: CSV for Excel in French (UTF-8 with BOM, `;`) or XLSX (openpyxl).

Every screen that shows a table of figures offers both. Callers build a `Table` (their own rows
only: the access rules live in the queries, not here) and return `table_response(table, fmt)`.
Text cells that a spreadsheet would run as a formula (=, +, -, @, tab, CR) are prefixed with an
apostrophe, so an exported name can never become a command (CSV/formula injection).
"""
import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Iterable, Sequence

from flask import Response

from .xlsx_stream import write_xlsx

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_SHEET_TITLE_MAX = 31


class UnknownExportFormat(ValueError):
    """The format asked for is neither csv nor xlsx."""


@dataclass
class Table:
    """A titled table: `columns` are the header labels (already translated), `rows` the values."""

    title: str
    columns: Sequence[str]
    rows: Iterable[Sequence] = field(default_factory=list)


def safe_cell(value):
    """A value a spreadsheet shows as it is: text that looks like a formula gets an apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float | Decimal):
        return f"{value:.2f}".replace(".", ",")  # French Excel reads a decimal comma
    return str(safe_cell(value))


def table_csv(table: Table) -> bytes:
    """The table as CSV that Excel in French opens directly (BOM, `;`, decimal comma)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([_csv_text(label) for label in table.columns])
    for row in table.rows:
        writer.writerow([_csv_text(value) for value in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


#: Beyond this many rows the XLSX is written by passresot/xlsx_stream.py: openpyxl needs ~30 µs a
#: cell, seconds for a national table of 50,000 partners.
LARGE_TABLE_ROWS = 2000


def table_xlsx(table: Table) -> bytes:
    """The table as an XLSX workbook of one sheet, header in bold, dates as real dates."""
    rows = [[safe_cell(value) for value in row] for row in table.rows]
    widths = [len(str(label)) for label in table.columns]
    for values in rows:
        for index, value in enumerate(values[:len(widths)]):
            widths[index] = max(widths[index], len(str(value)) if value is not None else 0)
    widths = [min(max(width + 2, 8), 60) for width in widths]
    if len(rows) > LARGE_TABLE_ROWS:
        return write_xlsx(_sheet_title(table.title), table.columns, rows, widths)
    from openpyxl import Workbook  # here, not at the top: openpyxl is a tenth of the app's start
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=False)
    sheet = book.active
    sheet.title = _sheet_title(table.title)
    sheet.append([str(label) for label in table.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for values in rows:
        sheet.append(values)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_title(title: str) -> str:
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in title).strip() or "Export"
    return cleaned[:_SHEET_TITLE_MAX]


def table_response(table: Table, fmt: str, filename: str) -> Response:
    """A download of `table` as `filename`.csv or .xlsx; UnknownExportFormat for anything else."""
    if fmt == "csv":
        body, mimetype = table_csv(table), "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        body, mimetype = table_xlsx(table), XLSX_TYPE
    else:
        raise UnknownExportFormat(fmt)
    response = Response(body, mimetype=mimetype)
    safe_name = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in filename) or "export"
    response.headers["Content-Disposition"] = f'attachment; filename="{safe_name}.{fmt}"'
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
