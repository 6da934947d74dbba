"""Time an XLSX export of a national table (50,000 partners × 3 columns): the stream writer the app
uses past LARGE_TABLE_ROWS (passresot/xlsx_stream.py) against openpyxl, median of 3 runs each.

    .venv/bin/python bench/xlsx_export.py [rows]
"""
import io
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from openpyxl import Workbook  # noqa: E402

from passresot.exports import Table, table_xlsx  # noqa: E402


def timed(write) -> float:
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        write()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def with_openpyxl(table) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(list(table.columns))
    for row in table.rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def main(rows: int) -> None:
    table = Table("Partenaires", ["Partenaire", "Commune", "Visites"],
                  [(f"Site {n}", "Collioure", n) for n in range(rows)])
    stream, plain = timed(lambda: table_xlsx(table)), timed(lambda: with_openpyxl(table))
    print(f"{rows} rows: stream writer {stream:.2f} s, openpyxl {plain:.2f} s ({plain / stream:.1f}× slower)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000)
