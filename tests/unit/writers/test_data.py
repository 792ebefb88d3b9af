"""writers/data.py: CSV and xlsx cells never run as formulas; workbooks lay out records."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

import pytest
from openpyxl import load_workbook

from samverkan.rules.records import Column, Records
from samverkan.writers.data import CsvWriter, XlsxWriter, neutralise, row_height

STAMP = dt.datetime(2026, 11, 24, 12, tzinfo=dt.timezone.utc)
HOSTILE = ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR", "=1"]


@pytest.mark.parametrize("value", HOSTILE)
def test_formula_like_text_gets_a_leading_apostrophe(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["Täby kommun", "A-3.1-2", "", "2026", " =inte först", "e-post@x.se", 12])
def test_other_values_are_kept(value):
    assert neutralise(value) == value


def records() -> Records:
    columns = (Column("name", "Organisation", 20), Column("text", "Synpunkt", 40, wrap=True))
    rows = tuple({"name": v, "text": f"Svar {i}: " + "ord " * 30} for i, v in enumerate(HOSTILE))
    return Records("Test", columns, rows)


def test_csv_cells_are_neutralised():
    text = CsvWriter().write(records(), STAMP).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert [r[0] for r in rows[1:]] == ["'" + v for v in HOSTILE]


def test_xlsx_cells_are_text_not_formulas(tmp_path):
    data = XlsxWriter().write(records(), STAMP)
    sheet_xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml                              # no cell holds a formula
    path = tmp_path / "x.xlsx"
    path.write_bytes(data)
    sheet = load_workbook(path).active
    assert [sheet.cell(r, 1).value for r in range(2, 2 + len(HOSTILE))] == ["'" + v for v in HOSTILE]
    assert all(sheet.cell(r, 1).data_type == "s" for r in range(2, 2 + len(HOSTILE)))
    assert sheet.freeze_panes == "A2" and sheet.page_setup.orientation == "landscape"
    assert sheet.row_dimensions[2].height >= 2 * 15                # 150 characters in a 40 wide column wrap
    assert XlsxWriter().write(records(), STAMP) == data           # same records, same bytes


def test_row_height_grows_with_wrapped_text_only():
    assert row_height([("kort", 40, True)]) == row_height([("x" * 500, 10, False)]) == 18
    assert row_height([("ord " * 50, 20, True)]) > row_height([("ord " * 10, 20, True)])
    assert row_height([("a\nb\nc", 40, True)]) == 3 * 15 + 3
