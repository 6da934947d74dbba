"""Tables as CSV (Excel in French) and XLSX: what a spreadsheet opens is what the screen showed,
and a cell can never turn into a formula."""
import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from passresot.exports import Table, UnknownExportFormat, table_csv, table_response, table_xlsx

TABLE = Table("Visites / mois", ["Mois", "Visites", "Heures", "Partenaire"], [
    ["janvier", 12, 3.5, "Château de Salses"],
    ["février", 0, 0.0, "=HYPERLINK(\"http://evil\")"],
    [date(2026, 3, 1), 7, None, "-2+3"],
])


def test_csv_opens_in_french_excel_with_the_same_cells():
    body = table_csv(TABLE)
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Mois", "Visites", "Heures", "Partenaire"]
    assert rows[1] == ["janvier", "12", "3,50", "Château de Salses"]
    assert rows[2][3] == "'=HYPERLINK(\"http://evil\")"
    assert rows[3] == ["01/03/2026", "7", "", "'-2+3"]


def test_xlsx_keeps_numbers_dates_and_defuses_formulas(app):
    book = load_workbook(io.BytesIO(table_xlsx(TABLE)))
    sheet = book.active
    assert sheet.title == "Visites   mois"
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == ["Mois", "Visites", "Heures", "Partenaire"]
    assert values[1] == ["janvier", 12, 3.5, "Château de Salses"]
    assert values[2][3] == "'=HYPERLINK(\"http://evil\")"
    assert sheet.cell(row=2, column=4).data_type == "s"
    assert values[3][0].date() == date(2026, 3, 1)


def test_response_names_the_file_and_refuses_other_formats(app):
    with app.test_request_context():
        response = table_response(TABLE, "xlsx", "visites 2026/../x")
        assert response.headers["Content-Disposition"] == 'attachment; filename="visites-2026----x.xlsx"'
        assert response.mimetype.endswith("spreadsheetml.sheet")
        assert table_response(TABLE, "csv", "v").mimetype == "text/csv"
        with pytest.raises(UnknownExportFormat):
            table_response(TABLE, "pdf", "v")


def test_a_large_table_is_written_by_the_stream_writer_with_the_same_cells(monkeypatch):
    """Above LARGE_TABLE_ROWS the XLSX comes from passresot/xlsx_stream.py: openpyxl reads the same
    values, bold frozen header, widths, dates and defused formulas as from the small-table path."""
    from datetime import datetime

    from passresot import exports

    table = Table("Partenaires [2026]", ["Partenaire", "Visites", "Heures", "Jour", "Moment"], [
        ["Château <Salses> & co", 12, 3.5, date(2026, 3, 1), datetime(2026, 3, 1, 14, 30)],
        ["=HYPERLINK(\"http://evil\")", 0, None, None, None],
        [" espace ", -4, 0.25, date(2025, 12, 31), None],
    ])
    small = load_workbook(io.BytesIO(table_xlsx(table))).active
    monkeypatch.setattr(exports, "LARGE_TABLE_ROWS", 1)
    large = load_workbook(io.BytesIO(table_xlsx(table))).active
    assert [[c.value for c in row] for row in large.iter_rows()] == [[c.value for c in row] for row in small.iter_rows()]
    assert large.title == small.title == "Partenaires  2026"
    assert large["A1"].font.b and not large["A2"].font.b
    assert large.freeze_panes == "A2"
    assert large.column_dimensions["A"].width == small.column_dimensions["A"].width
    assert large["D2"].is_date and large["E2"].value == datetime(2026, 3, 1, 14, 30)
    assert large["A3"].value == "'=HYPERLINK(\"http://evil\")" and large["A3"].data_type == "s"


def test_a_large_table_is_written_by_the_stream_writer_not_openpyxl(monkeypatch):
    """Past LARGE_TABLE_ROWS the XLSX comes from xlsx_stream (openpyxl needs seconds for 50,000 rows:
    bench/xlsx_export.py times both); the file is whole and openpyxl reads it back."""
    import openpyxl

    from passresot import exports

    def no_openpyxl(*args, **kwargs):
        raise AssertionError("openpyxl's Workbook used for a large table")

    monkeypatch.setattr(openpyxl, "Workbook", no_openpyxl)  # exports imports it when a table is written
    table = Table("Partenaires", ["Partenaire", "Commune", "Visites"],
                  [(f"Site {n}", "Collioure", n) for n in range(exports.LARGE_TABLE_ROWS + 1)])
    sheet = load_workbook(io.BytesIO(table_xlsx(table)), read_only=True).active
    assert sheet.max_row == exports.LARGE_TABLE_ROWS + 2
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Partenaire", "Commune", "Visites") and rows[-1] == (f"Site {exports.LARGE_TABLE_ROWS}",
                                                                          "Collioure", exports.LARGE_TABLE_ROWS)


def test_the_stream_writer_drops_characters_xml_forbids(monkeypatch):
    from passresot import exports

    monkeypatch.setattr(exports, "LARGE_TABLE_ROWS", 0)
    table = Table("T", ["Nom"], [["Bell\x07e <b>&"], ["tab\tok"]])
    sheet = load_workbook(io.BytesIO(table_xlsx(table))).active
    assert [row[0] for row in sheet.iter_rows(values_only=True)] == ["Nom", "Belle <b>&", "tab\tok"]
