"""CSV that Excel opens safely: UTF-8 with a BOM (Chinese intact) and no formula injection.

A cell that starts with = + - @, a tab or a carriage return is run as a formula by Excel and
WPS (`=HYPERLINK(…)`, `=cmd|…`); such cells get a leading apostrophe, which the spreadsheet
shows as text and does not display. Every CSV the service writes goes through here.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def neutralise(value: object) -> object:
    """The cell as a spreadsheet will show it, never as a formula. Numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """The rows as CSV text with a BOM, every text cell neutralised."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralise(h) for h in header])
    writer.writerows([neutralise(cell) for cell in row] for row in rows)
    return BOM + out.getvalue()


XLSX_MAGIC = b"PK\x03\x04"
MAX_XLSX_CELLS = 2_000_000  # a results file has ~10^4 rows of ~10 columns


class SpreadsheetError(ValueError):
    """An Excel file that cannot be read safely; `row` and `column` (1-based) locate a cell
    whose value was lost (None when the whole file is unreadable)."""

    def __init__(self, reason: str, row: int | None = None, column: int | None = None):
        super().__init__(reason)
        self.row, self.column = row, column


def is_xlsx(data: bytes) -> bool:
    return data.startswith(XLSX_MAGIC)


def xlsx_rows(data: bytes) -> list[list[str]]:
    """The first sheet of an Excel workbook as rows of text, as a CSV reader would give them
    (numbers without a trailing ".0", empty cells as "")."""
    import zipfile

    from openpyxl import load_workbook  # only staff imports need it, not every worker
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise SpreadsheetError("not a readable Excel workbook") from error
    sheet = workbook.worksheets[0]
    rows, cells = [], 0
    for values in sheet.iter_rows(values_only=True):
        cells += len(values)
        if cells > MAX_XLSX_CELLS:
            raise SpreadsheetError("too many cells")
        row = len(rows) + 1
        for column, value in enumerate(values, 1):
            if isinstance(value, int | float) and abs(value) >= 1e15:
                # Excel keeps 15 significant digits: an 18-digit ID typed as a number has
                # already lost its last digits, and no reading can bring them back.
                raise SpreadsheetError("long number stored as a number", row, column)
        rows.append([_cell_text(v) for v in values])
    workbook.close()
    while rows and not any(rows[-1]):
        rows.pop()
    return rows


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
