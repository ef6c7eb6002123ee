"""Every CSV the service writes opens in Excel with Chinese intact and runs no formula."""
from __future__ import annotations

import csv
import io

import pytest

from gis.spreadsheet import BOM, csv_text, neutralise


@pytest.mark.parametrize("cell", ["=HYPERLINK(\"http://x\",\"点我\")", "=cmd|' /C calc'!A0",
                                  "+86 431", "-1+2", "@SUM(A1)", "\tTAB", "\rCR"])
def test_cells_that_a_spreadsheet_would_run_are_made_text(cell):
    assert neutralise(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["临河街1226号", "EDP01", "", 42, -3.5, None])
def test_ordinary_cells_are_kept(cell):
    assert neutralise(cell) == cell


def test_csv_has_a_bom_and_round_trips_chinese():
    text = csv_text(["学校", "备注"], [["吉林小学", "=1+1"], ["安宁小学", "正常"]])
    assert text.startswith(BOM)
    rows = list(csv.reader(io.StringIO(text.removeprefix(BOM))))
    assert rows == [["学校", "备注"], ["吉林小学", "'=1+1"], ["安宁小学", "正常"]]
