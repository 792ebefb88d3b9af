"""writers/data.py: CSV and xlsx cells never run as formulas; workbooks lay out records."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import replace

import pytest
from lxml import etree
from openpyxl import load_workbook

from samverkan.rules.records import Column, FollowUpWorkbook, Records
from samverkan.writers.data import CsvWriter, FollowUpCopies, XlsxWriter, neutralise, row_height

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


def follow_up() -> FollowUpWorkbook:
    columns = (Column("id", "Nr", 13, wrap=True), Column("text", "Åtagande", 50, wrap=True),
               Column("status", "Status", 13), Column("comment", "Kommentar", 32, wrap=True),
               Column("document", "Dokument", 18, wrap=True))
    rows = tuple({"id": f"A-{i}", "text": "Ett åtagande", "document": "Avtal", "draft": i == 2} for i in range(1, 4))
    header = (("Kommun", "Täby kommun", False), ("Datum", "", True))
    return FollowUpWorkbook("Uppföljning 2026", "Uppföljning", header, ("Fyll i de gula cellerna.",), columns,
                            ("Genomförd", "Pågår"), rows, "Instruktioner", ("Spara filen.",))


def test_follow_up_cells_look_as_their_kind_says(tmp_path):
    """Header row bold on blue-grey, the cells to fill in yellow and unlocked (the sheet is
    protected), the commitments of a draft grey, the rest locked and white; wrapping by column."""
    path = tmp_path / "f.xlsx"
    path.write_bytes(XlsxWriter().write(follow_up(), STAMP))
    sheet = load_workbook(path)["Uppföljning"]
    assert sheet["A1"].font.b and sheet["A1"].font.sz == 14 and sheet["A1"].font.name == "Calibri"
    assert sheet["A2"].font.b and sheet["B2"].protection.locked and sheet["B2"].fill.fgColor.rgb != "00FFF2CC"
    assert not sheet["B3"].protection.locked and sheet["B3"].fill.fgColor.rgb == "00FFF2CC"       # Datum
    top = next(r for r in range(1, 10) if sheet.cell(r, 1).value == "Nr")
    assert all(c.font.b and c.fill.fgColor.rgb == "00DDE6EF" and c.alignment.wrap_text for c in sheet[top])
    for row, draft in ((top + 1, False), (top + 2, True), (top + 3, False)):
        cells = sheet[row]
        assert [c.protection.locked for c in cells] == [True, True, False, False, True]
        assert [c.fill.fgColor.rgb == "00FFF2CC" for c in cells] == [False, False, True, True, False]
        assert [c.fill.fgColor.rgb == "00F2F2F2" for c in cells] == [draft, draft, False, False, draft]
        assert [bool(c.alignment.wrap_text) for c in cells] == [True, True, False, True, True]
        assert all(c.alignment.vertical == "top" for c in cells)
    assert load_workbook(path)["Instruktioner"]["A1"].font.sz == 13


def test_xlsx_texts_are_shared_once_each():
    """Every text is in the shared-strings table once, and the cells refer to it (as Excel
    saves a workbook): a text that comes in every row is stored once."""
    package = zipfile.ZipFile(io.BytesIO(XlsxWriter().write(follow_up(), STAMP)))
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    table = etree.fromstring(package.read("xl/sharedStrings.xml"))
    texts = [si.findtext(f"{main}t") for si in table]
    assert len(texts) == len(set(texts)) == int(table.get("uniqueCount")) and texts.count("Ett åtagande") == 1
    for name in ("xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"):
        cells = list(etree.fromstring(package.read(name)).iter(f"{main}c"))
        assert cells and all(c.get("t") in ("s", "n") for c in cells)
        assert all(0 <= int(c.findtext(f"{main}v")) < len(texts) for c in cells if c.get("t") == "s")
    assert "Uppföljning 2026" in texts and "Spara filen." in texts


def unit_workbook(name: str, code: str | None = "0160", rows: tuple[dict, ...] | None = None) -> FollowUpWorkbook:
    """follow_up() for another unit: its name and kommunkod (None: a region, without one)."""
    base = follow_up()
    header = (("Kommun", name, False),) + ((("Kommunkod", code, False),) if code is not None else ()) + \
        (("Period", "2026", False), ("Datum", "", True))
    return replace(base, header=header, subject=f"Uppföljning: {name}, 2026", rows=rows or base.rows)


def laid_out_whole(form: FollowUpWorkbook) -> bytes:
    from samverkan.writers.data import _follow_up_book, _save

    return _save(_follow_up_book(form, STAMP), STAMP)


@pytest.mark.parametrize("name, code", [("Täby kommun", "0160"), ("Stockholm, Rinkeby-Kista", "0180"),
                                        ("Region Stockholm", None), ("Sörmland & Co <AB>", "0480"),
                                        ("  Ekerö  ", "0125"), ("Rad ett\nrad två", "0999"),
                                        ("Täby kommun", "")])         # an empty cell stays empty
def test_a_units_workbook_is_a_copy_with_the_bytes_of_one_laid_out_whole(name, code):
    """A kommun's, a stadsdel's and the region's follow-up workbook are made as copies of one
    laid out for all (FollowUpCopies), each byte for byte the workbook laid out for that unit."""
    copies = FollowUpCopies()
    for form in (unit_workbook("Danderyds kommun", "0162"), unit_workbook(name, code)):
        copied = copies.copy(form, STAMP)
        assert copied is not None and copied == laid_out_whole(form) == XlsxWriter().write(form, STAMP)
    assert len(copies.templates) == (1 if code else 2)     # a region's has no kommunkod row, an empty one no text


@pytest.mark.parametrize("name, code", [("=HYPERLINK(1)", "0160"),     # neutralised in its cell
                                        ("Avtal", "0160"),             # a text of the table's rows too
                                        ("Täby kommun", "Täby kommun")])   # the same text twice
def test_a_workbook_a_copy_would_not_give_is_laid_out_whole(name, code):
    form = unit_workbook(name, code)
    assert FollowUpCopies().copy(form, STAMP) is None
    assert XlsxWriter().write(form, STAMP) == laid_out_whole(form)


def test_a_stand_in_is_a_text_no_cell_holds():
    """The template's stand-ins are made of a private-use character; texts made of it in the
    rows do not become the unit's name in a copy."""
    rows = tuple({"id": f"A-{i}", "text": text, "document": "Avtal", "draft": False}
                 for i, text in enumerate(("\ue0000", "\ue0001", "\ue000\ue0000"), start=1))
    copies = FollowUpCopies()
    for name in ("Täby kommun", "Vallentuna kommun"):
        form = unit_workbook(name, rows=rows)
        copied = copies.copy(form, STAMP)
        assert copied is not None and copied == laid_out_whole(form)


def test_the_workbook_writer_does_not_import_numpy_and_leaves_it_importable():
    """openpyxl would import numpy (installed with matplotlib) only to accept numpy's numbers;
    the workers' forkserver imports the writers before a build's first task, and numpy was a
    sixth of that. In a new process: the writer loaded, numpy not; numpy then imports as always."""
    import subprocess
    import sys

    code = ("import sys; import samverkan.writers.data; import openpyxl.compat.numbers as n; "
            "print('numpy' in sys.modules, n.NUMPY); import numpy; print(numpy.zeros(2).sum())")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False", "0.0"]
