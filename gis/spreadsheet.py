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
